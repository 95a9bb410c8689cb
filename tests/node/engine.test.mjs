// The engine's public machinery: tf.tidy/keep/dispose and memory, automatic
// differentiation (grad, grads, valueAndGrad(s), variableGrads), variables,
// backends, errors that leave the module working, and collection of dropped tensors.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {loadTfjs, tf} from './helpers.mjs';

test('1000 ops inside tf.tidy leave numTensors and numBytes unchanged', () => {
  const x = tf.tensor([[1, 2, 3], [4, 5, 6]]);
  const before = tf.memory();
  tf.tidy(() => {
    let y = x;
    for (let i = 0; i < 1000; i++) y = y.mul(0.999).add(0.001).relu();
  });
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
  x.dispose();
});

test('tidy returns tensors, arrays and objects of tensors; keep() survives', () => {
  const before = tf.memory().numTensors;
  let kept;
  const out = tf.tidy(() => {
    const a = tf.tensor([1, 2]);
    kept = tf.keep(a.square());
    return {s: a.sum(), list: [a.mean(), a.max()]};
  });
  assert.equal(out.s.dataSync()[0], 3);
  assert.equal(out.list[0].dataSync()[0], 1.5);
  assert.deepEqual(Array.from(kept.dataSync()), [1, 4]);
  assert.equal(tf.memory().numTensors, before + 4);
  tf.dispose([out, kept]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => tf.tidy(() => Promise.resolve(1)), /Cannot return a Promise inside of tidy/);
  assert.equal(tf.memory().numTensors, before);
});

test('nested tidy scopes hand returned tensors to the parent scope', () => {
  const before = tf.memory().numTensors;
  const r = tf.tidy(() => {
    const inner = tf.tidy(() => tf.ones([2]).add(1));
    tf.zeros([3]);  // disposed by the outer scope
    return inner.mul(2);
  });
  assert.deepEqual(Array.from(r.dataSync()), [4, 4]);
  r.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('grad, grads, valueAndGrad(s) match tfjs', async () => {
  const tfjs = await loadTfjs();
  const f = lib => x => lib.sum(lib.mul(lib.square(x), lib.sin(x)));
  const xs = [0.5, -1.25, 2];
  const ours = tf.grad(f(tf))(tf.tensor(xs)).dataSync();
  const theirs = tfjs.grad(f(tfjs))(tfjs.tensor(xs)).dataSync();
  ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) < 1e-5, `${v} vs ${theirs[i]}`));
  const f2 = lib => (a, b) => lib.sum(lib.mul(lib.matMul(a, b), lib.tanh(a.sum())));
  const A = [[1, 2], [3, -1]], B = [[0.5], [-2]];
  const g1 = tf.grads(f2(tf))([tf.tensor(A), tf.tensor(B)]);
  const g2 = tfjs.grads(f2(tfjs))([tfjs.tensor(A), tfjs.tensor(B)]);
  g1.forEach((g, i) => g.dataSync().forEach((v, j) => assert.ok(Math.abs(v - g2[i].dataSync()[j]) < 1e-5)));
  const {value, grad} = tf.valueAndGrad(x => x.square().sum())(tf.tensor([3, 4]));
  assert.equal(value.dataSync()[0], 25);
  assert.deepEqual(Array.from(grad.dataSync()), [6, 8]);
  const vg = tf.valueAndGrads((a, b) => a.mul(b).sum())([tf.tensor([1, 2]), tf.tensor([3, 4])]);
  assert.equal(vg.value.dataSync()[0], 11);
  assert.deepEqual(Array.from(vg.grads[1].dataSync()), [1, 2]);
  // dy scales the gradient.
  const gd = tf.grad(x => x.mul(3))(tf.tensor([1, 1]), tf.tensor([2, 5]));
  assert.deepEqual(Array.from(gd.dataSync()), [6, 15]);
});

test('grad keeps no intermediates alive', () => {
  const x = tf.tensor([1, 2, 3]);
  const before = tf.memory().numTensors;
  const g = tf.grad(v => v.exp().mul(v).sum())(x);
  assert.equal(tf.memory().numTensors, before + 1);
  g.dispose();
  x.dispose();
});

test('variables: assign in place, variableGrads over trainable variables', () => {
  const w = tf.variable(tf.tensor([1, 2]), true, 'w');
  const frozen = tf.variable(tf.tensor([5]), false, 'frozen');
  const {value, grads} = tf.variableGrads(() => w.square().sum().add(frozen.sum()));
  assert.equal(value.dataSync()[0], 10);
  assert.deepEqual(Object.keys(grads), ['w']);
  assert.deepEqual(Array.from(grads.w.dataSync()), [2, 4]);
  w.assign(tf.tensor([3, 4]));
  assert.deepEqual(Array.from(w.dataSync()), [3, 4]);
  assert.throws(() => w.assign(tf.tensor([1, 2, 3])), /shape of the new value \[3\] does not match/);
  assert.throws(() => tf.variableGrads(() => w.square()), /must return a scalar/);
  tf.dispose([w, frozen, value, grads.w]);
});

test('tf.setBackend/getBackend use tfjs names; cpu and wasm give the same values', async () => {
  const start = tf.getBackend();
  assert.equal(start, process.env.WL_TEST_BACKEND || 'wasm');  // the default, unless the suite runs on a test backend
  await tf.setBackend('wasm');
  const x = tf.tensor([[1, 2], [3, 4]]);
  const a = tf.matMul(x, x).dataSync();
  assert.equal(await tf.setBackend('cpu'), true);
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(tf.matMul(x, x).dataSync(), a);
  await assert.rejects(tf.setBackend('webgpu'), /Backend name 'webgpu' not found/);
  await tf.setBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  await tf.setBackend(start);
});

