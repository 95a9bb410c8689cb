// The issue-16 ops that run new engine kernels (js/src/sparse_ragged.js;
// cpp/kernels/reference/{morphology,sparse}.cc) against tfjs 4.22 (cpu backend):
// values, dtypes and shapes over several cases each (empty, negative, int32 inputs),
// gradients (dilation2d, as tfjs's Dilation2DBackpropInput/Filter), errors for bad
// input (the same message, and the module keeps working) and no leaked tensors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, loadTfjs, seededData, tf} from './helpers.mjs';

const tfjs = await loadTfjs();

/** Any result (tensor, array, object of tensors) as plain records; tensors are disposed. */
function record(fn) {
  try {
    const walk = v => {
      if (v != null && typeof v.dataSync === 'function' && 'shape' in v) {
        const out = {dtype: v.dtype, shape: v.shape, values: Array.from(v.dataSync())};
        v.dispose();
        return out;
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v != null && typeof v === 'object') {
        const out = {};
        for (const k of Object.keys(v).sort()) out[k] = walk(v[k]);
        return out;
      }
      return v;
    };
    return walk(fn());
  } catch (e) {
    return {error: e.message};
  }
}

let maxDiff = 0;
function assertSame(ours, theirs, what, rel = 1e-6) {
  if (theirs && theirs.error !== undefined) {
    assert.deepEqual(ours, theirs, `${what}: tfjs throws`);
    return;
  }
  assert.ok(!(ours && ours.error !== undefined), `${what}: ours throws '${ours && ours.error}', tfjs gives a result`);
  if (theirs && !Array.isArray(theirs) && theirs.values) {
    assert.equal(ours.dtype, theirs.dtype, `${what}: dtype`);
    assert.deepEqual(ours.shape, theirs.shape, `${what}: shape`);
    if (theirs.dtype === 'float32') {
      assertAllClose(ours.values, theirs.values, what, rel);
    } else {
      assert.deepEqual(ours.values, theirs.values, `${what}: ${theirs.dtype} values (exact)`);
    }
    theirs.values.forEach((v, i) => {
      if (Number.isFinite(v)) maxDiff = Math.max(maxDiff, Math.abs(ours.values[i] - v) / Math.max(1, Math.abs(v)));
    });
    return;
  }
  if (Array.isArray(theirs)) {
    assert.equal(ours.length, theirs.length, `${what}: length`);
    theirs.forEach((t, i) => assertSame(ours[i], t, `${what}[${i}]`, rel));
    return;
  }
  if (theirs != null && typeof theirs === 'object') {
    assert.deepEqual(Object.keys(ours), Object.keys(theirs), `${what}: keys`);
    for (const k of Object.keys(theirs)) assertSame(ours[k], theirs[k], `${what}.${k}`, rel);
    return;
  }
  assert.deepEqual(ours, theirs, what);
}

/** Runs each case on both libraries; checks that ours leaks nothing and still works after errors. */
function compare(cases, rel) {
  let errors = 0;
  for (const [what, fn] of cases) {
    const before = tf.memory().numTensors;
    // inputs made inside the case are freed by tidy; the result is read and disposed
    const theirs = record(() => tfjs.tidy(() => fn(tfjs)));
    const ours = record(() => tf.tidy(() => fn(tf)));
    if (theirs.error !== undefined) errors++;
    assertSame(ours, theirs, what, rel);
    assert.equal(tf.memory().numTensors, before, `${what}: leaked tensors`);
  }
  // the module keeps working after the errors above
  const t = tf.add(tf.tensor1d([1, 2]), 1);
  assert.deepEqual(Array.from(t.dataSync()), [2, 3]);
  t.dispose();
  return errors;
}

const i32 = (L, v, s) => L.tensor(v, s, 'int32');

test('bitwiseAnd: int32 of equal shapes; float or mismatched shapes throw as tfjs', () => {
  const errors = compare([
    ['1-D', L => L.bitwiseAnd(i32(L, [7, -1, 12, 0, 5]), i32(L, [3, 9, 10, 7, -6]))],
    ['2-D extremes', L => L.bitwiseAnd(i32(L, [[2147483647, -2147483648], [-1, 255]]), i32(L, [[-1, -1], [-256, 15]]))],
    ['scalar', L => L.bitwiseAnd(L.scalar(6, 'int32'), L.scalar(3, 'int32'))],
    ['empty', L => L.bitwiseAnd(i32(L, [], [0, 3]), i32(L, [], [0, 3]))],
    ['float32 throws', L => L.bitwiseAnd([1, 2], [3, 4])],
    ['shapes differ', L => L.bitwiseAnd(i32(L, [1, 2]), i32(L, [1]))],
    ['no broadcasting', L => L.bitwiseAnd(i32(L, [[1, 2]]), i32(L, [1, 2]))],
  ]);
  assert.equal(errors, 3);
});

