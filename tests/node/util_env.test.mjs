// tf.util, tf.env(), tf.version, tf.time, tf.profile and tf.nextFrame against
// @tensorflow/tfjs 4.22: every key of tfjs's tf.util exists here and the
// deterministic ones return what tfjs returns; the env flags tfjs programs set
// can be set and read back; timing and profiling report honest numbers.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const startTensors = tf.memory().numTensors;

const outcome = fn => {
  try {
    return {value: fn()};
  } catch (e) {
    return {error: e.message};
  }
};

test('tf.util has every function tfjs\'s tf.util has', () => {
  const missing = Object.keys(tfjs.util).filter(k => typeof tf.util[k] !== typeof tfjs.util[k]);
  assert.deepEqual(missing, []);
});

// name, argument lists: each call's result (or error message) must equal tfjs's.
const PARITY = [
  ['arraysEqual', [[[1, 2], [1, 2]], [[1, 2], [1, 3]], [[1], [1, 2]], [null, [1]], [new Float32Array([1]), [1]]]],
  ['arraysEqualWithNull', [[[1, null], [1, 5]], [[1, 2], [1, 3]], [null, null]]],
  ['sizeFromShape', [[[]], [[2, 3, 4]], [[0, 5]]]],
  ['isScalarShape', [[[]], [[1]]]],
  ['clamp', [[0, 5, 3], [0, -1, 3], [0, 2, 3]]],
  ['nearestLargerEven', [[3], [4], [0]]],
  ['nearestDivisor', [[12, 5], [7, 2]]],
  ['sum', [[[1, 2, 3.5]], [new Float32Array([1, 2])]]],
  ['distSquared', [[[1, 2], [4, 6]], [new Float32Array([1]), new Float32Array([3])]]],
  ['isInt', [[3], [3.5]]],
  ['tanh', [[0.5], [-2]]],
  ['sizeToSquarishShape', [[10], [16], [1]]],
  ['rightPad', [['ab', 5], ['abcdef', 3]]],
  ['inferFromImplicitShape', [[[2, -1], 8], [[-1, -1], 4], [[3, -1], 8], [[2, 2], 5], [[0, -1], 0]]],
  ['parseAxisParam', [[1, [2, 3]], [-1, [2, 3]], [null, [2, 3, 4]], [[0, -1], [2, 3]], [5, [2, 3]], [0.5, [2, 3]]]],
  ['squeezeShape', [[[1, 2, 1, 3]], [[1, 2, 1], [0]], [[1, 2, 1], [1]]]],
  ['getArrayFromDType', [['float32', 2], ['int32', 2], ['bool', 2], ['foo', 2]]],
  ['getTypedArrayFromDType', [['int32', 3]]],
  ['isValidDtype', [['float32'], ['string'], ['float64']]],
  ['hasEncodingLoss', [['float32', 'int32'], ['int32', 'float32'], ['bool', 'bool'], ['float32', 'bool']]],
  ['bytesPerElement', [['float32'], ['bool'], ['complex64'], ['string']]],
  ['bytesFromStringArray', [[[new Uint8Array(3), new Uint8Array(2)]], [null]]],
  ['isString', [['a'], [1]]],
  ['isBoolean', [[true], [0]]],
  ['isNumber', [[1], ['1']]],
  ['inferDtype', [[[1, 2]], [[true]], [new Int32Array(1)], [new Uint8Array(1)], [new Float32Array(1)], ['s'], [[[1]]]]],
  ['isFunction', [[() => 1], [1]]],
  ['computeStrides', [[[2, 3, 4]], [[5]], [[]]]],
  ['toNestedArray', [[[2, 2], [1, 2, 3, 4]], [[], [7]], [[0, 2], []], [[3], [1, 2]]]],
  ['makeOnesTypedArray', [[3, 'float32'], [2, 'int32'], [2, 'bool'], [2, 'foo']]],
  ['makeZerosTypedArray', [[3, 'int32'], [1, 'complex64']]],
  ['makeZerosNestedTypedArray', [[[2, 2], 'float32'], [[2], 'bool']]],
  ['assertNonNegativeIntegerDimensions', [[[2, 3]], [[2, -1]], [[1.5]]]],
  ['locToIndex', [[[1, 2], 2, [3]], [[4], 1, []], [[], 0, []]]],
  ['indexToLoc', [[5, 2, [3]], [4, 1, []], [0, 0, []]]],
  ['isPromise', [[Promise.resolve()], [{}]]],
  ['isTypedArray', [[new Float32Array(1)], [new Uint8ClampedArray(1)], [new Float64Array(1)], [[1]]]],
  ['flatten', [[[[1, [2, 3]], 4]], [[new Float32Array([1, 2]), 3]], [[[new Int32Array([1, 2])], [], true]]]],
  ['toTypedArray', [[[1, [2, 3]], 'float32'], [[1.7, -1.7, NaN], 'int32'], [[0.4, 0.6, -0.5], 'bool'],
                    [[null, true], 'float32'], [['a'], 'string']]],
  ['createScalarValue', [[3, 'int32'], ['ab', 'string']]],
  ['encodeString', [['héllo'], ['x', 'utf-8']]],
  ['decodeString', [[new Uint8Array([104, 195, 169])], [new Uint8Array(0)]]],
  ['checkConversionForErrors', [[[1, 2], 'float32'], [[1, NaN], 'float32'], [[Infinity], 'int32']]],
  ['convertBackendValuesAndArrayBuffer', [[[1, 2], 'float32'], [new Int32Array([1, 0, 2]).buffer, 'bool']]],
  ['assert', [[true, 'no'], [false, 'the message'], [false, () => 'lazy message']]],
  ['assertShapesMatch', [[[1, 2], [1, 2]], [[1, 2], [2, 1], 'prefix: ']]],
  ['assertNonNull', [[0], [null]]],
];

