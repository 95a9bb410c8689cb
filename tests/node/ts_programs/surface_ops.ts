// The newer parts of the surface as tfjs programs use them (issue 16).
import * as tf from '@tensorflow/tfjs';

function activate<T extends tf.Tensor>(x: T): T {
  return tf.relu(tf.sigmoid(x));
}

function chained<T extends tf.Tensor>(x: T): T {
  return x.abs().exp();
}

export async function surface(): Promise<void> {
  const x: tf.Tensor2D = tf.tensor2d([[1, 2], [3, 4]]);
  const a: tf.Tensor2D = activate(x);
  const b: tf.Tensor2D = chained(x);
  const [q, r] = tf.linalg.qr(x);
  const band = tf.linalg.bandPart(x, 0, -1);
  const cm: tf.Tensor2D = tf.math.confusionMatrix(tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 1], 'int32'), 2);
  const {values, indices} = tf.unique(tf.tensor1d([1, 1, 2]));
  const coords: tf.Tensor2D = await tf.whereAsync(tf.tensor1d([1, 0, 1], 'bool'));
  const masked = await tf.booleanMaskAsync(x, tf.tensor1d([1, 0], 'bool'));
  const [kept, keptIdx] = await tf.setdiff1dAsync(tf.tensor1d([1, 2, 3]), tf.tensor1d([2]));
  const g = tf.gatherND(x, tf.tensor2d([[0, 1]], [1, 2], 'int32'));
  const s = tf.scatterND(tf.tensor2d([[0]], [1, 1], 'int32'), tf.tensor1d([5]), [3]);
  const cp = tf.cumprod(x, 1);
  const img: tf.Tensor4D = tf.zeros([1, 4, 4, 3]);
  const flipped: tf.Tensor4D = tf.image.flipLeftRight(img);
  const crops: tf.Tensor4D = tf.image.cropAndResize(img, tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0], 'int32'), [2, 2]);
  const boxes = tf.tensor2d([[0, 0, 1, 1], [0, 0, 0.9, 0.9]]);
  const nms: tf.Tensor1D = await tf.image.nonMaxSuppressionAsync(boxes, tf.tensor1d([0.9, 0.8]), 5);
  const padded = tf.image.nonMaxSuppressionPadded(boxes, tf.tensor1d([0.9, 0.8]), 5, 0.5, 0, true);
  const validOutputs: number = padded.validOutputs.dataSync()[0];
  const frames = tf.signal.frame(tf.tensor1d([1, 2, 3, 4]), 2, 1);
  const window: tf.Tensor1D = tf.signal.hannWindow(8);
  const z: tf.Tensor2D = tf.complex(x, tf.zerosLike(x));
  const zDtype: tf.DataType = z.dtype;
  const interleaved: Float32Array = z.dataSync<'complex64'>();
  const re: tf.Tensor2D = tf.real(tf.fft(z)) as tf.Tensor2D;
  const im: tf.Tensor = tf.imag(tf.spectral.ifft(z));
  const half: tf.Tensor = tf.rfft(x, 4);
  const back: tf.Tensor = tf.irfft(half).add(x.rfft().irfft()).add(z.fft().ifft().abs());
  const spectrogram: tf.Tensor = tf.signal.stft(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]), 4, 2, 4, tf.signal.hammingWindow);
  const bytes: Uint8ClampedArray = await tf.browser.toPixels(tf.zeros([2, 2, 3]) as tf.Tensor3D);
  const pixels: tf.Tensor3D = tf.browser.fromPixels({data: new Uint8Array(16), width: 2, height: 2});
  const buffer: tf.TensorBuffer<tf.Rank.R2> = await x.buffer();
  const raw = await x.bytes();
  x.throwIfDisposed();
  const strides: number[] = x.strides;

  tf.io.registerLoadRouter((url: string | string[]) => (typeof url === 'string' && url.startsWith('mem://')
      ? tf.io.fromMemory({modelTopology: {}}) : (null as unknown as tf.io.IOHandler)));
  const loader = tf.io.weightsLoaderFactory(async (urls: string[]) => urls.map(() => new ArrayBuffer(0)));
  const weights: tf.NamedTensorMap = await loader([{paths: [], weights: []}]);
  const specs: tf.io.WeightsManifestEntry[] = tf.io.getWeightSpecs([{paths: [], weights: []}]);
  const http: boolean = tf.io.isHTTPScheme('http://x');

  const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [2]})]});
  model.loadWeights(model.weights.reduce((m, w) => ({...m, [w.originalName]: w.read()}), {} as tf.NamedTensorMap), false);
  const first: tf.layers.Layer = model.findLayer(0);
  const sgd: tf.SGDOptimizer = new tf.SGDOptimizer(0.1);
  const isOpt: boolean = tf.train.adam() instanceof tf.Optimizer;
  const es = new tf.EarlyStopping({patience: 2});
  const list = new tf.CallbackList([es]);
  await list.onEpochEnd(0, {loss: 1});
  class Recorder extends tf.Callback {
    async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
      void epoch;
      void logs;
    }
  }
  tf.registerCallbackConstructor(1, Recorder);
  const op = tf.op({double: (t: tf.Tensor) => tf.mul(t, 2)});
  const doubled = op(x);
  tf.disposeVariables();
  console.log(a, b, q, r, band, cm, values, indices, coords, masked, kept, keptIdx, g, s, cp, flipped, crops, nms,
              validOutputs, frames, window, bytes, pixels, buffer, raw, strides, weights, specs, http, first, sgd, isOpt,
              doubled, tf.Rank.R1, tf.test_util.TEST_EPSILON_FLOAT16);
}