const img = (L, shape, seed, dtype = 'float32') =>
  L.tensor(seededData(shape, seed, -2, 2).map(v => (dtype === 'int32' ? Math.round(v * 10) : v)), shape, dtype);

const DILATIONS = [
  ['same s1', [1, 4, 5, 2], [2, 3, 2], 1, 'same', [1, 1]],
  ['valid s2', [2, 5, 5, 3], [3, 2, 3], 2, 'valid', 1],
  ['valid dilation 2', [1, 6, 6, 1], [2, 2, 1], 1, 'valid', 2],
  ['same strides [2,1] dilations [1,2]', [1, 5, 7, 2], [3, 2, 2], [2, 1], 'same', [1, 2]],
  ['filter larger than input (same)', [1, 2, 2, 1], [4, 4, 1], 1, 'same', 1],
  ['3-D input', [4, 4, 2], [2, 2, 2], 1, 'valid', 1],
];

test('dilation2d: values, shapes and dtypes as tfjs (4-D, 3-D, int32, Tensor method)', () => {
  const cases = DILATIONS.map(([what, xs, fs, strides, pad, dil]) =>
    [what, L => L.dilation2d(img(L, xs, 3), img(L, fs, 5), strides, pad, dil)]);
  cases.push(['int32', L => L.dilation2d(img(L, [1, 4, 4, 2], 2, 'int32'), img(L, [2, 2, 2], 4, 'int32'), 1, 'same')]);
  cases.push(['Tensor#dilation2d', L => img(L, [1, 4, 4, 2], 2).dilation2d(img(L, [2, 2, 2], 4), 1, 'valid')]);
  cases.push(['Variable#dilation2d', L => {
    const v = L.variable(img(L, [1, 3, 3, 1], 2));
    const y = v.dilation2d(img(L, [2, 2, 1], 4), 1, 'same');
    v.dispose();
    return y;
  }]);
  cases.push(['empty batch', L => L.dilation2d(L.zeros([0, 3, 3, 1]), img(L, [2, 2, 1], 4), 1, 'same')]);
  cases.push(['int32 beyond 2^24', L => L.dilation2d(i32(L, [16777217, -2147483647, 3, 2147483600], [1, 2, 2, 1]),
                                                     i32(L, [100, 1], [1, 2, 1]), 1, 'same')]);
  cases.push(['int32 x, float filter', L => L.dilation2d(img(L, [1, 3, 3, 1], 2, 'int32'), img(L, [2, 2, 1], 4), 1,
                                                         'valid')]);
  // a window with no tap inside x: tfjs's Number.MIN_SAFE_INTEGER (ToInt32 of it for int32)
  cases.push(['no tap inside (float32)', L => L.dilation2d(L.ones([1, 1, 1, 1]), L.ones([2, 1, 1]), 1, 'same', [3, 1])]);
  cases.push(['no tap inside (int32)', L => L.dilation2d(i32(L, [5], [1, 1, 1, 1]), i32(L, [1, 2], [2, 1, 1]), 1, 'same',
                                                         [3, 1])]);
  assert.equal(compare(cases, 1e-6), 0);
});

test('dilation2d: gradients for x and filter as tfjs (Dilation2DBackpropInput/Filter)', () => {
  const cases = DILATIONS.map(([what, xs, fs, strides, pad, dil]) => [what, L => {
    const f = (x, w) => L.dilation2d(x, w, strides, pad, dil);
    const x = img(L, xs, 7), w = img(L, fs, 9);
    const y = f(x, w);
    const dy = img(L, y.shape, 11);
    y.dispose();
    const out = L.grads(f)([x, w], dy);
    L.dispose([x, w, dy]);
    return out;
  }]);
  assert.equal(compare(cases, 1e-5), 0);
});

