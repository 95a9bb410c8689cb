// tf.data against @tensorflow/tfjs's: every Dataset method on the same inputs
// gives the same toArray() values and size; batching of {xs, ys}; seeded shuffles;
// no leaked tensors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

/** Tensors -> {shape, values} (nested), so results of both libraries compare with deepEqual. */
function plain(lib, v) {
  if (v instanceof lib.Tensor) return {shape: v.shape, values: Array.from(v.dataSync())};
  if (Array.isArray(v)) return v.map(x => plain(lib, x));
  if (v != null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(lib, x)]));
  return v;
}

async function collect(lib, ds) {
  const items = await ds.toArray();
  const out = plain(lib, items);
  lib.dispose(items);
  return {size: ds.size, items: out};
}

/** Builds a pipeline in both libraries and checks size and values are equal. */
async function same(build, what) {
  const tfjs = await loadTfjs();
  const theirs = await collect(tfjs, build(tfjs));
  const before = tf.memory().numTensors;
  const ours = await collect(tf, build(tf));
  assert.deepEqual(ours, theirs, what);
  assert.equal(tf.memory().numTensors, before, `${what}: leaked tensors`);
  return ours;
}

const nums = n => Array.from({length: n}, (_, i) => i);
const rows = n => Array.from({length: n}, (_, i) => ({xs: [i, i * 2], ys: [i % 2]}));

test('sources: array, generator (sync and async), zip of arrays and objects', async () => {
  await same(lib => lib.data.array(nums(5)), 'array of numbers');
  await same(lib => lib.data.array(rows(3)), 'array of objects');
  await same(lib => lib.data.generator(function* () {
    for (let i = 0; i < 4; i++) yield {xs: lib.tensor([i, i + 1]), ys: lib.scalar(i)};
  }), 'sync generator of tensors');
  await same(lib => lib.data.generator(async function* () {
    for (let i = 0; i < 3; i++) yield [i, i * i];
  }), 'async generator');
  await same(lib => lib.data.zip([lib.data.array(nums(4)), lib.data.array(nums(6))]), 'zip of an array');
  await same(lib => lib.data.zip({a: lib.data.array(nums(3)), b: lib.data.array(['x', 'y', 'z'])}), 'zip of an object');
  await same(lib => lib.data.zip({xs: lib.data.array(nums(5)).map(x => lib.tensor([x, -x])),
                                   ys: lib.data.array(nums(5)).map(x => lib.scalar(x * 3))}).batch(2),
             'zip of tensor datasets, batched');
});

test('every Dataset method gives what tfjs gives', async () => {
  const cases = {
    'batch': lib => lib.data.array(nums(7)).batch(3),
    'batch without small last batch': lib => lib.data.array(nums(7)).batch(3, false),
    'batch of arrays': lib => lib.data.array(nums(5).map(i => [i, i + 0.5])).batch(2),
    'batch of {xs, ys}': lib => lib.data.array(rows(5)).batch(2),
    'batch of tensors': lib => lib.data.array(nums(5)).map(i => lib.tensor2d([[i, 1], [2, i]])).batch(4),
    'batch of nested objects': lib => lib.data.array(nums(4).map(i => ({a: {b: i, c: [i, i]}, d: i * 2}))).batch(3),
    'map': lib => lib.data.array(nums(5)).map(x => x * 10),
    'map to tensors': lib => lib.data.array(nums(4)).map(x => lib.tensor([x]).mul(lib.scalar(2))),
    'mapAsync': lib => lib.data.array(nums(5)).mapAsync(async x => ({v: x + 1})),
    'filter': lib => lib.data.array(nums(10)).filter(x => x % 3 === 0),
    'filter of tensors': lib => lib.data.array(nums(6)).map(x => lib.scalar(x)).filter(t => t.dataSync()[0] > 2),
    'take': lib => lib.data.array(nums(10)).take(4),
    'take more than there is': lib => lib.data.array(nums(3)).take(10),
    'skip': lib => lib.data.array(nums(10)).skip(7),
    'skip tensors': lib => lib.data.array(nums(5)).map(x => lib.scalar(x)).skip(3),
    'skip more than there is': lib => lib.data.array(nums(3)).skip(5),
    'repeat(3)': lib => lib.data.array(nums(3)).repeat(3),
    'repeat().take(8)': lib => lib.data.array(nums(3)).repeat().take(8),
    'concatenate': lib => lib.data.array(nums(3)).concatenate(lib.data.array([7, 8])),
    'prefetch': lib => lib.data.array(nums(6)).prefetch(2).map(x => x + 1),
    'generator size is unknown': lib => lib.data.generator(function* () { yield 1; yield 2; }).batch(1).take(5),
    'shuffle(3, seed)': lib => lib.data.array(nums(10)).shuffle(3, 42),
    'shuffle(100, seed) of tensors': lib => lib.data.array(nums(20)).map(x => lib.scalar(x)).shuffle(100, 'abc'),
    'shuffle then batch': lib => lib.data.array(rows(9)).shuffle(4, 7).batch(4),
    'a long pipeline': lib => lib.data.array(nums(30)).map(x => ({xs: [x, x + 1], ys: x % 2}))
        .filter(e => e.xs[0] % 4 !== 1).skip(2).take(15).shuffle(5, 1).batch(4).repeat(2),
  };
  for (const [name, build] of Object.entries(cases)) await same(build, name);
});

