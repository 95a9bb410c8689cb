// Callbacks against @tensorflow/tfjs: the order of calls and their logs, early
// stopping, model.stopTraining, initialEpoch; beyond tfjs: restoreBestWeights,
// reduceLROnPlateau, yieldEvery, stepsPerEpoch and verbose progress lines.
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

function data(n, seed) {
  const r = rng(seed);
  const x = Array.from({length: n}, () => [r() * 2 - 1, r() * 2 - 1]);
  const y = x.map(([a, b]) => [a + b > 0 ? 1 : 0]);
  return {x, y};
}

function build(lib, {optimizer = 'sgd', metrics = ['acc']} = {}) {
  const m = lib.sequential();
  m.add(lib.layers.dense({units: 4, inputShape: [2], activation: 'tanh'}));
  m.add(lib.layers.dense({units: 1, activation: 'sigmoid'}));
  m.compile({optimizer: typeof optimizer === 'function' ? optimizer(lib) : optimizer, loss: 'binaryCrossentropy', metrics});
  return m;
}

// Both models start from the same seeded weights, so every run (and tfjs's early
// stopping, which the tests rely on) is the same from one run to the next.
async function pair(opts) {
  const tfjs = await loadTfjs();
  const theirs = build(tfjs, opts), ours = build(tf, opts);
  const r = rng(2024);
  const values = theirs.getWeights().map(w => ({shape: w.shape, data: Array.from({length: w.size}, () => r() * 1.6 - 0.8)}));
  theirs.setWeights(values.map(v => tfjs.tensor(v.data, v.shape)));
  const init = values.map(v => tf.tensor(v.data, v.shape));
  ours.setWeights(init);
  tf.dispose(init);
  return {tfjs, theirs, ours};
}