test('dilation2d: bad arguments throw tfjs\'s messages', () => {
  const errors = compare([
    ['rank 2 input', L => L.dilation2d(L.zeros([3, 3]), L.zeros([2, 2, 1]), 1, 'same')],
    ['rank 4 filter', L => L.dilation2d(L.zeros([1, 3, 3, 1]), L.zeros([2, 2, 1, 1]), 1, 'same')],
    ['depth mismatch', L => L.dilation2d(L.zeros([1, 3, 3, 2]), L.zeros([2, 2, 1]), 1, 'same')],
    ['NCHW', L => L.dilation2d(L.zeros([1, 3, 3, 1]), L.zeros([2, 2, 1]), 1, 'same', [1, 1], 'NCHW')],
  ]);
  assert.equal(errors, 4);
});

test('maxPoolWithArgmax: result and indexes as tfjs, with and without the batch in the index', () => {
  const cases = [];
  for (const include of [false, true]) {
    cases.push([`2x2 s2 valid ${include}`, L => L.maxPoolWithArgmax(img(L, [2, 4, 4, 3], 3), 2, 2, 'valid', include)]);
    cases.push([`3x3 s1 same ${include}`, L => L.maxPoolWithArgmax(img(L, [2, 5, 4, 2], 4), 3, 1, 'same', include)]);
    cases.push([`[2,3] s[2,1] same ${include}`,
      L => L.maxPoolWithArgmax(img(L, [3, 5, 5, 1], 5), [2, 3], [2, 1], 'same', include)]);
  }
  cases.push(['default includeBatchInIndex', L => L.maxPoolWithArgmax(img(L, [2, 3, 3, 1], 6), 2, 1, 'valid')]);
  cases.push(['int32', L => L.maxPoolWithArgmax(img(L, [1, 4, 4, 2], 7, 'int32'), 2, 2, 'same')]);
  cases.push(['int32 beyond 2^24', L => L.maxPoolWithArgmax(i32(L, [16777217, 16777216, -2147483648, 2147483647],
                                                                [1, 2, 2, 1]), 2, 1, 'same', true)]);
  cases.push(['all negative', L => L.maxPoolWithArgmax(L.neg(L.add(L.abs(img(L, [1, 3, 3, 2], 8)), 1)), 2, 1, 'same')]);
  cases.push(['empty batch', L => L.maxPoolWithArgmax(L.zeros([0, 4, 4, 1]), 2, 2, 'valid')]);
  assert.equal(compare(cases), 0);
});

test('tf.sparse.sparseFillEmptyRows as tfjs (values, dtypes, shapes, bad indices)', () => {
  const fill = (L, idx, rank, vals, dense, dflt, dtype = 'float32') => L.sparse.sparseFillEmptyRows(
      i32(L, idx, [idx.length / rank, rank]), L.tensor(vals, [vals.length], dtype), dense, dflt);
  const errors = compare([
    ['doc example', L => fill(L, [0, 0, 1, 0, 1, 3, 1, 4, 3, 2, 3, 3], 2, [0, 10, 13, 14, 32, 33], [5, 6], -1)],
    ['all rows full, ordered', L => fill(L, [0, 1, 1, 0, 2, 2], 2, [1, 2, 3], [3, 3], 9)],
    ['unordered rows', L => fill(L, [2, 0, 0, 1, 2, 1], 2, [1, 2, 3], [4, 3], 7)],
    ['int32 values', L => fill(L, [1, 0, 3, 2], 2, [5, -6], [4, 4], -1, 'int32')],
    ['no indices', L => fill(L, [], 2, [], [3, 4], 0)],
    ['rank 3 indices', L => fill(L, [1, 0, 2, 1, 1, 1], 3, [4, 5], [3, 2, 3], 8)],
    ['denseShape[0] 0, no indices', L => fill(L, [], 2, [], [0, 4], 0)],
    ['denseShape[0] 0 with indices', L => fill(L, [0, 0], 2, [1], [0, 4], 0)],
    ['negative row', L => fill(L, [0, 0, -1, 1], 2, [1, 2], [3, 3], 0)],
    ['row out of range', L => fill(L, [0, 0, 5, 1], 2, [1, 2], [3, 3], 0)],
    ['indices not 2-D', L => L.sparse.sparseFillEmptyRows(i32(L, [0, 1]), [1, 2], [3], 0)],
    ['values not 1-D', L => L.sparse.sparseFillEmptyRows(i32(L, [0, 1], [1, 2]), [[1]], [3, 3], 0)],
    ['default not scalar', L => L.sparse.sparseFillEmptyRows(i32(L, [0, 1], [1, 2]), [1], [3, 3], [0])],
    ['float indices tensor', L => L.sparse.sparseFillEmptyRows(L.tensor2d([[0, 1]]), [1], [3, 3], 0)],
  ]);
  assert.equal(errors, 7);
});

