// Parity of the neural-network ops with @tensorflow/tfjs 4.22 (cpu backend):
// values, and gradients of sum(op(...) * r) wherever tfjs can compute them.
// (tfjs throws for the gradient of dilated convolutions; its avgPool gradient
// with 'same' padding and its resize gradients with halfPixelCenters differ
// from the true gradient, which tests/cpp/test_conv.cc checks by finite
// differences instead.)
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();

function values(shape, seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({length: shape.reduce((x, y) => x * y, 1)}, () => next() * 2 - 1);
}

const CASES = [
  ['conv2d same s1', [[2, 5, 5, 3], [3, 3, 3, 4]], (l, x, f) => l.conv2d(x, f, 1, 'same'), true],
  ['conv2d valid s2', [[1, 7, 6, 2], [3, 2, 2, 3]], (l, x, f) => l.conv2d(x, f, 2, 'valid'), true],
  ['conv2d explicit pad', [[1, 4, 4, 1], [2, 2, 1, 2]], (l, x, f) => l.conv2d(x, f, 1, [[0, 0], [1, 0], [0, 2], [0, 0]]), true],
  ['conv2d dilation 2', [[1, 7, 7, 2], [3, 3, 2, 2]], (l, x, f) => l.conv2d(x, f, 1, 'same', 'NHWC', 2), false],
  ['conv2d NCHW', [[1, 2, 5, 5], [3, 3, 2, 3]], (l, x, f) => l.conv2d(x, f, 1, 'same', 'NCHW'), false],
  ['conv1d', [[2, 8, 3], [3, 3, 4]], (l, x, f) => l.conv1d(x, f, 2, 'same'), true],
  ['conv3d', [[1, 4, 4, 4, 2], [2, 2, 2, 2, 3]], (l, x, f) => l.conv3d(x, f, 1, 'valid'), true],
  ['conv2dTranspose', [[1, 3, 3, 2], [3, 3, 4, 2]], (l, x, f) => l.conv2dTranspose(x, f, [1, 6, 6, 4], 2, 'same'), true],
  ['depthwiseConv2d', [[2, 5, 5, 3], [3, 3, 3, 2]], (l, x, f) => l.depthwiseConv2d(x, f, 1, 'same'), true],
  ['depthwiseConv2d s2 valid', [[1, 6, 6, 2], [2, 2, 2, 1]], (l, x, f) => l.depthwiseConv2d(x, f, 2, 'valid'), true],
  ['separableConv2d', [[1, 5, 5, 2], [3, 3, 2, 2], [1, 1, 4, 3]], (l, x, d, p) => l.separableConv2d(x, d, p, 1, 'same'), true],
  ['maxPool 2x2', [[2, 6, 6, 3]], (l, x) => l.maxPool(x, 2, 2, 'valid'), true],
  ['maxPool 3x3 same', [[1, 5, 5, 2]], (l, x) => l.maxPool(x, 3, 1, 'same'), true],
  ['avgPool 2x2', [[2, 6, 6, 3]], (l, x) => l.avgPool(x, 2, 2, 'valid'), true],
  ['avgPool 3x3 same', [[1, 5, 5, 2]], (l, x) => l.avgPool(x, 3, 2, 'same'), false],
  ['maxPool3d', [[1, 4, 4, 4, 2]], (l, x) => l.maxPool3d(x, 2, 2, 'valid'), true],
  ['avgPool3d', [[1, 4, 4, 4, 2]], (l, x) => l.avgPool3d(x, 2, 2, 'valid'), true],
  ['batchNorm', [[2, 3, 4], [4], [4], [4], [4]],
   (l, x, m, v, o, s) => l.batchNorm(x, m, l.add(l.abs(v), 0.5), o, s, 0.001), true],
  ['localResponseNormalization', [[1, 3, 3, 6]], (l, x) => l.localResponseNormalization(x, 2, 1, 0.5, 0.75), true],
  // tfjs's resize gradients fail on non-square images: values there, gradients on square ones.
  ['resizeBilinear', [[1, 3, 4, 2]], (l, x) => l.image.resizeBilinear(x, [6, 5]), false],
  ['resizeBilinear alignCorners', [[1, 3, 4, 2]], (l, x) => l.image.resizeBilinear(x, [5, 7], true), false],
  ['resizeNearestNeighbor', [[1, 3, 4, 2]], (l, x) => l.image.resizeNearestNeighbor(x, [6, 8]), false],
  ['resizeBilinear square', [[1, 3, 3, 2]], (l, x) => l.image.resizeBilinear(x, [6, 6]), true],
  ['resizeNearestNeighbor square', [[1, 3, 3, 2]], (l, x) => l.image.resizeNearestNeighbor(x, [5, 5]), true],
  // tf.fused: values from the kernel epilogue (no tape), gradients from the composed ops
  // (tfjs computes fused gradients only for 'linear' and 'relu').
  ['fused.matMul bias relu', [[3, 4], [4, 5], [5]], (l, a, b, bias) => l.fused.matMul({a, b, bias, activation: 'relu'}), true],
  ['fused.matMul transposeB bias', [[3, 4], [5, 4], [5]],
   (l, a, b, bias) => l.fused.matMul({a, b, transposeB: true, bias}), true],
  ['fused.matMul batched, full bias', [[2, 3, 4], [2, 4, 5], [2, 3, 5]],
   (l, a, b, bias) => l.fused.matMul({a, b, bias, activation: 'relu'}), true],
  ['fused.matMul relu6', [[3, 4], [4, 5], [5]], (l, a, b, bias) => l.fused.matMul({a, b, bias: l.mul(bias, 4), activation: 'relu6'}), false],
  ['fused.matMul leakyrelu', [[3, 4], [4, 5]], (l, a, b) => l.fused.matMul({a, b, activation: 'leakyrelu', leakyreluAlpha: 0.1}), false],
  ['fused.matMul prelu', [[3, 4], [4, 5], [5], [5]],
   (l, a, b, bias, w) => l.fused.matMul({a, b, bias, activation: 'prelu', preluActivationWeights: w}), false],
  ['fused.matMul elu', [[3, 4], [4, 5]], (l, a, b) => l.fused.matMul({a, b, activation: 'elu'}), false],
  ['fused.matMul sigmoid', [[1, 4], [4, 5], [5]], (l, a, b, bias) => l.fused.matMul({a, b, bias, activation: 'sigmoid'}), false],
  ['fused.conv2d bias relu', [[2, 5, 5, 3], [3, 3, 3, 4], [4]],
   (l, x, filter, bias) => l.fused.conv2d({x, filter, strides: 1, pad: 'same', bias, activation: 'relu'}), true],
  ['fused.conv2d 1x1 bias', [[1, 4, 4, 3], [1, 1, 3, 5], [5]],
   (l, x, filter, bias) => l.fused.conv2d({x, filter, strides: 1, pad: 'valid', bias}), true],
  ['fused.conv2d NCHW relu6', [[1, 2, 5, 5], [3, 3, 2, 3], [3]],
   (l, x, filter, bias) => l.fused.conv2d({x: l.mul(x, 6), filter, strides: 1, pad: 'same', dataFormat: 'NCHW', bias, activation: 'relu6'}), false],
  ['fused.depthwiseConv2d bias', [[2, 5, 5, 3], [3, 3, 3, 2], [6]],
   (l, x, filter, bias) => l.fused.depthwiseConv2d({x, filter, strides: 2, pad: 'same', bias}), true],
  ['fused.depthwiseConv2d relu6', [[1, 5, 5, 4], [3, 3, 4, 1], [4]],
   (l, x, filter, bias) => l.fused.depthwiseConv2d({x: l.mul(x, 8), filter, strides: 1, pad: 'same', bias, activation: 'relu6'}), false],
];

