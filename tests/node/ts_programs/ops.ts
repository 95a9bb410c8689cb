// Ops usage with tfjs's precise types.
import * as tf from '@tensorflow/tfjs';

export async function ops(): Promise<void> {
  const x: tf.Tensor2D = tf.tensor2d([[1, 2], [3, 4]]);
  const s: tf.Scalar = x.sum();
  const m: tf.Tensor1D = x.mean(0);
  const [u, w] = tf.split(x, 2, 1);
  const {values, indices} = tf.topk(x.flatten(), 2);
  const {mean, variance} = tf.moments(x, 0);
  const oh = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3) as tf.Tensor2D;
  const c: tf.Tensor2D = tf.concat([x, x], 0);
  const st: tf.Tensor3D = tf.stack([x, x]) as tf.Tensor3D;
  const img: tf.Tensor4D = tf.zeros([1, 4, 4, 3]);
  const resized: tf.Tensor4D = tf.image.resizeBilinear(img, [8, 8]);
  const conv: tf.Tensor4D = tf.conv2d(img, tf.zeros([3, 3, 3, 2]) as tf.Tensor4D, 1, 'same');
  const data: Float32Array | Int32Array | Uint8Array = await x.data();
  const f32 = await x.data<'float32'>();
  const buf: tf.TensorBuffer<tf.Rank.R2> = tf.buffer([2, 2]);
  buf.set(1, 0, 0);
  const fromBuf: tf.Tensor = buf.toTensor();
  const r1: tf.Tensor<tf.Rank.R1> = tf.range(0, 4);
  const clip = tf.clipByValue(x, 0, 1);
  const axes: number[] = x.shape;
  const ranked: tf.Tensor<tf.Rank> = x;
  tf.dispose([x, s, m, u, w, values, indices, mean, variance, oh, c, st, img, resized, conv, fromBuf, r1, clip, ranked]);
  console.log(data.length, f32.length, axes, tf.getBackend(), tf.version.tfjs);
}
