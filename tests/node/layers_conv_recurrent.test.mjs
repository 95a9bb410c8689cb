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
import {after, test} from 'node:test';

import {assertAllClose, loadTfjs, seededData as data, tf} from './helpers.mjs';

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

const table = new Map();  // family -> {cases, max}
function close(family, actual, expected, what, tol) {
  assertAllClose(actual, expected, what, tol);
  const row = table.get(family) || {cases: 0, max: 0};
  row.cases += 1;
  for (let i = 0; i < actual.length; i++) row.max = Math.max(row.max, Math.abs(actual[i] - expected[i]));
  table.set(family, row);
}
after(() => {
  const lines = [...table].map(([family, r]) => `  ${family}: ${r.cases} comparisons, max |difference| ${r.max.toExponential(2)}`);
  console.log(`parity (family: comparisons, max difference)\n${lines.join('\n')}`);
});

async function artifactsOf(model, lib) {
  let artifacts;
  await model.save(lib.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
  return artifacts;
}

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

  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(ours, tf)));
  close(family, vals(inTfjs.predict(tfjs.tensor(xs, shape))), vals(pO), `${name}: ours loaded in tfjs`, 1e-5);
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(theirs, tfjs)));
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
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(model, tf)));
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
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(model, tf)));
  close('rnn(convLstm2dCell)', take(again.predict(x)), take(model.predict(x)), 'saved and loaded', 1e-6);
  tf.dispose([x, yL, yR]);
  [rnn, layer, model, again].forEach(l => l.dispose());
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
