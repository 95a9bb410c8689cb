// The recurrent family beyond simpleRNN/lstm/gru (issue 17):
// - GRU resetAfter: true (Keras 2/3's default, which tfjs rejects) against an
//   independent implementation of Keras's equations written here, and a Keras-format
//   model.json written by hand (with its weights) that loads, predicts those values
//   and trains;
// - tf.layers.rnn({cell}) with simpleRNNCell, lstmCell, gruCell and stackedRNNCells,
//   stateful layers with resetStates, initialState (symbolic and eager) and masks,
//   against @tensorflow/tfjs 4.22: same weights -> same predictions, the same weights
//   after fit, the same getConfig, save/load both ways.
// Each comparison records its largest difference per family; the table is printed at the end.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {artifactsOf, loadTfjs, parityTable, seededData as data, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const norm = c => JSON.parse(JSON.stringify(c));
// tfjs's initializers leave out a null seed in getConfig; a loaded config may carry one.
const withoutNullSeeds = c => JSON.parse(JSON.stringify(c, (k, v) => (k === 'seed' && v === null ? undefined : v)));
const vals = t => Array.from(t.dataSync());
function copyWeights(from, to) {
  const ws = from.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  to.setWeights(ws);
  tf.dispose(ws);
}
// The values of one of our tensors, disposed.
const take = t => {
  const v = vals(t);
  t.dispose();
  return v;
};

const close = parityTable();

// ---- GRU resetAfter: Keras's equations, independently ------------------------------------------

const sigmoid = v => 1 / (1 + Math.exp(-v));
const hardSigmoid = v => Math.max(0, Math.min(1, 0.2 * v + 0.5));

/**
 * Keras's GRU with reset_after=True (keras/src/layers/rnn/gru.py), by plain loops:
 * x [B, T, F]; kernel [F, 3U]; recurrent [U, 3U]; bias [2, 3U] (or null).
 * Returns the sequence [B, T, U] (in the order the steps ran) and the last h [B, U].
 */
function kerasGru(x, [B, T, F], U, kernel, recurrent, bias, {goBackwards = false, mask = null, recAct = sigmoid, act = Math.tanh, h0 = null, zeroOutputForMask = false} = {}) {
  const seq = new Array(B * T * U).fill(0);
  const last = new Array(B * U).fill(0);
  for (let n = 0; n < B; n++) {
    let h = h0 ? h0.slice(n * U, (n + 1) * U) : new Array(U).fill(0);
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      if (!mask || mask[n * T + t]) {
        const xz = new Array(3 * U).fill(0), inner = new Array(3 * U).fill(0);
        for (let j = 0; j < 3 * U; j++) {
          xz[j] = bias ? bias[j] : 0;
          inner[j] = bias ? bias[3 * U + j] : 0;
          for (let f = 0; f < F; f++) xz[j] += x[(n * T + t) * F + f] * kernel[f * 3 * U + j];
          for (let i = 0; i < U; i++) inner[j] += h[i] * recurrent[i * 3 * U + j];
        }
        h = h.map((hp, u) => {
          const z = recAct(xz[u] + inner[u]);
          const r = recAct(xz[U + u] + inner[U + u]);
          const hh = act(xz[2 * U + u] + r * inner[2 * U + u]);
          return z * hp + (1 - z) * hh;
        });
      }
      const zero = zeroOutputForMask && mask && !mask[n * T + t];
      for (let u = 0; u < U; u++) seq[(n * T + s) * U + u] = zero ? 0 : h[u];
    }
    for (let u = 0; u < U; u++) last[n * U + u] = h[u];
  }
  return {seq, last};
}

