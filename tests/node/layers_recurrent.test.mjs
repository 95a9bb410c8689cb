// Recurrent layers (SimpleRNN, LSTM, GRU) against @tensorflow/tfjs: same config,
// weight names and shapes, same initial weights (copied from tfjs), same
// predictions, the same weights after 3 fit steps (SGD and Adam); returnState in a
// functional model; save/load both ways; the orthogonal initializer; no leaked
// tensors; clear errors for what is not supported.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, loadTfjs, seededData as data, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
let counter = 0;

const norm = c => JSON.parse(JSON.stringify(c));

/**
 * sequential([layer, dense(2)?]) in both libraries with tfjs's initial weights:
 * weight names/shapes, getConfig, predict (1e-5), and with `fit` the weights after
 * 3 steps of `optimizer` (1e-4).
 */
async function parity(factory, opts, inputShape, {fit = 'sgd', head = false} = {}) {
  const name = `r${++counter}_${factory}`;
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers[factory]({...opts, name, inputShape}));
    if (head) m.add(lib.layers.dense({units: 2, name: `${name}_head`}));
    return m;
  };
  const before = tf.memory().numTensors;
  const theirs = make(tfjs);
  const ours = make(tf);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  const fresh = ours.getWeights();
  assert.deepEqual(fresh.map(w => w.shape), init.map(w => w.shape), `${name}: weight shapes`);
  tf.dispose(fresh);
  ours.setWeights(init);
  assert.deepEqual(ours.layers[0].weights.map(w => w.name), theirs.layers[0].weights.map(w => w.name),
                   `${name}: weight names`);
  assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${name}: getConfig`);
  const shape = [4, ...inputShape];
  const xs = data(shape, counter);
  const pT = theirs.predict(tfjs.tensor(xs, shape));
  const x = tf.tensor(xs, shape);
  const pO = ours.predict(x);
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  assert.deepEqual(ours.outputs[0].shape, theirs.outputs[0].shape, `${name}: symbolic output shape`);
  assertAllClose(Array.from(pO.dataSync()), Array.from(pT.dataSync()), `${name}: predict`, 1e-5);
  if (fit) {
    const ysValues = data(pT.shape, counter + 100);
    const args = {epochs: 3, batchSize: 4, shuffle: false, verbose: 0};
    theirs.compile({optimizer: fit, loss: 'meanSquaredError'});
    ours.compile({optimizer: fit, loss: 'meanSquaredError'});
    await theirs.fit(tfjs.tensor(xs, shape), tfjs.tensor(ysValues, pT.shape), args);
    const ys = tf.tensor(ysValues, pT.shape);
    await ours.fit(x, ys, args);
    const wO = ours.getWeights();
    theirs.getWeights().forEach((w, i) =>
      assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()), `${name}: weight ${i} after fit`, 1e-4));
    tf.dispose([ys, ...wO]);
  }
  tf.dispose([x, pO, ...init]);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: no tensors left behind`);
}

test('SimpleRNN: predict and fit match tfjs (returnSequences, goBackwards, useBias, activations)', async () => {
  await parity('simpleRNN', {units: 3}, [5, 2]);
  await parity('simpleRNN', {units: 4, returnSequences: true}, [5, 3], {fit: 'adam'});
  await parity('simpleRNN', {units: 3, goBackwards: true, returnSequences: true}, [4, 2]);
  await parity('simpleRNN', {units: 3, useBias: false, activation: 'relu'}, [5, 2], {head: true});
  await parity('simpleRNN', {units: 2, activation: 'sigmoid', goBackwards: true}, [6, 3], {fit: 'adam'});
  await parity('simpleRNN', {units: 3, kernelInitializer: 'glorotUniform', biasInitializer: 'ones'}, [1, 2]);
});

test('LSTM: predict and fit match tfjs (returnSequences, goBackwards, useBias, activations, unitForgetBias)',
     async () => {
       await parity('lstm', {units: 3}, [5, 2]);
       await parity('lstm', {units: 4, returnSequences: true}, [5, 3], {fit: 'adam'});
       await parity('lstm', {units: 3, goBackwards: true}, [4, 2], {head: true});
       await parity('lstm', {units: 3, useBias: false}, [5, 2]);
       await parity('lstm', {units: 2, unitForgetBias: true, biasInitializer: 'randomUniform'}, [3, 2], {fit: 'adam'});
       await parity('lstm', {units: 3, activation: 'relu', recurrentActivation: 'sigmoid', implementation: 2}, [4, 3]);
       await parity('lstm', {units: 2, recurrentActivation: 'tanh', goBackwards: true, returnSequences: true,
                             implementation: 1}, [5, 2], {fit: 'adam'});
     });