test('tf.sparse.sparseReshape as tfjs (inferred dims, errors)', () => {
  const reshape = (L, idx, inRank, inShape, newShape) =>
    L.sparse.sparseReshape(i32(L, idx, [idx.length / inRank, inRank]), inShape, newShape);
  const errors = compare([
    ['doc example', L => reshape(L, [0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 2, 3], 3, [2, 3, 6], [9, -1])],
    ['to rank 3', L => reshape(L, [0, 0, 1, 5, 3, 2], 2, [4, 6], [2, -1, 3])],
    ['to rank 1', L => reshape(L, [0, 1, 2, 3], 2, [3, 4], [12])],
    ['no indices', L => reshape(L, [], 2, [2, 2], [4, 1])],
    ['two -1', L => reshape(L, [0, 0], 2, [2, 3], [-1, -1])],
    ['negative size', L => reshape(L, [0, 0], 2, [2, 3], [3, -2])],
    ['not a multiple', L => reshape(L, [0, 0], 2, [2, 3], [4, -1])],
    ['sizes differ', L => reshape(L, [0, 0], 2, [2, 3], [7])],
    ['empty with -1', L => reshape(L, [], 2, [0, 3], [0, -1])],
    ['indices not 2-D', L => L.sparse.sparseReshape(i32(L, [0, 1]), [2], [2])],
  ]);
  assert.equal(errors, 6);
});

test('tf.sparse.sparseSegmentSum and sparseSegmentMean as tfjs', () => {
  const cases = [];
  for (const name of ['sparseSegmentSum', 'sparseSegmentMean']) {
    const f = (L, ...a) => L.sparse[name](...a);
    const data = L => L.tensor2d([[1, 2, 3, 4], [-1, -2, -3, -4], [5, 6, 7, 8]]);
    cases.push(
        [`${name} doc 1`, L => f(L, data(L), i32(L, [0, 1]), i32(L, [0, 0]))],
        [`${name} doc 2`, L => f(L, data(L), i32(L, [0, 1]), i32(L, [0, 1]))],
        [`${name} doc 3`, L => f(L, data(L), i32(L, [0, 1, 2]), i32(L, [0, 0, 0]))],
        [`${name} gaps`, L => f(L, data(L), i32(L, [2, 0, 1, 2]), i32(L, [1, 1, 3, 4]))],
        [`${name} int32`, L => f(L, i32(L, [[3, 4], [5, 7], [-8, 1]]), i32(L, [0, 1, 2]), i32(L, [0, 0, 1]))],
        [`${name} rank 3`, L => f(L, L.tensor3d(seededData([3, 2, 2], 4), [3, 2, 2]), i32(L, [1, 2, 0]), i32(L, [0, 2, 2]))],
        [`${name} 1-D`, L => f(L, L.tensor1d([1.5, 2.5, -3]), i32(L, [0, 2, 1]), i32(L, [0, 1, 1]))],
        [`${name} no indices`, L => f(L, data(L), i32(L, []), i32(L, []))],
        [`${name} index out of range`, L => f(L, data(L), i32(L, [0, 3]), i32(L, [0, 1]))],
        [`${name} negative index`, L => f(L, data(L), i32(L, [-1, 0]), i32(L, [0, 1]))],
        [`${name} not increasing`, L => f(L, data(L), i32(L, [0, 1]), i32(L, [1, 0]))],
        [`${name} negative ids`, L => f(L, data(L), i32(L, [0, 1]), i32(L, [-3, -2]))],
        [`${name} sizes differ`, L => f(L, data(L), i32(L, [0, 1]), i32(L, [0]))],
        [`${name} scalar data`, L => f(L, L.scalar(1), i32(L, [0]), i32(L, [0]))],
        [`${name} 2-D indices`, L => f(L, data(L), i32(L, [[0]]), i32(L, [0]))]);
  }
  assert.equal(compare(cases), 14);
});