const plain = v => (ArrayBuffer.isView(v) ? {[v.constructor.name]: Array.from(v)} : v);

for (const [name, calls] of PARITY) {
  test(`util.${name} returns what tfjs's does`, () => {
    for (const args of calls) {
      const ours = outcome(() => tf.util[name](...args));
      const theirs = outcome(() => tfjs.util[name](...args));
      const norm = o => (o.error != null ? o
          : {value: Array.isArray(o.value) ? o.value.map(plain) : plain(o.value)});
      assert.deepEqual(norm(ours), norm(theirs), `${name}(${args.map(a => JSON.stringify(plain(a))).join(', ')})`);
    }
  });
}

test('util.fingerPrint64 and hexToLong give tfjs\'s 64-bit values', () => {
  const enc = new TextEncoder();
  for (const len of [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 50, 64, 65, 100, 128, 129, 300]) {
    const bytes = enc.encode('abcdefghijklmnopqrstuvwxyz0123456789'.repeat(10).slice(0, len));
    assert.equal(tf.util.fingerPrint64(bytes).toString(16), tfjs.util.fingerPrint64(bytes).toString(16), `length ${len}`);
  }
  const ours = tf.util.hexToLong('c3a5c85c97cb3127'), theirs = tfjs.util.hexToLong('c3a5c85c97cb3127');
  assert.equal(ours.toString(10), theirs.toString(10));
  assert.equal(ours.low, theirs.low);
  assert.equal(ours.high, theirs.high);
  assert.equal(ours.unsigned, theirs.unsigned);
});

test('util.shuffle, shuffleCombo and createShuffledIndices permute (and check lengths as tfjs)', () => {
  const a = Array.from({length: 50}, (_, i) => i);
  const b = a.map(i => `v${i}`);
  tf.util.shuffleCombo(a, b);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({length: 50}, (_, i) => i));
  a.forEach((v, i) => assert.equal(b[i], `v${v}`));
  assert.notDeepEqual(a, Array.from({length: 50}, (_, i) => i));
  const c = Array.from({length: 20}, (_, i) => i);
  tf.util.shuffle(c);
  assert.deepEqual([...c].sort((x, y) => x - y), Array.from({length: 20}, (_, i) => i));
  const idx = tf.util.createShuffledIndices(30);
  assert.ok(idx instanceof Uint32Array);
  assert.deepEqual(Array.from(idx).sort((x, y) => x - y), Array.from({length: 30}, (_, i) => i));
  const err = outcome(() => tf.util.shuffleCombo([1, 2], [1]));
  assert.equal(err.error, outcome(() => tfjs.util.shuffleCombo([1, 2], [1])).error);
});

test('util.now, randUniform, swap, repeatedTry and fetch behave as tfjs\'s', async () => {
  const t0 = tf.util.now();
  assert.equal(typeof t0, 'number');
  assert.ok(tf.util.now() >= t0);
  for (let i = 0; i < 20; i++) {
    const r = tf.util.randUniform(2, 5);
    assert.ok(r >= 2 && r <= 5);
  }
  const arr = [1, 2, 3];
  tf.util.swap(arr, 0, 2);
  assert.deepEqual(arr, [3, 2, 1]);
  let n = 0;
  await tf.util.repeatedTry(() => ++n === 3, () => 1);
  assert.equal(n, 3);
  await assert.rejects(tf.util.repeatedTry(() => false, () => 1, 2));
  const response = await tf.util.fetch('data:text/plain,hello');
  assert.equal(await response.text(), 'hello');
});

