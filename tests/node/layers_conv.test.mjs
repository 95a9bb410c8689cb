// Convolutional and pooling layers against @tensorflow/tfjs: same config, same
// initial weights (copied from tfjs), same predictions, and for layers with
// weights the same weights after 3 SGD fit steps; plus the benchmark CNN's
// adam history. Where tfjs (cpu backend) cannot compute a gradient it throws in
// fit(): those cases compare values only and are listed in `valuesOnly`
// (reported at the end).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {buildCnn, buildMobileNetV2} from '../../bench/models.mjs';
import {loadTfjs, seededData, tf} from './helpers.mjs';

const REL = 1e-4;
let counter = 0;
const maxDiffs = {};
const valuesOnly = [];

function data(shape, seed = 1, lo = -2, hi = 2) {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed * 9301 + 49297;
  return Array.from({length: n}, () => {
    s = (s * 9301 + 49297) % 233280;
    return lo + (hi - lo) * (s / 233280);
  });
}

function assertAllClose(actual, expected, what, family) {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, d / Math.max(Math.abs(expected[i]), 1));
    assert.ok(d <= REL * Math.max(Math.abs(expected[i]), 1), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
  if (family) maxDiffs[family] = Math.max(maxDiffs[family] ?? 0, worst);
}

const norm = c => JSON.parse(JSON.stringify(c));

/**
 * Builds sequential([layer]) in both libraries, copies tfjs's weights into ours,
 * compares weight names/shapes, getConfig, predict and (fit: true) the weights
 * after 3 steps of SGD. `config: false` skips getConfig where a tfjs bug makes
 * it differ on purpose (documented at the call); `configExtra` names the keys ours
 * adds to tfjs's config.
 */
async function parity(family, factory, opts, inputShape, {fit = false, config = true, configExtra = {}} = {}) {
  const tfjs = await loadTfjs();
  const name = `c${++counter}_${factory}`;
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers[factory]({...opts, name, inputShape}));
    return m;
  };
  const theirs = make(tfjs);
  const ours = make(tf);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  assert.equal(ours.getWeights().length, init.length, `${name}: weight count`);
  ours.getWeights().forEach((w, i) => assert.deepEqual(w.shape, init[i].shape, `${name}: weight ${i} shape`));
  if (init.length) ours.setWeights(init);
  assert.deepEqual(ours.layers[0].weights.map(w => w.name), theirs.layers[0].weights.map(w => w.name),
                   `${name}: weight names`);
  if (config) {
    assert.deepEqual(norm(ours.layers[0].getConfig()), norm({...theirs.layers[0].getConfig(), ...configExtra}),
                     `${name}: getConfig`);
  }
  const shape = [3, ...inputShape];
  const xs = data(shape, counter);
  const pT = theirs.predict(tfjs.tensor(xs, shape));
  const pO = ours.predict(tf.tensor(xs, shape));
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  assertAllClose(Array.from(pO.dataSync()), Array.from(pT.dataSync()), `${name}: predict`, family);
  assert.deepEqual(ours.outputs[0].shape, theirs.outputs[0].shape, `${name}: symbolic output shape`);
  if (fit) {
    const ys = data(pT.shape, counter + 100, -1, 1);
    const args = {epochs: 3, batchSize: 3, shuffle: false, verbose: 0};
    theirs.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    ours.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    let tfjsError = null;
    try {
      await theirs.fit(tfjs.tensor(xs, shape), tfjs.tensor(ys, pT.shape), args);
    } catch (e) {
      tfjsError = e;
    }
    await ours.fit(tf.tensor(xs, shape), tf.tensor(ys, pT.shape), args);
    if (tfjsError) {
      // tfjs cannot train this configuration: values-only comparison (ours must still train).
      valuesOnly.push(`${family} ${JSON.stringify(opts)}: ${tfjsError.message.slice(0, 80)}`);
    } else {
      const wT = theirs.getWeights();
      const wO = ours.getWeights();
      wT.forEach((w, i) => assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()),
                                          `${name}: fit weight ${i}`, `${family} (fit)`));
    }
  }
  tf.dispose([pO, ...init]);
  ours.dispose();
}

