// model.fitDataset / evaluateDataset against @tensorflow/tfjs: same model, same
// initial weights, same (unshuffled) dataset -> same loss history; validation
// from a dataset or tensors; evaluateDataset values; no leaks; errors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

function rng(seed) {
  return () => {
    seed |= 0; seed = seed + 0x6D2B79F5 | 0;
    let t = Math.imul(seed ^ seed >>> 15, 1 | seed);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}

function rows(n, seed) {
  const r = rng(seed);
  return Array.from({length: n}, () => {
    const x = [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1];
    return {x, y: [Math.sin(x[0] + 2 * x[1] - x[2]), x[0] * x[2] > 0 ? 1 : 0]};
  });
}

function mlp(lib) {
  const m = lib.sequential();
  m.add(lib.layers.dense({units: 6, inputShape: [3], activation: 'tanh'}));
  m.add(lib.layers.dense({units: 2}));
  return m;
}

function pair(tfjs, compileArgs) {
  const theirs = mlp(tfjs), ours = mlp(tf);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  ours.setWeights(init);
  tf.dispose(init);
  theirs.compile(compileArgs(tfjs));
  ours.compile(compileArgs(tf));
  return {theirs, ours};
}

const dataset = (lib, data, batch) => lib.data.array(data).map(e => ({xs: lib.tensor(e.x), ys: lib.tensor(e.y)})).batch(batch);

function close(a, b, rel, what) {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function sameHistory(h2, h1, what) {
  assert.deepEqual(Object.keys(h2.history).sort(), Object.keys(h1.history).sort(), `${what}: keys`);
  assert.deepEqual(h2.epoch, h1.epoch, `${what}: epochs`);
  for (const k of Object.keys(h1.history)) h1.history[k].forEach((v, i) => close(h2.history[k][i], v, 1e-4, `${what} ${k}[${i}]`));
}

test('fitDataset: the same loss and metric history as tfjs, with dataset and tensor validation', async () => {
  const tfjs = await loadTfjs();
  const train = rows(22, 1), val = rows(9, 2);
  const compile = lib => ({optimizer: lib.train.sgd(0.1), loss: 'meanSquaredError', metrics: ['mae']});
  {
    const {theirs, ours} = pair(tfjs, compile);
    const args = lib => ({epochs: 4, verbose: 0, validationData: dataset(lib, val, 4)});
    const h1 = await theirs.fitDataset(dataset(tfjs, train, 5), args(tfjs));
    const h2 = await ours.fitDataset(dataset(tf, train, 5), args(tf));
    sameHistory(h2, h1, 'dataset validation');
    assert.equal(h2.params.steps, 5);
    ours.dispose();
  }
  {
    const {theirs, ours} = pair(tfjs, compile);
    const vt = lib => [lib.tensor2d(val.map(e => e.x)), lib.tensor2d(val.map(e => e.y))];
    const args = lib => ({epochs: 3, verbose: 0, validationData: vt(lib), validationBatchSize: 4, batchesPerEpoch: 3});
    const h1 = await theirs.fitDataset(dataset(tfjs, train, 4).repeat(), args(tfjs));
    const h2 = await ours.fitDataset(dataset(tf, train, 4).repeat(), args(tf));
    sameHistory(h2, h1, 'tensor validation, batchesPerEpoch');
    ours.dispose();
  }
  {
    // initialEpoch and validationBatches
    const {theirs, ours} = pair(tfjs, lib => ({optimizer: 'adam', loss: 'meanSquaredError'}));
    const args = lib => ({epochs: 5, initialEpoch: 2, verbose: 0, validationData: dataset(lib, val, 2), validationBatches: 2});
    const h1 = await theirs.fitDataset(dataset(tfjs, train, 8), args(tfjs));
    const h2 = await ours.fitDataset(dataset(tf, train, 8), args(tf));
    sameHistory(h2, h1, 'initialEpoch, validationBatches');
    ours.dispose();
  }
});

test('fitDataset: callbacks see the batch and epoch logs tfjs gives them, in the same order', async () => {
  const tfjs = await loadTfjs();
  const {theirs, ours} = pair(tfjs, lib => ({optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mse']}));
  const record = (lib, calls) => {
    const cb = {};
    for (const m of ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd']) {
      cb[m] = (a, b) => { calls.push(m.startsWith('onTrain') ? [m, null, {...a}] : [m, a, {...b}]); };
    }
    return cb;
  };
  const c1 = [], c2 = [];
  const data = rows(7, 3), val = rows(4, 4);
  const args = (lib, calls) => ({epochs: 2, verbose: 0, validationData: dataset(lib, val, 4), callbacks: record(lib, calls)});
  await theirs.fitDataset(dataset(tfjs, data, 3), args(tfjs, c1));
  await ours.fitDataset(dataset(tf, data, 3), args(tf, c2));
  assert.deepEqual(c2.map(c => [c[0], c[1]]), c1.map(c => [c[0], c[1]]));
  c1.forEach((call, i) => {
    const logs1 = call[2], logs2 = c2[i][2];
    assert.deepEqual(Object.keys(logs2).sort(), Object.keys(logs1).sort(), `${call[0]} keys`);
    for (const k of Object.keys(logs1)) close(logs2[k], logs1[k], 1e-4, `${call[0]} ${k}`);
  });
  ours.dispose();
});

test('fitDataset: elements as [xs, ys] and inputs/outputs keyed by name (multi-input model)', async () => {
  const input1 = tf.input({shape: [2], name: 'a'}), input2 = tf.input({shape: [1], name: 'b'});
  const joined = tf.layers.concatenate().apply([input1, input2]);
  const out = tf.layers.dense({units: 1, name: 'out'}).apply(joined);
  const m = tf.model({inputs: [input1, input2], outputs: out});
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const make = i => ({a: tf.tensor([i, -i]), b: tf.tensor([i / 2])});
  const named = tf.data.array([0, 1, 2, 3, 4, 5]).map(i => ({xs: make(i), ys: {out: tf.tensor([i])}})).batch(3);
  const h1 = await m.fitDataset(named, {epochs: 2, verbose: 0});
  assert.equal(h1.history.loss.length, 2);
  const pairs = tf.data.array([0, 1, 2, 3]).map(i => [[tf.tensor([i, 1]), tf.tensor([2])], tf.tensor([i])]).batch(2);
  const h2 = await m.fitDataset(pairs, {epochs: 1, verbose: 0});
  assert.ok(Number.isFinite(h2.history.loss[0]));
  const missing = tf.data.array([0, 1]).map(i => ({xs: {a: tf.tensor([i, 1])}, ys: tf.tensor([i])})).batch(2);
  await assert.rejects(m.fitDataset(missing, {epochs: 1, verbose: 0}),
                       /The feature data generated by the dataset lacks the required input key 'b'/);
  m.dispose();
});

test('evaluateDataset gives tfjs\'s values (one output and several metrics)', async () => {
  const tfjs = await loadTfjs();
  const {theirs, ours} = pair(tfjs, lib => ({optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae', 'mse']}));
  const data = rows(11, 5);
  const r1 = await theirs.evaluateDataset(dataset(tfjs, data, 4));
  const r2 = await ours.evaluateDataset(dataset(tf, data, 4));
  assert.equal(r2.length, 3);
  r1.forEach((t, i) => close(r2[i].dataSync()[0], t.dataSync()[0], 1e-5, `evaluateDataset[${i}]`));
  tf.dispose(r2);
  const b1 = await theirs.evaluateDataset(dataset(tfjs, data, 4), {batches: 2});
  const b2 = await ours.evaluateDataset(dataset(tf, data, 4), {batches: 2});
  b1.forEach((t, i) => close(b2[i].dataSync()[0], t.dataSync()[0], 1e-5, `batches: 2 [${i}]`));
  tf.dispose(b2);
  ours.dispose();
});

test('fitDataset and evaluateDataset leave no tensor behind', async () => {
  const before = tf.memory().numTensors;
  const m = mlp(tf);
  m.compile({optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae']});
  const data = rows(10, 6);
  await m.fitDataset(dataset(tf, data, 3).shuffle(10, 1), {epochs: 3, verbose: 0, validationData: dataset(tf, data, 5)});
  await m.fitDataset(dataset(tf, data, 3).repeat(), {epochs: 2, batchesPerEpoch: 5, verbose: 0});
  tf.dispose(await m.evaluateDataset(dataset(tf, data, 4)));
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('fitDataset errors: elements without xs/ys, bad config, uncompiled model', async () => {
  const m = mlp(tf);
  await assert.rejects(m.fitDataset(dataset(tf, rows(2, 1), 2), {epochs: 1, verbose: 0}),
                       /You must compile a model before training\/testing/);
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const before = tf.memory().numTensors;
  const bad = tf.data.array([1, 2, 3]).map(i => ({x: tf.tensor([[i, i, i]]), y: tf.tensor([[i, i]])}));
  await assert.rejects(m.fitDataset(bad, {epochs: 1, verbose: 0}),
                       /expected to generate objects of the form `\{xs: xVal, ys: yVal\}`/);
  assert.equal(tf.memory().numTensors, before, 'the bad element was disposed');
  await assert.rejects(m.fitDataset(tf.data.array([1]), {}), /config.epochs is expected to be a positive integer/);
  await assert.rejects(m.fitDataset(dataset(tf, rows(2, 1), 2), {epochs: 1, validationSplit: 0.2}),
                       /`validationSplit` is not supported by `fitDataset\(\)`/);
  const short = dataset(tf, rows(4, 1), 2);
  const warn = console.warn;
  const warnings = [];
  console.warn = (...a) => warnings.push(a.join(' '));
  try {
    const h = await m.fitDataset(short, {epochs: 2, batchesPerEpoch: 3, verbose: 0});
    assert.equal(h.epoch.length, 2);
  } finally {
    console.warn = warn;
  }
  assert.match(warnings[0], /your dataset iterator ran out of data after 2 batches/);
  // The model still trains afterwards.
  const h = await m.fitDataset(dataset(tf, rows(4, 1), 2), {epochs: 1, verbose: 0});
  assert.ok(Number.isFinite(h.history.loss[0]));
  m.dispose();
});

// Rank-1 labels against an output of shape [null, 1] (issue 14, item 13).
function closeAll(a, b, rel, what) {
  assert.equal(a.length, b.length, `${what}: length`);
  Array.from(b).forEach((v, i) => close(a[i], v, rel, `${what}[${i}]`));
}
function regression(lib) {
  const m = lib.sequential();
  m.add(lib.layers.dense({units: 1, inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'zeros'}));
  m.compile({optimizer: lib.train.sgd(0.1), loss: 'meanSquaredError', metrics: ['mae']});
  return m;
}
const XS = [[1, 0], [0, 1], [1, 1], [0, 0]];
const labelDataset = (lib, labels, rank1) => lib.data.zip({
  xs: lib.data.array(XS.map(x => lib.tensor1d(x))),
  ys: lib.data.array(labels.map(v => (rank1 ? lib.scalar(v) : lib.tensor1d([v])))),
}).batch(4);

test('fitDataset and evaluateDataset accept rank-1 labels (tf.data.array of numbers) as tfjs does', async () => {
  const tfjs = await loadTfjs();
  const before = tf.memory().numTensors;
  // The case: tf.data.array([1, 1, 1, 1]) zipped as ys.
  const ours = regression(tf), theirs = regression(tfjs);
  const ds = lib => lib.data.zip({xs: lib.data.array(XS).map(x => lib.tensor1d(x)), ys: lib.data.array([1, 1, 1, 1])})
      .batch(2);
  const h = await ours.fitDataset(ds(tf), {epochs: 3, verbose: 0});
  const ht = await theirs.fitDataset(ds(tfjs), {epochs: 3, verbose: 0});
  sameHistory(h, ht, 'rank-1 labels');
  const weights = ours.getWeights();
  closeAll(weights[0].dataSync(), theirs.getWeights()[0].dataSync(), 1e-5, 'trained kernel');
  tf.dispose(weights);
  const ev = await ours.evaluateDataset(ds(tf), {});
  const evt = await theirs.evaluateDataset(ds(tfjs), {});
  closeAll(ev.map(t => t.dataSync()[0]), evt.map(t => t.dataSync()[0]), 1e-5, 'evaluateDataset');
  tf.dispose(ev);
  tfjs.dispose(evt);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, 'the reshaped labels were disposed');
});

test('fitDataset pairs rank-1 labels with their samples, as tfjs\'s fit() and [batch, 1] labels do', async () => {
  // Porting note: with labels that differ within a batch, tfjs's fitDataset
  // broadcasts [batch] against [batch, 1] and trains on every (prediction,
  // label) pair; we train as tfjs does on the same labels shaped [batch, 1].
  const tfjs = await loadTfjs();
  const labels = [0, 1, 2, 3];
  const ours = regression(tf), reference = regression(tfjs), broadcast = regression(tfjs);
  const h = await ours.fitDataset(labelDataset(tf, labels, true), {epochs: 3, verbose: 0});
  const hr = await reference.fitDataset(labelDataset(tfjs, labels, false), {epochs: 3, verbose: 0});
  const hb = await broadcast.fitDataset(labelDataset(tfjs, labels, true), {epochs: 3, verbose: 0});
  sameHistory(h, hr, 'rank-1 labels vs tfjs with [batch, 1] labels');
  const weights = ours.getWeights();
  closeAll(weights[0].dataSync(), reference.getWeights()[0].dataSync(), 1e-5, 'trained kernel');
  tf.dispose(weights);
  assert.ok(Math.abs(hb.history.loss[0] - hr.history.loss[0]) > 0.1, 'tfjs\'s broadcast loss differs (the bug not copied)');
  // And the same as fit() on tensors with rank-1 labels, in both libraries.
  const viaFit = regression(tfjs);
  const hf = await viaFit.fit(tfjs.tensor2d(XS), tfjs.tensor1d(labels), {epochs: 3, batchSize: 4, shuffle: false, verbose: 0});
  closeAll(h.history.loss, hf.history.loss, 1e-5, 'tfjs fit() on rank-1 labels');
  ours.dispose();
});