test('raggedGather as tfjs (nested splits, 2-D indices, errors)', () => {
  const errors = compare([
    ['doc example', L => L.raggedGather([i32(L, [0, 2, 4])], L.tensor1d([1, 2, 3, 4, 5]).slice(0, 4), i32(L, [1, 0]), 1)],
    ['one level, 2-D values', L => L.raggedGather([i32(L, [0, 2, 2, 5])], L.tensor2d(seededData([5, 2], 2), [5, 2]),
                                                 i32(L, [2, 0, 1, 2]), 1)],
    ['two levels', L => L.raggedGather([i32(L, [0, 2, 3]), i32(L, [0, 1, 4, 6])], L.tensor1d([1, 2, 3, 4, 5, 6]),
                                      i32(L, [1, 0, 1]), 2)],
    ['2-D indices', L => L.raggedGather([i32(L, [0, 1, 3, 4])], i32(L, [7, 8, 9, 10]), i32(L, [[2, 1], [0, 0]]), 2)],
    ['no indices', L => L.raggedGather([i32(L, [0, 1, 3])], L.tensor1d([1, 2, 3]), i32(L, []), 1)],
    ['index out of range', L => L.raggedGather([i32(L, [0, 1, 3])], L.tensor1d([1, 2, 3]), i32(L, [0, 2]), 1)],
    ['2-D index out of range', L => L.raggedGather([i32(L, [0, 1, 3])], L.tensor1d([1, 2, 3]), i32(L, [[0], [-1]]), 2)],
    ['splits not sorted', L => L.raggedGather([i32(L, [0, 2, 1])], L.tensor1d([1, 2, 3]), i32(L, [0]), 1)],
    ['splits past values', L => L.raggedGather([i32(L, [0, 1, 4])], L.tensor1d([1, 2, 3]), i32(L, [0]), 1)],
    ['negative splits', L => L.raggedGather([i32(L, [-1, 1, 2])], L.tensor1d([1, 2, 3]), i32(L, [0]), 1)],
  ]);
  assert.equal(errors, 5);
});

test('raggedRange as tfjs (broadcasting, int32, negative deltas, errors)', () => {
  const errors = compare([
    ['doc example', L => L.raggedRange([3, 5, 2], [0, 8, 4], [-1, 1, 0.5])],
    ['scalar start and delta', L => L.raggedRange(0, [3, 0, 5], 2)],
    ['all scalars', L => L.raggedRange(1, 4, 1)],
    ['int32', L => L.raggedRange(i32(L, [0, 10, -3]), i32(L, [5, 2, 3]), i32(L, [2, -3, 4]))],
    ['fractional', L => L.raggedRange([0.5, -1], [2, 1], [0.3, 0.7])],
    ['empty vectors', L => L.raggedRange(L.tensor1d([]), L.tensor1d([]), L.tensor1d([]))],
    ['zero delta', L => L.raggedRange([0, 1], [3, 4], [1, 0])],
    ['shapes differ', L => L.raggedRange([0, 1], [3, 4, 5], 1)],
    ['rank 2', L => L.raggedRange([[0]], 3, 1)],
    ['dtypes differ', L => L.raggedRange(i32(L, [0]), L.tensor1d([3]), 1)],
  ]);
  assert.equal(errors, 4);
});