test('GRU resetAfter: Keras\'s equations (two biases), goBackwards, no bias, hardSigmoid, masks, initial state', () => {
  const before = tf.memory().numTensors;
  const cases = [
    [{units: 3, recurrentActivation: 'sigmoid', returnSequences: true}, {}],
    [{units: 4, recurrentActivation: 'sigmoid', goBackwards: true, returnSequences: true}, {goBackwards: true}],
    [{units: 2, recurrentActivation: 'sigmoid', useBias: false}, {}],
    [{units: 3}, {recAct: hardSigmoid}],  // tfjs's defaults otherwise
    [{units: 3, recurrentActivation: 'sigmoid', activation: 'relu', returnSequences: true}, {act: v => Math.max(0, v)}],
  ];
  const [B, T, F] = [3, 5, 2];
  const xs = data([B, T, F], 21);
  cases.forEach(([opts, refOpts], c) => {
    const layer = tf.layers.gru({...opts, resetAfter: true, biasInitializer: 'randomNormal'});
    const x = tf.tensor(xs, [B, T, F]);
    const y = layer.apply(x);
    const w = layer.getWeights().map(vals);
    assert.deepEqual(layer.weights.map(v => v.shape), opts.useBias === false ? [[F, 3 * opts.units], [opts.units, 3 * opts.units]]
      : [[F, 3 * opts.units], [opts.units, 3 * opts.units], [2, 3 * opts.units]], `case ${c}: weight shapes`);
    const ref = kerasGru(xs, [B, T, F], opts.units, w[0], w[1], w[2] || null, refOpts);
    close('GRU resetAfter vs Keras equations', vals(y), opts.returnSequences ? ref.seq : ref.last, `case ${c}`, 1e-5);
    assert.equal(layer.getConfig().resetAfter, true);
    tf.dispose([x, y]);
    layer.dispose();
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');

  // A mask (Masking layer) and an initial state.
  const input = tf.input({shape: [T, F]});
  const h0In = tf.input({shape: [3]});
  const masked = tf.layers.masking({maskValue: 0}).apply(input);
  const gru = tf.layers.gru({units: 3, resetAfter: true, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal'});
  const model = tf.model({inputs: [input, h0In], outputs: gru.apply(masked, {initialState: [h0In]})});
  const mx = xs.slice();
  const mask = [];
  for (let n = 0; n < B; n++) {
    for (let t = 0; t < T; t++) {
      const off = (n + t) % 3 === 0;
      mask.push(!off);
      if (off) for (let f = 0; f < F; f++) mx[(n * T + t) * F + f] = 0;
    }
  }
  const h0 = data([B, 3], 22);
  const feed = [tf.tensor(mx, [B, T, F]), tf.tensor(h0, [B, 3])];
  const y = model.predict(feed);
  const w = gru.getWeights().map(vals);
  close('GRU resetAfter vs Keras equations', vals(y), kerasGru(mx, [B, T, F], 3, w[0], w[1], w[2], {mask, h0}).last, 'masked, initial state', 1e-5);
  model.dispose();
  gru.dispose();
  tf.dispose([y, ...feed]);

  // Keras's zero_output_for_mask: masked steps of the sequence output are zeros.
  const zgru = tf.layers.gru({units: 3, resetAfter: true, recurrentActivation: 'sigmoid', returnSequences: true, zeroOutputForMask: true});
  const zIn = tf.input({shape: [T, F]});
  const zModel = tf.model({inputs: zIn, outputs: zgru.apply(tf.layers.masking({maskValue: 0}).apply(zIn))});
  const zy = zModel.predict(tf.tensor(mx, [B, T, F]));
  const zw = zgru.getWeights().map(vals);
  close('GRU resetAfter vs Keras equations', take(zy), kerasGru(mx, [B, T, F], 3, zw[0], zw[1], zw[2], {mask, zeroOutputForMask: true}).seq,
        'zeroOutputForMask', 1e-5);
  assert.equal(zgru.getConfig().zeroOutputForMask, true);
  zModel.dispose();
});

// A Keras 3 model.json, written by hand as tensorflowjs_converter writes one:
// InputLayer [null, 6, 3] -> GRU(4, reset_after=True) -> Dense(1).
const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
const init = (cls, config = {}) => ({module: 'keras.initializers', class_name: cls, config, registered_name: null});
const keras3Gru = {
  class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow',
  config: {name: 'sequential', trainable: true, dtype: policy, layers: [
    {module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
     config: {batch_shape: [null, 6, 3], dtype: 'float32', sparse: false, name: 'input_layer'}},
    {module: 'keras.layers', class_name: 'GRU', registered_name: null, build_config: {input_shape: [null, 6, 3]},
     config: {name: 'gru', trainable: true, dtype: policy, return_sequences: false, return_state: false,
              go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false, units: 4,
              activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
              kernel_initializer: init('GlorotUniform', {seed: null}), recurrent_initializer: init('OrthogonalInitializer', {gain: 1.0, seed: null}),
              bias_initializer: init('Zeros'), kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
              activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
              dropout: 0.0, recurrent_dropout: 0.0, reset_after: true, seed: null}},
    {module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: {input_shape: [null, 4]},
     config: {name: 'dense', trainable: true, dtype: policy, units: 1, activation: 'linear', use_bias: true,
              kernel_initializer: init('GlorotUniform', {seed: null}), bias_initializer: init('Zeros'),
              kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null}},
  ], build_input_shape: [null, 6, 3]}};

// Keras 2 (tf.keras) names the cell's weights inside the cell's scope: gru/gru_cell/kernel.
function gruArtifacts(topology, names) {
  const shapes = [[3, 12], [4, 12], [2, 12], [4, 1], [1]];
  const values = shapes.map((s, i) => data(s, 40 + i, -0.6, 0.6));
  const flat = new Float32Array(values.flat());
  return {
    values,
    artifacts: {
      format: 'layers-model', generatedBy: 'keras v3.6.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: topology,
      weightSpecs: names.map((name, i) => ({name, shape: shapes[i], dtype: 'float32'})),
      weightData: flat.buffer,
    },
  };
}

test('a Keras model.json with GRU(reset_after=True) loads, predicts Keras\'s values, trains, and saves', async () => {
  const keras2Gru = structuredClone(keras3Gru);
  keras2Gru.keras_version = '2.15.0';
  keras2Gru.config.layers[1] = {class_name: 'GRU', config: {...keras3Gru.config.layers[1].config, dtype: 'float32',
                                                           recurrent_initializer: {class_name: 'Orthogonal', config: {gain: 1.0, seed: null}},
                                                           kernel_initializer: {class_name: 'GlorotUniform', config: {seed: null}},
                                                           bias_initializer: {class_name: 'Zeros', config: {}}, implementation: 2, time_major: false}};
  delete keras2Gru.config.layers[1].config.seed;
  const variants = [
    ['Keras 3', keras3Gru, ['gru/kernel', 'gru/recurrent_kernel', 'gru/bias', 'dense/kernel', 'dense/bias']],
    ['Keras 2', keras2Gru, ['gru/gru_cell/kernel', 'gru/gru_cell/recurrent_kernel', 'gru/gru_cell/bias', 'dense/kernel', 'dense/bias']],
  ];
  const B = 5;
  const xs = data([B, 6, 3], 50);
  for (const [what, topology, names] of variants) {
    const {values, artifacts} = gruArtifacts(topology, names);
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assert.equal(model.layers[0].getConfig().resetAfter, true, what);
    assert.equal(model.layers[0].getConfig().recurrentActivation, 'sigmoid', what);
    const x = tf.tensor(xs, [B, 6, 3]);
    const ref = kerasGru(xs, [B, 6, 3], 4, values[0], values[1], values[2]).last;
    const expected = [];
    for (let n = 0; n < B; n++) expected.push(values[4][0] + ref.slice(n * 4, n * 4 + 4).reduce((s, h, i) => s + h * values[3][i], 0));
    close('Keras GRU(reset_after) model.json', vals(model.predict(x)), expected, `${what}: predict`, 1e-5);

    // Saved here, it loads here with the same predictions (the [2, 12] bias and resetAfter kept).
    const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
    close('Keras GRU(reset_after) model.json', vals(again.predict(x)), expected, `${what}: saved and reloaded`, 1e-6);
    assert.deepEqual(again.getWeights().map(w => w.shape), [[3, 12], [4, 12], [2, 12], [4, 1], [1]]);

    // fit trains it: the loss falls.
    model.compile({optimizer: tf.train.adam(0.02), loss: 'meanSquaredError'});
    const ys = tf.tensor(data([B, 1], 51), [B, 1]);
    const h = await model.fit(x, ys, {epochs: 30, batchSize: B, verbose: 0});
    const loss = h.history.loss;
    assert.ok(loss[loss.length - 1] < 0.5 * loss[0], `${what}: loss ${loss[0]} -> ${loss[loss.length - 1]}`);
    model.dispose();
    again.dispose();
  }
});

test('a Keras 3 model.json with RNN(GRUCell(reset_after=True)) loads and predicts Keras\'s values', async () => {
  const topology = structuredClone(keras3Gru);
  const {units, activation, recurrent_activation: recurrentActivation, use_bias: useBias, kernel_initializer: k,
         recurrent_initializer: r, bias_initializer: b, reset_after: resetAfter} = keras3Gru.config.layers[1].config;
  topology.config.layers[1] = {module: 'keras.layers', class_name: 'RNN', registered_name: null, build_config: {input_shape: [null, 6, 3]},
    config: {name: 'rnn', trainable: true, dtype: policy, return_sequences: false, return_state: false, go_backwards: false,
             stateful: false, unroll: false, zero_output_for_mask: false,
             cell: {module: 'keras.layers', class_name: 'GRUCell', registered_name: null,
                    config: {name: 'gru_cell', trainable: true, dtype: policy, units, activation, recurrent_activation: recurrentActivation,
                             use_bias: useBias, kernel_initializer: k, recurrent_initializer: r, bias_initializer: b,
                             kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, kernel_constraint: null,
                             recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
                             reset_after: resetAfter, seed: null}}}};
  const {values, artifacts} = gruArtifacts(topology, ['rnn/gru_cell/kernel', 'rnn/gru_cell/recurrent_kernel', 'rnn/gru_cell/bias',
                                                      'dense/kernel', 'dense/bias']);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.equal(model.layers[0].getClassName(), 'RNN');
  assert.equal(model.layers[0].getConfig().cell.config.resetAfter, true);
  const B = 3;
  const xs = data([B, 6, 3], 55);
  const ref = kerasGru(xs, [B, 6, 3], 4, values[0], values[1], values[2]).last;
  const expected = [];
  for (let n = 0; n < B; n++) expected.push(values[4][0] + ref.slice(n * 4, n * 4 + 4).reduce((s, h, i) => s + h * values[3][i], 0));
  close('Keras GRU(reset_after) model.json', take(model.predict(tf.tensor(xs, [B, 6, 3]))), expected, 'RNN(GRUCell)', 1e-5);
  model.dispose();
});

test('a Keras 3 functional model.json passing GRU(reset_after) an initial_state loads and predicts Keras\'s values', async () => {
  const k3Input = (name, shape) => ({module: 'keras.layers', class_name: 'InputLayer', name, registered_name: null, inbound_nodes: [],
                                     config: {batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name}});
  const k3Tensor = ([l, n, t], shape) => ({class_name: '__keras_tensor__', config: {shape: [null, ...shape], dtype: 'float32', keras_history: [l, n, t]}});
  const gru = structuredClone(keras3Gru.config.layers[1]);
  gru.name = 'gru';
  gru.config.return_sequences = true;
  gru.inbound_nodes = [{args: [k3Tensor(['x', 0, 0], [6, 3])], kwargs: {training: false, initial_state: [k3Tensor(['h0', 0, 0], [4])]}}];
  const topology = {class_name: 'Functional', keras_version: '3.6.0', backend: 'tensorflow', config: {
    name: 'functional', trainable: true, input_layers: [['x', 0, 0], ['h0', 0, 0]], output_layers: [['gru', 0, 0]],
    layers: [k3Input('x', [6, 3]), k3Input('h0', [4]), gru]}};
  const shapes = [[3, 12], [4, 12], [2, 12]];
  const values = shapes.map((sh, i) => data(sh, 60 + i, -0.6, 0.6));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: topology, weightSpecs: ['gru/gru_cell/kernel', 'gru/gru_cell/recurrent_kernel', 'gru/gru_cell/bias']
      .map((name, i) => ({name, shape: shapes[i], dtype: 'float32'})),
    weightData: new Float32Array(values.flat()).buffer}));
  const B = 2;
  const xs = data([B, 6, 3], 63), h0 = data([B, 4], 64);
  const feed = [tf.tensor(xs, [B, 6, 3]), tf.tensor(h0, [B, 4])];
  close('Keras GRU(reset_after) model.json', take(model.predict(feed)), kerasGru(xs, [B, 6, 3], 4, ...values, {h0}).seq,
        'functional with initial_state', 1e-5);
  tf.dispose(feed);
  model.dispose();
});

test('tf.layers.gru keeps tfjs\'s default (resetAfter false); Bidirectional(GRU resetAfter) runs both directions', () => {
  const a = tf.layers.gru({units: 2});
  assert.equal(a.getConfig().resetAfter, false);
  assert.deepEqual(norm(a.getConfig()), norm(tfjs.layers.gru({units: 2, name: a.name}).getConfig()));
  const bd = tf.layers.bidirectional({layer: tf.layers.gru({units: 3, resetAfter: true, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal'}), mergeMode: null});
  const [B, T, F] = [2, 4, 3];
  const xs = data([B, T, F], 60);
  const [yf, yb] = bd.apply(tf.tensor(xs, [B, T, F]));
  const w = bd.getWeights().map(vals);
  assert.equal(w.length, 6);
  close('GRU resetAfter vs Keras equations', vals(yf), kerasGru(xs, [B, T, F], 3, w[0], w[1], w[2]).last, 'bidirectional forward', 1e-5);
  close('GRU resetAfter vs Keras equations', vals(yb), kerasGru(xs, [B, T, F], 3, w[3], w[4], w[5], {goBackwards: true}).last,
        'bidirectional backward', 1e-5);
});

// ---- tf.layers.rnn with cells, against tfjs ---------------------------------------------------

let counter = 0;
/**
 * sequential([rnn({cell, ...opts}), dense(2)?]) in both libraries with tfjs's initial
 * weights: weight names, getConfig, predict, the weights after 3 fit steps, and
 * save/load both ways.
 */
async function rnnParity(family, makeCell, opts, inputShape, {fit = 'sgd', head = false} = {}) {
  const name = `rnn${++counter}`;
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers.rnn({...opts, cell: makeCell(lib, name), name, inputShape}));
    if (head) m.add(lib.layers.dense({units: 2, name: `${name}_head`}));
    return m;
  };
  const before = tf.memory().numTensors;
  const theirs = make(tfjs), ours = make(tf);
  assert.deepEqual(ours.layers[0].weights.map(w => w.name), theirs.layers[0].weights.map(w => w.name), `${name}: weight names`);
  assert.deepEqual(ours.getWeights().map(w => w.shape), theirs.getWeights().map(w => w.shape), `${name}: weight shapes`);
  copyWeights(theirs, ours);
  assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${name}: getConfig`);
  const shape = [4, ...inputShape];
  const xs = data(shape, counter);
  const x = tf.tensor(xs, shape);
  const pT = theirs.predict(tfjs.tensor(xs, shape));
  const pO = ours.predict(x);
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  close(family, vals(pO), vals(pT), `${name}: predict`, 1e-5);

  // Saved by each library, loaded by the other.
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, ours)));
  close(family, vals(inTfjs.predict(tfjs.tensor(xs, shape))), vals(pO), `${name}: ours loaded in tfjs`, 1e-5);
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, theirs)));
  close(family, take(fromTfjs.predict(x)), vals(pT), `${name}: tfjs's loaded here`, 1e-5);
  assert.deepEqual(withoutNullSeeds(fromTfjs.layers[0].getConfig()), withoutNullSeeds(theirs.layers[0].getConfig()),
                   `${name}: getConfig after loading`);
  fromTfjs.dispose();

  if (fit) {
    const ysValues = data(pT.shape, counter + 100);
    const args = {epochs: 3, batchSize: 4, shuffle: false, verbose: 0};
    theirs.compile({optimizer: fit, loss: 'meanSquaredError'});
    ours.compile({optimizer: fit, loss: 'meanSquaredError'});
    const hT = await theirs.fit(tfjs.tensor(xs, shape), tfjs.tensor(ysValues, pT.shape), args);
    const ys = tf.tensor(ysValues, pT.shape);
    const hO = await ours.fit(x, ys, args);
    close(family, hO.history.loss, hT.history.loss, `${name}: loss trajectory`, 1e-4);
    const wO = ours.getWeights();
    theirs.getWeights().forEach((w, i) => close(family, vals(wO[i]), vals(w), `${name}: weight ${i} after fit`, 1e-4));
    tf.dispose(ys);
  }
  tf.dispose([x, pO]);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: no tensors left behind`);
}

test('tf.layers.rnn with simpleRNNCell, lstmCell, gruCell: predict, fit, getConfig, save/load both ways match tfjs', async () => {
  await rnnParity('rnn(simpleRNNCell)', (lib, n) => lib.layers.simpleRNNCell({units: 3, name: `${n}_cell`}), {}, [5, 2]);
  await rnnParity('rnn(simpleRNNCell)', (lib, n) => lib.layers.simpleRNNCell({units: 2, activation: 'relu', name: `${n}_cell`}),
                  {goBackwards: true, returnSequences: true}, [4, 3], {fit: 'adam'});
  await rnnParity('rnn(lstmCell)', (lib, n) => lib.layers.lstmCell({units: 3, name: `${n}_cell`}), {returnSequences: true}, [5, 2],
                  {fit: 'adam'});
  await rnnParity('rnn(lstmCell)', (lib, n) => lib.layers.lstmCell({units: 2, unitForgetBias: true, useBias: true, name: `${n}_cell`}),
                  {goBackwards: true}, [4, 2], {head: true});
  await rnnParity('rnn(gruCell)', (lib, n) => lib.layers.gruCell({units: 3, name: `${n}_cell`}), {}, [5, 2], {fit: 'rmsprop'});
  await rnnParity('rnn(gruCell)', (lib, n) => lib.layers.gruCell({units: 2, useBias: false, recurrentActivation: 'sigmoid', name: `${n}_cell`}),
                  {returnSequences: true, goBackwards: true}, [3, 2]);
});

test('stackedRNNCells (and rnn({cell: [cells]})) match tfjs', async () => {
  await rnnParity('rnn(stackedRNNCells)', (lib, n) => lib.layers.stackedRNNCells({cells: [
    lib.layers.lstmCell({units: 3, name: `${n}_a`}), lib.layers.simpleRNNCell({units: 2, name: `${n}_b`})], name: `${n}_stack`}),
  {returnSequences: true}, [5, 2], {fit: 'adam'});
  await rnnParity('rnn(stackedRNNCells)', (lib, n) => lib.layers.stackedRNNCells({cells: [
    lib.layers.gruCell({units: 2, name: `${n}_a`}), lib.layers.gruCell({units: 3, name: `${n}_b`}),
    lib.layers.lstmCell({units: 2, name: `${n}_c`})], name: `${n}_stack`}),
  {goBackwards: true}, [4, 3], {head: true});

  // returnState: the states are flat, in reverse order of the cells ([h2, c2, h1] here).
  const build = lib => {
    const input = lib.input({shape: [5, 3]});
    const cells = [lib.layers.gruCell({units: 2, name: 'st_a'}), lib.layers.lstmCell({units: 4, name: 'st_b'})];
    const outs = lib.layers.rnn({cell: cells, returnState: true, returnSequences: true, name: 'st_rnn'}).apply(input);
    return {outs, model: lib.model({inputs: input, outputs: outs})};
  };
  const T = build(tfjs), O = build(tf);
  assert.deepEqual(O.outs.map(o => o.shape), T.outs.map(o => o.shape));
  copyWeights(T.model, O.model);
  const xs = data([2, 5, 3], 70);
  const pT = T.model.predict(tfjs.tensor(xs, [2, 5, 3])), pO = O.model.predict(tf.tensor(xs, [2, 5, 3]));
  assert.equal(pO.length, 4);
  pO.forEach((p, i) => close('rnn(stackedRNNCells)', vals(p), vals(pT[i]), `returnState output ${i}`, 1e-5));
  O.model.dispose();
});

// ---- stateful ----------------------------------------------------------------------------------

test('stateful: states carry between predict calls and fit batches; resetStates (layer and model), as tfjs', async () => {
  const makers = [
    ['simpleRNN', lib => lib.layers.simpleRNN({units: 3, stateful: true, batchInputShape: [2, 3, 2], name: 'sf_simple'})],
    ['lstm', lib => lib.layers.lstm({units: 3, stateful: true, batchInputShape: [2, 3, 2], returnSequences: true, name: 'sf_lstm'})],
    ['gru', lib => lib.layers.gru({units: 2, stateful: true, batchInputShape: [2, 3, 2], goBackwards: true, name: 'sf_gru'})],
    ['rnn(lstmCell)', lib => lib.layers.rnn({cell: lib.layers.lstmCell({units: 2, name: 'sf_cell'}), stateful: true,
                                             batchInputShape: [2, 3, 2], name: 'sf_rnn'})],
  ];
  for (const [what, make] of makers) {
    const build = lib => {
      const m = lib.sequential();
      m.add(make(lib));
      m.add(lib.layers.dense({units: 1, name: `${what.replace(/\W/g, '_')}_head`}));
      return m;
    };
    const theirs = build(tfjs), ours = build(tf);
    copyWeights(theirs, ours);
    assert.equal(ours.layers[0].getConfig().stateful, true);
    assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${what}: getConfig`);
    const family = `stateful ${what}`;
    const batches = [1, 2, 3].map(s => data([2, 3, 2], 80 + s));
    const outsT = [], outsO = [];
    for (const b of batches) {
      outsT.push(vals(theirs.predict(tfjs.tensor(b, [2, 3, 2]))));
      outsO.push(vals(ours.predict(tf.tensor(b, [2, 3, 2]))));
    }
    outsO.forEach((o, i) => close(family, o, outsT[i], `${what}: predict call ${i}`, 1e-5));
    assert.notDeepEqual(outsO[0], vals(ours.predict(tf.tensor(batches[0], [2, 3, 2]))), `${what}: the states carried over`);
    // Layer and model resetStates: the first batch gives its first output again.
    ours.layers[0].resetStates();
    theirs.layers[0].resetStates();
    close(family, vals(ours.predict(tf.tensor(batches[0], [2, 3, 2]))), outsT[0], `${what}: after layer.resetStates()`, 1e-5);
    ours.resetStates();
    theirs.resetStates();
    close(family, vals(ours.predict(tf.tensor(batches[0], [2, 3, 2]))), outsT[0], `${what}: after model.resetStates()`, 1e-5);
    // resetStates(values), as tfjs.
    const numStates = ours.layers[0].states.length;
    const given = Array.from({length: numStates}, (_, i) => data([2, ours.layers[0].getConfig().units], 90 + i));
    ours.layers[0].resetStates(given.map(v => tf.tensor(v, [2, v.length / 2])));
    theirs.layers[0].resetStates(given.map(v => tfjs.tensor(v, [2, v.length / 2])));
    close(family, vals(ours.predict(tf.tensor(batches[1], [2, 3, 2]))), vals(theirs.predict(tfjs.tensor(batches[1], [2, 3, 2]))),
          `${what}: from given states`, 1e-5);
    // A 4-sample predict with batchSize 2 runs two batches, carrying the states.
    ours.resetStates();
    theirs.resetStates();
    const four = data([4, 3, 2], 95);
    close(family, vals(ours.predict(tf.tensor(four, [4, 3, 2]), {batchSize: 2})),
          vals(theirs.predict(tfjs.tensor(four, [4, 3, 2]), {batchSize: 2})), `${what}: predict in two batches`, 1e-5);
    // fit carries the states from batch to batch, as tfjs.
    ours.resetStates();
    theirs.resetStates();
    const ysValues = data([4, what === 'lstm' ? 3 : 1].concat(what === 'lstm' ? [1] : []), 96);
    const yShape = what === 'lstm' ? [4, 3, 1] : [4, 1];
    for (const [lib, m] of [[tfjs, theirs], [tf, ours]]) {
      m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
      await m.fit(lib.tensor(four, [4, 3, 2]), lib.tensor(ysValues, yShape), {epochs: 2, batchSize: 2, shuffle: false, verbose: 0});
    }
    const wO = ours.getWeights();
    theirs.getWeights().forEach((w, i) => close(family, vals(wO[i]), vals(w), `${what}: weight ${i} after fit`, 1e-4));
    close(family, vals(ours.predict(tf.tensor(batches[2], [2, 3, 2]))), vals(theirs.predict(tfjs.tensor(batches[2], [2, 3, 2]))),
          `${what}: predict after fit (states kept from fit)`, 1e-4);
    // The batch size is fixed.
    assert.throws(() => ours.predict(tf.tensor(data([3, 3, 2], 1), [3, 3, 2]), {batchSize: 3}), /batch/);
    ours.dispose();
  }
  assert.throws(() => tf.layers.lstm({units: 2}).resetStates(), /not stateful/);
  // As tfjs: in a model a stateful layer needs its batch size; applied eagerly it takes the batch it is given.
  for (const lib of [tf, tfjs]) {
    assert.throws(() => lib.sequential().add(lib.layers.lstm({units: 2, stateful: true, inputShape: [3, 2]})), /needs to know its batch size/);
  }
  const eager = tf.layers.gru({units: 2, stateful: true});
  const first = take(eager.apply(tf.ones([2, 3, 2])));
  assert.notDeepEqual(take(eager.apply(tf.ones([2, 3, 2]))), first, 'eager calls carry the states');
  eager.resetStates();
  assert.deepEqual(take(eager.apply(tf.ones([2, 3, 2]))), first, 'resetStates() restarts from zeros');
});

