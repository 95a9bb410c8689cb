// Normalization, merge and preprocessing layers against @tensorflow/tfjs: the same
// model in both libraries, tfjs's weights copied into ours, then predict() outputs,
// getConfig() and (for layers with weights) 3 steps of fit, comparing the final
// weights including BatchNormalization's moving statistics.
import assert from 'node:assert/strict';
import {after, test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const REL = 1e-4;
const table = [];  // [family, case, max relative difference]

function maxRelDiff(a, b) {
  assert.equal(a.length, b.length, `lengths ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

function compareTensors(ours, theirs, what) {
  assert.deepEqual(ours.shape, theirs.shape, `${what}: shape`);
  const d = maxRelDiff(Array.from(ours.dataSync()), Array.from(theirs.dataSync()));
  assert.ok(d <= REL, `${what}: max relative difference ${d}`);
  return d;
}

// Per layer, because a model's weight list orders trainable weights first in tfjs.
function copyWeights(ours, theirs) {
  theirs.layers.forEach((l, i) => {
    const ws = l.getWeights();
    if (ws.length) ours.layers[i].setWeights(ws.map(w => tf.tensor(w.dataSync(), w.shape)));
  });
}

function compareWeights(ours, theirs, what) {
  let worst = 0;
  theirs.layers.forEach((l, i) => {
    const tw = l.getWeights();
    const ow = ours.layers[i].getWeights();
    assert.equal(ow.length, tw.length, `${what}: layer ${i} weight count`);
    assert.deepEqual(ours.layers[i].weights.map(w => w.trainable), l.weights.map(w => w.trainable));
    tw.forEach((w, j) => { worst = Math.max(worst, compareTensors(ow[j], w, `${what}: layer ${i} weight ${j}`)); });
  });
  return worst;
}

function compareConfig(ours, theirs, what) {
  const c1 = ours.getConfig();
  const c2 = JSON.parse(JSON.stringify(theirs.getConfig()));  // drops tfjs's `seed: undefined`
  for (const k of Object.keys(c2)) assert.deepEqual(c1[k], c2[k], `${what}: getConfig().${k}`);
}

const toLib = (lib, arr, shape) => lib.tensor(arr.flat(Infinity), shape);

// Runs build(lib) in both libraries, copies weights, compares predict (and fit).
async function parity(family, name, build, xs, {fitY = null, xShape, yShape} = {}) {
  const tfjs = await loadTfjs();
  const theirs = build(tfjs);
  const ours = build(tf);
  copyWeights(ours, theirs);
  const xsList = Array.isArray(xShape[0]) ? xs.map((x, i) => [x, xShape[i]]) : [[xs, xShape]];
  const mk = lib => xsList.map(([x, s]) => toLib(lib, x, s));
  const pT = theirs.predict(mk(tfjs).length === 1 ? mk(tfjs)[0] : mk(tfjs));
  const pO = ours.predict(mk(tf).length === 1 ? mk(tf)[0] : mk(tf));
  let worst = compareTensors(pO, pT, `${name}: predict`);
  if (fitY) {
    for (const [lib, m] of [[tfjs, theirs], [tf, ours]]) {
      m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
      const xt = mk(lib);
      await m.fit(xt.length === 1 ? xt[0] : xt, toLib(lib, fitY, yShape),
                  {epochs: 3, batchSize: yShape[0], shuffle: false, verbose: 0});
    }
    worst = Math.max(worst, compareWeights(ours, theirs, `${name}: after fit`));
    const p2T = theirs.predict(mk(tfjs).length === 1 ? mk(tfjs)[0] : mk(tfjs));
    const p2O = ours.predict(mk(tf).length === 1 ? mk(tf)[0] : mk(tf));
    worst = Math.max(worst, compareTensors(p2O, p2T, `${name}: predict after fit`));
  }
  table.push([family, name, worst]);
  return {ours, theirs};
}

// Layer.apply(tensor) in both (tfjs's CenterCrop and CategoryEncoding mutate their
// input shape inside a model, and its Resizing only works on a bare tensor).
async function eagerParity(family, name, make, x, shape) {
  const tfjs = await loadTfjs();
  const yT = make(tfjs).apply(toLib(tfjs, x, shape));
  const yO = make(tf).apply(toLib(tf, x, shape));
  table.push([family, name, compareTensors(yO, yT, `${name}: apply`)]);
}

const X4x2 = [[1, 2], [3, -4], [0.5, 1], [-2, 0]];
const Y4x1 = [[1], [-1], [0.5], [2]];

test('BatchNormalization: dense -> BN -> dense, predict and 3 fit steps (moving stats)', async () => {
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.dense({units: 3, inputShape: [2], kernelInitializer: 'glorotUniform'}));
    m.add(lib.layers.batchNormalization({momentum: 0.8}));
    m.add(lib.layers.dense({units: 1}));
    return m;
  };
  const {ours, theirs} = await parity('BatchNormalization', 'rank 2, momentum 0.8', build, X4x2,
                                      {xShape: [4, 2], fitY: Y4x1, yShape: [4, 1]});
  assert.deepEqual(ours.layers[1].weights.map(w => w.name.replace(/\d+\//, '/')),
                   theirs.layers[1].weights.map(w => w.name.replace(/\d+\//, '/')));
});

test('BatchNormalization: predict folds its weights once per weight version; setWeights and fit are never stale', async () => {
  const tfjs = await loadTfjs();
  // BN right after the input (the batchNorm op) and BN after a conv (the conv's fused epilogue).
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.batchNormalization({inputShape: [3, 3, 2], epsilon: 0.01}));
    m.add(lib.layers.conv2d({filters: 3, kernelSize: 1}));
    m.add(lib.layers.batchNormalization({epsilon: 0.002}));
    m.add(lib.layers.reLU());
    return m;
  };
  const theirs = build(tfjs), ours = build(tf);
  let seed = 11;
  const rand = n => Array.from({length: n}, () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; });
  const randomWeights = () => theirs.layers.forEach(l => {
    const ws = l.getWeights();
    if (ws.length) l.setWeights(ws.map(w => tfjs.tensor(rand(w.size).map(v => v + 0.1), w.shape)));
  });
  randomWeights();
  copyWeights(ours, theirs);
  const xs = rand(2 * 18).map(v => 4 * v - 2);
  const x = tf.tensor(xs, [2, 3, 3, 2]);
  compareTensors(ours.predict(x), theirs.predict(tfjs.tensor(xs, [2, 3, 3, 2])), 'first predict');
  const before = tf.memory().numTensors, s = tf.engine().transferStats();
  const second = ours.predict(x);
  compareTensors(second, theirs.predict(tfjs.tensor(xs, [2, 3, 3, 2])), 'second predict');
  const t = tf.engine().transferStats();
  assert.equal(t.kernelCacheBuilds, s.kernelCacheBuilds, 'nothing refolded for unchanged weights');
  // The conv alone hits the cache too where the backend packs its filter (wasm, not the
  // cpu-async test backend): a conv-only model's second predict says how many times.
  const convOnly = tf.sequential();
  convOnly.add(tf.layers.conv2d({filters: 3, kernelSize: 1, inputShape: [3, 3, 2]}));
  convOnly.predict(x).dispose();
  const c0 = tf.engine().transferStats().kernelCacheHits;
  convOnly.predict(x).dispose();
  const convHits = tf.engine().transferStats().kernelCacheHits - c0;
  convOnly.dispose();
  assert.equal(t.kernelCacheHits - s.kernelCacheHits, convHits + 2, 'both BatchNormalization layers (and the conv)');
  second.dispose();
  assert.equal(tf.memory().numTensors, before, 'the folded vectors are not counted as tensors');
  // setWeights: new values, the same number of cache entries (rebuilt in place).
  randomWeights();
  copyWeights(ours, theirs);
  compareTensors(ours.predict(x), theirs.predict(tfjs.tensor(xs, [2, 3, 3, 2])), 'predict after setWeights');
  assert.equal(tf.engine().transferStats().kernelCacheEntries, t.kernelCacheEntries, 'one entry per weight set');
  // A fit step moves the moving statistics in place: predict must see them, as a fresh copy does.
  ours.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  await ours.fit(x, tf.zeros([2, 3, 3, 3]), {epochs: 1, batchSize: 2, verbose: 0});
  const fresh = build(tf);
  fresh.setWeights(ours.getWeights());
  const a = ours.predict(x).dataSync(), b = fresh.predict(x).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b), 'predict after fit = a fresh model with the same weights');
  ours.dispose();
  fresh.dispose();
});

test('BatchNormalization: axis 1 on rank 3, training-mode apply updates the moving stats as tfjs', async () => {
  // (tfjs cannot fit this one: its batchNorm gradient fails to reshape the gamma
  // gradient when the normalized axis is not the last; so compare apply(training).)
  const tfjs = await loadTfjs();
  const x = [[[1, 2, 3], [0, -1, 2]], [[3, 1, 0], [2, 2, 2]], [[-1, 0, 1], [4, 0, -2]]];
  const opts = {axis: 1, epsilon: 0.01, momentum: 0.7, gammaInitializer: 'randomNormal',
                betaInitializer: 'randomUniform', movingVarianceInitializer: 'randomUniform'};
  const theirs = tfjs.layers.batchNormalization(opts);
  const ours = tf.layers.batchNormalization(opts);
  theirs.apply(tfjs.zeros([1, 2, 3]));
  ours.apply(tf.zeros([1, 2, 3]));
  ours.setWeights(theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape)));
  // tfjs's cpu batchNorm kernel cycles mean/variance/gamma/beta along the flat index
  // (right only when the normalized axis is the last), so the outputs are checked
  // against tfjs's own ops: (x - mean) * rsqrt(variance + eps) * gamma + beta.
  const reference = (x4, mean, variance) => {
    const [g, b] = theirs.getWeights().slice(0, 2).map(w => w.reshape([1, 2, 1]));
    return x4.sub(mean.reshape([1, 2, 1])).mul(tfjs.rsqrt(variance.reshape([1, 2, 1]).add(0.01))).mul(g).add(b);
  };
  let worst = 0;
  for (let step = 0; step < 3; step++) {
    const xT = toLib(tfjs, x, [3, 2, 3]);
    const {mean, variance} = tfjs.moments(xT, [0, 2]);
    const yRef = reference(xT, mean, variance);
    theirs.apply(xT, {training: true});
    const yO = ours.apply(toLib(tf, x, [3, 2, 3]), {training: true});
    worst = Math.max(worst, compareTensors(yO, yRef, `training output ${step}`));
  }
  const tw = theirs.getWeights();
  ours.getWeights().forEach((w, i) => { worst = Math.max(worst, compareTensors(w, tw[i], `weight ${i}`)); });
  const xT = toLib(tfjs, x, [3, 2, 3]);
  worst = Math.max(worst, compareTensors(ours.apply(toLib(tf, x, [3, 2, 3])), reference(xT, tw[2], tw[3]),
                                         'inference output'));
  table.push(['BatchNormalization', 'axis 1, rank 3, 3x apply(training) + inference', worst]);
});

test('BatchNormalization: center/scale false predict, initializers, getConfig', async () => {
  const tfjs = await loadTfjs();
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.batchNormalization({center: false, scale: false, inputShape: [2],
                                         movingVarianceInitializer: 'zeros', movingMeanInitializer: 'ones'}));
    return m;
  };
  await parity('BatchNormalization', 'center/scale false, inference', build, X4x2, {xShape: [4, 2]});
  const opts = {name: 'bn_cfg', momentum: 0.5, epsilon: 0.01, axis: 1, gammaInitializer: 'randomUniform'};
  compareConfig(tf.layers.batchNormalization(opts), tfjs.layers.batchNormalization(opts), 'BN config');
  compareConfig(tf.layers.batchNormalization({name: 'bn_d'}), tfjs.layers.batchNormalization({name: 'bn_d'}),
                'BN default config');
});

test('LayerNormalization: dense -> LN -> dense, predict and 3 fit steps; axis array; getConfig', async () => {
  const tfjs = await loadTfjs();
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.dense({units: 4, inputShape: [2]}));
    m.add(lib.layers.layerNormalization({epsilon: 0.01}));
    m.add(lib.layers.dense({units: 1}));
    return m;
  };
  await parity('LayerNormalization', 'rank 2, fit', build, X4x2, {xShape: [4, 2], fitY: Y4x1, yShape: [4, 1]});
  const x = [[[1, 2, 3], [0, -1, 2]], [[3, 1, 0], [2, 2, 2]]];
  const build3 = lib => {
    const m = lib.sequential();
    m.add(lib.layers.layerNormalization({axis: [1, 2], inputShape: [2, 3]}));
    m.add(lib.layers.flatten());
    m.add(lib.layers.dense({units: 1}));
    return m;
  };
  const {ours, theirs} = await parity('LayerNormalization', 'axis [1,2], rank 3, fit', build3, x,
                                      {xShape: [2, 2, 3], fitY: [[1], [0]], yShape: [2, 1]});
  compareConfig(ours.layers[0], theirs.layers[0], 'LN config after build');
  compareConfig(tf.layers.layerNormalization({name: 'ln_d'}), tfjs.layers.layerNormalization({name: 'ln_d'}),
                'LN default config');
});

test('LayerNormalization betaConstraint/gammaConstraint (Keras has them, tfjs not): applied after each step, in getConfig only when set', async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 4, inputShape: [3], kernelInitializer: 'ones'}));
  const ln = tf.layers.layerNormalization({betaConstraint: 'nonNeg', gammaConstraint: {className: 'MaxNorm', config: {maxValue: 0.5, axis: 0}}});
  m.add(ln);
  m.add(tf.layers.dense({units: 1, kernelInitializer: 'ones'}));
  m.compile({optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError'});
  const x = tf.tensor([[1, 2, 3], [3, -1, 0], [0, 1, -2], [2, 2, -1]]);
  const y = tf.tensor([[5], [-4], [3], [-2]]);
  await m.fit(x, y, {epochs: 5, batchSize: 4, verbose: 0});
  const [gamma, beta] = ln.getWeights().map(w => Array.from(w.dataSync()));
  assert.ok(beta.every(v => v >= 0), `beta non-negative: ${beta}`);
  assert.ok(beta.some(v => v === 0), `the constraint clipped something (else the test shows nothing): ${beta}`);
  assert.ok(Math.hypot(...gamma) <= 0.5 + 1e-6, `gamma max-norm 0.5: ${gamma}`);
  const c = ln.getConfig();
  assert.equal(c.betaConstraint.className, 'NonNeg');
  assert.equal(c.gammaConstraint.className, 'MaxNorm');
  assert.equal('betaConstraint' in tf.layers.layerNormalization({}).getConfig(), false, 'absent when unset, as tfjs');
  tf.dispose([x, y]);
  m.dispose();
});

const A = [[1, 2, 3], [-1, 0.5, 2]];
const B = [[0, -2, 4], [3, 3, -1]];
const C = [[2, 2, 2], [0.5, -0.5, 1]];

function mergeModel(lib, factory, opts, shapes) {
  const ins = shapes.map(s => lib.input({shape: s}));
  const out = lib.layers[factory](opts).apply(ins);
  return lib.model({inputs: ins, outputs: out});
}

test('merge layers on 2 and 3 inputs match tfjs', async () => {
  for (const f of ['add', 'average', 'maximum', 'minimum', 'multiply', 'concatenate']) {
    await parity('Merge', `${f} (2 inputs)`, lib => mergeModel(lib, f, {}, [[3], [3]]), [A, B],
                 {xShape: [[2, 3], [2, 3]]});
    await parity('Merge', `${f} (3 inputs)`, lib => mergeModel(lib, f, {}, [[3], [3], [3]]), [A, B, C],
                 {xShape: [[2, 3], [2, 3], [2, 3]]});
  }
});

test('merge layers: broadcasting, different ranks, concatenate axis, dot', async () => {
  const tfjs = await loadTfjs();
  const D = [[[1, 2, 3], [4, 5, 6]], [[0, 1, 0], [-1, -2, -3]]];  // [2,2,3]
  for (const f of ['add', 'maximum', 'multiply']) {
    await parity('Merge', `${f} ranks 2 and 3`, lib => mergeModel(lib, f, {}, [[3], [2, 3]]), [A, D],
                 {xShape: [[2, 3], [2, 2, 3]]});
    await parity('Merge', `${f} [1,3] with [2,3]`, lib => mergeModel(lib, f, {}, [[1, 3], [2, 3]]),
                 [[[A[0]], [A[1]]], D], {xShape: [[2, 1, 3], [2, 2, 3]]});
  }
  await parity('Merge', 'concatenate axis 1 (rank 3)', lib => mergeModel(lib, 'concatenate', {axis: 1}, [[2, 3], [1, 3]]),
               [D, [[A[0]], [A[1]]]], {xShape: [[2, 2, 3], [2, 1, 3]]});
  await parity('Merge', 'dot axes 1', lib => mergeModel(lib, 'dot', {axes: 1}, [[3], [3]]), [A, B],
               {xShape: [[2, 3], [2, 3]]});
  await parity('Merge', 'dot axes -1 normalize', lib => mergeModel(lib, 'dot', {axes: -1, normalize: true}, [[3], [3]]),
               [A, B], {xShape: [[2, 3], [2, 3]]});
  await parity('Merge', 'dot axes [2,2] rank 3', lib => mergeModel(lib, 'dot', {axes: [2, 2]}, [[2, 3], [2, 3]]),
               [D, D], {xShape: [[2, 2, 3], [2, 2, 3]]});
  await parity('Merge', 'dot axes [2,1] ranks 3 and 2', lib => mergeModel(lib, 'dot', {axes: [2, 1]}, [[2, 3], [3]]),
               [D, A], {xShape: [[2, 2, 3], [2, 3]]});
  // Merge into Dense and train through it.
  const withDense = lib => {
    const a = lib.input({shape: [3]});
    const b = lib.input({shape: [3]});
    const h = lib.layers.concatenate().apply([lib.layers.dense({units: 2}).apply(a), lib.layers.add().apply([a, b])]);
    return lib.model({inputs: [a, b], outputs: lib.layers.dense({units: 1}).apply(h)});
  };
  await parity('Merge', 'concatenate(dense(a), add(a,b)) -> dense, fit', withDense, [A, B],
               {xShape: [[2, 3], [2, 3]], fitY: [[1], [-1]], yShape: [2, 1]});
  // Configs and the one-input error.
  for (const [f, opts] of [['add', {}], ['concatenate', {axis: 1}], ['dot', {axes: [1, 2], normalize: true}],
                           ['average', {}], ['maximum', {}], ['minimum', {}], ['multiply', {}]]) {
    compareConfig(tf.layers[f]({name: `m_${f}`, ...opts}), tfjs.layers[f]({name: `m_${f}`, ...opts}), `${f} config`);
  }
  const msg = 'A merge layer should be called on an Array of at least 2 inputs. Got 1 input(s).';
  assert.throws(() => tfjs.layers.add({}).apply([tfjs.input({shape: [3]})]), {message: msg});
  assert.throws(() => tf.layers.add({}).apply([tf.input({shape: [3]})]), {message: msg});
  assert.throws(() => tf.layers.add({}).apply([tf.input({shape: [3]}), tf.input({shape: [4]})]),
                /Operands could not be broadcast together with shapes \[3\] \[4\]/);
});

test('Rescaling, CenterCrop, CategoryEncoding match tfjs', async () => {
  const tfjs = await loadTfjs();
  const seqOf = (factory, opts, inputShape) => lib => {
    const m = lib.sequential();
    m.add(lib.layers[factory]({...opts, inputShape}));
    return m;
  };
  await parity('Rescaling', 'scale 1/255, offset -0.5', seqOf('rescaling', {scale: 1 / 255, offset: -0.5}, [3]),
               [[0, 128, 255], [12, 34, 56]], {xShape: [2, 3]});
  await parity('Rescaling', 'scale 2', seqOf('rescaling', {scale: 2}, [3]), A, {xShape: [2, 3]});
  const img = (n, h, w, c) => Array.from({length: n * h * w * c}, (_, i) => (i * 7) % 11 - 3);
  for (const [h, w, H, W] of [[2, 2, 4, 4], [3, 2, 5, 5], [2, 3, 4, 4], [1, 1, 3, 4], [4, 4, 4, 4], [2, 2, 3, 3], [4, 5, 3, 3]]) {
    await eagerParity('CenterCrop', `${H}x${W} -> ${h}x${w}`, lib => lib.layers.centerCrop({height: h, width: w}),
                      img(2, H, W, 2), [2, H, W, 2]);
  }
  for (const [mode, shape, x] of [['multiHot', [4], [[0, 1, 1, 3], [2, 2, 2, 2]]],
                                  ['count', [4], [[0, 1, 1, 3], [2, 2, 2, 2]]],
                                  ['oneHot', [1], [[3], [0]]]]) {
    await eagerParity('CategoryEncoding', `${mode} ${JSON.stringify(shape)}`,
                      lib => lib.layers.categoryEncoding({numTokens: 5, outputMode: mode}), x, [2, ...shape]);
  }
  for (const [f, opts] of [['rescaling', {scale: 0.5, offset: 2}], ['rescaling', {scale: 3}],
                           ['centerCrop', {height: 2, width: 3}], ['categoryEncoding', {numTokens: 4}],
                           ['categoryEncoding', {numTokens: 4, outputMode: 'count'}],
                           ['resizing', {height: 2, width: 3}],
                           ['resizing', {height: 2, width: 3, interpolation: 'nearest', cropToAspectRatio: true}]]) {
    compareConfig(tf.layers[f]({name: `p_${f}`, ...opts}), tfjs.layers[f]({name: `p_${f}`, ...opts}), `${f} config`);
  }
  const enc = tf.layers.categoryEncoding({numTokens: 3});
  assert.throws(() => enc.apply(tf.tensor2d([[0, 3]])), /Input values must be between 0 < values <= numTokens with numTokens=3/);
  assert.throws(() => tf.layers.resizing({height: 2, width: 2, interpolation: 'area'}),
                /Invalid interpolation parameter: area is not implemented/);
});

test('Resizing matches tfjs (when the resize ops are registered)', async t => {
  const probe = tf.layers.resizing({height: 2, width: 2});
  try {
    probe.apply(tf.zeros([1, 3, 3, 1]));
  } catch (e) {
    if (/not available|Unknown op|resizeBilinear/.test(e.message)) {
      t.skip(`resize ops not registered yet: ${e.message}`);
      table.push(['Resizing', 'skipped (no resize ops)', NaN]);
      return;
    }
    throw e;
  }
  const img = Array.from({length: 2 * 4 * 5 * 2}, (_, i) => (i * 7) % 13 - 4);
  for (const opts of [{height: 2, width: 3}, {height: 6, width: 7}, {height: 3, width: 3, interpolation: 'nearest'},
                      {height: 3, width: 2, cropToAspectRatio: true}]) {
    await eagerParity('Resizing', JSON.stringify(opts), lib => lib.layers.resizing(opts), img, [2, 4, 5, 2]);
  }
});

after(() => {
  console.log('\nfamily | case | max relative difference');
  for (const [f, c, d] of table) console.log(`${f} | ${c} | ${Number.isNaN(d) ? '-' : d.toExponential(2)}`);
});

// predict fuses a producer with the batch norm / relu after it (Model::runGraph); a
// batch norm whose output is also read elsewhere (here: a model output) must not be
// fused away. Random moving statistics make every step visible.
test('inference fusion: dense/conv -> batchNorm -> relu equals tfjs, and intermediate outputs survive', async () => {
  const tfjs = await loadTfjs();
  const build = lib => {
    const x = lib.input({shape: [4, 4, 3]});
    const c = lib.layers.conv2d({filters: 5, kernelSize: 3, padding: 'same', name: 'c'}).apply(x);
    const bn1 = lib.layers.batchNormalization({name: 'bn1'}).apply(c);
    const r1 = lib.layers.reLU({maxValue: 6, name: 'r1'}).apply(bn1);
    const f = lib.layers.flatten().apply(r1);
    const d = lib.layers.dense({units: 7, name: 'd'}).apply(f);
    const bn2 = lib.layers.batchNormalization({name: 'bn2'}).apply(d);
    const r2 = lib.layers.activation({activation: 'relu', name: 'r2'}).apply(bn2);
    return lib.model({inputs: x, outputs: [r2, bn2]});
  };
  const theirs = build(tfjs);
  const ours = build(tf);
  theirs.layers.forEach((l, i) => {
    const ws = l.getWeights().map((w, j) => {
      const n = w.size;
      const vals = Array.from({length: n}, (_, k) => Math.sin(7 * i + 3 * j + k) + (l.weights[j].name.includes('variance') ? 1.5 : 0));
      return vals;
    });
    if (ws.length) {
      l.setWeights(ws.map((v, j) => tfjs.tensor(v, l.getWeights()[j].shape)));
      ours.layers[i].setWeights(ws.map((v, j) => tf.tensor(v, l.getWeights()[j].shape)));
    }
  });
  const xs = Array.from({length: 2 * 48}, (_, k) => Math.cos(k));
  const pT = theirs.predict(tfjs.tensor(xs, [2, 4, 4, 3]));
  const before = tf.memory().numTensors;
  const pO = ours.predict(tf.tensor(xs, [2, 4, 4, 3]));
  compareTensors(pO[0], pT[0], 'fused relu output');
  compareTensors(pO[1], pT[1], 'batch norm output read by the model');
  tf.dispose(pO);
  assert.equal(tf.memory().numTensors, before + 1);  // the input tensor only
  ours.dispose();
});