const close = (a, b, what) => a.forEach((v, i) =>
  assert.ok(Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));

for (const [name, shapes, fn, grad] of CASES) {
  test(`${name}: values${grad ? ' and gradients' : ''} match tfjs`, () => {
    const data = shapes.map((s, i) => values(s, 17 * (i + 1) + name.length));
    const run = lib => {
      const inputs = shapes.map((s, i) => lib.tensor(data[i], s));
      const y = fn(lib, ...inputs);
      const out = {shape: y.shape, values: Array.from(y.dataSync())};
      if (grad) {
        const r = lib.tensor(values(y.shape, 99), y.shape);
        out.grads = lib.grads((...xs) => lib.sum(lib.mul(fn(lib, ...xs), r)))(inputs).map(g => Array.from(g.dataSync()));
      }
      return out;
    };
    const theirs = run(tfjs);
    const before = tf.memory().numTensors;
    const ours = tf.tidy(() => run(tf));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(ours.shape, theirs.shape);
    close(ours.values, theirs.values, 'value');
    if (grad) ours.grads.forEach((g, k) => close(g, theirs.grads[k], `grad ${k}`));
  });
}

test('tf.fused: bad activations and missing inputs are Errors that name the problem', () => {
  const a = tf.ones([2, 3]), b = tf.ones([3, 4]), b2 = tf.ones([4, 4]), x = tf.ones([1, 3, 3, 2]), f = tf.ones([2, 2, 3, 1]);
  const before = tf.memory().numTensors;
  assert.throws(() => tf.fused.matMul({a, b, activation: 'swish'}), /Unknown fused activation swish/);
  assert.throws(() => tf.fused.matMul({a, b, activation: 'prelu'}), /'prelu' needs preluActivationWeights/);
  assert.throws(() => tf.fused.matMul({a, b: b2}), /matMul: inner shapes/);
  assert.throws(() => tf.fused.conv2d({x, filter: f, strides: 1, pad: 'valid'}), /depth of input \(2\) must match/);
  assert.equal(tf.memory().numTensors, before);  // nothing half-made is left behind
  tf.dispose([a, b, b2, x, f]);
});