// ---- initialState ------------------------------------------------------------------------------

test('initialState: symbolic (saved and loaded both ways) and eager, as tfjs', async () => {
  for (const [what, make, numStates] of [
    ['lstm', lib => lib.layers.lstm({units: 3, returnSequences: true, name: 'is_lstm'}), 2],
    ['gru', lib => lib.layers.gru({units: 3, name: 'is_gru'}), 1],
    ['rnn(stacked)', lib => lib.layers.rnn({cell: [lib.layers.simpleRNNCell({units: 2, name: 'is_a'}), lib.layers.lstmCell({units: 3, name: 'is_b'})],
                                            name: 'is_rnn'}), 3],
  ]) {
    const family = `initialState ${what}`;
    const build = lib => {
      const x = lib.input({shape: [4, 2], name: 'is_x'});
      const layer = make(lib);
      const sizes = what === 'rnn(stacked)' ? [3, 3, 2] : Array(numStates).fill(3);
      const states = sizes.map((s, i) => lib.input({shape: [s], name: `is_s${i}`}));
      const y = layer.apply(x, {initialState: states});
      return {layer, sizes, model: lib.model({inputs: [x, ...states], outputs: y})};
    };
    const T = build(tfjs), O = build(tf);
    copyWeights(T.model, O.model);
    const xs = data([2, 4, 2], 100);
    const ss = O.sizes.map((s, i) => data([2, s], 101 + i));
    const feed = lib => [lib.tensor(xs, [2, 4, 2]), ...ss.map((v, i) => lib.tensor(v, [2, O.sizes[i]]))];
    const pT = vals(T.model.predict(feed(tfjs)));
    close(family, vals(O.model.predict(feed(tf))), pT, `${what}: predict`, 1e-5);
    const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, O.model)));
    close(family, vals(inTfjs.predict(feed(tfjs))), pT, `${what}: ours loaded in tfjs`, 1e-5);
    const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, T.model)));
    close(family, vals(fromTfjs.predict(feed(tf))), pT, `${what}: tfjs's loaded here`, 1e-5);
    // Eager: layer.apply(x, {initialState}).
    const eagerT = T.layer.apply(tfjs.tensor(xs, [2, 4, 2]), {initialState: feed(tfjs).slice(1)});
    const eagerO = O.layer.apply(tf.tensor(xs, [2, 4, 2]), {initialState: feed(tf).slice(1)});
    close(family, vals(eagerO), vals(eagerT), `${what}: eager`, 1e-5);
    // fit differentiates through the initial states' path too.
    const yShape = eagerT.shape;
    for (const [lib, m] of [[tfjs, T.model], [tf, O.model]]) {
      m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
      await m.fit(feed(lib), lib.tensor(data(yShape, 110), yShape), {epochs: 2, verbose: 0});
    }
    const wO = O.model.getWeights();
    T.model.getWeights().forEach((w, i) => close(family, vals(wO[i]), vals(w), `${what}: weight ${i} after fit`, 1e-4));
    O.model.dispose();
    fromTfjs.dispose();
  }
  const gru = tf.layers.gru({units: 3});
  assert.throws(() => gru.apply(tf.zeros([2, 4, 2]), {initialState: [tf.zeros([2, 5])]}), /initialState/);
  assert.throws(() => tf.layers.dense({units: 2}).apply(tf.zeros([2, 2]), {initialState: [tf.zeros([2, 2])]}), /recurrent layers/);
});