test('Conv2D: strides, padding, dilationRate, dataFormat, activation, useBias', async () => {
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 3}, [5, 5, 2], {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 3, kernelSize: [2, 3], strides: 2}, [6, 7, 2], {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 3, strides: [1, 2], padding: 'same'}, [5, 6, 2],
               {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 2, dilationRate: 2}, [6, 6, 1], {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 3, dilationRate: [2, 1], padding: 'same'}, [6, 5, 2],
               {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 3, kernelSize: 2, dataFormat: 'channelsFirst'}, [2, 5, 4], {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst',
                                    activation: 'softmax'}, [2, 4, 4]);
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 2, activation: 'relu'}, [4, 4, 3], {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 2, activation: 'tanh', useBias: false}, [4, 4, 3],
               {fit: true});
  await parity('Conv2D', 'conv2d', {filters: 2, kernelSize: 2, activation: 'elu', kernelInitializer: 'heNormal',
                                    biasInitializer: 'ones'}, [4, 4, 1], {fit: true});
});

test('Conv1D: strides, padding, dilationRate, activation; causal vs a left-padded valid conv', async () => {
  await parity('Conv1D', 'conv1d', {filters: 3, kernelSize: 3}, [7, 2], {fit: true});
  await parity('Conv1D', 'conv1d', {filters: 2, kernelSize: 2, strides: 2, padding: 'same'}, [7, 2], {fit: true});
  await parity('Conv1D', 'conv1d', {filters: 2, kernelSize: 3, dilationRate: 2}, [9, 2], {fit: true});
  await parity('Conv1D', 'conv1d', {filters: 2, kernelSize: 3, activation: 'sigmoid'}, [6, 3], {fit: true});
  // 'causal': tfjs 4.22 throws NotImplementedError in call(); ours implements Keras's
  // causal padding, checked against tfjs's conv1d on a left-padded input.
  const tfjs = await loadTfjs();
  const l = tf.layers.conv1d({filters: 2, kernelSize: 3, dilationRate: 2, padding: 'causal', inputShape: [8, 2]});
  const x = data([2, 8, 2], 77);
  const y = l.apply(tf.tensor(x, [2, 8, 2]));
  assert.deepEqual(y.shape, [2, 8, 2]);
  const [k, b] = l.getWeights().map(w => tfjs.tensor(w.dataSync(), w.shape));
  const expected = tfjs.add(tfjs.conv1d(tfjs.pad(tfjs.tensor(x, [2, 8, 2]), [[0, 0], [4, 0], [0, 0]]), k, 1, 'valid',
                                        'NWC', 2), b);
  assertAllClose(Array.from(y.dataSync()), Array.from(expected.dataSync()), 'causal conv1d', 'Conv1D causal');
  assert.throws(() => tfjs.layers.conv1d({filters: 2, kernelSize: 3, padding: 'causal', inputShape: [8, 2]})
                          .apply(tfjs.zeros([1, 8, 2])), /CAUSAL/);
});

