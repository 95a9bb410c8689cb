// Tensor creation against @tensorflow/tfjs 4.22, table-driven: each row is
// run in both libraries and must give the same dtype, shape and values, or the
// same error message. Then the cases where we deliberately differ, each with
// its reason.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, outcome, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const startTensors = tf.memory().numTensors;


const ROWS = [
  // tensor1d(values, dtype): the second argument is the dtype
  ['tensor1d int32', l => l.tensor1d([1, 2, 3], 'int32')],
  ['tensor1d bool', l => l.tensor1d([1, 0, 2], 'bool')],
  ['tensor1d float32 from int-looking', l => l.tensor1d([1, 2], 'float32')],
  ['tensor1d null is 0', l => l.tensor1d([1, null, 3])],
  ['tensor1d null int32', l => l.tensor1d([null, 4], 'int32')],
  ['tensor1d booleans', l => l.tensor1d([true, false, true])],
  ['tensor1d Int32Array', l => l.tensor1d(new Int32Array([4, 5]))],
  ['tensor1d Uint8Array is int32', l => l.tensor1d(new Uint8Array([4, 5]))],
  ['tensor1d Float32Array as int32', l => l.tensor1d(new Float32Array([1.7, -2.2]), 'int32')],
  ['tensor1d nested', l => l.tensor1d([[1, 2]])],
  ['tensor1d scalar', l => l.tensor1d(3)],
  ['tensor1d null', l => l.tensor1d(null)],
  ['tensor1d empty', l => l.tensor1d([])],
  // tensor(values, shape, dtype)
  ['tensor nested', l => l.tensor([[1, 2], [3, 4]])],
  ['tensor flat with shape', l => l.tensor([1, 2, 3, 4, 5, 6], [2, 3])],
  ['tensor nested then flat dims', l => l.tensor([[1, 2, 3, 4]], [1, 2, 2])],
  ['tensor shape mismatch', l => l.tensor([1, 2, 3], [2, 2])],
  ['tensor inferred shape mismatch', l => l.tensor([[1, 2], [3, 4]], [4, 1])],
  ['tensor negative shape', l => l.tensor([1, 2, 3, 4], [-1, 2])],
  ['tensor fractional shape', l => l.tensor([1, 2, 3, 4], [2.5, 2])],
  ['tensor scalar number', l => l.tensor(5)],
  ['tensor scalar bool', l => l.tensor(false)],
  ['tensor null', l => l.tensor(null)],
  ['tensor undefined', l => l.tensor(undefined)],
  ['tensor object', l => l.tensor({a: 1})],
  ['tensor bool conversion rounds', l => l.tensor([0.4, 0.6, -0.5, -0.7, 2], undefined, 'bool')],
  ['tensor int32 conversion truncates', l => l.tensor([1.7, -1.7, NaN, 2.5], undefined, 'int32')],
  ['tensor numeric strings as float32', l => l.tensor(['3', '4.5'], undefined, 'float32')],
  ['tensor complex64', l => l.tensor([1, 2], undefined, 'complex64')],
  ['tensor unknown dtype', l => l.tensor([1, 2], undefined, 'float64')],
  ['tensor Uint8Array is int32', l => l.tensor(new Uint8Array([1, 2, 255]))],
  ['tensor Uint8ClampedArray', l => l.tensor(new Uint8ClampedArray([1, 2]))],
  ['tensor booleans nested', l => l.tensor([[true], [false]])],
  ['tensor empty nested', l => l.tensor([[], []])],
  ['tensor zero-size shape', l => l.tensor([], [0, 3])],
  ['tensor typed arrays nested', l => l.tensor([new Float32Array([1, 2]), new Float32Array([3, 4])])],
  // scalar(value, dtype)
  ['scalar', l => l.scalar(3.5)],
  ['scalar int32', l => l.scalar(3.7, 'int32')],
  ['scalar bool', l => l.scalar(true)],
  ['scalar bool dtype from number', l => l.scalar(0, 'bool')],
  ['scalar array', l => l.scalar([1])],
  ['scalar typed array', l => l.scalar(new Float32Array([1]))],
  ['scalar null', l => l.scalar(null)],
  // tensor2d..tensor6d(values, shape, dtype)
  ['tensor2d nested', l => l.tensor2d([[1, 2], [3, 4]])],
  ['tensor2d nested int32', l => l.tensor2d([[1, 2], [3, 4]], undefined, 'int32')],
  ['tensor2d flat with shape', l => l.tensor2d([1, 2, 3, 4], [2, 2], 'bool')],
  ['tensor2d flat without shape', l => l.tensor2d([1, 2, 3, 4])],
  ['tensor2d wrong shape rank', l => l.tensor2d([[1, 2]], [2])],
  ['tensor2d rank-3 values', l => l.tensor2d([[[1]]])],
  ['tensor2d null', l => l.tensor2d(null)],
  ['tensor2d typed array with shape', l => l.tensor2d(new Int32Array([1, 2, 3, 4, 5, 6]), [3, 2])],
  ['tensor3d nested', l => l.tensor3d([[[1], [2]], [[3], [4]]])],
  ['tensor3d flat with shape', l => l.tensor3d([1, 2], [1, 2, 1], 'int32')],
  ['tensor3d flat without shape', l => l.tensor3d([1, 2])],
  ['tensor3d wrong shape rank', l => l.tensor3d([1, 2], [1, 2])],
  ['tensor3d rank-2 values', l => l.tensor3d([[1, 2]])],
  ['tensor4d nested', l => l.tensor4d([[[[1, 2]]]])],
  ['tensor4d flat without shape', l => l.tensor4d([1, 2])],
  ['tensor4d wrong shape rank', l => l.tensor4d([1], [1, 1, 1])],
  ['tensor4d rank-2 values', l => l.tensor4d([[1]])],
  ['tensor5d flat with shape', l => l.tensor5d([1, 2, 3, 4], [1, 2, 1, 2, 1])],
  ['tensor5d flat without shape', l => l.tensor5d([1, 2])],
  ['tensor5d wrong shape rank', l => l.tensor5d([1], [1])],
  ['tensor5d rank-2 values', l => l.tensor5d([[1]])],
  ['tensor6d nested', l => l.tensor6d([[[[[[1, 2]]]]]])],
  ['tensor6d flat without shape', l => l.tensor6d([1, 2])],
  ['tensor6d wrong shape rank', l => l.tensor6d([1], [1])],
  ['tensor6d rank-2 values', l => l.tensor6d([[1]])],
  // zeros / ones / fill / zerosLike / onesLike
  ['zeros', l => l.zeros([2, 3])],
  ['zeros int32', l => l.zeros([2], 'int32')],
  ['zeros bool', l => l.zeros([2], 'bool')],
  ['zeros scalar', l => l.zeros([])],
  ['zeros negative', l => l.zeros([-1])],
  ['zeros fractional', l => l.zeros([1.5])],
  ['ones bool', l => l.ones([3], 'bool')],
  ['ones int32', l => l.ones([1, 2], 'int32')],
  ['ones negative', l => l.ones([2, -3])],
  ['fill number', l => l.fill([2, 2], 3.5)],
  ['fill boolean infers bool', l => l.fill([2], true)],
  ['fill int32 truncates', l => l.fill([2], 3.7, 'int32')],
  ['fill negative shape', l => l.fill([-2], 1)],
  ['zerosLike TensorLike', l => l.zerosLike([[1, 2]])],
  ['zerosLike int32 tensor', l => l.zerosLike(l.tensor([1, 2], undefined, 'int32'))],
  ['onesLike bool tensor', l => l.onesLike(l.tensor([true, false]))],
  ['onesLike null', l => l.onesLike(null)],
  // eye / range / linspace / oneHot
  ['eye square', l => l.eye(3)],
  ['eye 2x3', l => l.eye(2, 3)],
  ['eye batch [2]', l => l.eye(2, 2, [2])],
  ['eye batch [2,1]', l => l.eye(2, 2, [2, 1])],
  ['eye int32', l => l.eye(2, undefined, undefined, 'int32')],
  ['eye batch rank 4', l => l.eye(2, 2, [1, 1, 1, 1])],
  ['range', l => l.range(0, 5)],
  ['range step 2', l => l.range(1, 8, 2)],
  ['range int32 fractional step', l => l.range(0, 5, 1.5, 'int32')],
  ['range negative step', l => l.range(5, 0, -1)],
  ['range wrong direction', l => l.range(0, 5, -1)],
  ['range one argument is empty', l => l.range(5)],
  ['range step zero', l => l.range(0, 5, 0)],
  ['linspace', l => l.linspace(0, 1, 5)],
  ['linspace one', l => l.linspace(3, 9, 1)],
  ['linspace zero', l => l.linspace(0, 1, 0)],
  ['linspace negative', l => l.linspace(0, 1, -2)],
  ['oneHot array', l => l.oneHot([0, 2, 1], 3)],
  ['oneHot int32 tensor', l => l.oneHot(l.tensor1d([1, 0], 'int32'), 2)],
  ['oneHot on/off float32', l => l.oneHot(l.tensor1d([1, 0], 'int32'), 2, 5, -1, 'float32')],
  ['oneHot depth 1', l => l.oneHot([0], 1)],
  ['oneHot float32 tensor', l => l.oneHot(l.tensor1d([0, 1]), 2)],
  // buffer / variable
  ['buffer zeros', l => l.buffer([2, 2]).toTensor()],
  ['buffer int32 set', l => { const b = l.buffer([3], 'int32'); b.set(7, 1); return b.toTensor(); }],
  ['buffer bool set', l => { const b = l.buffer([2], 'bool'); b.set(1, 0); return b.toTensor(); }],
  ['buffer with values', l => l.buffer([2], 'float32', new Float32Array([3, 4])).toTensor()],
  ['buffer negative shape', l => l.buffer([-2])],
  ['buffer wrong values length', l => l.buffer([3], 'float32', new Float32Array(2))],
  ['variable', l => l.variable(l.tensor([1.5, 2]))],
  ['variable dtype cast', l => l.variable(l.tensor([1.5, -2.5]), true, undefined, 'int32')],
];

