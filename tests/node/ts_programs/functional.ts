// Functional models: multiple inputs and outputs, shared layers, symbolic tensors, nested models.
import * as tf from '@tensorflow/tfjs';

export function build(): tf.LayersModel {
  const a: tf.SymbolicTensor = tf.input({shape: [8], name: 'a'});
  const b: tf.SymbolicTensor = tf.input({shape: [8], name: 'b'});
  const shared = tf.layers.dense({units: 4, activation: 'tanh'});
  const ha = shared.apply(a) as tf.SymbolicTensor;
  const hb = shared.apply(b) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate().apply([ha, hb]) as tf.SymbolicTensor;
  const out1 = tf.layers.dense({units: 1, name: 'reg'}).apply(merged) as tf.SymbolicTensor;
  const out2 = tf.layers.dense({units: 3, activation: 'softmax', name: 'cls'}).apply(merged) as tf.SymbolicTensor;
  const model = tf.model({inputs: [a, b], outputs: [out1, out2]});
  model.compile({optimizer: 'rmsprop', loss: ['meanSquaredError', 'categoricalCrossentropy'],
                 metrics: {cls: 'accuracy'}});
  const shape: Array<number | null> = out1.shape;
  console.log(shape, model.outputs.length, model.inputs[0].name, model.getLayer('reg').name);
  const truncated = tf.model({inputs: model.inputs, outputs: model.getLayer('reg').output});
  const conv = tf.sequential({
    layers: [
      tf.layers.conv2d({inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu'}),
      tf.layers.maxPooling2d({poolSize: 2}),
      tf.layers.batchNormalization(),
      tf.layers.flatten(),
      tf.layers.dense({units: 2, activation: 'softmax'}),
    ],
  });
  const lstm = tf.sequential();
  lstm.add(tf.layers.lstm({units: 4, inputShape: [5, 3], returnSequences: false}));
  const y = conv.predict(tf.zeros([1, 8, 8, 1])) as tf.Tensor;
  y.dispose();
  for (const layer of conv.layers) {
    const ws: tf.Tensor[] = layer.getWeights();
    layer.trainable = ws.length > 0;
  }
  void truncated;
  return model;
}