test('Conv3D: strides, padding, dataFormat', async () => {
  await parity('Conv3D', 'conv3d', {filters: 2, kernelSize: 2}, [3, 4, 4, 2], {fit: true});
  await parity('Conv3D', 'conv3d', {filters: 2, kernelSize: [1, 2, 3], strides: 2, padding: 'same'}, [3, 4, 5, 1],
               {fit: true});
  await parity('Conv3D', 'conv3d', {filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', activation: 'relu'},
               [2, 3, 3, 4], {fit: true});
});

test('Conv2DTranspose / Conv3DTranspose: strides, padding, dataFormat', async () => {
  await parity('Conv2DTranspose', 'conv2dTranspose', {filters: 2, kernelSize: 3}, [3, 4, 2], {fit: true});
  await parity('Conv2DTranspose', 'conv2dTranspose', {filters: 2, kernelSize: 3, strides: 2}, [3, 3, 2], {fit: true});
  await parity('Conv2DTranspose', 'conv2dTranspose', {filters: 3, kernelSize: [2, 3], strides: [2, 1], padding: 'same'},
               [3, 4, 2], {fit: true});
  await parity('Conv2DTranspose', 'conv2dTranspose', {filters: 2, kernelSize: 2, strides: 2,
                                                      dataFormat: 'channelsFirst', activation: 'relu'},
               [2, 3, 3], {fit: true});
  await parity('Conv3DTranspose', 'conv3dTranspose', {filters: 2, kernelSize: 2, strides: 2}, [2, 2, 3, 2],
               {fit: true});
  await parity('Conv3DTranspose', 'conv3dTranspose', {filters: 2, kernelSize: 3, padding: 'same'}, [2, 3, 3, 1],
               {fit: true});
});

test('DepthwiseConv2D: depthMultiplier, strides, padding, dataFormat, activation', async () => {
  await parity('DepthwiseConv2D', 'depthwiseConv2d', {kernelSize: 3}, [5, 5, 2], {fit: true});
  await parity('DepthwiseConv2D', 'depthwiseConv2d', {kernelSize: 2, depthMultiplier: 3}, [4, 5, 2], {fit: true});
  await parity('DepthwiseConv2D', 'depthwiseConv2d', {kernelSize: 3, strides: 2, padding: 'same',
                                                      activation: 'relu'}, [5, 6, 3], {fit: true});
  await parity('DepthwiseConv2D', 'depthwiseConv2d', {kernelSize: 2, depthMultiplier: 2,
                                                      dataFormat: 'channelsFirst'}, [2, 4, 4], {fit: true});
});

test('DepthwiseConv2D keeps its depthwiseConstraint through save/load (tfjs 4.22 writes the regularizer there)', async () => {
  const tfjs = await loadTfjs();
  const make = lib => lib.sequential({layers: [lib.layers.depthwiseConv2d({
    kernelSize: 1, inputShape: [2, 2, 2], depthwiseInitializer: 'ones', depthwiseConstraint: 'nonNeg',
    depthwiseRegularizer: lib.regularizers.l2({l2: 0.01})})]});
  const m = make(tf);
  const cfg = m.layers[0].getConfig();
  assert.equal(cfg.depthwiseConstraint.className, 'NonNeg');
  assert.equal(cfg.depthwiseRegularizer.className, 'L1L2');
  // tfjs's own config has the regularizer in the constraint's place.
  assert.deepEqual(make(tfjs).layers[0].getConfig().depthwiseConstraint, cfg.depthwiseRegularizer);
  let artifacts;
  await m.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
  const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  // Trained towards negative weights, the reloaded kernel stays non-negative: the constraint holds.
  back.compile({optimizer: tf.train.sgd(1), loss: 'meanSquaredError'});
  await back.fit(tf.ones([4, 2, 2, 2]), tf.fill([4, 2, 2, 2], -5), {epochs: 3, verbose: 0});
  const k = back.getWeights()[0].dataSync();
  assert.ok(k.every(v => v >= 0), Array.from(k).join());
  assert.ok(k.every(v => v < 1), 'the kernel trained');
  // A file written by tfjs (the constraint = the regularizer) loads here, without a constraint;
  // tfjs itself cannot load it back (L1L2 is no constraint).
  const theirs = structuredClone(artifacts);
  const layer = theirs.modelTopology.config.layers[0];
  layer.config.depthwiseConstraint = layer.config.depthwiseRegularizer;
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(theirs));
  assert.equal(loaded.layers[0].getConfig().depthwiseConstraint, null);
  await assert.rejects(tfjs.loadLayersModel(tfjs.io.fromMemory(structuredClone(theirs))));
  [m, back, loaded].forEach(x => x.dispose());
});

test('SeparableConv2D: depthMultiplier, strides, padding, dilationRate, dataFormat', async () => {
  // tfjs 4.22's getConfig drops depthMultiplier (so its own save/load of depthMultiplier 2
  // builds kernels of the wrong shape); ours writes it, as Keras does.
  const dm = m => ({configExtra: {depthMultiplier: m}});
  await parity('SeparableConv2D', 'separableConv2d', {filters: 3, kernelSize: 3}, [5, 5, 2], {fit: true, ...dm(1)});
  await parity('SeparableConv2D', 'separableConv2d', {filters: 2, kernelSize: 2, depthMultiplier: 2, strides: 2,
                                                      padding: 'same', activation: 'relu'}, [5, 6, 2], {fit: true, ...dm(2)});
  await parity('SeparableConv2D', 'separableConv2d', {filters: 2, kernelSize: 2, dilationRate: 2}, [6, 6, 2],
               {fit: true, ...dm(1)});
  // channelsFirst without bias: tfjs 4.22 adds the bias of a channelsFirst SeparableConv2D
  // along the wrong axis (it reshapes it to [1, filters, 1, 1] against an NHWC tensor).
  await parity('SeparableConv2D', 'separableConv2d', {filters: 2, kernelSize: 2, useBias: false,
                                                      dataFormat: 'channelsFirst'}, [2, 4, 4], {fit: true, ...dm(1)});
});