// ---- masks -------------------------------------------------------------------------------------

test('masks: embedding(maskZero) into rnn cells and stacked cells, as tfjs', async () => {
  const ids = [[1, 2, 0, 0, 3], [0, 4, 5, 6, 0], [7, 0, 0, 0, 0]].flat();
  const cases = [
    ['rnn(gruCell)', lib => lib.layers.rnn({cell: lib.layers.gruCell({units: 3, name: 'mk_c1'}), returnSequences: true, name: 'mk_rnn1'})],
    ['rnn(stackedRNNCells)', lib => lib.layers.rnn({cell: [lib.layers.lstmCell({units: 3, name: 'mk_c2'}), lib.layers.simpleRNNCell({units: 2, name: 'mk_c3'})],
                                                  goBackwards: true, name: 'mk_rnn2'})],
    ['rnn(lstmCell)', lib => lib.layers.rnn({cell: lib.layers.lstmCell({units: 2, name: 'mk_c4'}), returnSequences: true, goBackwards: true, name: 'mk_rnn3'})],
    ['rnn(custom cell)', lib => lib.layers.rnn({cell: new (customCellClass(lib))({units: 3, name: 'mk_c5'}), returnSequences: true, name: 'mk_rnn4'})],
  ];
  for (const [what, make] of cases) {
    const build = lib => {
      const m = lib.sequential();
      m.add(lib.layers.embedding({inputDim: 8, outputDim: 3, maskZero: true, inputLength: 5, name: 'mk_emb'}));
      m.add(make(lib));
      return m;
    };
    const theirs = build(tfjs), ours = build(tf);
    copyWeights(theirs, ours);
    const pT = theirs.predict(tfjs.tensor(ids, [3, 5], 'int32'));
    close(`masks ${what}`, vals(ours.predict(tf.tensor(ids, [3, 5], 'int32'))), vals(pT), what, 1e-5);
    const ys = data(pT.shape, 120);
    for (const [lib, m] of [[tfjs, theirs], [tf, ours]]) {
      m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
      await m.fit(lib.tensor(ids, [3, 5], 'int32'), lib.tensor(ys, pT.shape), {epochs: 2, verbose: 0, shuffle: false});
    }
    const wO = ours.getWeights();
    theirs.getWeights().forEach((w, i) => close(`masks ${what}`, vals(wO[i]), vals(w), `${what}: weight ${i} after fit`, 1e-4));
    ours.dispose();
  }
});

