// Core, embedding, advanced-activation and noise layers against @tensorflow/tfjs:
// same config, same initial weights, same predictions; same weights after 3 fit
// steps for layers with weights; every activation string through Dense; and the
// statistics of the stochastic layers in training.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const REL = 1e-4;
let counter = 0;
const maxDiffs = {};

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
    worst = Math.max(worst, d);
    assert.ok(d <= REL * Math.max(Math.abs(expected[i]), 1), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
  if (family) maxDiffs[family] = Math.max(maxDiffs[family] ?? 0, worst);
}

const norm = c => JSON.parse(JSON.stringify(c));

/**
 * Builds sequential([layer]) in both libraries, copies tfjs's weights into ours,
 * compares getConfig, predict and (fit: true) the weights after 3 steps of SGD.
 */
async function parity(family, factory, opts, inputShape, {fit = false, x = null, intInput = false, config = true} = {}) {
  const tfjs = await loadTfjs();
  const name = `x${++counter}_${factory}`;
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
  assert.deepEqual(ours.layers[0].weights?.map?.(w => w.name) ?? [], theirs.layers[0].weights.map(w => w.name));
  // getConfig: same keys and values.
  if (config) {
    assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${name}: getConfig`);
  } else {
    assert.equal(ours.layers[0].getConfig().activation, theirs.layers[0].getConfig().activation);
  }
  // predict
  const shape = [3, ...inputShape];
  const xs = x ?? data(shape, counter);
  const pT = theirs.predict(tfjs.tensor(xs, shape, intInput ? 'int32' : 'float32'));
  const pO = ours.predict(tf.tensor(xs, shape));
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  assertAllClose(Array.from(pO.dataSync()), Array.from(pT.dataSync()), `${name}: predict`, family);
  assert.deepEqual(ours.outputs[0].shape, theirs.outputs[0].shape, `${name}: symbolic output shape`);
  if (fit) {
    const ys = data(pT.shape, counter + 100, -1, 1);
    const args = {epochs: 3, shuffle: false, verbose: 0};
    theirs.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    ours.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    await theirs.fit(tfjs.tensor(xs, shape, intInput ? 'int32' : 'float32'), tfjs.tensor(ys, pT.shape), args);
    await ours.fit(tf.tensor(xs, shape), tf.tensor(ys, pT.shape), args);
    const wT = theirs.getWeights();
    const wO = ours.getWeights();
    wT.forEach((w, i) => assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()), `${name}: fit weight ${i}`,
                                        `${family} (fit)`));
  }
  tf.dispose([pO, ...init]);
  ours.dispose();
}

test('Activation layer: every activation string', async () => {
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softmax', 'softplus',
                            'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new', 'logSoftmax']) {
    await parity('Activation', 'activation', {activation}, [5]);
  }
  await parity('Activation', 'activation', {}, [2, 3]);
});

test('Dense with every activation string matches tfjs (predict and 3 fit steps)', async () => {
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softmax', 'softplus',
                            'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new']) {
    // Dense's own getConfig (dense.cc) is not checked here: only its activation.
    await parity('Dense activations', 'dense', {units: 3, activation}, [4], {fit: true, config: false});
  }
});

test('unknown activation names list the accepted ones', () => {
  assert.throws(() => tf.layers.dense({units: 3, activation: 'nope'}), /Unknown activation: nope.*gelu_new/);
  assert.throws(() => tf.layers.activation({activation: 'nope'}), /hardSigmoid/);
});

test('Dropout / SpatialDropout1D: inference identity and config', async () => {
  await parity('Dropout', 'dropout', {rate: 0.3}, [6]);
  await parity('Dropout', 'dropout', {rate: 0.5, noiseShape: [null, 1], seed: 3}, [4]);
  await parity('Dropout', 'dropout', {rate: 0}, [4]);
  await parity('Dropout', 'spatialDropout1d', {rate: 0.2}, [4, 3]);
  assert.throws(() => tf.layers.dropout({rate: 1.5}), /Expected rate to be a number in \[0, 1\), but got 1.5/);
  assert.throws(() => tf.layers.spatialDropout1d({rate: 0.5, inputShape: [3]}).apply(tf.ones([2, 3])), /ndim=3/);
});

test('Dropout in training keeps ~(1-rate) of the units, scaled by 1/(1-rate)', () => {
  const x = tf.ones([100, 100]);
  for (const [factory, rate] of [['dropout', 0.3], ['spatialDropout1d', 0.4]]) {
    const l = tf.layers[factory]({rate});
    const input = factory === 'dropout' ? x : tf.ones([50, 4, 50]);
    const y = Array.from(l.apply(input, {training: true}).dataSync());
    const kept = y.filter(v => v !== 0);
    kept.forEach(v => assert.ok(Math.abs(v - 1 / (1 - rate)) < 1e-5, `${factory}: kept value ${v}`));
    assert.ok(Math.abs(kept.length / y.length - (1 - rate)) < 0.05, `${factory}: kept ${kept.length / y.length}`);
    assert.deepEqual(Array.from(l.apply(input).dataSync()), Array.from(input.dataSync()));
  }
});

test('Flatten, Reshape, Permute, RepeatVector, Masking match tfjs', async () => {
  await parity('Flatten', 'flatten', {}, [2, 3]);
  await parity('Flatten', 'flatten', {dataFormat: 'channelsFirst'}, [2, 3, 2]);
  await parity('Flatten', 'flatten', {dataFormat: 'channelsLast'}, [2, 2, 2]);
  await parity('Reshape', 'reshape', {targetShape: [3, 2]}, [6]);
  await parity('Reshape', 'reshape', {targetShape: [-1, 2]}, [2, 3]);
  await parity('Permute', 'permute', {dims: [2, 1]}, [2, 3]);
  await parity('Permute', 'permute', {dims: [3, 1, 2]}, [2, 3, 4]);
  await parity('RepeatVector', 'repeatVector', {n: 3}, [4]);
  const mx = data([3, 4, 2], 5).map((v, i) => (i % 6 < 2 ? 0.5 : v));  // some all-0.5 timesteps
  await parity('Masking', 'masking', {maskValue: 0.5}, [4, 2], {x: mx});
  await parity('Masking', 'masking', {}, [4, 2], {x: data([3, 4, 2], 6).map((v, i) => (i % 8 < 2 ? 0 : v))});
  assert.throws(() => tf.layers.permute({dims: [0, 1]}), /Invalid permutation `dims`/);
  assert.throws(() => tf.layers.reshape({targetShape: [-1, -1]}), /one unknown dimension/);
  assert.throws(() => tf.layers.repeatVector({n: 0}), /Expected n to be a positive integer/);
});

test('Embedding matches tfjs: predict, config and 3 fit steps', async () => {
  const idx = [0, 3, 1, 4, 4, 2, 1, 0, 3];
  await parity('Embedding', 'embedding', {inputDim: 5, outputDim: 3}, [3], {x: idx, fit: true, intInput: true});
  await parity('Embedding', 'embedding', {inputDim: 5, outputDim: 2, maskZero: true, inputLength: 3}, [3],
               {x: idx, fit: true, intInput: true});
  await parity('Embedding', 'embedding', {inputDim: 6, outputDim: 2, embeddingsInitializer: 'randomNormal'}, [3],
               {x: idx.map(v => v + 1), fit: true, intInput: true});
  // No inputShape: batchInputShape [null, null] in both.
  const tfjs = await loadTfjs();
  const a = tfjs.layers.embedding({inputDim: 4, outputDim: 2, name: 'embA'});
  const b = tf.layers.embedding({inputDim: 4, outputDim: 2, name: 'embB'});
  const ca = norm(a.getConfig());
  const cb = norm(b.getConfig());
  delete ca.name;
  delete cb.name;
  assert.deepEqual(cb, ca);
  assert.throws(() => tf.layers.embedding({inputDim: 0, outputDim: 2}), /Expected inputDim to be a positive integer/);
});

test('ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax match tfjs', async () => {
  await parity('ReLU', 'reLU', {}, [5]);
  await parity('ReLU', 'reLU', {maxValue: 1.2}, [5]);
  await parity('LeakyReLU', 'leakyReLU', {}, [5]);
  await parity('LeakyReLU', 'leakyReLU', {alpha: 0.05}, [2, 3]);
  await parity('PReLU', 'prelu', {}, [4], {fit: true});
  await parity('PReLU', 'prelu', {alphaInitializer: 'ones'}, [2, 3], {fit: true});
  await parity('PReLU', 'prelu', {sharedAxes: [1], alphaInitializer: 'randomUniform'}, [2, 3], {fit: true});
  await parity('PReLU', 'prelu', {sharedAxes: 2, alphaInitializer: 'glorotUniform'}, [2, 3], {fit: true});
  await parity('ELU', 'elu', {}, [5]);
  await parity('ThresholdedReLU', 'thresholdedReLU', {}, [5]);
  await parity('ThresholdedReLU', 'thresholdedReLU', {theta: 0.3}, [5]);
  await parity('Softmax', 'softmax', {}, [5]);
  await parity('Softmax', 'softmax', {axis: -1}, [2, 3]);
  await parity('Softmax', 'softmax', {axis: 2}, [2, 3]);
  // tfjs refuses a non-last single axis (its default 1 on a rank-3 input); so do we.
  const tfjs = await loadTfjs();
  assert.throws(() => tfjs.layers.softmax({}).apply(tfjs.ones([1, 2, 3])), /non-last dimension/);
  assert.throws(() => tf.layers.softmax({}).apply(tf.ones([1, 2, 3])), /non-last dimension/);
  await parity('Softmax', 'softmax', {axis: [1, 2]}, [2, 3]);
  // tfjs 4.22 refuses a non-default alpha; Keras's formula, checked against a tfjs composition.
  assert.throws(() => tfjs.layers.elu({alpha: 0.5}), /Non-default alpha value/);
  const xs = [[-2, -0.5, 0, 0.5, 3]];
  const want = tfjs.tidy(() => {
    const x = tfjs.tensor2d(xs);
    return Array.from(tfjs.where(tfjs.greater(x, 0), x, tfjs.mul(0.5, tfjs.expm1(x))).dataSync());
  });
  const got = tf.tidy(() => Array.from(tf.layers.elu({alpha: 0.5}).apply(tf.tensor2d(xs)).dataSync()));
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `elu alpha 0.5 at ${i}: ${v} vs ${want[i]}`));
});

test('GaussianNoise, GaussianDropout, AlphaDropout: identity at inference, statistics in training', async () => {
  await parity('GaussianNoise', 'gaussianNoise', {stddev: 0.3}, [4]);
  await parity('GaussianDropout', 'gaussianDropout', {rate: 0.3}, [4]);
  await parity('AlphaDropout', 'alphaDropout', {rate: 0.3}, [4]);
  const x = tf.fill([100, 100], 2);
  const stats = t => {
    const v = Array.from(t.dataSync());
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
  };
  let [m, s] = stats(tf.layers.gaussianNoise({stddev: 0.5}).apply(x, {training: true}));
  assert.ok(Math.abs(m - 2) < 0.03 && Math.abs(s - 0.5) < 0.03, `gaussianNoise: ${m} ${s}`);
  [m, s] = stats(tf.layers.gaussianDropout({rate: 0.2}).apply(x, {training: true}));
  assert.ok(Math.abs(m - 2) < 0.05 && Math.abs(s - 2 * Math.sqrt(0.25)) < 0.05, `gaussianDropout: ${m} ${s}`);
  // AlphaDropout: the same two output values as tfjs's formula, in the same proportions.
  const tfjs = await loadTfjs();
  const yT = Array.from(tfjs.layers.alphaDropout({rate: 0.3}).apply(tfjs.fill([100, 100], 2), {training: true}).dataSync());
  const yO = Array.from(tf.layers.alphaDropout({rate: 0.3}).apply(x, {training: true}).dataSync());
  const values = ys => [...new Set(ys.map(v => v.toFixed(4)))].sort();
  assert.deepEqual(values(yO), values(yT));
  const hi = Math.max(...yT);
  const frac = ys => ys.filter(v => Math.abs(v - hi) < 1e-4).length / ys.length;
  assert.ok(Math.abs(frac(yO) - frac(yT)) < 0.03, `alphaDropout kept fraction ${frac(yO)} vs ${frac(yT)}`);
});

test('constraints and regularizers in getConfig and model.json are tfjs\'s {className, config}; a partial L1L2 trains as tfjs', async () => {
  const tfjs = await loadTfjs();
  const options = [
    {kernelConstraint: 'nonNeg', biasConstraint: 'maxNorm', kernelRegularizer: 'l1l2'},
    {kernelConstraint: 'minMaxNorm', biasConstraint: 'unitNorm'},
    {kernelConstraint: {className: 'MaxNorm', config: {maxValue: 3}}, kernelRegularizer: {className: 'L1L2', config: {l1: 0.1}}},
    {kernelConstraint: {className: 'MinMaxNorm', config: {minValue: 0.5, rate: 0.5}}, biasRegularizer: {className: 'L1L2', config: {l2: 0.2}}},
  ];
  for (const opts of options) {
    // tfjs writes into the objects it is given: each library gets its own copy.
    const theirs = tfjs.layers.dense({units: 2, inputShape: [3], ...structuredClone(opts)}).getConfig();
    const ours = tf.layers.dense({units: 2, inputShape: [3], ...structuredClone(opts)}).getConfig();
    for (const k of ['kernelConstraint', 'biasConstraint', 'kernelRegularizer', 'biasRegularizer']) {
      assert.deepEqual(ours[k], theirs[k], `${k} of ${JSON.stringify(opts)}`);
    }
  }
  // model.json writes them as Keras objects (snake_case), which tfjs loads.
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 2, inputShape: [3], kernelConstraint: 'nonNeg', kernelRegularizer: {className: 'L1L2', config: {l1: 0.1}}}));
  const json = m.toJSON(null, false);
  assert.deepEqual(json.config.layers[0].config.kernel_constraint, {class_name: 'NonNeg', config: {}});
  assert.deepEqual(json.config.layers[0].config.kernel_regularizer, {class_name: 'L1L2', config: {l1: 0.1, l2: 0.01}});
  // The penalty of {l1: 0.1} alone: tfjs's L1L2 takes l2 = 0.01 (this engine took 0 before).
  const make = lib => {
    const s = lib.sequential();
    s.add(lib.layers.dense({units: 1, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: {className: 'L1L2', config: {l1: 0.1}}}));
    s.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    return s;
  };
  const x = [[1, 2], [3, -1]], y = [[1], [2]];
  const hT = await make(tfjs).fit(tfjs.tensor(x), tfjs.tensor(y), {epochs: 3, batchSize: 2, verbose: 0});
  const o = make(tf);
  const hO = await o.fit(tf.tensor(x), tf.tensor(y), {epochs: 3, batchSize: 2, verbose: 0});
  hO.history.loss.forEach((l, i) => assert.ok(Math.abs(l - hT.history.loss[i]) < 1e-5, `loss ${i}: ${l} vs tfjs ${hT.history.loss[i]}`));
  m.dispose();
  o.dispose();
});

test('report: max |difference| per layer family', () => {
  console.log(JSON.stringify(maxDiffs, null, 1));
});

test('setWeights, layer.setWeights and loading constrain a constrained weight as it is written, as tfjs (LayerVariable.write)', async () => {
  const tfjs = await loadTfjs();
  const kernel = [[-1, 2], [3, -4]], bias = [3, 4];
  const run = async lib => {
    const make = () => {
      const m = lib.sequential();
      m.add(lib.layers.dense({units: 2, inputShape: [2], kernelConstraint: 'nonNeg',
                              biasConstraint: lib.constraints.maxNorm({maxValue: 2, axis: 0})}));
      return m;
    };
    const m = make();
    m.setWeights([lib.tensor2d(kernel), lib.tensor1d(bias)]);
    const viaModel = m.getWeights().map(w => Array.from(w.dataSync()));
    const l = make();
    l.layers[0].setWeights([lib.tensor2d(kernel), lib.tensor1d(bias)]);
    const viaLayer = l.getWeights().map(w => Array.from(w.dataSync()));
    // A file holding unconstrained values (saved from a plain dense, under the constrained model's names).
    const plain = lib.sequential();
    plain.add(lib.layers.dense({units: 2, inputShape: [2]}));
    plain.setWeights([lib.tensor2d(kernel), lib.tensor1d(bias)]);
    let artifacts;
    await plain.save(lib.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const loaded = make();
    let saved;
    await loaded.save(lib.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
    const specs = artifacts.weightSpecs.map((s, i) => ({...s, name: saved.weightSpecs[i].name}));
    const back = await lib.loadLayersModel(lib.io.fromMemory(saved.modelTopology, specs, artifacts.weightData));
    const viaLoad = back.getWeights().map(w => Array.from(w.dataSync()));
    return {viaModel, viaLayer, viaLoad};
  };
  const theirs = await run(tfjs), ours = await run(tf);
  assert.deepEqual(theirs.viaModel[0], [0, 2, 3, 0]);  // what tfjs does
  for (const key of ['viaModel', 'viaLayer', 'viaLoad']) {
    assert.deepEqual(ours[key][0], theirs[key][0], key);
    ours[key][1].forEach((v, i) => assert.ok(Math.abs(v - theirs[key][1][i]) < 1e-6, `${key} bias ${v} vs ${theirs[key][1][i]}`));
  }
  assert.ok(Math.hypot(...ours.viaModel[1]) < 2 + 1e-5);  // maxNorm(2) along axis 0 of the bias
});