test('raggedTensorToTensor as tfjs (row splits, value row ids, shapes, defaults, errors)', () => {
  const errors = compare([
    ['doc example', L => L.raggedTensorToTensor([4, 5], [1, 2, 3, 4, 5, 6, 7], 0, [i32(L, [0, 3, 3, 5, 7])],
                                                ['ROW_SPLITS'])],
    ['unknown dims', L => L.raggedTensorToTensor([-1, -1], [1, 2, 3, 4, 5], -1, [i32(L, [0, 3, 3, 5])],
                                                 ['ROW_SPLITS'])],
    ['truncated', L => L.raggedTensorToTensor([2, 2], [1, 2, 3, 4, 5], 9, [i32(L, [0, 3, 3, 5])], ['ROW_SPLITS'])],
    ['first dim size + value row ids', L => L.raggedTensorToTensor([-1, -1], [1, 2, 3, 4, 5], 0,
                                                                   [[4], i32(L, [0, 0, 2, 3, 3])],
                                                                   ['FIRST_DIM_SIZE', 'VALUE_ROWIDS'])],
    ['2-D values, scalar default', L => L.raggedTensorToTensor([3, -1, 2], L.tensor2d(seededData([4, 2], 3), [4, 2]), 7,
                                                               [i32(L, [0, 1, 1, 4])], ['ROW_SPLITS'])],
    ['2-D values, vector default', L => L.raggedTensorToTensor([3, 2, 2], L.tensor2d([[1, 2], [3, 4], [5, 6]]), [8, 9],
                                                               [i32(L, [0, 1, 1, 3])], ['ROW_SPLITS'])],
    ['two ragged dims', L => L.raggedTensorToTensor([-1, -1, -1], [1, 2, 3, 4, 5, 6], 0,
                                                    [i32(L, [0, 2, 3]), i32(L, [0, 1, 3, 6])],
                                                    ['ROW_SPLITS', 'ROW_SPLITS'])],
    ['int32', L => L.raggedTensorToTensor([3, 3], i32(L, [4, -5, 6]), L.scalar(-1, 'int32'),
                                          [i32(L, [0, 2, 2, 3])], ['ROW_SPLITS'])],
    ['empty values', L => L.raggedTensorToTensor([2, -1], L.tensor1d([]), 0, [i32(L, [0, 0, 0])], ['ROW_SPLITS'])],
    ['rank mismatch', L => L.raggedTensorToTensor([2, 2, 2], [1, 2], 0, [i32(L, [0, 1, 2])], ['ROW_SPLITS'])],
    ['bad shape dim', L => L.raggedTensorToTensor([2, -3], [1, 2], 0, [i32(L, [0, 1, 2])], ['ROW_SPLITS'])],
    ['value row ids first', L => L.raggedTensorToTensor([2, 2], [1, 2], 0, [i32(L, [0, 1])], ['VALUE_ROWIDS'])],
    ['no types', L => L.raggedTensorToTensor([2, 2], [1, 2], 0, [i32(L, [0, 1, 2])], [])],
    ['row ids past rows', L => L.raggedTensorToTensor([-1, -1], [1, 2], 0, [[1], i32(L, [0, 3])],
                                                      ['FIRST_DIM_SIZE', 'VALUE_ROWIDS'])],
    ['default rank too high', L => L.raggedTensorToTensor([2, 2], [1, 2], [[0]], [i32(L, [0, 1, 2])], ['ROW_SPLITS'])],
  ]);
  assert.equal(errors, 6);
});

test('a gradient through an op tfjs has none for throws tfjs\'s error (never zeros)', () => {
  const errors = compare([
    ['maxPoolWithArgmax', L => L.grad(x => L.maxPoolWithArgmax(x, 2, 2, 'valid').result)(L.ones([1, 2, 2, 1]))],
    ['sparseSegmentSum', L => L.grad(d => L.sparse.sparseSegmentSum(d, i32(L, [0, 1]), i32(L, [0, 0])))(L.ones([2, 2]))],
    ['sparseSegmentMean', L => L.grad(d => L.sparse.sparseSegmentMean(d, i32(L, [0, 1]), i32(L, [0, 0])))(L.ones([2]))],
    ['sparseFillEmptyRows', L => L.grad(v => L.sparse.sparseFillEmptyRows(i32(L, [0, 0], [1, 2]), v, [2, 2], 0)
        .outputValues)(L.tensor1d([1]))],
    ['raggedGather', L => L.grad(v => L.raggedGather([i32(L, [0, 1, 2])], v, i32(L, [1]), 1).outputDenseValues)(
        L.tensor1d([1, 2]))],
    ['raggedRange', L => L.grad(s => L.raggedRange(s, 3, 1).rtDenseValues)(L.scalar(0))],
    ['raggedTensorToTensor', L => L.grad(v => L.raggedTensorToTensor([2, 2], v, 0, [i32(L, [0, 1, 2])], ['ROW_SPLITS']))(
        L.tensor1d([1, 2]))],
    ['dilation2d second order', L => L.grad(x => L.grad(y => L.dilation2d(y, L.ones([1, 1, 1]), 1, 'same'))(x))(
        L.ones([1, 2, 2, 1]))],
  ]);
  assert.equal(errors, 8);
});

test('largest difference from tfjs over all cases', () => {
  assert.ok(maxDiff <= 1e-5, `max relative difference ${maxDiff}`);
  console.log(`ops_kernels16: max relative difference vs tfjs ${maxDiff}`);
});