test('SeparableConv2D with depthMultiplier 2: saved here, it loads here and in tfjs with its weights', async () => {
  const tfjs = await loadTfjs();
  const m = tf.sequential();
  m.add(tf.layers.separableConv2d({filters: 2, kernelSize: 2, depthMultiplier: 2, inputShape: [4, 4, 3]}));
  let artifacts;
  await m.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
  const xs = data([2, 4, 4, 3], 77);
  const expected = Array.from(m.predict(tf.tensor(xs, [2, 4, 4, 3])).dataSync());
  const ours = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.deepEqual(ours.getWeights().map(w => w.shape), [[2, 2, 3, 2], [1, 1, 6, 2], [2]]);
  assertAllClose(Array.from(ours.predict(tf.tensor(xs, [2, 4, 4, 3])).dataSync()), expected, 'reloaded here', 'SeparableConv2D');
  const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
  assertAllClose(Array.from(theirs.predict(tfjs.tensor(xs, [2, 4, 4, 3])).dataSync()), expected, 'loaded in tfjs', 'SeparableConv2D');
  m.dispose();
  ours.dispose();
});

test('SeparableConv2D/1D honour a given pointwiseInitializer (tfjs 4.22 drops it for the depthwise one)', () => {
  for (const [make, shape] of [[o => tf.layers.separableConv2d(o), [3, 3, 2]], [o => tf.layers.separableConv1d(o), [3, 2]]]) {
    const l = make({filters: 2, kernelSize: 1, depthwiseInitializer: 'ones', pointwiseInitializer: 'zeros', inputShape: shape});
    const m = tf.sequential({layers: [l]});
    const [depthwise, pointwise] = m.getWeights();
    assert.deepEqual(Array.from(depthwise.dataSync()), new Array(depthwise.size).fill(1));
    assert.deepEqual(Array.from(pointwise.dataSync()), new Array(pointwise.size).fill(0));
    assert.equal(l.getConfig().pointwiseInitializer.className, 'Zeros');
    m.dispose();
  }
  // Without one, SeparableConv2D keeps tfjs's default: the depthwise initializer.
  const m = tf.sequential({layers: [tf.layers.separableConv2d({filters: 2, kernelSize: 1, depthwiseInitializer: 'ones',
                                                                inputShape: [3, 3, 2]})]});
  assert.deepEqual(Array.from(m.getWeights()[1].dataSync()), [1, 1, 1, 1]);
  m.dispose();
});

test('Cropping2D, ZeroPadding2D, UpSampling2D', async () => {
  await parity('Cropping2D', 'cropping2D', {cropping: 1}, [5, 6, 2]);
  await parity('Cropping2D', 'cropping2D', {cropping: [1, 2]}, [5, 6, 2]);
  await parity('Cropping2D', 'cropping2D', {cropping: [[1, 0], [2, 1]], dataFormat: 'channelsFirst'}, [2, 5, 6]);
  await parity('ZeroPadding2D', 'zeroPadding2d', {}, [3, 4, 2]);
  await parity('ZeroPadding2D', 'zeroPadding2d', {padding: 2}, [3, 4, 2]);
  await parity('ZeroPadding2D', 'zeroPadding2d', {padding: [[1, 2], [0, 3]], dataFormat: 'channelsFirst'}, [2, 3, 4]);
  await parity('UpSampling2D', 'upSampling2d', {}, [3, 4, 2]);
  await parity('UpSampling2D', 'upSampling2d', {size: [3, 2], interpolation: 'bilinear'}, [3, 4, 2]);
  await parity('UpSampling2D', 'upSampling2d', {size: [1, 3], dataFormat: 'channelsFirst'}, [2, 3, 4]);
  await parity('UpSampling2D', 'upSampling2d', {interpolation: 'bilinear', dataFormat: 'channelsFirst'}, [2, 3, 4]);
});

