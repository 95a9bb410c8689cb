// tf.multinomial, tf.randomStandardNormal, tf.randomUniformInt, tf.randomGamma
// and tensor.variable() against @tensorflow/tfjs 4.22. Seeded draws use tfjs's
// generator (Alea), so they equal tfjs's values; unseeded draws are checked as
// distributions (mean and variance over many samples), with tfjs's shapes,
// dtypes and errors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, outcome, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const startTensors = tf.memory().numTensors;


function stats(values) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n;
  return {mean, variance};
}

function sameAsTfjs(what, fn) {
  const ours = tf.tidy(() => outcome(() => fn(tf))), theirs = tfjs.tidy(() => outcome(() => fn(tfjs)));
  assert.deepEqual(ours, theirs, what);
}

test('seeded draws equal tfjs\'s (same generator, same seed)', () => {
  sameAsTfjs('randomStandardNormal', l => l.randomStandardNormal([3, 4], undefined, 7));
  sameAsTfjs('randomStandardNormal int32', l => l.randomStandardNormal([5], 'int32', 11));
  sameAsTfjs('randomUniformInt', l => l.randomUniformInt([20], 0, 10, 3));
  sameAsTfjs('randomUniformInt negative range', l => l.randomUniformInt([2, 10], -5, 5, 4));
  sameAsTfjs('randomUniformInt string seed', l => l.randomUniformInt([6], 2, 9, 'abc'));
  sameAsTfjs('randomGamma alpha 2', l => l.randomGamma([10], 2, undefined, undefined, 5));
  sameAsTfjs('randomGamma alpha 0.5 beta 3', l => l.randomGamma([2, 5], 0.5, 3, 'float32', 6));
  sameAsTfjs('randomGamma int32', l => l.randomGamma([8], 4, 1, 'int32', 8));
  sameAsTfjs('multinomial rank 1', l => l.multinomial([0.1, 2, -1, 0.5], 12, 13));
  sameAsTfjs('multinomial rank 2', l => l.multinomial(l.tensor([[1, 2, 3], [3, 2, 1]]), 7, 21));
  sameAsTfjs('multinomial normalized', l => l.multinomial([0.2, 0.3, 0.5], 10, 4, true));
});

test('seeded draws are reproducible; unseeded draws differ', () => {
  const a = tf.randomUniformInt([50], 0, 1000, 42), b = tf.randomUniformInt([50], 0, 1000, 42);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const c = tf.randomStandardNormal([50]), d = tf.randomStandardNormal([50]);
  assert.notDeepEqual(Array.from(c.dataSync()), Array.from(d.dataSync()));
  const e = tf.multinomial([1, 1, 1, 1], 50), f = tf.multinomial([1, 1, 1, 1], 50);
  assert.notDeepEqual(Array.from(e.dataSync()), Array.from(f.dataSync()));
  tf.dispose([a, b, c, d, e, f]);
});

test('randomStandardNormal: mean 0, variance 1, shape and dtype as tfjs', () => {
  const t = tf.randomStandardNormal([100, 100]);
  assert.deepEqual(t.shape, [100, 100]);
  assert.equal(t.dtype, 'float32');
  const {mean, variance} = stats(Array.from(t.dataSync()));
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  const i = tf.randomStandardNormal([10], 'int32');
  assert.equal(i.dtype, 'int32');
  tf.dispose([t, i]);
});

test('randomUniformInt: int32 values in [minval, maxval), uniform', () => {
  const t = tf.randomUniformInt([20000], 0, 10);
  assert.equal(t.dtype, 'int32');
  const v = Array.from(t.dataSync());
  assert.ok(v.every(x => Number.isInteger(x) && x >= 0 && x < 10));
  const counts = new Array(10).fill(0);
  v.forEach(x => counts[x]++);
  counts.forEach((c, k) => assert.ok(Math.abs(c / v.length - 0.1) < 0.015, `value ${k}: ${c}`));
  const {mean, variance} = stats(v);
  assert.ok(Math.abs(mean - 4.5) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(variance - 8.25) < 0.3, `variance ${variance}`);  // (10^2 - 1) / 12
  t.dispose();
});