test('GRU: predict and fit match tfjs (returnSequences, goBackwards, useBias, activations)', async () => {
  await parity('gru', {units: 3}, [5, 2]);
  await parity('gru', {units: 4, returnSequences: true}, [5, 3], {fit: 'adam'});
  await parity('gru', {units: 3, goBackwards: true}, [4, 2], {head: true});
  await parity('gru', {units: 3, useBias: false, implementation: 1}, [5, 2]);
  await parity('gru', {units: 2, activation: 'relu', recurrentActivation: 'sigmoid'}, [3, 2], {fit: 'adam'});
  await parity('gru', {units: 3, goBackwards: true, returnSequences: true, resetAfter: false}, [4, 3]);
});

// tfjs 4.22 drops a recurrent layer's regularization penalties (they are added to
// its cell, which the model never asks), so its fit ignores them. Ours adds them to
// the loss as Keras does; the check: the first loss is tfjs's plus the penalties.
// tfjs 4.22's fit applies no constraints at all; ours applies them after each step.
test('regularizers add their penalties to the loss (as Keras); constraints hold after fit', async () => {
  for (const factory of ['simpleRNN', 'lstm', 'gru']) {
    const name = `reg_${factory}`;
    const xs = data([4, 4, 2], 5), ys = data([4, 3], 6);
    const make = (lib, extra) => {
      const m = lib.sequential();
      m.add(lib.layers[factory]({units: 3, name, inputShape: [4, 2], ...extra}));
      m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
      return m;
    };
    const regs = lib => ({kernelRegularizer: lib.regularizers.l2({l2: 0.1}), recurrentRegularizer: lib.regularizers.l1(),
                          biasRegularizer: lib.regularizers.l1l2()});
    const theirs = make(tfjs, regs(tfjs)), ours = make(tf, regs(tf));
    ours.setWeights(theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape)));
    assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()), `${name}: getConfig`);
    const [k, rk, b] = theirs.getWeights().map(w => Array.from(w.dataSync()));
    const sum = (a, f) => a.reduce((s, v) => s + f(v), 0);
    const penalty = 0.1 * sum(k, v => v * v) + 0.01 * sum(rk, Math.abs) + 0.01 * sum(b, Math.abs) + 0.01 * sum(b, v => v * v);
    const hT = await theirs.fit(tfjs.tensor(xs, [4, 4, 2]), tfjs.tensor(ys, [4, 3]), {epochs: 1, verbose: 0});
    const hO = await ours.fit(tf.tensor(xs, [4, 4, 2]), tf.tensor(ys, [4, 3]), {epochs: 1, verbose: 0});
    assertAllClose(hO.history.loss, [hT.history.loss[0] + penalty], `${name}: loss with penalties`, 1e-5);

    const cons = lib => ({kernelConstraint: lib.constraints.nonNeg(), recurrentConstraint: lib.constraints.maxNorm({maxValue: 0.5}),
                          biasConstraint: lib.constraints.unitNorm({})});
    const cT = make(tfjs, cons(tfjs)), cO = make(tf, cons(tf));
    assert.deepEqual(norm(cO.layers[0].getConfig()), norm(cT.layers[0].getConfig()), `${name}: getConfig`);
    await cO.fit(tf.tensor(xs, [4, 4, 2]), tf.tensor(ys, [4, 3]), {epochs: 3, verbose: 0});
    const [kc, rkc, bc] = cO.getWeights().map(w => Array.from(w.dataSync()));
    assert.ok(kc.every(v => v >= 0), `${name}: nonNeg kernel`);
    const units = 3, cols = rkc.length / units;
    for (let j = 0; j < cols; j++) {
      let n = 0;
      for (let i = 0; i < units; i++) n += rkc[i * cols + j] ** 2;
      assert.ok(Math.sqrt(n) <= 0.5 + 1e-6, `${name}: maxNorm recurrent column ${j}`);
    }
    assert.ok(Math.abs(Math.sqrt(sum(bc, v => v * v)) - 1) < 1e-5, `${name}: unitNorm bias`);
  }
});