test('dimRoundingMode goes with an integer pad only: \'same\'/\'valid\' or a fractional pad throw tfjs\'s error', async () => {
  const tfjs = await loadTfjs();
  const cases = [
    lib => lib.conv2d(lib.ones([1, 5, 5, 1]), lib.ones([2, 2, 1, 1]), 2, 'valid', 'NHWC', 1, 'ceil'),
    lib => lib.depthwiseConv2d(lib.ones([1, 5, 5, 1]), lib.ones([2, 2, 1, 1]), 2, 'same', 'NHWC', 1, 'floor'),
    lib => lib.maxPool(lib.ones([1, 5, 5, 1]), 2, 2, 'same', 'floor'),
    lib => lib.avgPool(lib.ones([1, 5, 5, 1]), 2, 2, 1.5, 'round'),
    lib => lib.conv1d(lib.ones([1, 5, 1]), lib.ones([2, 1, 1]), 2, 'valid', 'NWC', 1, 'ceil'),
  ];
  const messageOf = f => { try { f(); return null; } catch (e) { return e.message; } };
  for (const [i, f] of cases.entries()) {
    const theirs = messageOf(() => f(tfjs)), ours = messageOf(() => f(tf));
    assert.match(theirs, /pad must be an integer when using dimRoundingMode/, `case ${i}: tfjs`);
    assert.equal(ours, theirs, `case ${i}`);
  }
  // An integer pad with a rounding mode computes as tfjs.
  const a = tf.avgPool(tf.range(0, 36).reshape([1, 6, 6, 1]), 3, 2, 1, 'ceil');
  const b = tfjs.avgPool(tfjs.range(0, 36).reshape([1, 6, 6, 1]), 3, 2, 1, 'ceil');
  assert.deepEqual(a.shape, b.shape);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  a.dispose();
});
