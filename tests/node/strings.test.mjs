// String tensors and tf.string against @tensorflow/tfjs 4.22 (cpu backend), table-driven:
// each row builds the same thing with both libraries; values, shapes, dtypes and error
// messages must agree. String tensors hold their values in JS here, as in tfjs-backend-cpu.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {pathToFileURL} from 'node:url';

import {captureLog, loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
await tf.ready();
const startTensors = tf.memory().numTensors;

/** A result as plain data: tensors as {dtype, shape, values}; arrays/objects of them recursively. */
function plain(r) {
  if (r instanceof tf.Tensor || r instanceof tfjs.Tensor) return {dtype: r.dtype, shape: r.shape, values: r.arraySync()};
  if (Array.isArray(r)) return r.map(plain);
  if (r != null && typeof r === 'object') return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]));
  return r;
}

function result(lib, fn) {
  try {
    return lib.tidy(() => ({value: plain(fn(lib))}));
  } catch (e) {
    return {error: e.message};
  }
}

const S = (L, v = [['a', 'bb'], ['ccc', 'déf']]) => L.tensor(v);
const LONG = 'The quick brown fox jumps over the lazy dog, then naps under a tree by the river bank; ' +
             'the end of a sentence long enough for the hash loop over 64-byte chunks (and some more bytes).';