test('forEachAsync and iterator() walk the dataset; forEachAsync disposes the elements', async () => {
  const before = tf.memory().numTensors;
  const ds = tf.data.array([1, 2, 3]).map(x => tf.tensor([x, x]));
  const seen = [];
  await ds.forEachAsync(t => seen.push(Array.from(t.dataSync())));
  assert.deepEqual(seen, [[1, 1], [2, 2], [3, 3]]);
  assert.equal(tf.memory().numTensors, before);
  const it = await ds.iterator();
  const first = await it.next();
  assert.equal(first.done, false);
  assert.deepEqual(Array.from(first.value.dataSync()), [1, 1]);
  first.value.dispose();
  (await it.next()).value.dispose();
  (await it.next()).value.dispose();
  assert.deepEqual(await it.next(), {value: null, done: true});
  assert.equal(tf.memory().numTensors, before);
});

test('size follows tfjs for every operation', async () => {
  const tfjs = await loadTfjs();
  const build = lib => {
    const a = lib.data.array(nums(10));
    const g = lib.data.generator(function* () { yield 1; });
    return [a.size, a.batch(3).size, a.batch(3, false).size, a.take(4).size, a.take(20).size, a.skip(3).size,
            a.skip(20).size, a.repeat(2).size, a.repeat().size, a.repeat(0).size, a.filter(() => true).size,
            a.concatenate(a).size, a.concatenate(g).size, a.shuffle(5).size, a.map(x => x).size, g.size,
            g.repeat().size, a.repeat().batch(4).size, a.repeat().take(5).size, a.prefetch(2).size];
  };
  assert.deepEqual(build(tf), build(tfjs));
});

test('shuffle: a permutation; the same seed gives the same order; reshuffles each pass unless told not to', async () => {
  const data = nums(50);
  const ds = tf.data.array(data).shuffle(50, 123);
  const first = await ds.toArray();
  const second = await ds.toArray();
  assert.deepEqual([...first].sort((a, b) => a - b), data);
  assert.notDeepEqual(first, data);
  assert.notDeepEqual(second, first);
  assert.deepEqual(await tf.data.array(data).shuffle(50, 123).toArray(), first);
  const fixed = tf.data.array(data).shuffle(50, 9, false);
  const f1 = await fixed.toArray();
  assert.deepEqual(await fixed.toArray(), f1);
  assert.deepEqual([...f1].sort((a, b) => a - b), data);
  // Without a seed, still a permutation.
  const unseeded = await tf.data.array(data).shuffle(10).toArray();
  assert.deepEqual([...unseeded].sort((a, b) => a - b), data);
  assert.throws(() => tf.data.array(data).shuffle(), /requires bufferSize to be specified/);
});

test('batching {xs, ys} of tensors stacks them and leaks nothing', async () => {
  const before = tf.memory().numTensors;
  const xs = nums(5).map(i => tf.tensor([i, i + 1]));
  const ys = nums(5).map(i => tf.tensor([i % 2]));
  const ds = tf.data.array(nums(5).map(i => ({xs: xs[i], ys: ys[i]}))).batch(2);
  const batches = await ds.toArray();
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0].xs.shape, [2, 2]);
  assert.deepEqual(batches[2].ys.shape, [1, 1]);
  assert.deepEqual(batches[1].xs.arraySync(), [[2, 3], [3, 4]]);
  tf.dispose(batches);
  // [xs, ys] pairs batch too.
  const pairs = await tf.data.array(nums(4).map(i => [xs[i], ys[i]])).batch(4).toArray();
  assert.deepEqual(pairs[0][0].shape, [4, 2]);
  assert.deepEqual(pairs[0][1].shape, [4, 1]);
  tf.dispose(pairs);
  // The source tensors are the caller's: still alive.
  assert.ok(xs.every(t => !t.isDisposed));
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors, before);
});

test('no leaks through map/filter/skip/take/shuffle/batch when consumed halfway', async () => {
  const before = tf.memory().numTensors;
  const ds = tf.data.generator(function* () {
    for (let i = 0; i < 40; i++) yield {xs: tf.tensor([i, i]), ys: tf.scalar(i)};
  }).map(e => ({xs: e.xs.mul(2), ys: e.ys})).filter(e => e.ys.dataSync()[0] % 3 !== 0).skip(2).shuffle(4, 5).batch(3);
  const it = await ds.iterator();
  for (let i = 0; i < 3; i++) {
    const {value} = await it.next();
    tf.dispose(value);
  }
  // What sits in the shuffle window is still held until the pass ends: finish it.
  for (let r = await it.next(); !r.done; r = await it.next()) tf.dispose(r.value);
  assert.equal(tf.memory().numTensors, before);
});

test('errors: a throwing generator names the dataset, bad arguments are rejected', async () => {
  const ds = tf.data.generator(function* () { yield 1; throw new Error('boom'); });
  await assert.rejects(ds.toArray(), /Error thrown while iterating through a dataset: boom/);
  assert.throws(() => tf.data.array([1]).batch(0), /batchSize needs to be positive/);
  assert.throws(() => tf.data.zip(3), /must be an object or array/);
  await assert.rejects(tf.data.array([1]).repeat().toArray(), /Can not convert infinite data stream to array/);
  await assert.rejects(tf.data.array([]).batch(2).toArray().then(a => { if (a.length) throw new Error('x'); throw new Error('empty ok'); }), /empty ok/);
});
