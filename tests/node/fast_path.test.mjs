// The engine's fast path (bindings.cc wl_predict_one / wl_tensor_new / wl_tensor_read /
// wl_tensor_delete; js/src/tensor.js `_address`): tf.tensor() and a one-output predict make
// tensors known by their engine address, read and disposed without an Embind handle, and
// given one ("adopted") only when an op needs it. These tests pin down that such tensors
// behave exactly as ordinary ones: values, shape, dtype, errors, memory, and heap growth.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {tf} from './helpers.mjs';

function denseModel(units = 3, inputs = 4) {
  const m = tf.sequential();
  m.add(tf.layers.dense({units, activation: 'relu', inputShape: [inputs], biasInitializer: 'randomNormal'}));
  return m;
}

// What the model computes, by ops on ordinary tensors: relu(x·W + b). (getWeights() makes
// tensors that count in tf.memory(): taken once per model, before the counts.)
const weightsOf = new Map();
function byOps(m, x) {
  if (!weightsOf.has(m)) weightsOf.set(m, m.getWeights());
  const [w, b] = weightsOf.get(m);
  return tf.tidy(() => tf.relu(tf.add(tf.matMul(x, w), b)).dataSync());
}

test('tf.tensor() makes fast-path tensors of every dtype and rank with the values given', () => {
  const n0 = tf.memory().numTensors;
  const f = tf.tensor([[1.5, -2], [3, 4.25]]);
  assert.ok(f._address !== 0, 'made by wl_tensor_new');
  assert.deepEqual(f.shape, [2, 2]);
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(Array.from(f.dataSync()), [1.5, -2, 3, 4.25]);
  const i = tf.tensor([7, -8, 9], [3], 'int32');
  assert.ok(i.dataSync() instanceof Int32Array);
  assert.deepEqual(Array.from(i.dataSync()), [7, -8, 9]);
  const b = tf.tensor([true, false, true]);
  assert.equal(b.dtype, 'bool');
  assert.ok(b.dataSync() instanceof Uint8Array);
  assert.deepEqual(Array.from(b.dataSync()), [1, 0, 1]);
  const s = tf.scalar(3);
  assert.deepEqual(s.shape, []);
  assert.deepEqual(Array.from(s.dataSync()), [3]);
  const empty = tf.tensor([], [0, 5]);
  assert.deepEqual(empty.shape, [0, 5]);
  assert.equal(empty.dataSync().length, 0);
  // Rank 17 is beyond the fast scratch: the ordinary path makes it.
  const deep = tf.ones(new Array(17).fill(1));
  const deep2 = tf.tensor([2], new Array(17).fill(1));
  assert.equal(deep2._address, 0);
  assert.equal(deep2.rank, 17);
  assert.deepEqual(Array.from(tf.tidy(() => deep2.reshape([1]).add(deep.reshape([1])).dataSync())), [3]);
  // Ids are the engine's: unique and equal to what an op's result would number next.
  assert.notEqual(f.id, i.id);
  for (const t of [f, i, b, s, empty, deep, deep2]) t.dispose();
  assert.equal(tf.memory().numTensors, n0);
});

test('a fast-path tensor used by an op is adopted once and keeps its id, values and ownership', () => {
  const n0 = tf.memory().numTensors;
  const x = tf.tensor([1, 2, 3]);
  const id = x.id;
  const y = x.mul(2);
  assert.equal(x._address, 0, 'adopted into a handle');
  assert.equal(x.id, id);
  assert.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
  assert.deepEqual(Array.from(x.dataSync()), [1, 2, 3]);
  x.dispose();
  x.dispose();  // twice is harmless, as tfjs
  y.dispose();
  assert.equal(tf.memory().numTensors, n0);
  assert.throws(() => x.dataSync(), /disposed/);
  assert.throws(() => x.add(1), /disposed/);
});

test('a one-output predict returns a fast-path tensor equal to the ops that define it', () => {
  const m = denseModel(), m2 = denseModel(2, 3);
  const x = tf.tensor([[1, 2, 3, 4], [-5, 6, -7, 8]]);
  byOps(m, x);
  const n0 = tf.memory().numTensors;
  const y = m.predict(x);
  assert.ok(y._address !== 0);
  assert.deepEqual(y.shape, [2, 3]);
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(Array.from(y.dataSync()), Array.from(byOps(m, x)));
  // fed straight into another predict (no adoption), then into an op (adoption)
  const z = m2.predict(y);
  assert.ok(y._address !== 0, 'a fast-path input is passed by address');
  assert.deepEqual(Array.from(z.dataSync()), Array.from(byOps(m2, y)));
  const s = y.sum();
  assert.ok(Math.abs(s.dataSync()[0] - Array.from(y.dataSync()).reduce((a, v) => a + v, 0)) < 1e-5);
  for (const t of [y, z, s]) t.dispose();
  assert.equal(tf.memory().numTensors, n0);
  // inside tidy: the result kept, everything else freed
  const kept = tf.tidy(() => m.predict(tf.tensor([[0, 0, 0, 0]])));
  assert.equal(tf.memory().numTensors, n0 + 1);
  assert.deepEqual(Array.from(kept.dataSync()), Array.from(tf.tidy(() => tf.relu(weightsOf.get(m)[1]).dataSync())));
  kept.dispose();
  assert.equal(tf.memory().numTensors, n0);
  x.dispose();
  m.dispose();
  m2.dispose();
});

test('errors on the fast path are JavaScript Errors naming the problem, and the engine keeps working', () => {
  const m = denseModel();
  byOps(m, tf.zeros([1, 4]));
  const n0 = tf.memory().numTensors;
  const bad = tf.tensor([[1, 2]]);
  assert.throws(() => m.predict(bad), e => e instanceof Error && /shape \[null,4\].*\[1,2\]/.test(e.message));
  bad.dispose();
  assert.equal(tf.memory().numTensors, n0, 'nothing leaks from a failed predict');
  // a disposed input
  const gone = tf.tensor([[1, 2, 3, 4]]);
  gone.dispose();
  assert.throws(() => m.predict(gone), /disposed/);
  // a custom layer's own Error reaches the caller through the fast path's rethrow
  class Boom extends Error {}
  class Fragile extends tf.layers.Layer {
    call(inputs) {
      throw new Boom('from call()');
    }
    static get className() {
      return 'FastPathFragile';
    }
  }
  const mf = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [4]}), new Fragile({})]});
  const x = tf.tensor([[1, 2, 3, 4]]);
  assert.throws(() => mf.predict(x), e => e instanceof Boom && e.message === 'from call()');
  const y = m.predict(x);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(byOps(m, x)));
  for (const t of [x, y]) t.dispose();
  mf.dispose();  // its two weights
  assert.equal(tf.memory().numTensors, n0);
  m.dispose();
});

test('fast-path values survive the heap growing between the call and the read', () => {
  const m = denseModel();
  const x = tf.tensor([[1, 2, 3, 4]]);
  const y = m.predict(x);
  const expected = Array.from(byOps(m, x));
  // ~64 MB more: the heap (32 MB at start) grows, detaching every old view of it
  const big = tf.zeros([16 * 1024 * 1024]);
  const big2 = tf.tensor(new Float32Array(4 * 1024 * 1024).fill(0.5));
  assert.deepEqual(Array.from(y.dataSync()), expected);
  assert.equal(big2.dataSync()[4 * 1024 * 1024 - 1], 0.5);
  const z = m.predict(x);
  assert.deepEqual(Array.from(z.dataSync()), expected);
  for (const t of [x, y, z, big, big2]) t.dispose();
  m.dispose();
});