const ROWS = [
  // ---- creation ----
  ['tensor 2d', L => S(L)],
  ['tensor with shape', L => L.tensor(['a', 'b', 'c', 'd'], [2, 2])],
  ['tensor dtype string', L => L.tensor(['x', 'y'], [2], 'string')],
  ['scalar', L => L.scalar('hello')],
  ['scalar from tensor()', L => L.tensor('abc')],
  ['scalar of bytes', L => L.scalar(new Uint8Array([104, 105]), 'string')],
  ['scalar of an array', L => L.scalar(['a'])],
  ['tensor1d', L => L.tensor1d(['a', '', 'ü€😀'])],
  ['tensor2d flat', L => L.tensor2d(['a', 'b', 'c', 'd', 'e', 'f'], [3, 2])],
  ['tensor3d', L => L.tensor3d([[['a'], ['b']]])],
  ['empty string tensor', L => L.tensor([], [0], 'string')],
  ['string first, number later', L => L.tensor(['a', 1, true])],
  ['number first, string later (float32 NaN)', L => L.tensor([1, 'a'])],
  ['strings as float32', L => L.tensor(['1.5', 'x'], [2], 'float32')],
  ['bytes as elements', L => L.tensor([new Uint8Array([104, 105]), new Uint8Array([])], [2], 'string')],
  ['one Uint8Array is one element', L => L.tensor(new Uint8Array([1, 2]), [2], 'string')],
  ['wrong shape', L => L.tensor(['a', 'b'], [3])],
  ['buffer with values', L => L.buffer([2], 'string', ['p', 'q']).toTensor()],
  ['fill', L => L.fill([2, 3], 'z')],
  ['fill inferred as string', L => L.fill([2], 'NaN')],
  ['fill string as float32', L => L.fill([2], '2.5', 'float32')],
  // ---- ops that take strings in tfjs ----
  ['reshape', L => L.reshape(S(L), [4])],
  ['reshape -1', L => S(L).reshape([-1, 1])],
  ['reshape of a TensorLike', L => L.reshape(['a', 'b'], [2, 1])],
  ['flatten', L => S(L).flatten()],
  ['as1D', L => S(L).as1D()],
  ['expandDims', L => L.expandDims(S(L), 1)],
  ['squeeze', L => L.squeeze(L.tensor([['a'], ['b']]))],
  ['squeeze axis', L => L.squeeze(L.tensor([['a', 'b']]), [0])],
  ['clone', L => L.clone(S(L))],
  ['clone method', L => S(L).clone()],
  ['slice', L => L.slice(S(L), [0, 1], [2, 1])],
  ['slice -1 size', L => L.slice(L.tensor(['a', 'b', 'c', 'd']), 1, -1)],
  ['slice method', L => S(L).slice([1, 0])],
  ['stridedSlice', L => L.stridedSlice(S(L), [0, 0], [2, 2], [1, 2])],
  ['stridedSlice reverse', L => L.stridedSlice(L.tensor(['a', 'b', 'c']), [-1], [-4], [-1])],
  ['concat', L => L.concat([S(L), S(L)])],
  ['concat axis 1', L => L.concat([S(L), L.tensor([['x'], ['y']])], 1)],
  ['concat method', L => S(L).concat(S(L), 1)],
  ['concat1d', L => L.concat1d([L.tensor(['a']), L.tensor(['b', 'c'])])],
  ['concat one', L => L.concat([L.tensor(['a'])])],
  ['stack', L => L.stack([S(L), S(L)], 1)],
  ['stack TensorLikes', L => L.stack([['a', 'b'], ['c', 'd']])],
  ['unstack', L => L.unstack(S(L))],
  ['unstack axis 1', L => L.unstack(S(L), 1)],
  ['tile', L => L.tile(S(L), [2, 2])],
  ['tile method', L => L.tensor(['a', 'b']).tile([3])],
  ['gatherND', L => L.gatherND(S(L), [[0, 1], [1, 0]])],
  ['gatherND rows', L => L.gatherND(S(L), [[1]])],
  ['unique', L => L.unique(L.tensor(['b', 'a', 'b', 'c', 'a']))],
  ['unique axis 1', L => L.unique(L.tensor([['a', 'a', 'b'], ['c', 'c', 'd']]), 1)],
  ['unique commas', L => L.unique(L.tensor([['a,b', 'a'], ['c', 'b,c']]), 0)],
  ['sparseToDense', L => L.sparseToDense([1, 3], L.tensor(['p', 'q']), [5], L.scalar('-'))],
  ['sparseToDense default 0', L => L.sparseToDense([1], L.tensor(['p']), [2])],
  ['ensureShape', L => L.ensureShape(S(L), [2, 2])],
  ['ensureShape mismatch', L => L.ensureShape(S(L), [4])],
  ['equal', L => L.equal(S(L), L.tensor(['a', 'ccc']))],
  ['equal primitive', L => L.equal(L.tensor(['a', 'b']), 'b')],
  ['equal method', L => L.tensor(['a', 'b']).equal('a')],
  ['notEqual', L => L.notEqual(S(L), L.tensor([['a'], ['x']]))],
  ['less', L => L.less(L.tensor(['a', 'b', 'c', 'B']), L.tensor(['b']))],
  ['lessEqual', L => L.lessEqual(L.tensor(['a', 'b', 'c', 'é']), 'b')],
  ['greater', L => L.greater(L.tensor([['a'], ['c']]), L.tensor(['b', 'a', 'c']))],
  ['greaterEqual', L => L.greaterEqual(L.tensor(['ab', 'a', '']), L.tensor(['a']))],
  ['equal no broadcast', L => L.equal(L.tensor(['a', 'b', 'c']), L.tensor(['a', 'b']))],
  ['equal string and number', L => L.equal(L.tensor(['a']), 1)],
  ['equal number and string', L => L.equal(L.tensor([1]), L.tensor(['a']))],
  ['variable', L => L.variable(S(L))],
  ['variable assign', L => { const v = L.variable(S(L)); v.assign(L.tensor([['w', 'x'], ['y', 'z']])); return v; }],
  ['variable assign number', L => L.variable(S(L)).assign(L.tensor([[1, 2], [3, 4]]))],
  // ---- ops that refuse strings in tfjs ----
  ...['neg', 'abs', 'exp', 'relu', 'sigmoid', 'logicalNot', 'isNaN', 'sum', 'mean', 'max', 'argMax', 'softmax',
      'zerosLike', 'onesLike', 'transpose', 'topk', 'cumsum', 'square', 'round'].map(op => [`${op} refuses strings`, L => L[op](S(L))]),
  ...['add', 'sub', 'mul', 'div', 'maximum', 'pow', 'logicalAnd', 'squaredDifference', 'matMul']
      .map(op => [`${op} refuses strings`, L => L[op](S(L), S(L))]),
  ['add TensorLike strings', L => L.add(['a'], ['b'])],
  ['add number and strings', L => L.add(L.tensor([1]), ['b'])],
  ['gather', L => L.gather(S(L), [1, 0])],
  ['reverse', L => L.reverse(S(L), 1)],
  ['split', L => L.split(S(L), 2)],
  ['pad', L => L.pad(S(L), [[1, 0], [0, 0]])],
  ['mirrorPad', L => L.mirrorPad(S(L), [[1, 1], [0, 0]], 'reflect')],
  ['where', L => L.where(L.tensor([[true, false], [false, true]]), S(L), S(L))],
  ['cast', L => L.cast(S(L), 'float32')],
  ['asType', L => S(L).asType('int32')],
  ['slice1d', L => L.slice1d(L.tensor(['a', 'b']), 0, 1)],
  ['reverse1d', L => L.reverse1d(L.tensor(['a', 'b']))],
  ['tensorScatterUpdate', L => L.tensorScatterUpdate(L.tensor(['a', 'b', 'c']), [[1]], L.tensor(['z']))],
  ['scatterND', L => L.scatterND([[1]], L.tensor(['z']), [3])],
  ['oneHot', L => L.oneHot(L.tensor(['a']), 2)],
  ['oneHot TensorLike strings', L => L.oneHot(['a'], 2)],
  ['gather string indices', L => L.gather(L.tensor([1, 2]), L.tensor(['a']))],
  ['gather TensorLike string indices', L => L.gather(L.tensor([1, 2]), ['a'])],
  ['cast number to string', L => L.cast(L.tensor([1]), 'string')],
  ['range string', L => L.range(0, 2, 1, 'string')],
  ['unsortedSegmentSum', L => L.unsortedSegmentSum(L.tensor(['a', 'b']), L.tensor1d([0, 0], 'int32'), 1)],
  ['batchToSpaceND', L => L.batchToSpaceND(L.tensor(['a', 'b', 'c', 'd'], [4, 1, 1, 1]), [2, 2], [[0, 0], [0, 0]])],
  ['addN', L => L.addN([S(L), S(L)])],
  ['dropout', L => L.dropout(S(L), 0.5)],
  ['losses.meanSquaredError', L => L.losses.meanSquaredError(S(L), S(L))],
  ['logicalNot of a string TensorLike', L => L.logicalNot(['a'])],
  ['signal.frame', L => L.signal.frame(L.tensor(['a', 'b', 'c', 'd', 'e']), 2, 2)],
  ['signal.frame padded with a string', L => L.signal.frame(L.tensor(['a', 'b', 'c']), 2, 2, true, '_')],
  ['multinomial', L => L.multinomial(S(L), 1)],
  // ---- tf.string.staticRegexReplace ----
  ['staticRegexReplace', L => L.string.staticRegexReplace(['format       this   spacing', 'aXbXc'], ' +|X', '_')],
  ['staticRegexReplace first only', L => L.string.staticRegexReplace(L.tensor([['ab', 'cbb']]), 'b', '[$&]', false)],
  ['staticRegexReplace groups', L => L.string.staticRegexReplace(['2024-01-31'], '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1')],
  ['staticRegexReplace unicode', L => L.string.staticRegexReplace(['déjà vu'], '[éà]', '?')],
  ['staticRegexReplace scalar', L => L.string.staticRegexReplace(L.scalar('aaa'), 'a', 'b')],
  ['staticRegexReplace numbers', L => L.string.staticRegexReplace([1], 'a', 'b')],
  ['staticRegexReplace bad pattern', L => L.string.staticRegexReplace(['a'], '(', 'b')],
  // ---- tf.string.stringToHashBucketFast (FarmHash Fingerprint64 mod buckets) ----
  ...[1, 3, 10, 1000, 2 ** 31 - 1, 2 ** 32 - 1].map(n => [`stringToHashBucketFast ${n} buckets`, L =>
      L.string.stringToHashBucketFast(['', 'a', 'ab', 'abc', 'abcd', 'Hello', 'TensorFlow', '2.x', 'sixteen chars!!!',
                                       'seventeen chars!!', 'x'.repeat(32), 'y'.repeat(33), 'z'.repeat(64), 'w'.repeat(65),
                                       LONG, LONG + LONG, 'ü€😀', 'déjà vu'], n)]),
  ['stringToHashBucketFast 2d', L => L.string.stringToHashBucketFast(L.tensor([['a', 'b'], ['c', 'd']]), 7)],
  ['stringToHashBucketFast fractional buckets', L => L.string.stringToHashBucketFast(['a', 'b', 'cc'], 2.7)],
  ['stringToHashBucketFast 0 buckets', L => L.string.stringToHashBucketFast(['a'], 0)],
  ['stringToHashBucketFast numbers', L => L.string.stringToHashBucketFast([1, 2], 3)],
  ['stringToHashBucketFast float tensor', L => L.string.stringToHashBucketFast(L.tensor([1]), 3)],
  // ---- tf.string.stringSplit ----
  ['stringSplit', L => L.string.stringSplit(['hello world', 'a b c', ''], ' ')],
  ['stringSplit keep empty', L => L.string.stringSplit(['a  b', ' c '], ' ', false)],
  ['stringSplit every delimiter char', L => L.string.stringSplit(['a,b;c', ';;d'], ',;')],
  ['stringSplit empty delimiter', L => L.string.stringSplit(['abc', 'de'], '')],
  ['stringSplit scalar delimiter tensor', L => L.string.stringSplit(L.tensor(['x-y']), L.scalar('-'))],
  ['stringSplit unicode', L => L.string.stringSplit(['é b'], ' ')],
  ['stringSplit 2d input', L => L.string.stringSplit([['a']], ' ')],
  ['stringSplit vector delimiter', L => L.string.stringSplit(['a'], ['x'])],
  ['stringSplit numbers', L => L.string.stringSplit([1], ' ')],
  // ---- tf.string.stringNGrams ----
  ['stringNGrams', L => L.string.stringNGrams(['a', 'b', 'c', 'd'], L.tensor1d([0, 2, 4], 'int32'), '|', [1, 2], 'LP',
                                             'RP', -1, false)],
  ['stringNGrams pad 1', L => L.string.stringNGrams(['a', 'b', 'c'], L.tensor1d([0, 3], 'int32'), ' ', [3], '<', '>', 1,
                                                   false)],
  ['stringNGrams pad 0', L => L.string.stringNGrams(['a', 'b', 'c'], L.tensor1d([0, 1, 3], 'int32'), '', [2, 3], '', '',
                                                   0, false)],
  ['stringNGrams preserve short', L => L.string.stringNGrams(['a', 'b', 'c', 'd', 'e'], L.tensor1d([0, 1, 5], 'int32'),
                                                            '_', [3], '', '', 0, true)],
  ['stringNGrams wide pad', L => L.string.stringNGrams(['x'], L.tensor1d([0, 1], 'int32'), '.', [4], 'L', 'R', 5,
                                                      false)],
  ['stringNGrams empty', L => L.string.stringNGrams(L.tensor([], [0], 'string'), L.tensor1d([0], 'int32'), '', [1], '',
                                                   '', 0, false)],
  ['stringNGrams float splits', L => L.string.stringNGrams(['a'], [0, 1], '', [1], '', '', 0, false)],
  ['stringNGrams 2d data', L => L.string.stringNGrams([['a']], L.tensor1d([0, 1], 'int32'), '', [1], '', '', 0, false)],
  ['stringNGrams bad first split', L => L.string.stringNGrams(['a', 'b'], L.tensor1d([1, 2], 'int32'), '', [1], '', '',
                                                             0, false)],
  ['stringNGrams bad split', L => L.string.stringNGrams(['a', 'b'], L.tensor1d([0, 3, 2], 'int32'), '', [1], '', '',
                                                       0, false)],
  ['stringNGrams bad last split', L => L.string.stringNGrams(['a', 'b'], L.tensor1d([0, 1], 'int32'), '', [1], '', '',
                                                            0, false)],
  ['stringNGrams numbers', L => L.string.stringNGrams([1], L.tensor1d([0, 1], 'int32'), '', [1], '', '', 0, false)],
];

