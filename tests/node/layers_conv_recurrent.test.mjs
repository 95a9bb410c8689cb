// tf.layers.convLstm2d and tf.layers.convLstm2dCell (issues 16 and 17) against
// @tensorflow/tfjs 4.22: same weights -> same weight names and shapes, getConfig,
// predictions (returnSequences, returnState, goBackwards, strides, dilationRate,
// padding, channelsFirst, unitForgetBias, activations, bidirectional), the loss trajectory and
// weights after a few epochs of fit, save/load both ways, stateful layers with
// resetStates; dropout only in training; tf.layers.rnn({cell: convLstm2dCell})
// (which tfjs rejects: its RNN wants ndim=3) computing what convLstm2d computes;
// and the errors tfjs raises.
// Each comparison records its largest difference; the table is printed at the end.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {artifactsOf, loadTfjs, parityTable, seededData as data, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const norm = c => JSON.parse(JSON.stringify(c));
const withoutNullSeeds = c => JSON.parse(JSON.stringify(c, (k, v) => (k === 'seed' && v === null ? undefined : v)));
const vals = t => Array.from(t.dataSync());
const take = t => {
  const v = vals(t);
  t.dispose();
  return v;
};
function copyWeights(from, to) {
  const ws = from.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  to.setWeights(ws);
  tf.dispose(ws);
}

const close = parityTable();

let counter = 0;
/**
 * sequential([convLstm2d(opts), flatten + dense(2)?]) in both libraries with tfjs's
 * initial weights: weight names, getConfig, predict, save/load both ways, and the
 * loss and weights after 3 epochs of fit.
 */