test('randomGamma: tfjs\'s moments (its beta scales: mean alpha*beta, variance alpha*beta^2)', () => {
  // Porting note: tfjs documents beta as the rate but multiplies by it; seeded
  // draws above equal tfjs's, and so do these moments (checked against tfjs).
  for (const [alpha, beta] of [[2, 1], [0.5, 2], [5, 0.5]]) {
    const t = tf.randomGamma([20000], alpha, beta);
    assert.equal(t.dtype, 'float32');
    const v = Array.from(t.dataSync());
    assert.ok(v.every(x => x > 0));
    const ours = stats(v), theirs = stats(Array.from(tfjs.randomGamma([20000], alpha, beta).dataSync()));
    const m = alpha * beta, s2 = alpha * beta * beta;
    for (const [who, {mean, variance}] of [['ours', ours], ['tfjs', theirs]]) {
      assert.ok(Math.abs(mean - m) < 0.05 * m, `${who} alpha ${alpha} beta ${beta}: mean ${mean} vs ${m}`);
      assert.ok(Math.abs(variance - s2) < 0.1 * s2, `${who} alpha ${alpha} beta ${beta}: variance ${variance} vs ${s2}`);
    }
    t.dispose();
  }
});

test('multinomial: frequencies follow softmax(logits) (or the probabilities when normalized)', () => {
  const logits = [0, Math.log(2), Math.log(3), Math.log(4)];  // softmax = [0.1, 0.2, 0.3, 0.4]
  const t = tf.multinomial(logits, 20000);
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(t.shape, [20000]);
  const counts = new Array(4).fill(0);
  Array.from(t.dataSync()).forEach(k => counts[k]++);
  [0.1, 0.2, 0.3, 0.4].forEach((p, k) => assert.ok(Math.abs(counts[k] / 20000 - p) < 0.015, `class ${k}: ${counts[k]}`));
  const p = tf.tensor([[0.7, 0.3], [0, 1]]);
  const n = tf.multinomial(p, 5000, undefined, true);
  assert.deepEqual(n.shape, [2, 5000]);
  const rows = n.arraySync();
  assert.ok(Math.abs(rows[0].filter(k => k === 0).length / 5000 - 0.7) < 0.03);
  assert.ok(rows[1].every(k => k === 1));
  tf.dispose([t, p, n]);
});

test('errors as tfjs\'s, and the module keeps working after them', () => {
  const before = tf.memory().numTensors;
  for (const [what, fn] of [
    ['multinomial one outcome', l => l.multinomial([1], 3)],
    ['multinomial rank 3', l => l.multinomial(l.zeros([2, 2, 2]), 3)],
    ['randomStandardNormal bool', l => l.randomStandardNormal([2], 'bool')],
    ['randomGamma bool', l => l.randomGamma([2], 1, 1, 'bool')],
    ['randomGamma bad shape', l => l.randomGamma([-1], 1)],
    ['randomUniformInt bad shape', l => l.randomUniformInt([1.5], 0, 3)],
  ]) {
    const ours = tf.tidy(() => outcome(() => fn(tf))), theirs = tfjs.tidy(() => outcome(() => fn(tfjs)));
    assert.ok(ours.error != null, `${what}: expected an error`);
    assert.equal(ours.error, theirs.error, what);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('tensor.variable(trainable, name, dtype) makes a tf.Variable as tfjs', () => {
  const x = tf.tensor([1.5, 2.5]);
  const v = x.variable();
  assert.ok(v instanceof tf.Variable);
  assert.equal(v.trainable, true);
  assert.deepEqual(Array.from(v.dataSync()), [1.5, 2.5]);
  const w = x.variable(false, 'myVar', 'int32');
  const tw = tfjs.tensor([1.5, 2.5]).variable(false, 'myVarTfjs', 'int32');
  assert.equal(w.trainable, false);
  assert.equal(w.name, 'myVar');
  assert.equal(w.dtype, tw.dtype);
  assert.deepEqual(Array.from(w.dataSync()), Array.from(tw.dataSync()));
  // It is a variable the tape sees.
  const {value, grads} = tf.variableGrads(() => v.square().sum(), [v]);
  assert.deepEqual(Array.from(grads[v.name].dataSync()), [3, 5]);
  tf.dispose([x, v, w, value, grads]);
  tw.dispose();
});

test('no tensors leaked by this file', () => {
  assert.equal(tf.memory().numTensors, startTensors);
});