function close(a, b, rel, what) {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

const METHODS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/** An object of onXxx functions recording [method, epoch/batch, a copy of logs]. */
function recorder(calls, extra = {}) {
  const cb = {};
  for (const m of METHODS) {
    cb[m] = async (a, b) => {
      calls.push(m.startsWith('onTrain') ? [m, null, {...a}] : [m, a, {...b}]);
      if (extra[m]) await extra[m](a, b);
    };
  }
  return cb;
}

function sameCalls(ours, theirs) {
  assert.deepEqual(ours.map(c => `${c[0]}(${c[1]})`), theirs.map(c => `${c[0]}(${c[1]})`));
  theirs.forEach((call, i) => {
    const [l1, l2] = [call[2], ours[i][2]];
    assert.deepEqual(Object.keys(l2).sort(), Object.keys(l1).sort(), `${call[0]}(${call[1]}) keys`);
    for (const k of Object.keys(l1)) close(l2[k], l1[k], 1e-4, `${call[0]}(${call[1]}).${k}`);
  });
}

async function fitBoth({theirs, ours, tfjs}, n, args, seed = 1) {
  const {x, y} = data(n, seed);
  const h1 = await theirs.fit(tfjs.tensor2d(x), tfjs.tensor2d(y), args(tfjs));
  const xo = tf.tensor2d(x), yo = tf.tensor2d(y);
  const h2 = await ours.fit(xo, yo, args(tf));
  tf.dispose([xo, yo]);
  return {h1, h2};
}

test('callback call order and logs equal tfjs\'s (objects of functions, validation, several callbacks)', async () => {
  const p = await pair();
  const c1 = [], c2 = [], d1 = [], d2 = [];
  const {x, y} = data(5, 9);
  await fitBoth(p, 10, lib => ({
    epochs: 3, batchSize: 4, shuffle: false, verbose: 0, validationData: [lib.tensor2d(x), lib.tensor2d(y)],
    callbacks: [recorder(lib === tf ? c2 : c1), recorder(lib === tf ? d2 : d1)],
  }));
  sameCalls(c2, c1);
  sameCalls(d2, d1);
  p.ours.dispose();
});

test('a tf.Callback subclass gets the same calls as in tfjs, with validationSplit', async () => {
  const p = await pair();
  const make = (lib, calls) => {
    class Rec extends lib.Callback {}
    const rec = new Rec();
    const num = v => (v != null && typeof v === 'object' && typeof v.dataSync === 'function' ? v.dataSync()[0] : v);
    const copy = logs => Object.fromEntries(Object.entries(logs || {}).map(([k, v]) => [k, num(v)]));
    for (const m of METHODS) {
      rec[m] = async (a, b) => { calls.push(m.startsWith('onTrain') ? [m, null, copy(a)] : [m, a, copy(b)]); };
    }
    return rec;
  };
  const c1 = [], c2 = [];
  await fitBoth(p, 12, lib => ({epochs: 2, batchSize: 5, shuffle: false, verbose: 0, validationSplit: 0.25,
                                callbacks: make(lib, lib === tf ? c2 : c1)}));
  sameCalls(c2, c1);
  p.ours.dispose();
});

test('model.stopTraining = true in onBatchEnd stops where tfjs stops', async () => {
  const p = await pair();
  const c1 = [], c2 = [];
  const {x, y} = data(4, 3);
  const {h1, h2} = await fitBoth(p, 10, lib => {
    const model = lib === tf ? p.ours : p.theirs;
    return {epochs: 5, batchSize: 3, shuffle: false, verbose: 0, validationData: [lib.tensor2d(x), lib.tensor2d(y)],
            callbacks: recorder(lib === tf ? c2 : c1, {
              onBatchEnd: batch => {
                const calls = lib === tf ? c2 : c1;
                if (calls.filter(c => c[0] === 'onEpochBegin').length === 2 && batch === 1) model.stopTraining = true;
              },
            })};
  });
  sameCalls(c2, c1);
  assert.deepEqual(h2.epoch, h1.epoch);
  assert.deepEqual(Object.keys(h2.history).sort(), Object.keys(h1.history).sort());
  p.ours.dispose();
});

test('initialEpoch: the same epochs and history as tfjs', async () => {
  const p = await pair();
  const {h1, h2} = await fitBoth(p, 8, () => ({epochs: 5, initialEpoch: 2, batchSize: 4, shuffle: false, verbose: 0}));
  assert.deepEqual(h2.epoch, [2, 3, 4]);
  assert.deepEqual(h2.epoch, h1.epoch);
  h1.history.loss.forEach((v, i) => close(h2.history.loss[i], v, 1e-4, `loss[${i}]`));
  p.ours.dispose();
});

test('earlyStopping stops at the same epoch as tfjs for several settings', async () => {
  const settings = [
    {monitor: 'loss', minDelta: 0.01, patience: 1},
    {monitor: 'val_loss', baseline: 1e-4, patience: 2},
    {monitor: 'loss', mode: 'max'},
    {monitor: 'val_acc', patience: 1},
    {monitor: 'val_loss', minDelta: 0.005, patience: 2, mode: 'min'},
    {monitor: 'acc', mode: 'auto', patience: 2, baseline: 0.99},
  ];
  let stopped = 0;
  for (const s of settings) {
    const p = await pair({optimizer: lib => lib.train.sgd(0.5)});
    const {h1, h2} = await fitBoth(p, 16, lib => ({
      epochs: 30, batchSize: 8, shuffle: false, verbose: 0, validationSplit: 0.25,
      callbacks: lib.callbacks.earlyStopping(s),
    }), 5);
    if (h1.epoch.length < 30) ++stopped;
    assert.deepEqual(h2.epoch, h1.epoch, JSON.stringify(s));
    p.ours.dispose();
  }
  // The runs are seeded: most settings stop early in tfjs, so the comparison means something.
  assert.ok(stopped >= settings.length - 1, `tfjs stopped early for only ${stopped} of ${settings.length} settings`);
});

test('earlyStopping warns about a missing metric as tfjs does; invalid mode falls back to auto', async () => {
  const p = await pair();
  const warnings = {tfjs: [], ours: []};
  const warn = console.warn;
  try {
    await fitBoth(p, 6, lib => {
      console.warn = (...a) => warnings[lib === tf ? 'ours' : 'tfjs'].push(a.join(' '));
      return {epochs: 2, verbose: 0, callbacks: lib.callbacks.earlyStopping({monitor: 'nope', mode: 'sideways'})};
    });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings.ours, warnings.tfjs);
  assert.match(warnings.ours[0], /EarlyStopping mode 'sideways' is invalid/);
  assert.match(warnings.ours[1], /Metric for EarlyStopping nope is not available. Available metrics are: loss,acc/);
  p.ours.dispose();
});

test('earlyStopping restoreBestWeights restores the best epoch\'s weights and leaks nothing', async () => {
  const before = tf.memory().numTensors;
  const m = build(tf, {optimizer: tf.train.sgd(0.5)});
  const {x, y} = data(16, 5);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  const perEpoch = [];
  const snapshot = () => {
    const ws = m.getWeights();
    const values = ws.map(w => Array.from(w.dataSync()));
    tf.dispose(ws);
    return values;
  };
  // mode 'max' on a falling loss: the best epoch is the first; stops at epoch 2.
  const h = await m.fit(xs, ys, {epochs: 10, batchSize: 8, verbose: 0, shuffle: false, callbacks: [
    tf.callbacks.earlyStopping({monitor: 'loss', mode: 'max', patience: 2, restoreBestWeights: true}),
    {onEpochEnd: () => { perEpoch.push(snapshot()); }},
  ]});
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.notDeepEqual(perEpoch[2], perEpoch[0]);
  assert.deepEqual(snapshot(), perEpoch[0]);
  // Without restoreBestWeights the last epoch's weights stay.
  await m.fit(xs, ys, {epochs: 3, batchSize: 8, verbose: 0, shuffle: false, callbacks: [
    tf.callbacks.earlyStopping({monitor: 'loss', mode: 'max', patience: 1}),
    {onEpochEnd: () => { perEpoch.push(snapshot()); }},
  ]});
  assert.deepEqual(snapshot(), perEpoch[perEpoch.length - 1]);
  tf.dispose([xs, ys]);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('reduceLROnPlateau lowers the learning rate as Keras does (patience, cooldown, minLR)', async () => {
  let lr = 0.1;
  const set = [];
  const fakeModel = {stopTraining: false, getLearningRate: () => lr, setLearningRate: v => { lr = v; set.push(v); }};
  const cb = tf.callbacks.reduceLROnPlateau({monitor: 'val_loss', factor: 0.5, patience: 2, cooldown: 1, minLR: 0.01});
  cb.setModel(fakeModel);
  await cb.onTrainBegin({});
  const losses = [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
  const logged = [];
  for (const [epoch, v] of losses.entries()) {
    const logs = {val_loss: v};
    await cb.onEpochEnd(epoch, logs);
    logged.push(logs.lr);
  }
  // Hand-traced from keras.callbacks.ReduceLROnPlateau.on_epoch_end.
  assert.deepEqual(set, [0.05, 0.025, 0.0125, 0.01]);
  assert.deepEqual(logged, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.01, 0.01, 0.01]);
  // 'acc' in the monitor name means max in auto mode.
  lr = 1;
  set.length = 0;
  const acc = tf.callbacks.reduceLROnPlateau({monitor: 'val_acc', patience: 1, minDelta: 0});
  acc.setModel(fakeModel);
  await acc.onTrainBegin({});
  for (const [epoch, v] of [0.5, 0.6, 0.6, 0.7].entries()) await acc.onEpochEnd(epoch, {val_acc: v});
  assert.deepEqual(set, [0.1]);
  assert.throws(() => tf.callbacks.reduceLROnPlateau({factor: 1}), /does not support a factor >= 1.0/);
});

test('reduceLROnPlateau in fit changes the learning rate of the model\'s optimizer', async () => {
  const m = build(tf);
  const {x, y} = data(8, 2);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  m.setLearningRate(0.01);
  const seen = [];
  const h = await m.fit(xs, ys, {epochs: 4, verbose: 0, callbacks: [
    tf.callbacks.reduceLROnPlateau({monitor: 'loss', minDelta: 10, patience: 1, factor: 0.5}),
    {onEpochEnd: (e, logs) => { seen.push(logs.lr); }},
  ]});
  // Epoch 0 sets the best; every later epoch misses it by minDelta and halves the rate (logged before the change).
  assert.deepEqual(h.history.lr, [0.01, 0.01, 0.005, 0.0025]);
  assert.deepEqual(seen, h.history.lr);
  assert.equal(m.getLearningRate(), 0.00125);
  tf.dispose([xs, ys]);
  m.dispose();
});

test('yieldEvery \'auto\': a timer keeps ticking during one long epoch', async () => {
  const m = build(tf);
  const {x, y} = data(3000, 4);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 2);
  const ticksAtBatch = [];
  const started = Date.now();
  await m.fit(xs, ys, {epochs: 1, batchSize: 1, verbose: 0, callbacks: {onBatchEnd: b => { ticksAtBatch[b] = ticks; }}});
  const elapsed = Date.now() - started;
  clearInterval(timer);
  assert.equal(ticksAtBatch.length, 3000);
  const duringEpoch = ticksAtBatch[ticksAtBatch.length - 1];
  assert.ok(duringEpoch >= Math.min(5, elapsed / 100), `the timer fired ${duringEpoch} times in a ${elapsed} ms epoch`);
  tf.dispose([xs, ys]);
  m.dispose();
});

test('yieldEvery: onYield runs with a number; \'never\' with onYield is tfjs\'s error; \'batch\' and \'epoch\' work', async () => {
  const m = build(tf);
  const {x, y} = data(40, 4);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  const yields = [];
  await m.fit(xs, ys, {epochs: 2, batchSize: 2, verbose: 0, yieldEvery: 0,
                       callbacks: {onYield: (epoch, batch, logs) => { yields.push([epoch, batch, Object.keys(logs).sort()]); }}});
  assert.equal(yields.length, 40);
  assert.deepEqual(yields[21], [1, 1, ['acc', 'batch', 'loss', 'size']]);
  await assert.rejects(m.fit(xs, ys, {verbose: 0, yieldEvery: 'never', callbacks: {onYield: () => {}}}),
                       /yieldEvery is `never` but you provided an `onYield` callback/);
  await assert.rejects(m.fit(xs, ys, {verbose: 0, yieldEvery: 'often'}), /yieldEvery must be 'auto', 'batch'/);
  for (const yieldEvery of ['batch', 'epoch', 'never', 50]) {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const h = await m.fit(xs, ys, {epochs: 3, batchSize: 4, verbose: 0, yieldEvery});
    clearInterval(timer);
    assert.equal(h.epoch.length, 3);
    if (yieldEvery === 'batch' || yieldEvery === 'epoch') assert.ok(ticks > 0, `${yieldEvery}: ${ticks} ticks`);
  }
  tf.dispose([xs, ys]);
  m.dispose();
});

test('stepsPerEpoch runs that many batches per epoch, going on through the data', async () => {
  const m = build(tf);
  const {x, y} = data(10, 4);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  const sizes = [];
  let params;
  const h = await m.fit(xs, ys, {epochs: 3, batchSize: 4, stepsPerEpoch: 2, verbose: 0, shuffle: false, callbacks: {
    onTrainBegin: function() {},
    onBatchEnd: (b, logs) => sizes.push(logs.size),
  }});
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.deepEqual(sizes, [4, 4, 2, 4, 4, 2]);
  params = h.params;
  assert.equal(params.steps, 2);
  tf.dispose([xs, ys]);
  m.dispose();
});

test('validationSteps validates that many batches (with stepsPerEpoch, else an error as tfjs); evaluate({steps}) throws', async () => {
  const m = build(tf, {metrics: []});
  const {x, y} = data(12, 4);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  const vx = xs.slice([4, 0], [8, -1]), vy = ys.slice([4, 0], [8, -1]);
  const h = await m.fit(xs, ys, {epochs: 1, batchSize: 4, stepsPerEpoch: 2, validationSteps: 1, verbose: 0,
                                 shuffle: false, validationData: [vx, vy]});
  // One validation batch of 4: the loss of the first 4 validation samples, not of all 8.
  const first = m.evaluate(vx.slice([0, 0], [4, -1]), vy.slice([0, 0], [4, -1]));
  const all = m.evaluate(vx, vy);
  assert.ok(Math.abs(h.history.val_loss[0] - first.dataSync()[0]) < 1e-6, `${h.history.val_loss[0]} vs ${first.dataSync()[0]}`);
  assert.ok(Math.abs(first.dataSync()[0] - all.dataSync()[0]) > 1e-4);  // the check above could tell them apart
  await assert.rejects(m.fit(xs, ys, {epochs: 1, validationSteps: 1, validationData: [vx, vy], verbose: 0}),
                       /Can only use `validationSteps` when doing step-wise training, i.e., `stepsPerEpoch` must be set/);
  await assert.rejects(m.fit(xs, ys, {epochs: 1, stepsPerEpoch: 1, validationSteps: 0.5, validationData: [vx, vy], verbose: 0}),
                       /validationSteps must be a positive integer, but got 0.5/);
  assert.throws(() => m.evaluate(xs, ys, {steps: 2}), /evaluate: steps is not supported/);
  tf.dispose([xs, ys, vx, vy, first, all]);
  m.dispose();
});

test('verbose: 1 prints tfjs-node\'s lines: "Epoch i / N", then "<ms>ms <us>us/step - loss=... val_loss=..."', async () => {
  const m = build(tf, {metrics: []});
  const {x, y} = data(8, 4);
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  const lines = [];
  const log = console.log;
  console.log = (...a) => lines.push(a.join(' '));
  try {
    await m.fit(xs, ys, {epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 1});
    await m.fitDataset(tf.data.array(x.map((r, i) => ({xs: tf.tensor(r), ys: tf.tensor(y[i])}))).batch(4), {epochs: 1});
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 6, lines.join('\n'));
  assert.equal(lines[0], 'Epoch 1 / 2');
  assert.match(lines[1], /^\d+ms \d+us\/step - loss=\d\.\d+ val_loss=\d\.\d+ $/);
  assert.equal(lines[2], 'Epoch 2 / 2');
  assert.equal(lines[4], 'Epoch 1 / 1');
  assert.match(lines[5], /^\d+ms \d+us\/step - loss=\d\.\d+ $/);
  tf.dispose([xs, ys]);
  m.dispose();
});
