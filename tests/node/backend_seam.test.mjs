// The backend seam from JavaScript: the one backend list (the engine's), a test
// backend that keeps its data in its own memory and completes reads
// asynchronously (every program below runs on it and agrees with 'cpu', with its
// host round trips counted), and the wasm GEMM's per-weight packing cache.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, loadTfjs, seededData, tf} from './helpers.mjs';

await tf.ready();
const engine = tf.engine();
if (!engine.backendNames().includes('cpu-async')) engine._registerTestBackend('cpu-async');
if (!engine.backendNames().includes('cpu-async-partial')) {
  engine._registerTestBackend('cpu-async-partial', {omit: ['Softmax', 'MatMul']});
}

async function onBackend(name, fn) {
  const saved = tf.getBackend();
  await tf.setBackend(name);
  try {
    return await fn();
  } finally {
    await tf.setBackend(saved);
  }
}

function buildModel(optimizer = tf.train.adam(0.05)) {
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 6, inputShape: [4], activation: 'relu'}));
  model.add(tf.layers.dense({units: 3, activation: 'softmax'}));
  const weights = [tf.tensor(seededData([4, 6], 1), [4, 6]), tf.tensor(seededData([6], 2), [6]),
                   tf.tensor(seededData([6, 3], 3), [6, 3]), tf.tensor(seededData([3], 4), [3])];
  model.setWeights(weights);
  tf.dispose(weights);
  model.compile({optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy']});
  return model;
}

// A complete small program: predict, fit with a validation split, evaluate,
// trainOnBatch, save and load, predict with the loaded model.
async function program() {
  const optimizer = tf.train.adam(0.05);
  const model = buildModel(optimizer);
  const x = tf.tensor(seededData([12, 4], 5), [12, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3));
  const out = {};
  const held = [x, y];
  const read = async t => {
    held.push(t);
    return Array.from(await t.data());
  };
  out.predicted = await read(model.predict(x));
  const history = await model.fit(x, y, {epochs: 3, batchSize: 4, shuffle: false, validationSplit: 0.25, verbose: 0});
  out.history = [...history.history.loss, ...history.history.acc, ...history.history.val_loss];
  out.evaluated = (await Promise.all(model.evaluate(x, y).map(read))).flat();
  out.trainOnBatch = await model.trainOnBatch(x, y);
  let artifacts;
  await model.save(tf.io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  out.loadedPredicted = await read(loaded.predict(x));
  out.ops = await read(tf.tidy(() => tf.concat([
    tf.matMul(x, x, false, true).reshape([-1]), tf.softmax(x).reshape([-1]), tf.topk(x, 2).values.reshape([-1]),
    tf.cumsum(x, 1).reshape([-1]), tf.gather(x, tf.tensor1d([3, 1], 'int32')).reshape([-1]),
    tf.conv2d(x.reshape([1, 12, 4, 1]), tf.ones([3, 3, 1, 2]), 1, 'same').reshape([-1]),
    tf.maxPool(x.reshape([1, 12, 4, 1]), 2, 2, 'valid').reshape([-1]), tf.range(0, 5).cast('float32'),
  ])));
  tf.dispose(held);
  model.dispose();
  loaded.dispose();
  optimizer.dispose();
  return out;
}

test('the backend list is the engine\'s: names by priority, chains, errors', async () => {
  const names = engine.backendNames();
  assert.ok(names.indexOf('wasm') < names.indexOf('cpu'), names.join());
  const start = process.env.WL_TEST_BACKEND || 'wasm';  // the default, unless the suite runs on a test backend
  assert.equal(tf.getBackend(), start);
  assert.equal(engine.backendName, start);
  assert.equal(tf.findBackend('wasm').fallback, 'cpu');
  assert.equal(tf.findBackend('cpu').fallback, null);
  assert.equal(tf.findBackend('wasm').memoryName, tf.findBackend('cpu').memoryName);
  assert.ok(tf.findBackend('wasm').kernelNames.includes('MatMul'));
  assert.equal(tf.findBackend('webgl'), null);
  assert.equal(engine.backend.name, start);
  await assert.rejects(tf.setBackend('webgpu'), /Backend name 'webgpu' not found in registry. Available backends: .*cpu/);
  assert.throws(() => tf.removeBackend('cpu'), /cannot be removed/);
  assert.throws(() => tf.registerBackend('mine', () => ({}), 5), /JavaScript KernelBackend cannot be registered. Registered backends: .*wasm/);
  assert.equal(tf.findBackend('mine'), null);
  assert.equal(tf.backend().name, start);
  assert.equal(tf.findBackendFactory('wasm')().name, 'wasm');
  assert.equal(tf.findBackendFactory('webgl'), null);
  assert.deepEqual(tf.getKernel('MatMul', 'wasm'), {kernelName: 'MatMul', backendName: 'wasm'});
  assert.equal(tf.getKernel('Gather', 'wasm'), undefined);  // wasm has none: its chain runs cpu's
  assert.ok(tf.getKernelsForBackend('cpu').some(k => k.kernelName === 'Gather'));
  assert.throws(() => tf.registerKernel({kernelName: 'Foo', backendName: 'wasm', kernelFunc: () => null}),
                /JavaScript kernel \(Foo\) cannot be registered/);
  assert.throws(() => tf.registerGradient({kernelName: 'Foo', gradFunc: () => ({})}), /tf.customGrad/);
  assert.equal(tf.getBackend(), start);
});

test('a program runs on a backend with its own memory and async reads, and agrees with cpu', async () => {
  const before = tf.memory().numTensors;
  const want = await onBackend('cpu', program);
  const got = await onBackend('cpu-async', program);
  const partial = await onBackend('cpu-async-partial', program);  // Softmax, MatMul fall back to cpu
  for (const key of Object.keys(want)) {
    assertAllClose(got[key], want[key], `cpu-async ${key}`, 1e-5);
    assertAllClose(partial[key], want[key], `cpu-async-partial ${key}`, 1e-5);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('data() on an asynchronous backend resolves later, dataSync() still works', async () => {
  await onBackend('cpu-async', async () => {
    const t = tf.tensor([1, 2, 3]).mul(2);
    let resolved = false;
    const p = t.data().then(v => {
      resolved = true;
      return v;
    });
    await Promise.resolve();
    assert.equal(resolved, false);  // the read completes on a later poll, as a GPU fence
    assert.deepEqual(Array.from(await p), [2, 4, 6]);
    assert.deepEqual(Array.from(t.dataSync()), [2, 4, 6]);
    assert.deepEqual(await t.array(), [2, 4, 6]);
    t.dispose();
  });
});

test('predict on a backend with every kernel makes no host round trip; a step reads its logs once', async () => {
  await onBackend('cpu-async', async () => {
    const model = buildModel();
    const x = tf.tensor(seededData([8, 4], 6), [8, 4]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
    tf.dispose(model.predict(x));
    let s = engine.transferStats();
    const out = model.predict(x);
    let t = engine.transferStats();
    assert.equal(t.moves, s.moves, 'moves during predict');
    assert.equal(t.hostReads, s.hostReads, 'host reads during predict');
    await out.data();
    assert.equal(engine.transferStats().hostReads, t.hostReads + 1);
    await model.trainOnBatch(x, y);  // builds the optimizer state
    s = engine.transferStats();
    const logs = await model.trainOnBatch(x, y);
    t = engine.transferStats();
    assert.equal(logs.length, 2);
    assert.equal(t.hostReads - s.hostReads, 1, 'one read for the loss and the metric together');
    assert.equal(t.moves, s.moves);
    tf.dispose([x, y, out]);
    model.dispose();
  });
});

test('fit on a device backend issues every step before reading logs when no callback sees batch logs, and logs as cpu', async () => {
  const start = tf.memory().numTensors;
  const x = tf.tensor(seededData([8, 4], 6), [8, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
  const run = (backend, callbacks) => onBackend(backend, async () => {
    const model = buildModel();
    // The host reads done when each step starts (the engine's trainOnBatch, wrapped).
    const readsAtStep = [];
    const step = model.handle.trainOnBatch.bind(model.handle);
    model.handle.trainOnBatch = (xv, yv) => {
      readsAtStep.push(engine.transferStats().hostReads);
      return step(xv, yv);
    };
    const before = engine.transferStats().hostReads;
    const h = await model.fit(x, y, {epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks});
    const reads = engine.transferStats().hostReads - before;
    model.optimizer.dispose();  // the user's (buildModel's): its moments outlive the model, as in tfjs
    model.dispose();
    return {history: h.history, steps: readsAtStep.map(r => r - before), reads};
  });
  const want = await run('cpu');
  // No batch hooks (an epoch hook and EarlyStopping do not count): 4 steps, then 4 reads, per epoch.
  const deferred = await run('cpu-async', [{onEpochEnd: () => {}}, tf.callbacks.earlyStopping({patience: 5})]);
  assert.deepEqual(deferred.steps, [0, 0, 0, 0, 4, 4, 4, 4]);
  assert.equal(deferred.reads, 8);
  // A batch hook sees each batch's logs: each step's logs are read before the next step.
  const seen = [];
  const perBatch = await run('cpu-async', [{onBatchEnd: (b, logs) => { seen.push(logs.loss); }}]);
  assert.deepEqual(perBatch.steps, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(seen.length, 8);
  assert.ok(seen.every(v => typeof v === 'number' && Number.isFinite(v)));
  for (const got of [deferred, perBatch]) {
    for (const key of ['loss', 'acc']) assertAllClose(got.history[key], want.history[key], `history.${key}`, 1e-6);
  }
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, start);
});

test('the wasm GEMM packs each weight once per version: repacks after a step, never stale', () => onBackend('wasm', async () => {
  const model = buildModel();
  const x = tf.tensor(seededData([5, 4], 7), [5, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3));
  tf.dispose(model.predict(x));
  const s = engine.transferStats();
  const first = model.predict(x);
  for (let i = 0; i < 3; ++i) tf.dispose(model.predict(x));
  const t = engine.transferStats();
  assert.equal(t.kernelCacheBuilds, s.kernelCacheBuilds, 'no packing on unchanged weights');
  assert.equal(t.kernelCacheHits - s.kernelCacheHits, 8, '2 layers x 4 calls');
  await model.fit(x, y, {epochs: 1, batchSize: 5, verbose: 0});
  const u = engine.transferStats();
  const trained = model.predict(x);
  assert.equal(engine.transferStats().kernelCacheBuilds - u.kernelCacheBuilds, 2, 'repacked once per weight');
  const want = await onBackend('cpu', () => model.predict(x).data());
  assertAllClose(Array.from(await trained.data()), Array.from(want), 'wasm after a step = cpu', 1e-5);
  assert.notDeepEqual(Array.from(await trained.data()), Array.from(await first.data()));
  tf.dispose([x, y, first, trained]);
  model.dispose();
}));

test('a tensor taken from a variable keeps its values after assign or an optimizer step (copy on write), as tfjs', async () => {
  const tfjs = await loadTfjs();
  const run = async lib => {
    const init = lib.tensor([1, 2, 3, 4]), next = lib.tensor([5, 6, 7, 8]);
    const v = lib.variable(init);
    const r = v.reshape([2, 2]), same = lib.reshape(v, [4]), c = v.cast('float32');
    v.assign(next);
    const afterAssign = [r, same, c].map(t => Array.from(t.dataSync()));
    const r2 = v.reshape([4, 1]);
    const opt = lib.train.sgd(0.5);
    opt.minimize(() => v.square().sum(), false, [v]);
    const out = {afterAssign, view: Array.from(r2.dataSync()), v: Array.from(v.dataSync())};
    lib.dispose([r, same, c, r2, v, init, next]);
    opt.dispose();
    return out;
  };
  const before = tf.memory().numTensors;
  const want = await run(tfjs), got = await run(tf);
  assert.deepEqual(got, want);
  assert.deepEqual(got.afterAssign, [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]);
  assert.equal(tf.memory().numTensors, before);
});

test("setBackend('webgl') where there is no WebGL2 (Node): resolves false with the reason, the backend stays", async () => {
  const was = tf.getBackend();
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.join(' '));
  let ok;
  try {
    ok = await tf.setBackend('webgl');
  } finally {
    console.warn = warn;
  }
  assert.equal(ok, false);
  assert.equal(tf.getBackend(), was);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /Initialization of backend webgl failed: WebGL2 is not available here/);
  assert.ok(!tf.engine().backendNames().includes('webgl'));
  const x = tf.tensor([1, 2]);  // the module keeps working
  assert.deepEqual(Array.from(x.square().dataSync()), [1, 4]);
  x.dispose();
});