test('cells: classes, errors for what is not supported', () => {
  const cell = tf.layers.lstmCell({units: 2});
  assert.ok(cell instanceof tf.layers.RNNCell);
  assert.equal(cell.getClassName(), 'LSTMCell');
  const rnn = tf.layers.rnn({cell});
  assert.ok(rnn instanceof tf.RNN && rnn instanceof tf.layers.RNN);
  assert.equal(rnn.cell, cell);
  assert.ok(tf.layers.lstm({units: 2}) instanceof tf.RNN);
  assert.throws(() => cell.apply(tf.zeros([2, 3])), /is a cell/);
  assert.throws(() => tf.layers.rnn({}), /cell option is required/);
  assert.throws(() => tf.layers.rnn({cell: tf.layers.dense({units: 2})}), /not an RNN cell/);
  assert.throws(() => tf.layers.stackedRNNCells({cells: []}), /non-empty array/);
  assert.throws(() => tf.layers.rnn({cell: tf.layers.gruCell({units: 2}), numConstants: 1}), /numConstants/);
  assert.throws(() => tf.layers.gru({units: 2, activityRegularizer: 'l2'}), /activityRegularizer/);
  assert.throws(() => tf.layers.gru({units: 2, timeMajor: true}), /timeMajor/);
  assert.throws(() => tf.layers.gru({units: 2, zeroOutputForMask: 1}), /zeroOutputForMask to be a boolean/);
});