test('Max/AveragePooling 1D/2D/3D: poolSize, strides, padding, dataFormat', async () => {
  for (const kind of ['maxPooling', 'averagePooling']) {
    const fam = kind === 'maxPooling' ? 'MaxPooling' : 'AveragePooling';
    await parity(`${fam}1D`, `${kind}1d`, {}, [7, 3]);
    await parity(`${fam}1D`, `${kind}1d`, {poolSize: 3, strides: 1, padding: 'same'}, [7, 3]);
    await parity(`${fam}1D`, `${kind}1d`, {poolSize: [3], strides: [2]}, [8, 2]);
    await parity(`${fam}2D`, `${kind}2d`, {}, [6, 7, 2]);
    await parity(`${fam}2D`, `${kind}2d`, {poolSize: 3, strides: 2, padding: 'same'}, [7, 6, 2]);
    await parity(`${fam}2D`, `${kind}2d`, {poolSize: [2, 3], strides: [1, 2]}, [5, 7, 2]);
    await parity(`${fam}2D`, `${kind}2d`, {poolSize: 2, dataFormat: 'channelsFirst'}, [2, 5, 6]);
    await parity(`${fam}2D`, `${kind}2d`, {poolSize: 3, padding: 'same', strides: 2, dataFormat: 'channelsFirst'},
                 [2, 5, 6]);
    await parity(`${fam}3D`, `${kind}3d`, {}, [4, 5, 4, 2]);
    await parity(`${fam}3D`, `${kind}3d`, {poolSize: [1, 2, 3], strides: 1, padding: 'same'}, [3, 4, 5, 2]);
    await parity(`${fam}3D`, `${kind}3d`, {poolSize: 2, dataFormat: 'channelsFirst'}, [2, 4, 4, 4]);
  }
});

test('Global pooling 1D/2D with dataFormat', async () => {
  await parity('GlobalAveragePooling1D', 'globalAveragePooling1d', {}, [5, 3]);
  await parity('GlobalMaxPooling1D', 'globalMaxPooling1d', {}, [5, 3]);
  await parity('GlobalAveragePooling2D', 'globalAveragePooling2d', {}, [4, 5, 3]);
  await parity('GlobalAveragePooling2D', 'globalAveragePooling2d', {dataFormat: 'channelsFirst'}, [3, 4, 5]);
  await parity('GlobalMaxPooling2D', 'globalMaxPooling2d', {}, [4, 5, 3]);
  await parity('GlobalMaxPooling2D', 'globalMaxPooling2d', {dataFormat: 'channelsFirst'}, [3, 4, 5]);
});

// Builds the same multi-layer model in both, copies tfjs's weights, fits, and compares
// the loss history and final weights.
async function modelParity(family, build, inputShape, nOut, {optimizer = 'sgd', loss = 'meanSquaredError',
                                                             n = 4, epochs = 3, tol = REL} = {}) {
  const tfjs = await loadTfjs();
  const theirs = build(tfjs);
  const ours = build(tf);
  // Seeded weights, not tfjs's random initial ones: with Adam a weight whose gradient is
  // ~1e-8 moves by up to lr * g / (|g| + eps), so float rounding of a near-zero gradient
  // decides its step, and a random draw now and then made such a weight differ.
  const init = theirs.getWeights().map((w, i) => {
    const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
    const limit = w.shape.length > 1 ? Math.sqrt(3 / fanIn) : 0.1;
    return data(w.shape, 500 + i, -limit, limit);
  });
  theirs.setWeights(init.map((v, i) => tfjs.tensor(v, theirs.getWeights()[i].shape)));
  ours.setWeights(init.map((v, i) => tf.tensor(v, theirs.getWeights()[i].shape)));
  const xs = data([n, ...inputShape], ++counter, 0, 1);
  let ys = data([n, nOut], counter + 50, 0, 1);
  if (loss === 'categoricalCrossentropy') {
    ys = ys.map((_, i) => (i % nOut === (Math.floor(i / nOut) * 3) % nOut ? 1 : 0));
  }
  const args = {epochs, batchSize: n, shuffle: false, verbose: 0};
  theirs.compile({optimizer, loss});
  ours.compile({optimizer, loss});
  const hT = await theirs.fit(tfjs.tensor(xs, [n, ...inputShape]), tfjs.tensor(ys, [n, nOut]), args);
  const hO = await ours.fit(tf.tensor(xs, [n, ...inputShape]), tf.tensor(ys, [n, nOut]), args);
  const diff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1);
  hT.history.loss.forEach((v, i) => {
    assert.ok(diff(hO.history.loss[i], v) <= tol, `${family} loss[${i}]: ${hO.history.loss[i]} vs ${v}`);
    maxDiffs[`${family} (history)`] = Math.max(maxDiffs[`${family} (history)`] ?? 0, diff(hO.history.loss[i], v));
  });
  const wT = theirs.getWeights();
  const wO = ours.getWeights();
  wT.forEach((w, i) => assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()), `${family} weight ${i}`,
                                      `${family} (weights)`));
  ours.dispose();
}

