// tf.losses.* (with weights and every tf.Reduction) and tf.metrics.* against
// @tensorflow/tfjs 4.22: one table row per case, run on the same inputs in both
// libraries; values are compared, and for losses the gradients with respect to
// every input (tf.grads over labels and predictions). No leaks.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const startTensors = tf.memory().numTensors;

/** A small seeded PRNG (mulberry32) so both libraries get the same inputs. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sizeOf = shape => shape.reduce((a, b) => a * b, 1);
const values = (shape, seed, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Array.from({length: sizeOf(shape)}, () => lo + (hi - lo) * r());
};
const binary = (shape, seed) => values(shape, seed, 0, 1).map(v => (v > 0.5 ? 1 : 0));
const probs = (shape, seed) => values(shape, seed, 0.05, 0.95);
function oneHot(rows, classes, seed) {
  const r = rng(seed);
  const out = new Array(rows * classes).fill(0);
  for (let i = 0; i < rows; i++) out[i * classes + Math.floor(r() * classes)] = 1;
  return out;
}

function assertClose(actual, expected, tol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs tfjs ${e}`);
  }
}

function compareTensors(ours, theirs, tol, what) {
  assert.deepEqual(ours.shape, theirs.shape, `${what}: shape`);
  assert.equal(ours.dtype, theirs.dtype, `${what}: dtype`);
  assertClose(Array.from(ours.dataSync()), Array.from(theirs.dataSync()), tol, what);
}

function checkLeaks(before) {
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
}

const {NONE, MEAN, SUM, SUM_BY_NONZERO_WEIGHTS} = tf.Reduction;
const REDUCTIONS = [['default', undefined], ['NONE', NONE], ['MEAN', MEAN], ['SUM', SUM],
                    ['SUM_BY_NONZERO_WEIGHTS', SUM_BY_NONZERO_WEIGHTS]];
const S = [3, 4];
// weights: none, a scalar, per-row [3,1] (broadcast, some zero), per-element (some zero)
const WEIGHTS = [['no weights', null], ['scalar weight', [[0.7], []]],
                 ['row weights', [[0.5, 0, 2], [3, 1]]], ['element weights', [values(S, 99, 0, 1).map((v, i) => (i % 5 === 0 ? 0 : v)), S]]];

// name, inputs (labels, predictions), call(lib, labels, predictions, weights, reduction)
const LOSSES = [
  ['absoluteDifference', [[values(S, 1), S], [values(S, 2), S]],
   (l, y, p, w, r) => l.losses.absoluteDifference(y, p, w, r)],
  ['meanSquaredError', [[values(S, 3), S], [values(S, 4), S]],
   (l, y, p, w, r) => l.losses.meanSquaredError(y, p, w, r)],
  ['cosineDistance axis 1', [[values(S, 5), S], [values(S, 6), S]],
   (l, y, p, w, r) => l.losses.cosineDistance(y, p, 1, w, r)],
  ['hingeLoss', [[binary(S, 7), S], [values(S, 8, -2, 2), S]],
   (l, y, p, w, r) => l.losses.hingeLoss(y, p, w, r)],
  ['huberLoss delta 1', [[values(S, 9, -2, 2), S], [values(S, 10, -2, 2), S]],
   (l, y, p, w, r) => l.losses.huberLoss(y, p, w, undefined, r)],
  ['huberLoss delta 0.3', [[values(S, 11, -2, 2), S], [values(S, 12, -2, 2), S]],
   (l, y, p, w, r) => l.losses.huberLoss(y, p, w, 0.3, r)],
  ['logLoss', [[binary(S, 13), S], [probs(S, 14), S]],
   (l, y, p, w, r) => l.losses.logLoss(y, p, w, undefined, r)],
  ['logLoss epsilon 0.01', [[binary(S, 15), S], [probs(S, 16), S]],
   (l, y, p, w, r) => l.losses.logLoss(y, p, w, 0.01, r)],
  ['sigmoidCrossEntropy', [[binary(S, 17), S], [values(S, 18, -4, 4), S]],
   (l, y, p, w, r) => l.losses.sigmoidCrossEntropy(y, p, w, undefined, r)],
  ['sigmoidCrossEntropy labelSmoothing 0.2', [[binary(S, 19), S], [values(S, 20, -4, 4), S]],
   (l, y, p, w, r) => l.losses.sigmoidCrossEntropy(y, p, w, 0.2, r)],
  ['softmaxCrossEntropy', [[oneHot(3, 4, 21), S], [values(S, 22, -3, 3), S]],
   (l, y, p, w, r) => l.losses.softmaxCrossEntropy(y, p, w, undefined, r)],
  ['softmaxCrossEntropy labelSmoothing 0.1', [[oneHot(3, 4, 23), S], [values(S, 24, -3, 3), S]],
   (l, y, p, w, r) => l.losses.softmaxCrossEntropy(y, p, w, 0.1, r)],
  ['computeWeightedLoss', [[values(S, 25, 0, 2), S], [values(S, 26), S]],
   (l, y, p, w, r) => l.losses.computeWeightedLoss(l.mul(y, p), w, r)],
];

for (const [name, inputs, call] of LOSSES) {
  const softmax = name.startsWith('softmaxCrossEntropy');  // its per-example loss is [3], not [3, 4]
  for (const [wName, w0] of WEIGHTS) {
    if (softmax && wName === 'element weights') continue;
    const w = softmax && wName === 'row weights' ? [w0[0], [3]] : w0;
    for (const [rName, reduction] of REDUCTIONS) {
      test(`losses.${name}, ${wName}, reduction ${rName}: value and gradients`, () => {
        const before = tf.memory().numTensors;
        const all = w ? [...inputs, w] : inputs;
        const ours = all.map(([v, s]) => tf.tensor(v, s));
        const theirs = all.map(([v, s]) => tfjs.tensor(v, s));
        const f = (lib, ts) => (y, p) => call(lib, y, p, w ? ts[2] : undefined, reduction);
        const vOurs = tf.tidy(() => f(tf, ours)(ours[0], ours[1]));
        const vTheirs = tfjs.tidy(() => f(tfjs, theirs)(theirs[0], theirs[1]));
        compareTensors(vOurs, vTheirs, 1e-5, 'value');
        // Gradients through our tape vs tfjs's, with respect to labels and predictions.
        const gOurs = tf.grads((y, p) => f(tf, ours)(y, p).sum())([ours[0], ours[1]]);
        const gTheirs = tfjs.grads((y, p) => f(tfjs, theirs)(y, p).sum())([theirs[0], theirs[1]]);
        gOurs.forEach((g, i) => compareTensors(g, gTheirs[i], 1e-4, `gradient ${i}`));
        tf.dispose([vOurs, ...gOurs, ...ours]);
        tfjs.dispose([vTheirs, ...gTheirs, ...theirs]);
        checkLeaks(before);
      });
    }
  }
}

test('tf.Reduction is tfjs\'s enum and SUM_BY_NONZERO_WEIGHTS is the default', () => {
  assert.deepEqual({...tf.Reduction}, {...tfjs.Reduction});
  const y = tf.tensor([[1, 2], [3, 4]]), p = tf.tensor([[0, 2], [5, 1]]);
  const byDefault = tf.losses.meanSquaredError(y, p);
  const explicit = tf.losses.meanSquaredError(y, p, undefined, tf.Reduction.SUM_BY_NONZERO_WEIGHTS);
  assert.equal(byDefault.dataSync()[0], explicit.dataSync()[0]);
  tf.dispose([y, p, byDefault, explicit]);
});

test('losses take TensorLikes and report tfjs\'s errors', () => {
  const before = tf.memory().numTensors;
  const ours = tf.losses.absoluteDifference([1, 2, 3], [2, 2, 5], [1, 0, 1]);
  const theirs = tfjs.losses.absoluteDifference([1, 2, 3], [2, 2, 5], [1, 0, 1]);
  compareTensors(ours, theirs, 1e-6, 'TensorLike value');
  ours.dispose();
  theirs.dispose();
  const message = fn => {
    try {
      fn();
    } catch (e) {
      return e.message;
    }
    return 'no error';
  };
  for (const [what, fn] of [
    ['shape mismatch', l => l.losses.meanSquaredError([1, 2, 3], [1, 2])],
    ['bad labels', l => l.losses.hingeLoss(null, [1])],
    ['unknown reduction', l => l.losses.computeWeightedLoss([1, 2], null, 7)],
    ['softmax shape mismatch', l => l.losses.softmaxCrossEntropy([[1, 0]], [[1, 0, 0]])],
  ]) {
    assert.equal(message(() => fn(tf)), message(() => fn(tfjs)), what);
  }
  checkLeaks(before);
});

test('losses.softmaxCrossEntropy gradient when the tape outlives a tidy inside f', () => {
  const before = tf.memory().numTensors;
  const y = tf.tensor([[0, 1, 0], [1, 0, 0]]), x = tf.tensor([[1, 2, 3], [0.5, -1, 2]]);
  const g = tf.grad(logits => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, logits)))(x);
  const ty = tfjs.tensor([[0, 1, 0], [1, 0, 0]]), tx = tfjs.tensor([[1, 2, 3], [0.5, -1, 2]]);
  const tg = tfjs.grad(logits => tfjs.losses.softmaxCrossEntropy(ty, logits))(tx);
  compareTensors(g, tg, 1e-5, 'gradient');
  tf.dispose([y, x, g]);
  tfjs.dispose([ty, tx, tg]);
  checkLeaks(before);
});

test('losses.softmaxCrossEntropy under a tape whose gradient skips it: its kept tensors are released later', () => {
  const before = tf.memory().numTensors;
  const y = tf.tensor([[0, 1]]), x = tf.tensor([[1, 2]]);
  // The loss is computed under the tape but is not on the path to f's result.
  const g = tf.grad(v => {
    tf.losses.softmaxCrossEntropy(y, v).dispose();
    return v.sum();
  })(x);
  assert.deepEqual(Array.from(g.dataSync()), [1, 1]);
  g.dispose();
  // The next call made while no tape records releases what that backward pass never used.
  tf.losses.softmaxCrossEntropy(y, x).dispose();
  tf.dispose([y, x]);
  checkLeaks(before);
});

test('losses drive a training loop as in tfjs (optimizer.minimize over tf.losses.*)', () => {
  const before = tf.memory().numTensors;
  const xs = [[0.1, 0.5], [0.9, -0.2], [-0.4, 0.3], [0.2, 0.8]], ys = [[1, 0], [0, 1], [1, 0], [0, 1]];
  const run = lib => {
    const init = lib.tensor([[0.1, -0.2], [0.3, 0.05]]);
    const w = lib.variable(init);
    init.dispose();
    const x = lib.tensor(xs), y = lib.tensor(ys);
    const opt = lib.train.sgd(0.5);
    const history = [];
    for (let i = 0; i < 5; i++) {
      const loss = opt.minimize(() => lib.losses.softmaxCrossEntropy(y, lib.matMul(x, w), undefined, 0.1), true);
      history.push(loss.dataSync()[0]);
      loss.dispose();
    }
    const out = {history, w: Array.from(w.dataSync())};
    lib.dispose([w, x, y]);
    if (opt.dispose) opt.dispose();
    return out;
  };
  const ours = run(tf), theirs = run(tfjs);
  assertClose(ours.history, theirs.history, 1e-5, 'loss per step');
  assertClose(ours.w, theirs.w, 1e-5, 'trained weights');
  checkLeaks(before);
});

// ---- tf.metrics ----------------------------------------------------------------------

const M = [4, 3];
const METRICS = [
  ['binaryAccuracy', [[binary(M, 31), M], [probs(M, 32), M]]],
  ['binaryCrossentropy', [[binary(M, 33), M], [probs(M, 34), M]]],
  ['categoricalAccuracy', [[oneHot(4, 3, 35), M], [probs(M, 36), M]]],
  ['categoricalCrossentropy', [[oneHot(4, 3, 37), M], [probs(M, 38), M]]],
  ['cosineProximity', [[values(M, 39), M], [values(M, 40), M]]],
  ['meanAbsoluteError', [[values(M, 41), M], [values(M, 42), M]]],
  ['meanAbsolutePercentageError', [[values(M, 43), M], [values(M, 44), M]]],
  ['meanSquaredError', [[values(M, 45), M], [values(M, 46), M]]],
  ['precision', [[binary(M, 47), M], [binary(M, 48), M]]],
  ['recall', [[binary(M, 49), M], [binary(M, 50), M]]],
  ['precision with no positives', [[binary(M, 51), M], [new Array(12).fill(0), M]], 'precision'],
  ['r2Score', [[values(M, 52), M], [values(M, 53), M]]],
  ['sparseCategoricalAccuracy [4,1] labels', [[[0, 2, 1, 2], [4, 1]], [probs(M, 54), M]], 'sparseCategoricalAccuracy'],
  ['sparseCategoricalAccuracy [4] labels', [[[0, 2, 1, 1], [4]], [probs(M, 55), M]], 'sparseCategoricalAccuracy'],
  ['MSE', [[values(M, 56), M], [values(M, 57), M]]],
  ['mse', [[values(M, 58), M], [values(M, 59), M]]],
  ['MAPE', [[values(M, 60), M], [values(M, 61), M]]],
  ['mape', [[values(M, 62), M], [values(M, 63), M]]],
];

for (const [caseName, inputs, fnName = caseName] of METRICS) {
  test(`metrics.${caseName}`, () => {
    const before = tf.memory().numTensors;
    const ours = inputs.map(([v, s]) => tf.tensor(v, s));
    const theirs = inputs.map(([v, s]) => tfjs.tensor(v, s));
    const vOurs = tf.metrics[fnName](ours[0], ours[1]);
    const vTheirs = tfjs.metrics[fnName](theirs[0], theirs[1]);
    compareTensors(vOurs, vTheirs, 1e-5, 'value');
    tf.dispose([vOurs, ...ours]);
    tfjs.dispose([vTheirs, ...theirs]);
    checkLeaks(before);
  });
}

test('tf.metrics and tf.losses have every name tfjs exports, with tfjs\'s function names; MAE/mae too', () => {
  for (const name of Object.keys(tfjs.metrics)) {
    assert.equal(typeof tf.metrics[name], 'function', name);
    assert.equal(tf.metrics[name].name, tfjs.metrics[name].name, `${name}.name (a compile() metric's log name)`);
  }
  for (const name of Object.keys(tfjs.losses)) assert.equal(typeof tf.losses[name], 'function', name);
  const before = tf.memory().numTensors;
  const y = tf.tensor([[1, 2], [3, 5]]), p = tf.tensor([[0, 2], [4, 1]]);
  for (const name of ['MAE', 'mae']) {
    assert.equal(tf.metrics[name].name, name);
    const [a, b] = [tf.metrics[name](y, p), tf.metrics.meanAbsoluteError(y, p)];
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([a, b]);
  }
  tf.dispose([y, p]);
  checkLeaks(before);
});

test('a metric is differentiable through the tape (tf.grad of metrics.meanSquaredError)', () => {
  const before = tf.memory().numTensors;
  const y = tf.tensor([[1, 2], [3, 4]]), p = tf.tensor([[0.5, 2.5], [2, 5]]);
  const g = tf.grad(x => tf.metrics.meanSquaredError(y, x).sum())(p);
  const ty = tfjs.tensor([[1, 2], [3, 4]]), tp = tfjs.tensor([[0.5, 2.5], [2, 5]]);
  const tg = tfjs.grad(x => tfjs.metrics.meanSquaredError(ty, x).sum())(tp);
  compareTensors(g, tg, 1e-6, 'gradient');
  tf.dispose([y, p, g]);
  tfjs.dispose([ty, tp, tg]);
  checkLeaks(before);
});

test('no tensors leaked by this file', () => {
  assert.equal(tf.memory().numTensors, startTensors);
});