for (const [name, fn] of ROWS) {
  test(`strings parity: ${name}`, () => {
    const before = tf.memory().numTensors;
    const theirs = result(tfjs, fn);
    const ours = result(tf, fn);
    assert.deepEqual(ours, theirs);
    tf.disposeVariables();
    tfjs.disposeVariables();
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });
}

test('stringToHashBucketFast equals tfjs on strings of every length 0..300 (ASCII and multi-byte)', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const alphabet = 'abcXYZ019 ,.-_éü€😀\u0000';
  const chars = Array.from(alphabet);
  const strings = [];
  for (let len = 0; len <= 300; len++) {
    strings.push(Array.from({length: len}, () => chars[next() % chars.length]).join(''));
  }
  // Raw bytes too (not valid UTF-8 everywhere): tensors of Uint8Arrays.
  const raw = Array.from({length: 80}, (_, len) => Uint8Array.from({length: len}, () => next() % 256));
  for (const n of [1, 7, 1000003, 2 ** 31 - 1, 2 ** 32 - 1]) {
    const ours = tf.tidy(() => Array.from(tf.string.stringToHashBucketFast(strings, n).dataSync()));
    const theirs = tfjs.tidy(() => Array.from(tfjs.string.stringToHashBucketFast(strings, n).dataSync()));
    assert.deepEqual(ours, theirs, `${n} buckets`);
    const oursRaw = tf.tidy(() => Array.from(tf.string.stringToHashBucketFast(tf.tensor(raw, [raw.length], 'string'), n)
      .dataSync()));
    const theirsRaw = tfjs.tidy(() => Array.from(tfjs.string.stringToHashBucketFast(
      tfjs.tensor(raw, [raw.length], 'string'), n).dataSync()));
    assert.deepEqual(oursRaw, theirsRaw, `${n} buckets, raw bytes`);
  }
});