test('gradients through pooling layers: conv2d -> pool -> flatten -> dense, 3 SGD steps', async () => {
  // averagePooling2d with padding 'same' is compared by value only (in the pooling test):
  // tfjs's cpu AvgPoolGrad divides by the full window (1 / (fh * fw)) even where the
  // window overlaps the padding, unlike its forward pass; the engine's op divides by
  // the number of real elements, so gradients differ at the borders.
  for (const [pool, opts] of [['maxPooling2d', {}], ['averagePooling2d', {poolSize: 3, strides: 2}],
                              ['maxPooling2d', {poolSize: 3, strides: 2, padding: 'same'}],
                              ['globalAveragePooling2d', {}], ['globalMaxPooling2d', {}]]) {
    await modelParity(`conv2d+${pool}`, lib => {
      const m = lib.sequential();
      m.add(lib.layers.conv2d({filters: 3, kernelSize: 2, activation: 'relu', inputShape: [6, 6, 2]}));
      m.add(lib.layers[pool](opts));
      if (!pool.startsWith('global')) m.add(lib.layers.flatten());
      m.add(lib.layers.dense({units: 2}));
      return m;
    }, [6, 6, 2], 2);
  }
  await modelParity('conv1d+pool1d', lib => {
    const m = lib.sequential();
    m.add(lib.layers.conv1d({filters: 3, kernelSize: 2, inputShape: [8, 2]}));
    m.add(lib.layers.maxPooling1d({}));
    m.add(lib.layers.averagePooling1d({poolSize: 2, strides: 1}));
    m.add(lib.layers.globalAveragePooling1d({}));
    m.add(lib.layers.dense({units: 2}));
    return m;
  }, [8, 2], 2);
});

test('benchmark CNN (28x28x1): 3 adam fit steps give tfjs\'s history and weights', async () => {
  await modelParity('CNN', buildCnn, [28, 28, 1], 10,
                    {optimizer: 'adam', loss: 'categoricalCrossentropy', n: 8, tol: 1e-4});
});

// The benchmark's MobileNetV2 (smaller input) with every weight random, moving
// statistics included, so the batch norms (one fused pass at inference) and the
// ReLU(6)s are not identities: predict equals tfjs's on both of our backends.
test('benchmark MobileNetV2 (64x64x3): predict equals tfjs\'s with random weights and statistics', async () => {
  const tfjs = await loadTfjs();
  const theirs = buildMobileNetV2(tfjs, 64);
  const weights = theirs.weights.map((w, i) => {
    const lo = w.name.includes('variance') ? 0.5 : -0.5;
    return tfjs.tensor(data(w.shape, 300 + i, lo, lo + 1), w.shape);
  });
  theirs.setWeights(weights);
  const xs = data([2, 64, 64, 3], 7, -1, 1);
  const expected = Array.from(theirs.predict(tfjs.tensor(xs, [2, 64, 64, 3])).dataSync());
  const ours = buildMobileNetV2(tf, 64);
  ours.setWeights(weights.map(w => tf.tensor(w.dataSync(), w.shape)));
  const before = tf.memory().numTensors;
  try {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const got = tf.tidy(() => Array.from(ours.predict(tf.tensor(xs, [2, 64, 64, 3])).dataSync()));
      assertAllClose(got, expected, `MobileNetV2 predict (${backend})`, 'MobileNetV2');
    }
  } finally {
    await tf.setBackend('wasm');
  }
  assert.equal(tf.memory().numTensors, before);
  ours.dispose();
});

