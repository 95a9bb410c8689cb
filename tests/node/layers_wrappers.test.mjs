// Layer wrappers against @tensorflow/tfjs: timeDistributed around dense, conv2d
// and an LSTM's sequence output, bidirectional around LSTM/GRU/SimpleRNN with
// every mergeMode and returnState: the same weight names (in the wrapper's scope),
// getConfig with the nested layer, the same predictions with copied weights
// (1e-5), the same weights after 3 fit steps (1e-4), masks (through
// timeDistributed, into both directions of bidirectional), save/load both ways,
// clear errors, no leaked tensors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {artifactsOf, assertAllClose, loadTfjs, seededData as data, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
let counter = 0;

const norm = c => JSON.parse(JSON.stringify(c));

/**
 * `build(lib, name)` makes the same sequential model in both libraries; with
 * tfjs's initial weights: weight names, getConfig of every layer, predict (1e-5),
 * the weights after 3 fit steps of `fit` (1e-4), and save/load both ways.
 */
async function parity(build, inputShape, {fit = 'sgd', kind = 'float'} = {}) {
  const name = `w${++counter}`;
  const before = tf.memory().numTensors;
  const theirs = build(tfjs, name);
  const ours = build(tf, name);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  ours.setWeights(init);
  assert.deepEqual(ours.weights.map(w => w.name), theirs.weights.map(w => w.name), `${name}: weight names`);
  ours.layers.forEach((l, i) =>
    assert.deepEqual(norm(l.getConfig()), norm(theirs.layers[i].getConfig()), `${name}: getConfig of ${l.name}`));
  const shape = [4, ...inputShape];
  const xs = kind === 'int' ? data(shape, counter, 0, 5).map(Math.floor) : data(shape, counter);
  const pT = theirs.predict(tfjs.tensor(xs, shape));
  const x = tf.tensor(xs, shape);
  const pO = ours.predict(x);
  assert.deepEqual(pO.shape, pT.shape, `${name}: output shape`);
  assert.deepEqual(ours.outputs[0].shape, theirs.outputs[0].shape, `${name}: symbolic output shape`);
  assertAllClose(Array.from(pO.dataSync()), Array.from(pT.dataSync()), `${name}: predict`, 1e-5);

  // Save/load both ways, before training changes the weights.
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, theirs)));
  const pL = fromTfjs.predict(x);
  assertAllClose(Array.from(pL.dataSync()), Array.from(pT.dataSync()), `${name}: tfjs's model.json loaded here`, 1e-5);
  assert.deepEqual(fromTfjs.weights.map(w => w.name), theirs.weights.map(w => w.name), `${name}: loaded weight names`);
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, ours)));
  assertAllClose(Array.from(inTfjs.predict(tfjs.tensor(xs, shape)).dataSync()), Array.from(pO.dataSync()),
                 `${name}: our model.json loaded in tfjs`, 1e-5);
  inTfjs.layers.forEach((l, i) => {
    if (/^(TimeDistributed|Bidirectional)$/.test(l.getClassName())) {
      assert.deepEqual(norm(ours.layers[i].getConfig()), norm(l.getConfig()), `${name}: config after tfjs loads ours`);
    }
  });

  if (fit) {
    const ysValues = data(pT.shape, counter + 100);
    const args = {epochs: 3, batchSize: 4, shuffle: false, verbose: 0};
    theirs.compile({optimizer: fit, loss: 'meanSquaredError'});
    ours.compile({optimizer: fit, loss: 'meanSquaredError'});
    await theirs.fit(tfjs.tensor(xs, shape), tfjs.tensor(ysValues, pT.shape), args);
    const ys = tf.tensor(ysValues, pT.shape);
    await ours.fit(x, ys, args);
    const wO = ours.getWeights();
    const wT = theirs.getWeights();
    assert.equal(wO.length, wT.length);
    wT.forEach((w, i) =>
      assertAllClose(Array.from(wO[i].dataSync()), Array.from(w.dataSync()), `${name}: weight ${i} after fit`, 1e-4));
    tf.dispose([ys, ...wO]);
  }
  tf.dispose([x, pO, pL, ...init]);
  fromTfjs.dispose();
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: no tensors left behind`);
}

test('timeDistributed(dense): predict, fit, names, config and save/load match tfjs', async () => {
  await parity((lib, n) => lib.sequential({layers: [
    lib.layers.timeDistributed({layer: lib.layers.dense({units: 3, activation: 'tanh', name: `${n}_d`}),
                                inputShape: [5, 4], name: `${n}_td`})]}), [5, 4]);
  await parity((lib, n) => lib.sequential({layers: [
    lib.layers.timeDistributed({layer: lib.layers.dense({units: 2, useBias: false, name: `${n}_d`}),
                                inputShape: [3, 6], name: `${n}_td`}),
    lib.layers.flatten({name: `${n}_f`}),
    lib.layers.dense({units: 2, activation: 'sigmoid', name: `${n}_head`})]}), [3, 6], {fit: 'adam'});
  // Rank 4: the inner dense sees [batch*steps, 2, 3].
  await parity((lib, n) => lib.sequential({layers: [
    lib.layers.timeDistributed({layer: lib.layers.dense({units: 2, name: `${n}_d`}), inputShape: [3, 2, 3],
                                name: `${n}_td`})]}), [3, 2, 3], {fit: 'rmsprop'});
});

test('timeDistributed(conv2d) and the addition-rnn shape (lstm -> repeatVector -> lstm -> timeDistributed(dense))',
     async () => {
       await parity((lib, n) => lib.sequential({layers: [
         lib.layers.timeDistributed({layer: lib.layers.conv2d({filters: 2, kernelSize: 2, activation: 'relu', name: `${n}_c`}),
                                     inputShape: [3, 4, 4, 1], name: `${n}_td`}),
         lib.layers.flatten({name: `${n}_f`})]}), [3, 4, 4, 1]);
       await parity((lib, n) => lib.sequential({layers: [
         lib.layers.lstm({units: 4, inputShape: [5, 3], name: `${n}_enc`}),
         lib.layers.repeatVector({n: 3, name: `${n}_rep`}),
         lib.layers.lstm({units: 4, returnSequences: true, name: `${n}_dec`}),
         lib.layers.timeDistributed({layer: lib.layers.dense({units: 3, activation: 'softmax', name: `${n}_d`}),
                                     name: `${n}_td`})]}), [5, 3], {fit: 'adam'});
     });

test('masks pass through timeDistributed to a following LSTM, as tfjs', async () => {
  await parity((lib, n) => lib.sequential({layers: [
    lib.layers.embedding({inputDim: 5, outputDim: 3, maskZero: true, inputLength: 6, name: `${n}_e`}),
    lib.layers.timeDistributed({layer: lib.layers.dense({units: 4, activation: 'tanh', name: `${n}_d`}), name: `${n}_td`}),
    lib.layers.lstm({units: 2, name: `${n}_l`})]}), [6], {kind: 'int'});
  const td = tf.layers.timeDistributed({layer: tf.layers.dense({units: 2})});
  assert.equal(td.supportsMasking, tfjs.layers.timeDistributed({layer: tfjs.layers.dense({units: 2})}).supportsMasking);
  const mask = tf.tensor([[1, 0, 1], [1, 1, 0]], [2, 3], 'bool');
  const x = tf.ones([2, 3, 4]);
  const out = td.computeMask(x, mask);
  assert.deepEqual(Array.from(out.dataSync()), [1, 0, 1, 1, 1, 0]);
  tf.dispose([mask, x, out]);
});

test('the wrapped layer is the one passed: its weights are the wrapper\'s, named in its scope', () => {
  const before = tf.memory().numTensors;
  const dense = tf.layers.dense({units: 2, name: 'inner_dense'});
  const td = tf.layers.timeDistributed({layer: dense, name: 'outer_td'});
  assert.equal(td.layer, dense);
  assert.equal(td.getClassName(), 'TimeDistributed');
  const x = tf.ones([2, 3, 4]);
  const y = td.apply(x);
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(td.weights.map(w => w.name), ['outer_td/kernel', 'outer_td/bias']);
  assert.deepEqual(dense.weights.map(w => w.name), td.weights.map(w => w.name));
  // Setting the inner layer's weights changes the wrapper's output; freezing the wrapper freezes them.
  const w = [tf.ones([4, 2]), tf.zeros([2])];
  dense.setWeights(w);
  const x2 = tf.ones([1, 3, 4]);
  const y2 = td.apply(x2);
  assert.deepEqual(Array.from(y2.dataSync()), [4, 4, 4, 4, 4, 4]);
  td.trainable = false;
  assert.equal(dense.trainable, false);
  assert.equal(td.trainableWeights.length, 0);
  assert.equal(td.nonTrainableWeights.length, 2);
  const c = td.getConfig();
  assert.equal(c.layer.className, 'Dense');
  assert.equal(c.layer.config.name, 'inner_dense');
  assert.equal(c.trainable, false);
  tf.dispose([x, y, x2, y2, ...w]);
  td.dispose();
  dense.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});

test('errors: rank < 3, no layer, a mismatched input; the module keeps working', () => {
  const before = tf.memory().numTensors;
  const td = tf.layers.timeDistributed({layer: tf.layers.dense({units: 2})});
  const theirMessage = (() => {
    try {
      tfjs.layers.timeDistributed({layer: tfjs.layers.dense({units: 2})}).apply(tfjs.input({shape: [3]}));
    } catch (e) {
      return e.message;
    }
  })();
  assert.match(theirMessage, /TimeDistributed layer expects an input shape >= 3D/);
  const sym = tf.input({shape: [3]});
  assert.throws(() => td.apply(sym), /TimeDistributed layer expects an input shape >= 3D/);
  const flat = tf.ones([2, 3]);
  assert.throws(() => td.apply(flat), /expects an input shape >= 3D/);
  assert.throws(() => tf.layers.timeDistributed({}), /layer option must be a tf.layers.Layer/);
  assert.throws(() => tf.layers.timeDistributed({layer: 3}), /layer option must be a tf.layers.Layer/);
  assert.throws(() => tf.layers.timeDistributed(), /expects an object of options/);
  const good = tf.ones([2, 3, 4]), bad = tf.ones([2, 3, 5]), longer = tf.ones([1, 7, 4]);
  const ok = td.apply(good);
  assert.throws(() => td.apply(bad), /incompatible/);
  assert.throws(() => td.apply(longer), /incompatible/);  // the steps are fixed once built, as in tfjs
  const again = td.apply(good);
  assert.deepEqual(again.shape, [2, 3, 2]);
  tf.dispose([flat, good, bad, longer, ok, again]);
  sym.dispose();
  td.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});

test('bidirectional(lstm|gru|simpleRNN): every mergeMode, predict, fit, names, config and save/load match tfjs',
     async () => {
       const bi = (rnn, opts, mergeMode, extra = []) => (lib, n) => lib.sequential({layers: [
         lib.layers.bidirectional({layer: lib.layers[rnn]({...opts, name: `${n}_r`}), inputShape: [5, 3],
                                   name: `${n}_bd`, ...(mergeMode === undefined ? {} : {mergeMode})}),
         ...extra.map(f => f(lib, n))]});
       await parity(bi('lstm', {units: 3}, undefined), [5, 3]);
       await parity(bi('lstm', {units: 2, returnSequences: true}, 'sum'), [5, 3], {fit: 'adam'});
       await parity(bi('gru', {units: 3, returnSequences: true}, 'concat',
                       [(lib, n) => lib.layers.timeDistributed({layer: lib.layers.dense({units: 1, name: `${n}_d`}), name: `${n}_td`})]),
                    [5, 3], {fit: 'rmsprop'});
       await parity(bi('simpleRNN', {units: 2, goBackwards: true}, 'mul'), [5, 3]);
       await parity(bi('gru', {units: 2, returnSequences: true}, 'ave'), [5, 3], {fit: 'adam'});
     });

test('bidirectional with mergeMode null (two outputs) and returnState in a functional model, as tfjs', async () => {
  for (const [mergeMode, returnState, rnn] of [[null, false, 'gru'], ['concat', true, 'lstm'], [null, true, 'simpleRNN']]) {
    const build = lib => {
      const input = lib.input({shape: [4, 3]});
      const outs = lib.layers.bidirectional({layer: lib.layers[rnn]({units: 2, returnState, returnSequences: true, name: 'r'}),
                                             mergeMode, name: 'bd'}).apply(input);
      return {outs, model: lib.model({inputs: input, outputs: outs})};
    };
    const T = build(tfjs), O = build(tf);
    assert.deepEqual(O.outs.map(o => o.shape), T.outs.map(o => o.shape), `${mergeMode} ${returnState}: shapes`);
    O.model.setWeights(T.model.getWeights().map(w => tf.tensor(w.dataSync(), w.shape)));
    const xs = data([2, 4, 3], 21);
    const pT = T.model.predict(tfjs.tensor(xs, [2, 4, 3]));
    const pO = O.model.predict(tf.tensor(xs, [2, 4, 3]));
    assert.equal(pO.length, pT.length);
    pO.forEach((p, i) => assertAllClose(Array.from(p.dataSync()), Array.from(pT[i].dataSync()), `${mergeMode} output ${i}`, 1e-5));
    O.model.dispose();
  }
});

test('masks reach both directions of a bidirectional RNN (the backward one reversed), as tfjs', async () => {
  for (const returnSequences of [false, true]) {
    await parity((lib, n) => lib.sequential({layers: [
      lib.layers.embedding({inputDim: 5, outputDim: 3, maskZero: true, inputLength: 6, name: `${n}_e`}),
      lib.layers.bidirectional({layer: lib.layers.lstm({units: 2, returnSequences, name: `${n}_r`}), name: `${n}_bd`}),
      ...(returnSequences ? [lib.layers.lstm({units: 2, name: `${n}_l`})] : [])]}), [6], {kind: 'int', fit: 'adam'});
  }
});

test('bidirectional errors: not a recurrent layer, a bad mergeMode, a mismatched backwardLayer; nothing leaks', () => {
  const before = tf.memory().numTensors;
  assert.throws(() => tf.layers.bidirectional({layer: tf.layers.dense({units: 2})}), /must be a recurrent layer/);
  assert.throws(() => tf.layers.bidirectional({layer: tf.layers.lstm({units: 2}), mergeMode: 'max'}),
                /not a valid BidirectionalMergeMode/);
  assert.throws(() => tfjs.layers.bidirectional({layer: tfjs.layers.lstm({units: 2}), mergeMode: 'max'}),
                /BidirectionalMergeMode/);
  // backwardLayer (Keras's checks): other goBackwards, the same returnSequences/returnState/stateful, recurrent.
  assert.throws(() => tf.layers.bidirectional({layer: tf.layers.lstm({units: 2}), backwardLayer: tf.layers.lstm({units: 2})}),
                /should have different goBackwards values/);
  assert.throws(() => tf.layers.bidirectional({layer: tf.layers.lstm({units: 2}),
                                               backwardLayer: tf.layers.lstm({units: 2, goBackwards: true, returnSequences: true})}),
                /same value for returnSequences/);
  assert.throws(() => tf.layers.bidirectional({layer: tf.layers.lstm({units: 2}), backwardLayer: tf.layers.dense({units: 2})}),
                /backwardLayer must be a recurrent layer/);
  assert.throws(() => tf.layers.timeDistributed({layer: tf.layers.dense({units: 2}), backwardLayer: tf.layers.dense({units: 2})}),
                /takes no backwardLayer/);
  const b = tf.layers.bidirectional({layer: tf.layers.gru({units: 2})});
  const x = tf.ones([2, 3]);
  assert.throws(() => b.apply(x), /ndim=3/);
  const ok = tf.ones([2, 3, 4]);
  const y = b.apply(ok);
  assert.deepEqual(y.shape, [2, 4]);
  b.trainable = false;
  assert.equal(b.trainableWeights.length, 0);
  assert.equal(b.nonTrainableWeights.length, 6);
  tf.dispose([x, ok, y]);
  b.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});

test('a Keras 3 Bidirectional loads with its default backward_layer and with another one', async () => {
  // Keras 3 writes the layer's config and the backward copy's (go_backwards flipped).
  const build = lib => lib.sequential({layers: [lib.layers.bidirectional({
    layer: lib.layers.gru({units: 2, returnSequences: true, name: 'k_gru'}), inputShape: [4, 3], name: 'k_bd'})]});
  const theirs = build(tfjs);
  const artifacts = await artifactsOf(tfjs, theirs);
  const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
  const bdConfig = topology.config.layers[0].config;
  const backward = JSON.parse(JSON.stringify(bdConfig.layer));
  backward.config.name = 'backward_k_gru';
  backward.config.go_backwards = true;
  bdConfig.backward_layer = backward;
  const xs = data([2, 4, 3], 31);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({...artifacts, modelTopology: topology}));
  const p = loaded.predict(tf.tensor(xs, [2, 4, 3]));
  assertAllClose(Array.from(p.dataSync()), Array.from(theirs.predict(tfjs.tensor(xs, [2, 4, 3])).dataSync()),
                 'keras bidirectional', 1e-5);
  const defaultOut = Array.from(p.dataSync());
  tf.dispose(p);
  loaded.dispose();
  // Another backward_layer (here with relu) runs the backward direction as given.
  backward.config.activation = 'relu';
  const custom = await tf.loadLayersModel(tf.io.fromMemory({...artifacts, modelTopology: topology}));
  const ws = theirs.getWeights();
  const reference = tfjs.tidy(() => {
    const x = tfjs.tensor(xs, [2, 4, 3]);
    const fwd = tfjs.layers.gru({units: 2, returnSequences: true, weights: ws.slice(0, 3)});
    const bwd = tfjs.layers.gru({units: 2, returnSequences: true, goBackwards: true, activation: 'relu', weights: ws.slice(3)});
    return tfjs.concat([fwd.apply(x), tfjs.reverse(bwd.apply(x), 1)], -1).dataSync();
  });
  const pc = custom.predict(tf.tensor(xs, [2, 4, 3]));
  assertAllClose(Array.from(pc.dataSync()), Array.from(reference), 'keras bidirectional with a relu backward_layer', 1e-5);
  assert.ok(Math.max(...Array.from(pc.dataSync()).map((v, i) => Math.abs(v - defaultOut[i]))) > 1e-3,
            'the backward_layer changed the result');
  tf.dispose(pc);
  custom.dispose();
});

test('bidirectional with a backwardLayer (Keras): predict and fit vs tfjs layers run separately, config, save/load', async () => {
  const before = tf.memory().numTensors;
  const xs = data([3, 5, 4], 77), ys = data([3, 6], 78);
  const build = () => {
    const forward = tf.layers.lstm({units: 3, name: 'fw'});
    const backward = tf.layers.simpleRNN({units: 3, goBackwards: true, activation: 'relu', name: 'bw'});
    return tf.sequential({layers: [tf.layers.bidirectional({layer: forward, backwardLayer: backward, inputShape: [5, 4],
                                                            name: 'bd'})]});
  };
  const model = build();
  assert.deepEqual(model.weights.map(w => w.name),
                   ['bd/forward_fw/kernel', 'bd/forward_fw/recurrent_kernel', 'bd/forward_fw/bias',
                    'bd/bw/kernel', 'bd/bw/recurrent_kernel', 'bd/bw/bias']);
  assert.deepEqual(model.weights.map(w => w.shape), [[4, 12], [3, 12], [12], [4, 3], [3, 3], [3]]);
  const config = model.layers[0].getConfig();
  assert.equal(config.backwardLayer.className, 'SimpleRNN');
  assert.equal(config.backwardLayer.config.activation, 'relu');
  assert.equal(config.backwardLayer.config.goBackwards, true);
  // The oracle: tfjs's LSTM and SimpleRNN with the same weights, merged as Keras does.
  const w0 = model.getWeights().map(w => tfjs.tensor(w.dataSync(), w.shape));
  const f = tfjs.layers.lstm({units: 3, weights: w0.slice(0, 3)});
  const b = tfjs.layers.simpleRNN({units: 3, goBackwards: true, activation: 'relu', weights: w0.slice(3)});
  const theirs = xt => tfjs.concat([f.apply(xt), b.apply(xt)], -1);
  const tx = tfjs.tensor(xs, [3, 5, 4]), ty = tfjs.tensor(ys, [3, 6]);
  const x = tf.tensor(xs, [3, 5, 4]);
  const p = model.predict(x);
  assertAllClose(Array.from(p.dataSync()), Array.from(tfjs.tidy(() => theirs(tx).dataSync())), 'predict', 1e-5);
  // Training moves both directions as tfjs's separate layers under the same SGD steps.
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
  const y = tf.tensor(ys, [3, 6]);
  await model.fit(x, y, {epochs: 3, batchSize: 3, verbose: 0});
  const vars = [...f.trainableWeights, ...b.trainableWeights].map(lw => lw.read());
  const opt = tfjs.train.sgd(0.1);
  for (let i = 0; i < 3; ++i) opt.minimize(() => tfjs.losses.meanSquaredError(ty, theirs(tx)), false, vars);
  const trained = model.getWeights();
  vars.forEach((v, i) => assertAllClose(Array.from(trained[i].dataSync()), Array.from(v.dataSync()), `weight ${i} after fit`, 1e-4));
  // (Any of its weights: with relu and a random init, one unit may get no gradient.)
  const moved = [3, 4, 5].some(i => trained[i].dataSync().some((v, j) => v !== w0[i].dataSync()[j]));
  assert.ok(moved, 'the backward layer trained');
  // Save/load keeps the backward layer.
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
  assert.equal(loaded.layers[0].getConfig().backwardLayer.className, 'SimpleRNN');
  const pl = loaded.predict(x), pm = model.predict(x);
  assertAllClose(Array.from(pl.dataSync()), Array.from(pm.dataSync()), 'loaded', 1e-6);
  tf.dispose([p, x, y, pl, pm]);
  loaded.dispose();
  model.dispose();
  tfjs.dispose([...w0, tx, ty]);
  f.dispose();
  b.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});

test('a custom JS layer inside timeDistributed: names, predict and save/load (registered class) as tfjs', async () => {
  const define = lib => {
    class StepAffine extends lib.layers.Layer {
      constructor(config) {
        super(config);
        this.units = config.units;
      }
      build(inputShape) {
        this.kernel = this.addWeight('kernel', [inputShape[inputShape.length - 1], this.units], 'float32',
                                     lib.initializers.glorotNormal({seed: 1}));
      }
      call(inputs) {
        return lib.tidy(() => lib.tanh(lib.matMul(Array.isArray(inputs) ? inputs[0] : inputs, this.kernel.read())));
      }
      computeOutputShape(s) {
        return [s[0], this.units];
      }
      getConfig() {
        return {...super.getConfig(), units: this.units};
      }
      static get className() {
        return 'StepAffine';
      }
    }
    lib.serialization.registerClass(StepAffine);
    return StepAffine;
  };
  const before = tf.memory().numTensors;
  const build = lib => {
    const Cls = define(lib);
    return lib.sequential({layers: [lib.layers.timeDistributed({layer: new Cls({units: 2, name: 'aff'}), inputShape: [3, 4],
                                                                name: 'td_custom'})]});
  };
  const theirs = build(tfjs), ours = build(tf);
  assert.deepEqual(ours.weights.map(w => w.name), theirs.weights.map(w => w.name));
  const w = theirs.getWeights().map(t => tf.tensor(t.dataSync(), t.shape));
  ours.setWeights(w);
  const xs = data([2, 3, 4], 41);
  const x = tf.tensor(xs, [2, 3, 4]);
  const pO = ours.predict(x);
  const pT = theirs.predict(tfjs.tensor(xs, [2, 3, 4]));
  assertAllClose(Array.from(pO.dataSync()), Array.from(pT.dataSync()), 'custom inner predict', 1e-5);
  assert.deepEqual(norm(ours.layers[0].getConfig()), norm(theirs.layers[0].getConfig()));
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, ours)));
  const pR = reloaded.predict(x);
  assert.deepEqual(Array.from(pR.dataSync()), Array.from(pO.dataSync()), 'reloaded here');
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, ours)));
  assertAllClose(Array.from(inTfjs.predict(tfjs.tensor(xs, [2, 3, 4])).dataSync()), Array.from(pO.dataSync()),
                 'loaded in tfjs', 1e-5);
  tf.dispose([x, pO, pR, ...w]);
  reloaded.dispose();
  ours.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});