test('returnState in a functional model: [output, h] and [output, h, c], as tfjs', async () => {
  for (const [factory, numStates] of [['simpleRNN', 1], ['lstm', 2], ['gru', 1]]) {
    for (const returnSequences of [false, true]) {
      const build = lib => {
        const input = lib.input({shape: [5, 3]});
        const outs = lib.layers[factory]({units: 4, returnState: true, returnSequences, name: `st_${factory}`})
                         .apply(input);
        return {outs, model: lib.model({inputs: input, outputs: outs})};
      };
      const T = build(tfjs), O = build(tf);
      assert.equal(O.outs.length, 1 + numStates);
      assert.deepEqual(O.outs.map(o => o.shape), T.outs.map(o => o.shape));
      O.model.setWeights(T.model.getWeights().map(w => tf.tensor(w.dataSync(), w.shape)));
      const xs = data([2, 5, 3], 9);
      const pT = T.model.predict(tfjs.tensor(xs, [2, 5, 3]));
      const pO = O.model.predict(tf.tensor(xs, [2, 5, 3]));
      assert.equal(pO.length, pT.length);
      pO.forEach((p, i) => assertAllClose(Array.from(p.dataSync()), Array.from(pT[i].dataSync()),
                                          `${factory} output ${i}`, 1e-5));
      // The last output equals h when the sequence is not returned.
      if (!returnSequences) assert.deepEqual(Array.from(pO[0].dataSync()), Array.from(pO[1].dataSync()));
      // Eager apply returns the same list.
      const eager = O.model.layers[1].apply(tf.tensor(xs, [2, 5, 3]));
      assert.equal(eager.length, 1 + numStates);
      O.model.dispose();
    }
  }
});

test('stacked recurrent layers train and save/load here and in tfjs', async () => {
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.lstm({units: 4, returnSequences: true, inputShape: [6, 3], name: 'stack_lstm'}));
    m.add(lib.layers.gru({units: 3, returnSequences: true, goBackwards: true, name: 'stack_gru'}));
    m.add(lib.layers.simpleRNN({units: 2, name: 'stack_rnn'}));
    m.add(lib.layers.dense({units: 1, name: 'stack_head'}));
    return m;
  };
  const theirs = build(tfjs), ours = build(tf);
  ours.setWeights(theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape)));
  const xs = data([8, 6, 3], 11), ys = data([8, 1], 12);
  for (const [lib, m] of [[tfjs, theirs], [tf, ours]]) {
    m.compile({optimizer: 'rmsprop', loss: 'meanSquaredError'});
    await m.fit(lib.tensor(xs, [8, 6, 3]), lib.tensor(ys, [8, 1]), {epochs: 2, batchSize: 4, shuffle: false, verbose: 0});
  }
  const wO = ours.getWeights();
  theirs.getWeights().forEach((w, i) => assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()),
                                                       `stacked weight ${i}`, 1e-4));
  const x = tf.tensor(xs, [8, 6, 3]);
  const predicted = ours.predict(x);
  let artifacts;
  await ours.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.deepEqual(Array.from(reloaded.predict(x).dataSync()), Array.from(predicted.dataSync()), 'reloaded here');
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
  assertAllClose(Array.from(inTfjs.predict(tfjs.tensor(xs, [8, 6, 3])).dataSync()), Array.from(predicted.dataSync()),
                 'loaded in tfjs', 1e-5);
  // And the other way: tfjs's model.json loads here.
  let theirArtifacts;
  await theirs.save(tfjs.io.withSaveHandler(async a => { theirArtifacts = a; return {modelArtifactsInfo: {}}; }));
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(theirArtifacts));
  assertAllClose(Array.from(fromTfjs.predict(x).dataSync()),
                 Array.from(theirs.predict(tfjs.tensor(xs, [8, 6, 3])).dataSync()), 'tfjs model loaded here', 1e-5);
  assert.deepEqual(fromTfjs.layers.map(l => l.getClassName()), ['LSTM', 'GRU', 'SimpleRNN', 'Dense']);
});

