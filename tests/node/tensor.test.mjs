// The tensor API against tfjs: creation, shape inference, dtype, data access,
// print()'s format, dispose and memory accounting.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {captureLog, loadTfjs, tf} from './helpers.mjs';

test('tensor2d/tensor: shape, dtype, size, rank and values', () => {
  const t = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.size, 6);
  assert.equal(t.rank, 2);
  assert.ok(t.dataSync() instanceof Float32Array);
  assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(t.arraySync(), [[1, 2, 3], [4, 5, 6]]);
  const flat = tf.tensor([1, 2, 3, 4], [2, 2]);
  assert.deepEqual(flat.arraySync(), [[1, 2], [3, 4]]);
  const ints = tf.tensor([1, 2, 3], [3], 'int32');
  assert.equal(ints.dtype, 'int32');
  assert.ok(ints.dataSync() instanceof Int32Array);
  const s = tf.scalar(3.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.arraySync(), 3.5);
  tf.dispose([t, flat, ints, s]);
});

test('data() resolves to the same values as dataSync()', async () => {
  const t = tf.tensor([0.5, -1.25], [2]);
  assert.deepEqual(Array.from(await t.data()), [0.5, -1.25]);
  assert.deepEqual(await t.array(), [0.5, -1.25]);
  t.dispose();
});

test('print() and toString() match tfjs byte for byte', async () => {
  const tfjs = await loadTfjs();
  const cases = [
    [[[8.9443779]], [1, 1]],
    [[1, 2, 3, 4, 5, 6], [2, 3]],
    [[1.5, -2.25, 3.125, 100000, 0.0001, -7], [3, 2]],
    [Array.from({length: 30}, (_, i) => i / 7), [30]],
    [Array.from({length: 24}, (_, i) => i - 12), [2, 3, 4]],
    [Array.from({length: 50}, (_, i) => i * 1.5), [25, 2]],
    [[42], []],
  ];
  for (const [values, shape] of cases) {
    const ours = tf.tensor(values, shape);
    const theirs = tfjs.tensor(values, shape);
    assert.equal(ours.toString(), theirs.toString(), `shape [${shape}]`);
    assert.equal(ours.toString(true), theirs.toString(true), `verbose, shape [${shape}]`);
    assert.equal(captureLog(() => ours.print()), captureLog(() => theirs.print()));
    ours.dispose();
    theirs.dispose();
  }
});

test('large tensors cross the boundary intact while the heap grows', () => {
  const n = 3 * 1024 * 1024;  // 12 MB per tensor: forces memory growth
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = i % 1000;
  const ts = [];
  for (let k = 0; k < 4; k++) ts.push(tf.tensor(values, [n]));
  for (const t of ts) {
    const d = t.dataSync();
    assert.equal(d.length, n);
    assert.equal(d[n - 1], (n - 1) % 1000);
    assert.equal(d[123457], 123457 % 1000);
  }
  tf.dispose(ts);
});

test('disposed tensors throw and memory returns to where it was', () => {
  const before = tf.memory();
  const a = tf.tensor2d([[1, 2]]);
  const b = tf.tensor([1, 2, 3, 4], [4]);
  assert.equal(tf.memory().numTensors, before.numTensors + 2);
  assert.equal(tf.memory().numBytes, before.numBytes + 24);
  a.dispose();
  a.dispose();  // a second dispose is harmless
  assert.equal(a.isDisposed, true);
  assert.throws(() => a.dataSync(), /Tensor is disposed/);
  tf.dispose({b});
  assert.deepEqual(tf.memory(), before);
});

test('bad tensor input gives an Error naming the problem, and the module keeps working', () => {
  assert.throws(() => tf.tensor2d([1, 2, 3], [4, 1]),
                {message: 'Based on the provided shape, [4,1], the tensor should have 4 values but has 3'});
  assert.throws(() => tf.tensor2d([[1], [2], [3]], [4, 1]), /should have 4 values but has 3/);
  assert.throws(() => tf.tensor2d([[1, 2], [3]]), /Element arr\[1\] should have 2 elements, but has 1/);
  assert.throws(() => tf.tensor2d([1, 2]), /requires shape to be provided/);
  assert.throws(() => tf.tensor([1, 2], [2], 'complex64'), /Cannot construct a complex64 tensor directly/);
  // tfjs stores numbers unencoded in a string tensor (it fails when read): an error at once here.
  assert.throws(() => tf.tensor([1, 2], [2], 'string'), /values must be strings or Uint8Arrays of bytes, but got number/);
  const ok = tf.tensor2d([[1], [2]]);
  assert.deepEqual(Array.from(ok.dataSync()), [1, 2]);
  ok.dispose();
});