// ---- custom cells ------------------------------------------------------------------------------

// A minimal cell written as tfjs users write one: h' = tanh(x K + h R), output h'.
function customCellClass(lib) {
  class MinimalCell extends lib.layers.RNNCell {
    constructor(config) {
      super(config);
      this.units = config.units;
      this.stateSize = config.units;
    }
    build(inputShape) {
      const features = inputShape[inputShape.length - 1];
      this.kernel = this.addWeight('kernel', [features, this.units], 'float32', lib.initializers.glorotNormal({seed: 1}));
      this.recurrent = this.addWeight('recurrent_kernel', [this.units, this.units], 'float32', lib.initializers.glorotNormal({seed: 2}));
      this.built = true;
    }
    call(inputs) {
      return lib.tidy(() => {
        const [x, h] = inputs;
        const out = lib.tanh(lib.add(lib.matMul(x, this.kernel.read()), lib.matMul(h, this.recurrent.read())));
        return [out, out];
      });
    }
    getConfig() {
      return {...super.getConfig(), units: this.units};
    }
    static get className() {
      return 'MinimalCell';
    }
  }
  lib.serialization.registerClass(MinimalCell);
  return MinimalCell;
}

test('custom JS cells (a subclass of tf.layers.RNNCell with stateSize) run, train, save and load as in tfjs', async () => {
  const cellOf = {tf: customCellClass(tf), tfjs: customCellClass(tfjs)};
  const build = (lib, Cell) => {
    const m = lib.sequential();
    m.add(lib.layers.rnn({cell: [new Cell({units: 3, name: 'cc_a'}), lib.layers.gruCell({units: 2, name: 'cc_b'})],
                          returnSequences: true, inputShape: [4, 2], name: 'cc_rnn'}));
    return m;
  };
  const theirs = build(tfjs, cellOf.tfjs), ours = build(tf, cellOf.tf);
  assert.deepEqual(ours.layers[0].weights.map(w => w.name), theirs.layers[0].weights.map(w => w.name));
  copyWeights(theirs, ours);
  const xs = data([3, 4, 2], 130);
  const pT = theirs.predict(tfjs.tensor(xs, [3, 4, 2]));
  close('rnn(custom cell)', vals(ours.predict(tf.tensor(xs, [3, 4, 2]))), vals(pT), 'predict', 1e-5);
  const ys = data(pT.shape, 131);
  for (const [lib, m] of [[tfjs, theirs], [tf, ours]]) {
    m.compile({optimizer: 'adam', loss: 'meanSquaredError'});
    await m.fit(lib.tensor(xs, [3, 4, 2]), lib.tensor(ys, pT.shape), {epochs: 3, verbose: 0, shuffle: false});
  }
  const wO = ours.getWeights();
  theirs.getWeights().forEach((w, i) => close('rnn(custom cell)', vals(wO[i]), vals(w), `weight ${i} after fit`, 1e-4));
  // Saved here, loaded here (the class registered) and in tfjs.
  const artifacts = await artifactsOf(tf, ours);
  const p = vals(ours.predict(tf.tensor(xs, [3, 4, 2])));
  const again = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  close('rnn(custom cell)', vals(again.predict(tf.tensor(xs, [3, 4, 2]))), p, 'reloaded here', 1e-6);
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
  close('rnn(custom cell)', vals(inTfjs.predict(tfjs.tensor(xs, [3, 4, 2]))), p, 'loaded in tfjs', 1e-5);
  ours.dispose();
  again.dispose();

  class NoState extends tf.layers.RNNCell {
    call(inputs) { return inputs; }
  }
  assert.throws(() => tf.layers.rnn({cell: new NoState({})}), /needs a stateSize/);
});