// tfjs's long.js makes a product whose left operand is zero a *signed* zero, and that
// signedness reaches the fingerprint (then a negative remainder): zero 8-byte chunks hit it.
test('fingerprints and buckets keep tfjs\'s signedness (inputs with zero 8-byte chunks)', () => {
  const inputs = [];
  for (let len = 0; len <= 200; len += 3) {
    inputs.push(new Uint8Array(len));
    inputs.push(Uint8Array.from({length: len}, (_, i) => (Math.floor(i / 8) % 2 ? 0 : 200 + (i % 50))));
    inputs.push(Uint8Array.from({length: len}, (_, i) => (i % 16 < 8 ? 0 : i)));
  }
  let signed = 0;
  for (const bytes of inputs) {
    const ours = tf.util.fingerPrint64(bytes), theirs = tfjs.util.fingerPrint64(bytes);
    assert.equal(ours.toString(16), theirs.toString(16), `[${bytes}]`);
    assert.equal(ours.unsigned, theirs.unsigned);
    if (!theirs.unsigned) signed++;
  }
  assert.ok(signed > 10, `${signed} signed fingerprints`);  // the case is really exercised
  for (const n of [3, 1000, 2 ** 32 - 1]) {
    const ours = tf.tidy(() => Array.from(tf.string.stringToHashBucketFast(tf.tensor(inputs, [inputs.length], 'string'), n)
      .dataSync()));
    const theirs = tfjs.tidy(() => Array.from(tfjs.string.stringToHashBucketFast(
      tfjs.tensor(inputs, [inputs.length], 'string'), n).dataSync()));
    assert.deepEqual(ours, theirs, `${n} buckets`);
  }
});