test('op errors name the op and the shapes, and the module keeps working', () => {
  const a = tf.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => tf.add(a, tf.tensor([1, 2])), /could not be broadcast together with shapes \[2,3\] and \[2\]/);
  assert.throws(() => tf.sum(a, 3), /sum: axis 3 is out of range for a tensor of rank 2/);
  assert.throws(() => tf.logicalAnd(a, a), /logicalAnd: both inputs must be bool tensors/);
  assert.throws(() => tf.reshape(a, [4, 2]), /Size\(6\) must match the product of shape \[4,2\]/);
  assert.throws(() => tf.gather(a, [0, 5]), /gather: index 5 at position 1 is out of range \[0, 2\)/);
  assert.throws(() => tf.matMul(a, a), /inner shapes \(3\) and \(2\)/);
  assert.throws(() => tf.slice(a, [0, 2], [2, 2]), /slice: requested slice .* is out of bounds/);
  assert.throws(() => tf.transpose(a, [0, 0]), /must be a permutation/);
  const d = tf.tensor([1]);
  d.dispose();
  assert.throws(() => tf.exp(d), /Argument 'x' passed to 'exp' is a disposed Tensor/);
  assert.throws(() => d.exp(), /disposed Tensor/);
  assert.throws(() => tf.add('a', 1), {message: 'Argument \'a\' passed to \'add\' must be numeric tensor, but got string tensor'});
  assert.throws(() => tf.add({}, 1), /must be a Tensor or TensorLike/);
  assert.deepEqual(Array.from(a.add(1).dataSync()), [2, 3, 4, 5, 6, 7]);
});

test('dtypes: inference, bool results, int32 arithmetic and upcasting', () => {
  assert.equal(tf.tensor([true, false]).dtype, 'bool');
  assert.deepEqual(Array.from(tf.tensor([true, false]).dataSync()), [1, 0]);
  const i = tf.tensor([7, -7], [2], 'int32');
  assert.equal(i.floorDiv(tf.tensor([2, 2], [2], 'int32')).dtype, 'int32');
  assert.deepEqual(Array.from(i.floorDiv(tf.tensor([2, 2], [2], 'int32')).dataSync()), [3, -4]);
  assert.equal(i.add(tf.tensor([0.5, 0.5])).dtype, 'float32');
  assert.equal(tf.greater(i, tf.tensor([0, 0], [2], 'int32')).dtype, 'bool');
  assert.equal(tf.argMax(tf.tensor([[1, 9], [8, 2]]), 1).dtype, 'int32');
  assert.deepEqual(Array.from(tf.argMax(tf.tensor([[1, 9], [8, 2]]), 1).dataSync()), [1, 0]);
  assert.deepEqual(Array.from(tf.tensor([1.7, -1.7]).cast('int32').dataSync()), [1, -1]);
});

test('tensors dropped without dispose() have their memory freed by the garbage collector; numTensors still counts them, as tfjs', () => {
  const script = fileURLToPath(new URL('./gc_child.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', script], {encoding: 'utf8'});
  const {before, dropped, after, bytesBefore, bytesDropped, bytesAfter} = JSON.parse(out.trim().split('\n').pop());
  // 200 tensors, 100 complex, 50 + 50 + 50 predict outputs and 50 sums, each of 2 floats
  assert.equal(dropped, before + 500);
  assert.equal(bytesDropped, bytesBefore + 500 * 8);
  assert.equal(bytesAfter, bytesBefore, 'the engine memory of the dropped tensors is freed');
  assert.equal(after, dropped + 50, 'a leak stays visible in numTensors and the count never moves by itself');
});

test('customGrad uses gradFunc instead of the gradient of its ops (tfjs doc example)', async () => {
  const tfjs = await loadTfjs();
  const make = lib => lib.customGrad((x, save) => {
    save([x]);
    return {value: x.square(), gradFunc: (dy, saved) => [dy.mul(saved[0].abs())]};
  });
  const xs = [-3, -2, -1, 0, 1, 2, 3];
  const ours = tf.grad(x => make(tf)(x))(tf.tensor(xs));
  const theirs = tfjs.grad(x => make(tfjs)(x))(tfjs.tensor(xs));
  assert.deepEqual(Array.from(ours.dataSync()), Array.from(theirs.dataSync()));
  assert.deepEqual(Array.from(make(tf)(tf.tensor(xs)).dataSync()), [9, 4, 1, 0, 1, 4, 9]);
  const wrongShape = tf.customGrad(x => ({value: x.mul(2), gradFunc: () => [tf.ones([5])]}));
  assert.throws(() => tf.grad(x => wrongShape(x))(tf.tensor([1, 2])), /gradient 0 has shape \[5\] but input 0 has shape \[2\]/);
  assert.deepEqual(Array.from(tf.tensor([1, 2]).mul(2).dataSync()), [2, 4]);
});

test('tf.buffer, tensor5d/6d', () => {
  const b = tf.buffer([2, 2]);
  b.set(5, 0, 1);
  b.set(7, 1, 0);
  assert.equal(b.get(0, 1), 5);
  assert.deepEqual(b.toTensor().arraySync(), [[0, 5], [7, 0]]);
  assert.deepEqual(tf.tensor5d([1, 2], [1, 1, 1, 1, 2]).shape, [1, 1, 1, 1, 2]);
  assert.deepEqual(tf.tensor6d([[[[[[1]]]]]]).shape, [1, 1, 1, 1, 1, 1]);
});
