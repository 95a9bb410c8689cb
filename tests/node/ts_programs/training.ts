// A plain training script as tfjs users write it: typed tensors, callbacks with tf.Logs, save/load.
import * as tf from '@tensorflow/tfjs';

function makeData(n: number): {xs: tf.Tensor2D, ys: tf.Tensor2D} {
  return tf.tidy(() => {
    const xs: tf.Tensor2D = tf.randomNormal([n, 4]) as tf.Tensor2D;
    const w: tf.Tensor2D = tf.tensor2d([[1], [-2], [3], [0.5]], [4, 1]);
    const ys = tf.matMul(xs, w).add(tf.scalar(0.1)) as tf.Tensor2D;
    return {xs, ys};
  });
}

export async function main(): Promise<number> {
  const {xs, ys} = makeData(64);
  const model: tf.Sequential = tf.sequential();
  model.add(tf.layers.dense({units: 8, inputShape: [4], activation: 'relu', kernelInitializer: 'heNormal'}));
  model.add(tf.layers.dropout({rate: 0.1}));
  model.add(tf.layers.dense({units: 1}));
  const compileArgs: tf.ModelCompileArgs = {optimizer: tf.train.adam(0.01), loss: 'meanSquaredError', metrics: ['mae']};
  model.compile(compileArgs);
  model.summary();
  const losses: number[] = [];
  const fitArgs: tf.ModelFitArgs = {
    epochs: 3,
    batchSize: 16,
    validationSplit: 0.25,
    shuffle: true,
    verbose: 0,
    callbacks: [
      {
        onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
          if (logs) losses.push(logs.loss);
        },
        onBatchEnd: (batch: number, logs?: tf.Logs) => {
          void batch;
          void logs;
        },
      },
      tf.callbacks.earlyStopping({monitor: 'val_loss', patience: 2}),
    ],
  };
  const history: tf.History = await model.fit(xs, ys, fitArgs);
  const lastLoss = history.history.loss[history.history.loss.length - 1] as number;
  const evalOut = model.evaluate(xs, ys, {batchSize: 32}) as tf.Scalar[];
  const mse: number = (await evalOut[0].data())[0];
  const pred = model.predict(tf.ones([2, 4])) as tf.Tensor;
  const values: Float32Array = pred.dataSync() as Float32Array;
  const arr = (pred as tf.Tensor2D).arraySync();
  const first: number = arr[0][0];
  const scalar: tf.Scalar = tf.scalar(3);
  const v: number = scalar.dataSync()[0] + (await scalar.array());
  const t1: tf.Tensor1D = tf.tensor1d([1, 2, 3]);
  const t3: tf.Tensor3D = tf.zeros([1, 2, 3]);
  const t4: tf.Tensor4D = tf.ones([1, 2, 3, 4]);
  const r: tf.Rank = tf.Rank.R3;
  void r;
  const d: tf.DataType = t1.dtype;
  const like: tf.TensorLike = [[1, 2], [3, 4]];
  const fromLike = tf.tensor(like, [2, 2], d);
  const saveResult: tf.io.SaveResult = await model.save(tf.io.withSaveHandler(async (artifacts: tf.io.ModelArtifacts) => ({
    modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'},
  })));
  void saveResult.modelArtifactsInfo;
  tf.dispose([xs, ys, pred, scalar, t1, t3, t4, fromLike, ...evalOut]);
  console.log(tf.memory().numTensors, values.length, first, v, mse, lastLoss, losses.length);
  return tf.memory().numTensors;
}