async function convLstmParity(family, opts, inputShape, {fit = 'sgd', head = false, batch = 3} = {}) {
  const name = `convlstm${++counter}`;
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers.convLstm2d({...opts, name, inputShape}));
    if (head) {
      m.add(lib.layers.flatten({name: `${name}_flat`}));
      m.add(lib.layers.dense({units: 2, name: `${name}_head`}));
    }
    return m;
  };
  const before = tf.memory().numTensors;
  const theirs = make(tfjs), ours = make(tf);
  assert.deepEqual(ours.layers[0].weights.map(w => w.name), theirs.layers[0].weights.map(w => w.name), `${name}: weight names`);
  assert.deepEqual(ours.getWeights().map(w => w.shape), theirs.getWeights().map(w => w.shape), `${name}: weight shapes`);
  copyWeights(theirs, ours);
  assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${name}: getConfig`);
  assert.deepEqual(ours.outputs[0].shape, theirs.outputs[0].shape, `${name}: symbolic output shape`);
  const shape = [batch, ...inputShape];
  const xs = data(shape, counter);
  const x = tf.tensor(xs, shape);
  const pT = theirs.predict(tfjs.tensor(xs, shape));
  const pO = ours.predict(x);
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  close(family, vals(pO), vals(pT), `${name}: predict`, 1e-5);

  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, ours)));
  close(family, vals(inTfjs.predict(tfjs.tensor(xs, shape))), vals(pO), `${name}: ours loaded in tfjs`, 1e-5);
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, theirs)));
  close(family, take(fromTfjs.predict(x)), vals(pT), `${name}: tfjs's loaded here`, 1e-5);
  assert.deepEqual(withoutNullSeeds(fromTfjs.layers[0].getConfig()), withoutNullSeeds(theirs.layers[0].getConfig()),
                   `${name}: getConfig after loading`);
  fromTfjs.dispose();

  if (fit) {
    const ysValues = data(pT.shape, counter + 100);
    const args = {epochs: 3, batchSize: batch, shuffle: false, verbose: 0};
    theirs.compile({optimizer: fit, loss: 'meanSquaredError'});
    ours.compile({optimizer: fit, loss: 'meanSquaredError'});
    const hT = await theirs.fit(tfjs.tensor(xs, shape), tfjs.tensor(ysValues, pT.shape), args);
    const ys = tf.tensor(ysValues, pT.shape);
    const hO = await ours.fit(x, ys, args);
    close(family, hO.history.loss, hT.history.loss, `${name}: loss trajectory`, 1e-4);
    assert.ok(hO.history.loss[2] < hO.history.loss[0], `${name}: the loss falls (${hO.history.loss})`);
    const wO = ours.getWeights();
    theirs.getWeights().forEach((w, i) => close(family, vals(wO[i]), vals(w), `${name}: weight ${i} after fit`, 1e-4));
    tf.dispose(ys);
  }
  tf.dispose([x, pO]);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: no tensors left behind`);
}

test('convLstm2d: predict, fit, getConfig, save/load both ways match tfjs', async () => {
  await convLstmParity('convLstm2d', {filters: 2, kernelSize: 3, padding: 'same', returnSequences: true}, [3, 5, 5, 1]);
  await convLstmParity('convLstm2d', {filters: 3, kernelSize: [2, 3], strides: 2, unitForgetBias: true, goBackwards: true},
                       [4, 5, 6, 2], {fit: 'adam', head: true});
  // tfjs 4.22 cannot fit a dilated conv2d ("dilation rates greater than 1 are not yet supported in gradients").
  await convLstmParity('convLstm2d', {filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same'}, [3, 5, 4, 2], {fit: false});
  await convLstmParity('convLstm2d', {filters: 2, kernelSize: 3, activation: 'relu', recurrentActivation: 'sigmoid', useBias: false,
                                      returnSequences: true, goBackwards: true}, [2, 4, 4, 3], {fit: 'adam', batch: 2});
  await convLstmParity('convLstm2d', {filters: 2, kernelSize: 2, kernelInitializer: 'heUniform', recurrentInitializer: 'glorotUniform',
                                      biasInitializer: 'ones'}, [2, 3, 3, 1], {fit: false});
});

test('convLstm2d channelsFirst matches tfjs', async () => {
  await convLstmParity('convLstm2d channelsFirst', {filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst',
                                                   returnSequences: true}, [3, 2, 4, 5], {fit: false});
});

test('convLstm2d returnState: the output, h and c match tfjs', () => {
  const opts = {filters: 2, kernelSize: 3, padding: 'same', returnState: true, returnSequences: true, name: 'cl_state'};
  const theirs = tfjs.layers.convLstm2d(opts), ours = tf.layers.convLstm2d(opts);
  const shape = [2, 3, 4, 4, 2];
  const xs = data(shape, 7);
  const outT = theirs.apply(tfjs.tensor(xs, shape));
  ours.apply(tf.zeros(shape)).forEach(t => t.dispose());  // builds it
  copyWeights(theirs, ours);
  const outO = ours.apply(tf.tensor(xs, shape));
  assert.equal(outO.length, 3);
  outO.forEach((t, i) => {
    assert.deepEqual(t.shape, outT[i].shape, `output ${i}: shape`);
    close('convLstm2d returnState', vals(t), vals(outT[i]), `output ${i}`, 1e-5);
  });
  // Symbolically: three outputs of the same shapes as tfjs's.
  const symO = tf.layers.convLstm2d({...opts, name: 'cl_state2'}).apply(tf.input({shape: [3, 4, 4, 2]}));
  const symT = tfjs.layers.convLstm2d({...opts, name: 'cl_state2'}).apply(tfjs.input({shape: [3, 4, 4, 2]}));
  assert.deepEqual(symO.map(s => s.shape), symT.map(s => s.shape));
  tf.dispose(outO);
  ours.dispose();
});

test('convLstm2d with an initial state matches tfjs (eager); symbolic initial states (which tfjs 4.22 cannot build) compute the same', async () => {
  const opts = {filters: 2, kernelSize: 3, padding: 'same', name: 'cl_init'};
  const theirs = tfjs.layers.convLstm2d(opts), ours = tf.layers.convLstm2d(opts);
  const shapes = [[2, 3, 4, 4, 1], [2, 4, 4, 2], [2, 4, 4, 2]];
  const values = shapes.map((s, i) => data(s, 20 + i));
  const [x, h, c] = values.map((v, i) => tf.tensor(v, shapes[i]));
  const [xT, hT, cT] = values.map((v, i) => tfjs.tensor(v, shapes[i]));
  const pT = theirs.apply(xT, {initialState: [hT, cT]});
  ours.apply(x).dispose();
  copyWeights(theirs, ours);
  const eager = take(ours.apply(x, {initialState: [h, c]}));
  close('convLstm2d initialState', eager, vals(pT), 'apply with initial states', 1e-5);
  assert.ok(eager.some((v, i) => Math.abs(v - vals(theirs.apply(xT))[i]) > 1e-4), 'the initial states matter');
  // In a functional model, saved and loaded.
  const xi = tf.input({shape: [3, 4, 4, 1]}), hi = tf.input({shape: [4, 4, 2]}), ci = tf.input({shape: [4, 4, 2]});
  const layer = tf.layers.convLstm2d({...opts, name: 'cl_init2'});
  const model = tf.model({inputs: [xi, hi, ci], outputs: layer.apply(xi, {initialState: [hi, ci]})});
  copyWeights(ours, layer);
  close('convLstm2d initialState', take(model.predict([x, h, c])), eager, 'symbolic initial states', 1e-6);
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
  close('convLstm2d initialState', take(again.predict([x, h, c])), eager, 'saved and loaded', 1e-6);
  assert.throws(() => ours.apply(x, {initialState: [tf.zeros([2, 4, 4, 3]), h]}), /initialState.*\[batch,4,4,2\], got \[2,4,4,3\]/);
  tf.dispose([x, h, c]);
  [ours, model, again].forEach(l => l.dispose());
});

test('bidirectional(convLstm2d) matches tfjs', () => {
  for (const mergeMode of ['concat', 'ave']) {
    const make = lib => lib.layers.bidirectional({mergeMode, name: `cl_bi_${mergeMode}`,
      layer: lib.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, name: `cl_bi_inner_${mergeMode}`})});
    const theirs = make(tfjs), ours = make(tf);
    const shape = [2, 3, 4, 4, 2];
    const xs = data(shape, 61);
    const yT = theirs.apply(tfjs.tensor(xs, shape));
    ours.apply(tf.zeros(shape)).dispose();
    assert.deepEqual(ours.weights.map(w => w.name), theirs.weights.map(w => w.name), 'weight names');
    copyWeights(theirs, ours);
    const y = ours.apply(tf.tensor(xs, shape));
    assert.deepEqual(y.shape, yT.shape);
    close('bidirectional(convLstm2d)', take(y), vals(yT), mergeMode, 1e-5);
    ours.dispose();
  }
});

test('stateful convLstm2d: states carry between calls and resetStates clears them, as tfjs', () => {
  const opts = {filters: 2, kernelSize: 2, padding: 'same', stateful: true, batchInputShape: [2, 2, 3, 3, 1], name: 'cl_stateful'};
  const theirs = tfjs.sequential({layers: [tfjs.layers.convLstm2d(opts)]});
  const ours = tf.sequential({layers: [tf.layers.convLstm2d(opts)]});
  copyWeights(theirs, ours);
  const shape = [2, 2, 3, 3, 1];
  const a = data(shape, 31), b = data(shape, 32);
  const run = (lib, m, v) => vals(m.predict(lib.tensor(v, shape)));
  const ours1 = take(ours.predict(tf.tensor(a, shape)));
  const ours2 = take(ours.predict(tf.tensor(b, shape)));
  close('convLstm2d stateful', ours1, run(tfjs, theirs, a), 'first call', 1e-5);
  close('convLstm2d stateful', ours2, run(tfjs, theirs, b), 'second call (carried states)', 1e-5);
  const hO = ours.layers[0].states, hT = theirs.layers[0].states;
  assert.equal(hO.length, 2);
  hO.forEach((s, i) => close('convLstm2d stateful', vals(s), vals(hT[i]), `state ${i}`, 1e-5));
  ours.resetStates();
  theirs.resetStates();
  const fresh = take(ours.predict(tf.tensor(b, shape)));
  close('convLstm2d stateful', fresh, run(tfjs, theirs, b), 'after resetStates', 1e-5);
  assert.ok(fresh.some((v, i) => Math.abs(v - ours2[i]) > 1e-4), 'the carried states mattered');
  ours.dispose();
});

test('convLstm2d dropout and recurrentDropout act only in training', () => {
  const shape = [2, 3, 4, 4, 2];
  const x = tf.tensor(data(shape, 41), shape);
  const plain = tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'same', name: 'cl_plain'});
  const dropped = tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'same', dropout: 0.5, recurrentDropout: 0.5, name: 'cl_drop'});
  plain.apply(x).dispose();
  dropped.apply(x).dispose();
  copyWeights(plain, dropped);
  const inference = take(plain.apply(x));
  close('convLstm2d dropout', take(dropped.apply(x)), inference, 'inference: no dropout', 1e-6);
  close('convLstm2d dropout', take(dropped.apply(x, {training: false})), inference, 'training false: no dropout', 1e-6);
  const trained = take(dropped.apply(x, {training: true}));
  assert.ok(trained.some((v, i) => Math.abs(v - inference[i]) > 1e-4), 'training: dropout changes the output');
  assert.ok(trained.every(Number.isFinite));
  // Only recurrent dropout: the first step has h = 0, so a one-step sequence is unaffected.
  const recOnly = tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'same', recurrentDropout: 0.5, name: 'cl_rec'});
  const one = tf.slice(x, [0, 0], [2, 1]);
  recOnly.apply(one).dispose();
  copyWeights(plain, recOnly);
  close('convLstm2d dropout', take(recOnly.apply(one, {training: true})), take(plain.apply(one)), 'recurrentDropout, one step', 1e-6);
  // fit with dropout trains.
  const m = tf.sequential({layers: [tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'same', dropout: 0.3,
                                                           recurrentDropout: 0.3, inputShape: [3, 4, 4, 2]})]});
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const before = tf.memory().numTensors;
  return m.fit(x, tf.zeros([2, 4, 4, 2]), {epochs: 2, verbose: 0}).then(h => {
    assert.ok(h.history.loss.every(Number.isFinite));
    assert.ok(tf.memory().numTensors <= before + 1, 'fit leaves no tensors behind');
    tf.dispose([x, one]);
    [plain, dropped, recOnly, m].forEach(l => l.dispose());
  });
});

test('convLstm2dCell: getConfig as tfjs; tf.layers.rnn({cell}) computes what convLstm2d computes', async () => {
  const cellOpts = {filters: 3, kernelSize: [3, 2], strides: [1, 2], padding: 'same', unitForgetBias: true, name: 'cl_cell'};
  const cO = tf.layers.convLstm2dCell(cellOpts), cT = tfjs.layers.convLstm2dCell(cellOpts);
  assert.deepEqual(norm(cO.getConfig()), norm(cT.getConfig()));
  assert.equal(cO.getClassName(), 'ConvLSTM2DCell');
  const rnn = tf.layers.rnn({cell: cO, returnSequences: true, name: 'cl_rnn'});
  assert.equal(rnn.cell, cO);
  const layer = tf.layers.convLstm2d({...cellOpts, returnSequences: true, name: 'cl_layer'});
  const shape = [2, 3, 5, 6, 2];
  const x = tf.tensor(data(shape, 51), shape);
  const yL = layer.apply(x);
  rnn.apply(x).dispose();
  assert.deepEqual(rnn.weights.map(w => w.name), ['cl_rnn/kernel', 'cl_rnn/recurrent_kernel', 'cl_rnn/bias']);
  copyWeights(layer, rnn);
  const yR = rnn.apply(x);
  assert.deepEqual(yR.shape, [2, 3, 5, 3, 3]);
  close('rnn(convLstm2dCell)', vals(yR), vals(yL), 'rnn(convLstm2dCell) = convLstm2d', 1e-6);
  // unitForgetBias: the forget gate's bias starts at ones.
  assert.deepEqual(vals(rnn.getWeights()[2]).slice(0, 12), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  // In a model, saved and loaded.
  const inp = tf.input({shape: [3, 5, 6, 2]});
  const model = tf.model({inputs: inp, outputs: tf.layers.rnn({cell: tf.layers.convLstm2dCell({...cellOpts, name: 'cl_cell2'}),
                                                                name: 'cl_rnn2'}).apply(inp)});
  const config = model.layers[1].getConfig();
  assert.equal(config.cell.className, 'ConvLSTM2DCell');
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
  close('rnn(convLstm2dCell)', take(again.predict(x)), take(model.predict(x)), 'saved and loaded', 1e-6);
  tf.dispose([x, yL, yR]);
  [rnn, layer, model, again].forEach(l => l.dispose());
});

test('masking on 5-D input: a per-position mask [batch, time, rows, cols] holds masked positions, as tfjs (predict and fit)', async () => {
  // Masking reduces over channels only, so the mask is per step and per position;
  // some positions of some steps are all zeros (masked), whole steps too.
  const shape = [2, 4, 5, 5, 2];
  const xs = data(shape, 91);
  const at = (b, t, r, c) => (((b * 4 + t) * 5 + r) * 5 + c) * 2;
  for (const [b, t, r, c] of [[0, 1, 0, 0], [0, 1, 2, 3], [1, 2, 4, 4], [1, 0, 1, 1], [0, 3, 3, 0]]) {
    xs[at(b, t, r, c)] = 0; xs[at(b, t, r, c) + 1] = 0;
  }
  for (let r = 0; r < 5; ++r) for (let c = 0; c < 5; ++c) xs.fill(0, at(1, 3, r, c), at(1, 3, r, c) + 2);
  const before = tf.memory().numTensors;
  for (const opts of [{returnSequences: true}, {returnSequences: false, goBackwards: true}]) {
    const make = lib => {
      const m = lib.sequential();
      m.add(lib.layers.masking({maskValue: 0, inputShape: shape.slice(1)}));
      m.add(lib.layers.convLstm2d({filters: 3, kernelSize: 3, padding: 'same', ...opts}));
      if (!opts.returnSequences) {  // a sequence output keeps the mask, which flatten does not take (tfjs nor here)
        m.add(lib.layers.flatten());
        m.add(lib.layers.dense({units: 2}));
      }
      return m;
    };
    const theirs = make(tfjs), ours = make(tf);
    copyWeights(theirs, ours);
    const x = tf.tensor(xs, shape), xT = tfjs.tensor(xs, shape);
    close('masking(5-D) + convLstm2d', take(ours.predict(x)), take(theirs.predict(xT)), `predict ${JSON.stringify(opts)}`, 1e-5);
    const yShape = opts.returnSequences ? [2, 4, 5, 5, 3] : [2, 2];
    const ys = data(yShape, 92);
    const y = tf.tensor(ys, yShape), yT = tfjs.tensor(ys, yShape);
    ours.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
    theirs.compile({optimizer: tfjs.train.sgd(0.1), loss: 'meanSquaredError'});
    const hO = await ours.fit(x, y, {epochs: 3, batchSize: 2, shuffle: false, verbose: 0});
    const hT = await theirs.fit(xT, yT, {epochs: 3, batchSize: 2, shuffle: false, verbose: 0});
    close('masking(5-D) + convLstm2d', hO.history.loss, hT.history.loss, `fit losses ${JSON.stringify(opts)}`, 1e-5);
    const wO = ours.getWeights(), wT = theirs.getWeights();
    wO.forEach((w, i) => close('masking(5-D) + convLstm2d', vals(w), vals(wT[i]), `weight ${i} after fit`, 1e-4));
    tf.dispose([x, y]);
    tfjs.dispose([xT, yT]);
    ours.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
  // Outputs smaller than the input cannot take a per-position mask.
  const m = tf.sequential();
  m.add(tf.layers.masking({maskValue: 0, inputShape: shape.slice(1)}));
  m.add(tf.layers.convLstm2d({filters: 3, kernelSize: 3, padding: 'valid'}));
  assert.throws(() => m.predict(tf.zeros(shape)), /per-position mask \[2,4,5,5\] needs outputs of the input's size/);
  m.dispose();
});

test('a Keras 3 model.json with ConvLSTM2D loads, predicts what tfjs computes with the same weights, trains and saves', async () => {
  // Written by hand as tensorflowjs_converter writes a Keras 3 model (keras/src/layers/rnn/conv_lstm.py's
  // get_config; Keras's defaults: recurrent_activation sigmoid, unit_forget_bias).
  const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
  const init = (cls, config = {}) => ({module: 'keras.initializers', class_name: cls, config, registered_name: null});
  const topology = {
    class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow',
    config: {name: 'sequential', trainable: true, dtype: policy, layers: [
      {module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
       config: {batch_shape: [null, 3, 6, 5, 2], dtype: 'float32', sparse: false, name: 'input_layer'}},
      {module: 'keras.layers', class_name: 'ConvLSTM2D', registered_name: null, build_config: {input_shape: [null, 3, 6, 5, 2]},
       config: {name: 'conv_lstm2d', trainable: true, dtype: policy, return_sequences: true, return_state: false,
                go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
                filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last',
                dilation_rate: [1, 1], activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
                kernel_initializer: init('GlorotUniform', {seed: null}),
                recurrent_initializer: init('OrthogonalInitializer', {gain: 1.0, seed: null}),
                bias_initializer: init('Zeros'), unit_forget_bias: true, kernel_regularizer: null,
                recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null,
                recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, seed: null}},
      {module: 'keras.layers', class_name: 'Flatten', registered_name: null, build_config: {input_shape: [null, 3, 6, 5, 3]},
       config: {name: 'flatten', trainable: true, dtype: policy, data_format: 'channels_last'}},
      {module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: {input_shape: [null, 270]},
       config: {name: 'dense', trainable: true, dtype: policy, units: 2, activation: 'linear', use_bias: true,
                kernel_initializer: init('GlorotUniform', {seed: null}), bias_initializer: init('Zeros'),
                kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null}},
    ], build_input_shape: [null, 3, 6, 5, 2]}};
  const shapes = [[3, 3, 2, 12], [3, 3, 3, 12], [12], [270, 2], [2]];
  const values = shapes.map((sh, i) => data(sh, 60 + i, -0.4, 0.4));
  const names = ['conv_lstm2d/kernel', 'conv_lstm2d/recurrent_kernel', 'conv_lstm2d/bias', 'dense/kernel', 'dense/bias'];
  const artifacts = {
    format: 'layers-model', generatedBy: 'keras v3.6.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology: topology,
    weightSpecs: names.map((name, i) => ({name, shape: shapes[i], dtype: 'float32'})),
    weightData: new Float32Array(values.flat()).buffer,
  };
  const start = tf.memory().numTensors;
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const cfg = model.layers[0].getConfig();
  assert.equal(cfg.recurrentActivation, 'sigmoid');
  assert.equal(cfg.returnSequences, true);
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  // The oracle: tfjs's convLstm2d (Keras 2's equations, which Keras 3 keeps) with the same weights.
  const theirs = tfjs.sequential();
  theirs.add(tfjs.layers.convLstm2d({filters: 3, kernelSize: 3, padding: 'same', recurrentActivation: 'sigmoid',
                                     returnSequences: true, inputShape: [3, 6, 5, 2]}));
  theirs.add(tfjs.layers.flatten());
  theirs.add(tfjs.layers.dense({units: 2}));
  theirs.setWeights(values.map((v, i) => tfjs.tensor(v, shapes[i])));
  const xs = data([4, 3, 6, 5, 2], 70);
  const x = tf.tensor(xs, [4, 3, 6, 5, 2]);
  const expected = vals(theirs.predict(tfjs.tensor(xs, [4, 3, 6, 5, 2])));
  close('Keras 3 ConvLSTM2D model.json', take(model.predict(x)), expected, 'predict', 1e-5);
  // Saved here, it loads here with the same predictions.
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
  close('Keras 3 ConvLSTM2D model.json', take(again.predict(x)), expected, 'saved and reloaded', 1e-6);
  // It trains: the loss falls.
  const adam = tf.train.adam(0.01);  // the caller's: its slots outlive the model, as in tfjs
  model.compile({optimizer: adam, loss: 'meanSquaredError'});
  const y = tf.tensor(data([4, 2], 71), [4, 2]);
  const loss = (await model.fit(x, y, {epochs: 20, batchSize: 4, verbose: 0})).history.loss;
  assert.ok(loss[loss.length - 1] < 0.5 * loss[0], `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
  tf.dispose([x, y]);
  model.dispose();
  again.dispose();
  adam.dispose();
  assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
});