test('bidirectional around stateful layers (resetStates) and with initialState, as tfjs', async () => {
  // Stateful: both directions carry their states between calls.
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.bidirectional({layer: lib.layers.lstm({units: 2, stateful: true, name: 'bs_lstm'}),
                                    batchInputShape: [2, 3, 2], name: 'bs_bd'}));
    return m;
  };
  const theirs = build(tfjs), ours = build(tf);
  copyWeights(theirs, ours);
  const batches = [1, 2].map(s => data([2, 3, 2], 140 + s));
  for (const [i, b] of batches.entries()) {
    close('bidirectional stateful/initialState', take(ours.predict(tf.tensor(b, [2, 3, 2]))),
          vals(theirs.predict(tfjs.tensor(b, [2, 3, 2]))), `stateful call ${i}`, 1e-5);
  }
  assert.equal(ours.layers[0].states.length, 4);
  ours.resetStates();
  theirs.resetStates();
  close('bidirectional stateful/initialState', take(ours.predict(tf.tensor(batches[1], [2, 3, 2]))),
        vals(theirs.predict(tfjs.tensor(batches[1], [2, 3, 2]))), 'after model.resetStates()', 1e-5);
  ours.layers[0].resetStates();
  theirs.layers[0].resetStates();
  close('bidirectional stateful/initialState', take(ours.predict(tf.tensor(batches[0], [2, 3, 2]))),
        vals(theirs.predict(tfjs.tensor(batches[0], [2, 3, 2]))), 'after layer.resetStates()', 1e-5);
  ours.dispose();

  // initialState: the forward layer's states, then the backward one's.
  const buildIs = lib => {
    const x = lib.input({shape: [4, 2]});
    const states = [0, 1, 2, 3].map(i => lib.input({shape: [3], name: `bis_s${i}`}));
    const y = lib.layers.bidirectional({layer: lib.layers.lstm({units: 3, name: 'bis_lstm'}), name: 'bis_bd'}).apply(x, {initialState: states});
    return lib.model({inputs: [x, ...states], outputs: y});
  };
  const T = buildIs(tfjs), O = buildIs(tf);
  copyWeights(T, O);
  const xs = data([2, 4, 2], 150);
  const ss = [0, 1, 2, 3].map(i => data([2, 3], 151 + i));
  const feed = lib => [lib.tensor(xs, [2, 4, 2]), ...ss.map(v => lib.tensor(v, [2, 3]))];
  const pT = vals(T.predict(feed(tfjs)));
  close('bidirectional stateful/initialState', take(O.predict(feed(tf))), pT, 'initialState predict', 1e-5);
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, T)));
  close('bidirectional stateful/initialState', take(fromTfjs.predict(feed(tf))), pT, 'initialState: tfjs\'s model loaded here', 1e-5);
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, O)));
  close('bidirectional stateful/initialState', vals(inTfjs.predict(feed(tfjs))), pT, 'initialState: ours loaded in tfjs', 1e-5);
  O.dispose();
  fromTfjs.dispose();
});

test('dropout inside cells (stacked too) trains, and inference is deterministic', async () => {
  const m = tf.sequential();
  m.add(tf.layers.rnn({cell: [tf.layers.lstmCell({units: 4, dropout: 0.3, recurrentDropout: 0.2}),
                              tf.layers.gruCell({units: 3, dropout: 0.2, resetAfter: true})], inputShape: [5, 2]}));
  m.compile({optimizer: 'adam', loss: 'meanSquaredError'});
  const x = tf.tensor(data([8, 5, 2], 160), [8, 5, 2]);
  const ys = tf.tensor(data([8, 3], 161), [8, 3]);
  // In training the masks make two runs differ; at inference they are off.
  const train = () => take(m.layers[0].apply(x, {training: true}));
  assert.notDeepEqual(train(), train());
  assert.deepEqual(take(m.predict(x)), take(m.predict(x)));
  const h = await m.fit(x, ys, {epochs: 3, verbose: 0});
  assert.ok(h.history.loss.every(Number.isFinite));
  tf.dispose([x, ys]);
  m.dispose();
});