test('tf.version has tfjs\'s keys for the packages mirrored, at tfjs\'s versions, plus ours', () => {
  for (const key of ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-data']) assert.equal(tf.version[key], tfjs.version[key], key);
  assert.equal(typeof tf.version['wasm-layers'], 'string');
  assert.equal(tf.version_core, tfjs.version_core);
  assert.equal(tf.version_layers, tfjs.version_layers);
});

test('tf.env(): tfjs\'s flags read as tfjs reads them in Node, and set calls programs make do not throw', () => {
  const env = tf.env();
  assert.equal(tf.ENV, env);
  for (const flag of ['IS_BROWSER', 'IS_NODE', 'IS_CHROME', 'IS_SAFARI', 'PROD', 'DEBUG', 'IS_TEST', 'HAS_WEBGL',
    'WEBGL_VERSION', 'WEBGL_PACK', 'WEBGL_CPU_FORWARD', 'CPU_HANDOFF_SIZE_THRESHOLD', 'DEPRECATION_WARNINGS_ENABLED',
    'TOPOLOGICAL_SORT_CACHE_MAX_ENTRIES', 'WEBGL_DELETE_TEXTURE_THRESHOLD', 'CHECK_COMPUTATION_FOR_ERRORS']) {
    assert.deepEqual(outcome(() => env.get(flag)), outcome(() => tfjs.env().get(flag)), flag);
  }
  // Every flag tfjs registers (core and its backends) is registered here.
  for (const flag of Object.keys(tfjs.env().flagRegistry)) assert.ok(flag in env.flagRegistry, flag);
  assert.equal(env.getBool('IS_NODE'), true);
  assert.equal(env.getNumber('WEBGL_VERSION'), 0);
  const saved = {...env.getFlags()};
  try {
    env.set('WEBGL_PACK', false);
    env.set('WEBGL_FORCE_F16_TEXTURES', true);
    env.set('WEBGL_DELETE_TEXTURE_THRESHOLD', 0);
    env.set('PROD', true);
    assert.equal(env.get('WEBGL_FORCE_F16_TEXTURES'), true);
    assert.equal(env.getNumber('WEBGL_DELETE_TEXTURE_THRESHOLD'), 0);
    assert.equal(env.features, env.getFlags());
    assert.equal(env.flags.PROD, true);
    tf.enableProdMode();
    assert.equal(env.getBool('PROD'), true);
    assert.equal(outcome(() => env.set('NOT_A_FLAG', 1)).error, outcome(() => tfjs.env().set('NOT_A_FLAG', 1)).error);
    assert.equal(outcome(() => env.get('NOT_A_FLAG')).error, outcome(() => tfjs.env().get('NOT_A_FLAG')).error);
    // The engine keeps working whatever the flags say.
    const x = tf.tensor([1, 2]);
    const y = x.add(1);
    assert.deepEqual(Array.from(y.dataSync()), [2, 3]);
    tf.dispose([x, y]);
  } finally {
    env.setFlags(saved);
  }
  assert.equal(env.getBool('PROD'), false);
});

test('tf.time reports {kernelMs, wallMs} for the work f does', async () => {
  const x = tf.randomNormal([200, 200]);
  const info = await tf.time(() => tf.tidy(() => { tf.matMul(x, x).sum(); }));
  assert.deepEqual(Object.keys(info).sort(), Object.keys(await tfjs.time(() => {})).sort());
  assert.ok(info.kernelMs > 0 && info.wallMs >= info.kernelMs, JSON.stringify(info));
  x.dispose();
});

test('tf.profile counts new tensors and bytes, the peak, and each op called with its shapes', async () => {
  const before = tf.memory();
  const profile = await tf.profile(() => {
    const x = tf.ones([10, 10]);
    const y = tf.tidy(() => x.mul(2).add(1).sum());
    x.dispose();
    return y;
  });
  const theirs = await tfjs.profile(() => {
    const x = tfjs.ones([10, 10]);
    const y = tfjs.tidy(() => x.mul(2).add(1).sum());
    x.dispose();
    return y;
  });
  for (const key of ['newBytes', 'newTensors', 'peakBytes', 'kernels', 'kernelNames', 'result']) {
    assert.ok(key in profile, key);
  }
  assert.equal(profile.newTensors, theirs.newTensors);
  assert.equal(profile.newBytes, theirs.newBytes);
  assert.equal(profile.newBytes, tf.memory().numBytes - before.numBytes);
  // tfjs's ops are kernels of its own names; ours are the engine ops the JS layer called.
  assert.deepEqual(profile.kernelNames, ['fill', 'mul', 'add', 'sum']);
  const mul = profile.kernels.find(k => k.name === 'mul');
  assert.deepEqual(mul.inputShapes, [[10, 10], []]);
  assert.deepEqual(mul.outputShapes, [[10, 10]]);
  assert.equal(mul.bytesAdded, 400);
  assert.equal(mul.tensorsAdded, 1);
  assert.equal(typeof mul.kernelTimeMs, 'number');
  // x, x*2 and x*2+1 (100 floats each) and the scalar 1 (converted for add) are alive at once.
  assert.equal(profile.peakBytes - before.numBytes, 1204);
  assert.equal(profile.peakBytes, before.numBytes + Math.max(...profile.kernels.map(k => k.totalBytesSnapshot - before.numBytes)));
  assert.equal(profile.result.dataSync()[0], 300);
  profile.result.dispose();
  theirs.result.dispose();
  await assert.rejects(tf.profile(() => { throw new Error('inside profile'); }), /inside profile/);
  // A failed profile leaves profiling off.
  const again = await tf.profile(() => null);
  assert.deepEqual(again.kernels, []);
});

test('tf.nextFrame resolves after the current task', async () => {
  let later = false;
  const p = tf.nextFrame().then(() => later);
  later = true;
  assert.equal(await p, true);
});

test('no tensors leaked by this file', () => {
  assert.equal(tf.memory().numTensors, startTensors);
});