test('timesteps may change between calls; dropout trains and is identity at inference', async () => {
  const layer = tf.layers.lstm({units: 3, returnSequences: true});
  assert.deepEqual(layer.apply(tf.zeros([2, 4, 2])).shape, [2, 4, 3]);
  assert.deepEqual(layer.apply(tf.zeros([1, 7, 2])).shape, [1, 7, 3]);
  assert.throws(() => layer.apply(tf.zeros([1, 7, 3])), /incompatible with layer/);
  const input = tf.input({shape: [null, 2]});
  assert.deepEqual(tf.layers.gru({units: 5}).apply(input).shape, [null, 5]);
  assert.deepEqual(tf.layers.gru({units: 5, returnSequences: true}).apply(input).shape, [null, null, 5]);

  const m = tf.sequential();
  m.add(tf.layers.gru({units: 4, dropout: 0.3, recurrentDropout: 0.2, inputShape: [5, 2]}));
  m.compile({optimizer: 'adam', loss: 'meanSquaredError'});
  const x = tf.tensor(data([8, 5, 2], 3), [8, 5, 2]);
  const h = await m.fit(x, tf.tensor(data([8, 4], 4), [8, 4]), {epochs: 2, verbose: 0});
  assert.ok(h.history.loss.every(Number.isFinite));
  assert.deepEqual(Array.from(m.predict(x).dataSync()), Array.from(m.predict(x).dataSync()), 'inference is deterministic');
  assert.equal(m.layers[0].getConfig().dropout, 0.3);
  assert.equal(tf.layers.lstm({units: 2, dropout: 3}).getConfig().dropout, 1, 'clipped to [0, 1] as tfjs');
});

test('tf.initializers.orthogonal: orthonormal rows or columns, serialized as tfjs', () => {
  for (const shape of [[4, 4], [6, 3], [3, 6]]) {
    const w = tf.initializers.orthogonal({gain: 2, seed: 3}).apply(shape);
    const [r, c] = shape;
    const v = w.dataSync();
    const small = Math.min(r, c);
    // W^T W (r >= c) or W W^T (r < c) is gain^2 * I.
    for (let i = 0; i < small; i++) {
      for (let j = 0; j < small; j++) {
        let dot = 0;
        for (let k = 0; k < Math.max(r, c); k++) dot += r >= c ? v[k * c + i] * v[k * c + j] : v[i * c + k] * v[j * c + k];
        assert.ok(Math.abs(dot - (i === j ? 4 : 0)) < 1e-4, `${shape}: (${i},${j}) = ${dot}`);
      }
    }
    w.dispose();
  }
  assert.deepEqual(norm(tf.initializers.orthogonal().getConfig()), norm(tfjs.initializers.orthogonal({}).getConfig()));
  const l = tf.layers.simpleRNN({units: 2, recurrentInitializer: tf.initializers.orthogonal({gain: 0.5, seed: 1})});
  assert.deepEqual(l.getConfig().recurrentInitializer, {className: 'Orthogonal', config: {gain: 0.5, seed: 1}});
  l.apply(tf.zeros([1, 2, 3]));
  const rk = l.getWeights()[1].dataSync();
  assert.ok(Math.abs(rk[0] * rk[0] + rk[2] * rk[2] - 0.25) < 1e-5, 'gain scales the columns');
});

test('bad options give clear errors', () => {
  assert.throws(() => tf.layers.lstm({}), /Expected units to be a positive integer, but got undefined/);
  assert.throws(() => tf.layers.simpleRNN({units: 0}), /Expected units to be a positive integer, but got 0/);
  assert.throws(() => tf.layers.gru({units: 2, resetAfter: 'yes'}), /resetAfter to be a boolean/);
  assert.throws(() => tf.layers.lstm({units: 2, stateful: 1}), /stateful to be a boolean/);
  assert.throws(() => tf.layers.lstm({units: 2, activation: 'nope'}), /nope/);
  assert.throws(() => tf.layers.lstm({units: 2, recurrentActivation: 'nope'}), /nope/);
  assert.throws(() => tf.layers.gru({units: 2, implementation: 3}), /implementation must be 1 or 2/);
  assert.throws(() => tf.layers.lstm({units: 2, recurrentInitializer: 'nope'}), /recurrentInitializer/);
  assert.throws(() => tf.layers.lstm({units: 2, dropout: 'x'}), /dropout/);
  assert.throws(() => tf.layers.lstm({units: 2}).apply(tf.input({shape: [3]})), /expected ndim=3, found ndim=2/);
  assert.throws(() => tf.layers.simpleRNN({units: 2}).apply(tf.zeros([2, 0, 3])), /no timesteps/);
});
