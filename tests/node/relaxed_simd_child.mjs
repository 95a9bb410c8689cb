// Run by relaxed_simd.test.mjs in a Node with relaxed SIMD on (Node 20:
// --experimental-wasm-relaxed-simd): the relaxed-SIMD engine (dist-relaxed/) against its own
// reference backend 'cpu' on the kernels that use relaxed_madd (the GEMM of matMul, dense and
// conv2d; depthwise) and on a small MobileNetV2. Prints one JSON line: per case, the largest
// difference relative to the case's largest value, and whether any value differed at all.
import {buildMobileNetV2} from '../../bench/models.mjs';

const tf = await import(new URL('../../dist-relaxed/wasm-layers.lazy.mjs', import.meta.url).href);
await tf.ready();
const seq = (n, scale, phase = 0) => Float32Array.from({length: n}, (_, i) => Math.cos(i * 0.7 + phase) * scale);

const cases = {
  'matMul 1x300 . 300x37': () => tf.matMul(tf.tensor(seq(300, 1), [1, 300]), tf.tensor(seq(300 * 37, 0.5, 1), [300, 37])),
  'matMul 67x260 . 260x45': () => tf.matMul(tf.tensor(seq(67 * 260, 1), [67, 260]), tf.tensor(seq(260 * 45, 0.5, 1), [260, 45])),
  'matMul 129x64 . (37x64)T': () => tf.matMul(tf.tensor(seq(129 * 64, 1), [129, 64]), tf.tensor(seq(37 * 64, 0.5, 2), [37, 64]), false, true),
  'conv2d 3x3 15x17x6 -> 10': () => tf.conv2d(tf.tensor(seq(15 * 17 * 6, 1), [1, 15, 17, 6]), tf.tensor(seq(9 * 6 * 10, 0.3, 3), [3, 3, 6, 10]), 1, 'same'),
  'conv2d 1x1 20x20x24 -> 40': () => tf.conv2d(tf.tensor(seq(400 * 24, 1), [1, 20, 20, 24]), tf.tensor(seq(24 * 40, 0.3, 4), [1, 1, 24, 40]), 1, 'valid'),
  'depthwiseConv2d 3x3/2 21x19x37': () => tf.depthwiseConv2d(tf.tensor(seq(21 * 19 * 37, 1), [1, 21, 19, 37]), tf.tensor(seq(9 * 37, 0.3, 5), [3, 3, 37, 1]), 2, 'same'),
};
// A random MobileNetV2's activations fade with depth (its softmax is uniform): its first
// 41 layers (convolutions, depthwise, batch norms, relu6, a residual add), all values alive.
const model = buildMobileNetV2(tf, 64);
const head = tf.model({inputs: model.inputs, outputs: model.layers[40].output});
const image = tf.tensor(seq(64 * 64 * 3, 1, 6), [1, 64, 64, 3]);
cases['MobileNetV2-64, 41 layers'] = () => head.predict(image);

const run = async backend => {
  await tf.setBackend(backend);
  const out = {};
  for (const [name, f] of Object.entries(cases)) out[name] = await tf.tidy(f).data();
  return out;
};
const want = await run('cpu');
const got = await run('wasm');
// worst: the largest difference over the case's largest |value| (its scale); zeros: values
// that are exactly 0 on cpu.
const report = {};
for (const name of Object.keys(cases)) {
  let scale = 0, worst = 0, differs = false, zeros = 0;
  for (const v of want[name]) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want[name].length; ++i) {
    const d = Math.abs(got[name][i] - want[name][i]);
    if (d !== 0 || Number.isNaN(got[name][i]) !== Number.isNaN(want[name][i])) differs = true;
    if (want[name][i] === 0) ++zeros;
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / scale);
  }
  report[name] = {worst, differs, n: want[name].length, scale, zeros};
}
console.log(JSON.stringify(report));