// Where tfjs fails too, but with another message: tfjs's own (numeric) message differs
// (reshape, concat), or tfjs fails on reading a tensor it built broken (ragged values,
// unset buffer elements, mixed dtypes in concat). Each is an error here, at once.
const DIFFERENT = [
  ['ragged values', L => L.tensor([['a', 'b'], ['c']]), /Element arr\[1\] should have 2 elements, but has 1 elements/],
  ['reshape bad size', L => L.reshape(S(L), [3]), /Size\(4\) must match the product of shape \[3\]/],
  ['concat string and number', L => L.concat([L.tensor(['a']), L.tensor([1])]), /Can not upcast string with float32/],
  ['metrics.meanSquaredError (tfjs names its inner sub)', L => L.metrics.meanSquaredError(S(L), S(L)),
   /Argument 'yTrue' passed to 'meanSquaredError' must be numeric tensor, but got string tensor/],
  ['concat complex64 and string', L => L.concat([L.complex([1], [2]), L.tensor(['a'])]),
   /Cannot concatenate complex64 tensors with a tensor with dtype string/],
  ['concat string and complex64', L => L.concat([L.tensor(['a']), L.complex([1], [2])]), /Can not upcast string with complex64/],
  ['stack complex64 and string', L => L.stack([L.complex([1], [2]), L.tensor(['a'])]), /Can not upcast complex64 with string/],
  ['concat rank mismatch', L => L.concat([S(L), L.tensor(['a'])]), /rank of tensors\[i\] must be the same as the rank of the rest \(2\)/],
];
for (const [name, fn, ours] of DIFFERENT) {
  test(`strings, a clearer error than tfjs's: ${name}`, () => {
    const before = tf.memory().numTensors;
    assert.ok(result(tfjs, fn).error);
    assert.throws(() => tf.tidy(() => plain(fn(tf))), ours);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });
}

test('a string TensorBuffer\'s unset elements are empty strings (tfjs cannot read them)', () => {
  const make = L => { const b = L.buffer([2, 2], 'string'); b.set('x', 0, 1); b.set('y', 1, 0); return b.toTensor(); };
  const theirs = make(tfjs);
  assert.throws(() => theirs.dataSync(), /Failed to decode the string bytes/);
  theirs.dispose();
  const ours = make(tf);
  assert.deepEqual(ours.arraySync(), [['', 'x'], ['y', '']]);
  ours.dispose();
});

// tfjs swaps the argument and op names in broadcastTo's message; ours names them the other way round.
test('broadcastTo refuses strings (naming the op)', () => {
  assert.throws(() => tfjs.broadcastTo(tfjs.tensor(['a']), [3]), /must be numeric tensor, but got string tensor/);
  const t = tf.tensor(['a']);
  assert.throws(() => tf.broadcastTo(t, [3]),
                {message: 'Argument \'x\' passed to \'broadcastTo\' must be numeric tensor, but got string tensor'});
  t.dispose();
});