for (const [name, fn] of ROWS) {
  test(`creation parity: ${name}`, () => {
    const before = tf.memory().numTensors;
    const theirs = tfjs.tidy(() => outcome(() => fn(tfjs)));
    const ours = tf.tidy(() => outcome(() => fn(tf)));
    assert.deepEqual(ours, theirs);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });
}

// Deliberate differences: tfjs builds a tensor that does not hold its values
// (it checks ragged arrays only in DEBUG mode), or rejects typed arrays whose
// values convert exactly.
test('ragged arrays are an error here (tfjs silently builds a corrupt tensor)', () => {
  const corrupt = tfjs.tensor([[1, 2], [3]]);
  assert.equal(corrupt.size, 4);
  assert.equal(corrupt.dataSync().length, 3);  // four elements claimed, three held
  corrupt.dispose();
  assert.throws(() => tf.tensor([[1, 2], [3]]), /Element arr\[1\] should have 2 elements, but has 1 elements/);
  assert.throws(() => tf.tensor([[1, 2], 3]), /Element arr\[1\] is a primitive, but should be an array\/TypedArray of 2/);
  assert.throws(() => tf.tensor([{}, 4]), /the values hold 1 numbers, but shape \[2\] needs 2/);
});

test('other typed arrays convert by value (tfjs rejects them)', () => {
  assert.throws(() => tfjs.tensor(new Float64Array([1, 2])), /must be a number\/boolean\/string/);
  const t = tf.tensor(new Float64Array([1.5, 2]));
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(Array.from(t.dataSync()), [1.5, 2]);
  t.dispose();
});

test('string tensors are made as tfjs makes them (strings.test.mjs has the rest)', () => {
  for (const make of [L => L.tensor(['a', 'b']), L => L.scalar('a'), L => L.tensor1d(['a']), L => L.tensor2d([['a'], ['b']])]) {
    const ours = make(tf), theirs = make(tfjs);
    assert.equal(ours.dtype, 'string');
    assert.deepEqual(ours.shape, theirs.shape);
    assert.deepEqual(ours.arraySync(), theirs.arraySync());
    ours.dispose();
    theirs.dispose();
  }
});

test('no tensors leaked by this file', () => {
  assert.equal(tf.memory().numTensors, startTensors);
});