test('bad options throw, listing accepted values or quoting the value', () => {
  assert.throws(() => tf.layers.conv2d({filters: 2, kernelSize: 3, padding: 'foo'}),
                /Invalid PaddingMode 'foo': accepted values are 'valid', 'same', 'causal'/);
  assert.throws(() => tf.layers.maxPooling2d({dataFormat: 'NCHW'}),
                /Invalid DataFormat 'NCHW': accepted values are 'channelsFirst', 'channelsLast'/);
  assert.throws(() => tf.layers.upSampling2d({interpolation: 'area'}), /accepted values are 'nearest', 'bilinear'/);
  assert.throws(() => tf.layers.conv2d({filters: -1, kernelSize: 3}), /config.filters .* but got -1/);
  assert.throws(() => tf.layers.conv2d({filters: 2, kernelSize: [1, 2, 3]}), /kernelSize .*\[1,2,3\]/);
  assert.throws(() => tf.layers.conv2d({filters: 2}), /kernelSize/);
  assert.throws(() => tf.layers.conv2dTranspose({filters: 2, kernelSize: 2, padding: 'causal'}), /'same' and 'valid'/);
  assert.throws(() => tf.layers.separableConv2d({filters: 2, kernelSize: 2, kernelInitializer: 'ones'}),
                /depthwiseInitializer/);
  assert.throws(() => tf.layers.maxPooling2d({strides: [1, 2, 3]}), /length of 2, but received length 3/);
  assert.throws(() => tf.layers.conv2d({filters: 2, kernelSize: 2}).apply(tf.zeros([2, 4, 4])), /ndim=4/);
});

test('report: max relative difference per family; tfjs cases compared by value only', () => {
  console.log(JSON.stringify(maxDiffs, null, 1));
  console.log('values only (tfjs fit threw):', JSON.stringify(valuesOnly, null, 1));
});

test('Conv2D/Conv1D groups (Keras): per-group convolutions as tfjs composes them, trained the same', async () => {
  const tfjs = await loadTfjs();
  const x = seededData([2, 5, 5, 6], 3), y = seededData([2, 5, 5, 4], 4), k = seededData([3, 3, 3, 4], 5);
  // tfjs has no groups: split, convolve, concatenate.
  const grouped = (lib, xt, kt) => lib.concat([0, 1].map(g =>
    lib.conv2d(lib.slice(xt, [0, 0, 0, 3 * g], [-1, -1, -1, 3]), lib.slice(kt, [0, 0, 0, 2 * g], [-1, -1, -1, 2]), 1, 'same')), 3);
  const layer = tf.layers.conv2d({filters: 4, kernelSize: 3, groups: 2, padding: 'same', useBias: false, inputShape: [5, 5, 6]});
  const model = tf.sequential({layers: [layer]});
  model.setWeights([tf.tensor(k, [3, 3, 3, 4])]);
  const want = tfjs.tidy(() => Array.from(grouped(tfjs, tfjs.tensor(x, [2, 5, 5, 6]), tfjs.tensor(k, [3, 3, 3, 4])).dataSync()));
  const got = tf.tidy(() => Array.from(model.predict(tf.tensor(x, [2, 5, 5, 6])).dataSync()));
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `[${i}] ${v} vs ${want[i]}`));
  // One SGD step: the kernel moves as tfjs's gradient of the composition says.
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
  const [xs, ys] = [tf.tensor(x, [2, 5, 5, 6]), tf.tensor(y, [2, 5, 5, 4])];
  await model.fit(xs, ys, {epochs: 1, batchSize: 2, verbose: 0});
  const kv = tfjs.variable(tfjs.tensor(k, [3, 3, 3, 4]));
  tfjs.train.sgd(0.1).minimize(() => tfjs.losses.meanSquaredError(tfjs.tensor(y, [2, 5, 5, 4]), grouped(tfjs, tfjs.tensor(x, [2, 5, 5, 6]), kv)));
  const kWant = Array.from(kv.dataSync()), kGot = Array.from(model.getWeights()[0].dataSync());
  kGot.forEach((v, i) => assert.ok(Math.abs(v - kWant[i]) < 1e-5, `kernel [${i}] ${v} vs ${kWant[i]}`));
  assert.equal(layer.getConfig().groups, 2);
  tf.dispose([xs, ys]);
  model.dispose();
  assert.throws(() => tf.layers.conv1d({filters: 3, kernelSize: 1, groups: 2}), /evenly divisible by the number of groups/);
});