test('dataSync, data, array, bytes and buffers read the strings as tfjs does', async () => {
  const make = L => L.tensor([['a', 'bb'], ['ccc', 'déf😀']]);
  const ours = make(tf), theirs = make(tfjs);
  assert.deepEqual(ours.dataSync(), theirs.dataSync());
  assert.ok(Array.isArray(ours.dataSync()));
  assert.deepEqual(await ours.data(), await theirs.data());
  assert.deepEqual(await ours.array(), await theirs.array());
  assert.deepEqual(ours.arraySync(), theirs.arraySync());
  assert.deepEqual((await ours.bytes()).map(b => Array.from(b)), (await theirs.bytes()).map(b => Array.from(b)));
  assert.ok((await ours.bytes()).every(b => b instanceof Uint8Array));
  assert.deepEqual(ours.bufferSync().values, theirs.bufferSync().values);
  assert.equal(ours.bufferSync().get(1, 1), 'déf😀');
  assert.deepEqual([ours.size, ours.rank, ours.dtype], [theirs.size, theirs.rank, theirs.dtype]);
  // Bytes that are not UTF-8 read as tfjs's decoder reads them; bytes() returns them as they are.
  const raw = L => L.tensor([new Uint8Array([0xff, 0x41])], [1], 'string');
  const r1 = raw(tf), r2 = raw(tfjs);
  assert.deepEqual(r1.dataSync(), r2.dataSync());
  assert.deepEqual(Array.from((await r1.bytes())[0]), [0xff, 0x41]);
  // The values are copies: changing what bytes() returned changes nothing.
  (await r1.bytes())[0][0] = 0x42;
  assert.deepEqual(Array.from((await r1.bytes())[0]), [0xff, 0x41]);
  tf.dispose([ours, r1]);
  tfjs.dispose([theirs, r2]);
  const disposed = tf.tensor(['a']);
  disposed.dispose();
  assert.throws(() => disposed.dataSync(), /Tensor is disposed/);
  assert.throws(() => tf.reshape(disposed, [1]), /disposed/);
});

test('print and toString format strings as tfjs does', () => {
  const cases = [
    L => L.tensor([['a', 'bb'], ['ccc', 'déf']]),
    L => L.scalar('x y'),
    L => L.tensor1d(Array.from({length: 25}, (_, i) => `s${i}`)),
    L => L.tensor(Array.from({length: 24}, (_, i) => String.fromCharCode(97 + i)), [2, 3, 4]),
    L => L.tensor([], [0], 'string'),
  ];
  for (const make of cases) {
    const ours = make(tf), theirs = make(tfjs);
    for (const verbose of [false, true]) {
      assert.equal(ours.toString(verbose), theirs.toString(verbose));
      assert.equal(captureLog(() => ours.print(verbose)), captureLog(() => theirs.print(verbose)));
    }
    assert.equal(captureLog(() => tf.print(ours)), captureLog(() => tfjs.print(theirs)));
    ours.dispose();
    theirs.dispose();
  }
});

test('tf.memory counts string tensors and their data buffers as tfjs does', () => {
  const counts = L => {
    const m = L.memory();
    return [m.numTensors, m.numDataBuffers];
  };
  const steps = L => {
    const start = counts(L);
    const seen = [];
    const note = () => seen.push(counts(L).map((n, i) => n - start[i]));
    const held = [];
    const t = L.tensor(['a', 'bb', 'ccc', 'déf'], [2, 2]); held.push(t); note();
    held.push(t.reshape([4])); note();  // shares t's data
    held.push(t.clone()); note();  // shares too
    held.push(L.expandDims(t, 0)); note();
    held.push(L.slice(t, [0, 0], [1, 2])); note();
    held.push(L.concat([t, t])); note();
    held.push(L.tile(t, [1, 2])); note();
    held.push(...L.unstack(t)); note();
    held.push(L.fill([3], 'xy')); note();
    held.push(L.equal(t, 'a')); note();
    const v = L.variable(t); note();
    v.dispose(); note();
    L.dispose(held.slice(1)); note();
    t.dispose(); note();
    return seen;
  };
  assert.deepEqual(steps(tf), steps(tfjs));
  assert.equal(tf.memory().numTensors, startTensors);
});