test('convLstm2d errors, as tfjs', () => {
  assert.throws(() => tf.layers.convLstm2d({filters: 2, kernelSize: 3, unroll: true}), /Unrolling is not possible with convolutional RNNs/);
  assert.throws(() => tf.layers.convLstm2d({kernelSize: 3}), /filters/);
  assert.throws(() => tf.layers.convLstm2d({filters: 2}), /kernelSize/);
  assert.throws(() => tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'causal'}), /causal/);
  assert.throws(() => tf.layers.convLstm2d({filters: 2, kernelSize: 3, padding: 'full'}), /padding|PaddingMode/);
  const layer = tf.layers.convLstm2d({filters: 2, kernelSize: 3});
  assert.throws(() => layer.apply(tf.input({shape: [3, 4]})), /expected ndim=5, found ndim=3/);
  const c1 = tf.layers.convLstm2dCell({filters: 2, kernelSize: 3}), c2 = tf.layers.convLstm2dCell({filters: 2, kernelSize: 3});
  assert.throws(() => tf.layers.stackedRNNCells({cells: [c1, c2]}), /cannot be stacked/);
  assert.throws(() => c1.apply(tf.zeros([1, 4, 4, 1])), /cell/);
  [layer, c1, c2].forEach(l => l.dispose());
});