test('tf.memory with complex64 and string tensors alive together: one tensor each, as tfjs', () => {
  const deltas = L => {
    const m0 = L.memory();
    const held = [L.complex([1, 2], [3, 4]), L.tensor(['ab', 'c'])];
    const m1 = L.memory();
    L.dispose(held);
    const m2 = L.memory();
    return {live: m1.numTensors - m0.numTensors, after: m2.numTensors - m0.numTensors, unreliable: m1.unreliable,
            bytes: m1.numBytes - m0.numBytes, buffers: m1.numDataBuffers - m0.numDataBuffers,
            freed: [m2.numDataBuffers - m0.numDataBuffers, m2.numBytes - m0.numBytes]};
  };
  const ours = deltas(tf), theirs = deltas(tfjs);
  assert.deepEqual([ours.live, ours.after, ours.unreliable], [theirs.live, theirs.after, theirs.unreliable]);
  assert.deepEqual([ours.live, ours.after, ours.unreliable], [2, 0, true]);
  // What is held: the complex tensor's two float32 parts (2 buffers, 16 bytes), the strings' buffer (3 bytes).
  assert.deepEqual([ours.buffers, ours.bytes, ours.freed], [3, 19, [0, 0]]);
});

test('tf.memory counts a string tensor\'s UTF-8 bytes, as tfjs does for tensors made from values', () => {
  const bytes = L => {
    const before = L.memory().numBytes;
    const a = L.tensor(['a', 'bb', 'ccc', 'déf']);
    const b = L.scalar('hello');
    const c = L.buffer([2], 'string', ['x', 'yy']).toTensor();
    const out = L.memory().numBytes - before;
    L.dispose([a, b, c]);
    return out;
  };
  assert.equal(bytes(tf), bytes(tfjs));
  assert.equal(bytes(tf), 10 + 5 + 3);
  const before = tf.memory();
  const t = tf.tensor(['ab', 'c']);
  assert.equal(tf.memory().unreliable, true);
  assert.equal(tf.memory().reasons.length, 1);
  const r = t.reshape([2, 1]);
  assert.equal(tf.memory().numBytes, before.numBytes + 3);  // one buffer, counted once
  tf.dispose([t, r]);
  assert.deepEqual([tf.memory().numTensors, tf.memory().numDataBuffers, tf.memory().numBytes],
                   [before.numTensors, before.numDataBuffers, before.numBytes]);
});

test('tidy disposes string tensors and keeps what is returned or kept', () => {
  const before = tf.memory().numTensors;
  let kept;
  const out = tf.tidy(() => {
    const a = tf.tensor(['x', 'y']);
    kept = tf.keep(a.reshape([2, 1]));
    tf.concat([a, a]);
    tf.string.stringSplit(['a b'], ' ');
    return {s: tf.stack([a, a]), n: tf.equal(a, 'x')};
  });
  assert.equal(tf.memory().numTensors, before + 3);
  assert.deepEqual(out.s.arraySync(), [['x', 'y'], ['x', 'y']]);
  assert.deepEqual(kept.arraySync(), [['x'], ['y']]);
  tf.dispose([out, kept]);
  assert.equal(tf.memory().numTensors, before);
});

test('a string tf.Variable stays out of the default variables of variableGrads and optimizers', () => {
  const init = [tf.tensor(['a', 'b']), tf.scalar(2)];
  const names = tf.variable(init[0], true, 'names');
  const w = tf.variable(init[1], true, 'w');
  tf.dispose(init);
  const {value, grads} = tf.variableGrads(() => w.square());
  assert.deepEqual(Object.keys(grads), ['w']);
  assert.equal(grads.w.dataSync()[0], 4);
  tf.dispose([value, grads]);
  tf.train.sgd(0.1).minimize(() => w.square());
  assert.ok(Math.abs(w.dataSync()[0] - 1.6) < 1e-6);
  assert.deepEqual(names.dataSync(), ['a', 'b']);
  tf.disposeVariables();
});

test('ops without a string path give an Error naming the string dtype', async () => {
  const s = tf.tensor([['a', 'b']]);
  const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [2]})]});
  assert.throws(() => model.predict(s), {message: 'Argument \'x\' passed to \'predict\' must be numeric tensor, but got string tensor'});
  assert.throws(() => model.predict([s]), /Argument 'predict\[0\]' passed to 'predict' must be numeric tensor/);
  const ones = [tf.ones([1, 2]), tf.ones([1, 1])];
  await assert.rejects(model.fit(s, ones[1]), /passed to 'fit' must be numeric tensor, but got string tensor/);
  assert.throws(() => model.evaluate(ones[0], s), /passed to 'evaluate' must be numeric tensor, but got string tensor/);
  tf.dispose(ones);
  assert.throws(() => model.layers[0].apply(s), /Argument 'inputs\[0\]' passed to '.*\.apply' must be numeric tensor/);
  assert.throws(() => model.setWeights([s, s]), /Argument 'weights\[0\]' passed to 'setWeights' must be numeric tensor/);
  // Where no op name is at hand, the engine handle itself refuses, naming the dtype.
  assert.throws(() => tf.grad(x => x)(s), /does not support string tensors: it needs a numeric tensor/);
  assert.throws(() => tf.tensor([1, 2], [2], 'string'), /values must be strings or Uint8Arrays of bytes, but got number/);
  assert.throws(() => tf.fill([2], 3, 'string'), /a string tensor's value must be a string, but got number/);
  model.dispose();
  s.dispose();
});

test('tf.data.csv: string columns batch into string tensors, as in tfjs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wl-strings-'));
  try {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'name,age,city,ok\nann,31,paris,true\nbob,,"new, york",false\ncid,7,rome,true\n');
    const url = pathToFileURL(file).href;
    const read = async L => {
      const ds = L.data.csv(url, {columnConfigs: {ok: {isLabel: true}}});
      const rows = await ds.toArray();
      const batches = await ds.batch(2).toArray();
      const arrays = await ds.map(({xs, ys}) => ({xs: Object.values(xs), ys: Object.values(ys)})).batch(3).toArray();
      const out = {rows, batches: plain(batches), arrays: plain(arrays)};
      L.dispose([batches, arrays]);
      return out;
    };
    const before = tf.memory().numTensors;
    const ours = await read(tf);
    assert.deepEqual(ours, await read(tfjs));
    assert.equal(ours.batches[0].xs.name.dtype, 'string');
    assert.deepEqual(ours.batches[0].xs.city.values, ['paris', 'new, york']);
    // Training on string columns fails with an Error naming the column; hashing them first works.
    const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [1]})]});
    model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    const ds = tf.data.csv(url, {columnConfigs: {age: {isLabel: true, default: 0}}});
    const toXY = ({xs, ys}) => ({xs: [xs.city], ys: [ys.age]});
    await assert.rejects(model.fitDataset(ds.map(toXY).batch(3), {epochs: 1, verbose: 0}),
                         /The dataset's input data \w+ is a string tensor: models take numeric tensors/);
    const hashed = ds.batch(3).map(({xs, ys}) => tf.tidy(() => ({
      xs: tf.string.stringToHashBucketFast(xs.city, 10).reshape([-1, 1]).toFloat(), ys: ys.age.reshape([-1, 1])})));
    const history = await model.fitDataset(hashed, {epochs: 1, verbose: 0});
    assert.equal(history.history.loss.length, 1);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('tf.io.encodeWeights/decodeWeights carry string tensors in tfjs\'s format', async () => {
  const make = L => ({f: L.tensor([1.5, 2]), s: L.tensor([['a', 'bé'], ['', 'ccc']]), t: L.scalar('x'), i: L.tensor([3], [1], 'int32')});
  const ours = make(tf), theirs = make(tfjs);
  const a = await tf.io.encodeWeights(ours), b = await tfjs.io.encodeWeights(theirs);
  assert.deepEqual(a.specs, b.specs);
  assert.deepEqual(new Uint8Array(a.data), new Uint8Array(b.data));
  for (const [lib, data] of [[tf, a.data], [tfjs, a.data], [tf, b.data]]) {
    const decoded = lib.io.decodeWeights(data, b.specs);
    assert.deepEqual(Object.fromEntries(Object.entries(decoded).map(([k, v]) => [k, plain(v)])),
                     Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, plain(v)])));
    lib.dispose(Object.values(decoded));
  }
  // Across shards, and with the data cut short.
  const bytes = new Uint8Array(a.data);
  const shards = [bytes.slice(0, 13).buffer, bytes.slice(13).buffer];
  const fromShards = tf.io.decodeWeights(shards, a.specs);
  assert.deepEqual(fromShards.s.arraySync(), [['a', 'bé'], ['', 'ccc']]);
  tf.dispose(Object.values(fromShards));
  assert.throws(() => tf.io.decodeWeights(bytes.slice(0, 20).buffer, a.specs), /the string weight s runs past its end/);
  assert.throws(() => tf.io.decodeWeights(bytes.slice(0, bytes.length - 1).buffer, a.specs), /the string weight t runs past its end|describes/);
  tf.dispose(Object.values(ours));
  tfjs.dispose(Object.values(theirs));
});

test('no tensors leaked by this file', () => {
  tf.disposeVariables();
  assert.equal(tf.memory().numTensors, startTensors);
});
