// Layer, LayersModel and SymbolicTensor members tfjs declares public (issue 16;
// js/src/layer_members.js), against tfjs 4.22.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {heldSymbols, loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const errorOf = f => { try { f(); return null; } catch (e) { return e.message; } };

function build(L) {
  const input = L.input({shape: [3], name: 'in'});
  const d1 = L.layers.dense({units: 2, name: 'd1'});
  const h = d1.apply(input);
  const out = L.layers.dense({units: 1, name: 'd2'}).apply(h);
  const model = L.model({inputs: input, outputs: out});
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae']});
  return {model, input, h, out};
}

const view = (L, {model, h}) => ({
  dtype: model.layers[1].dtype,
  batchInputShape: model.layers[0].batchInputShape,
  stateful: [model.stateful, model.layers[1].stateful],
  updates: model.layers[1].updates,
  idIsNumber: typeof model.layers[1].id === 'number' && typeof h.id === 'number',
  distinctIds: model.layers[1].id !== model.layers[2].id,
  resetLayer: errorOf(() => model.layers[1].resetStates()),
  resetModel: errorOf(() => model.resetStates()),
  findLayer: model.findLayer(1).name,
  findLayerBad: errorOf(() => model.findLayer(9)),
  indices: [model.inputLayersNodeIndices, model.inputLayersTensorIndices, model.outputLayersNodeIndices,
            model.outputLayersTensorIndices],
  feedInputShapes: model.feedInputShapes,
  loss: model.loss,
  metrics: model.metrics,
  symbolic: {inputs: h.inputs.map(t => t.name), originalName: h.originalName === h.name,
             outputTensorIndex: h.outputTensorIndex},
});

test('Layer/LayersModel/SymbolicTensor members agree with tfjs', () => {
  const {sym, release} = heldSymbols();
  const ours = build(tf);
  sym([ours.input, ours.h, ours.out]);
  const theirs = build(tfjs);
  const a = view(tf, ours), b = view(tfjs, theirs);
  // Symbolic tensor names carry each library's own counters: compare their shape.
  a.symbolic.inputs = a.symbolic.inputs.map(n => n.replace(/\d+/g, '#'));
  b.symbolic.inputs = b.symbolic.inputs.map(n => n.replace(/\d+/g, '#'));
  assert.deepEqual(a, b);
  ours.model.dispose();
  release();
});

test('model.loadWeights sets weights by name, strict as tfjs', () => {
  const {sym, release} = heldSymbols();
  const before = tf.memory().numTensors;
  const ours = build(tf);
  sym([ours.input, ours.h, ours.out]);
  const theirs = build(tfjs);
  const values = L => ({'d1/kernel': L.ones([3, 2]), 'd1/bias': L.tensor1d([1, 2]), 'd2/kernel': L.fill([2, 1], 3),
                        'd2/bias': L.tensor1d([0.5])});
  for (const [L, {model}] of [[tf, ours], [tfjs, theirs]]) {
    const w = values(L);
    model.loadWeights(w);
    L.dispose(w);
  }
  const x = [[1, 2, 3]];
  const run = (L, m) => L.tidy(() => Array.from(m.predict(L.tensor2d(x)).dataSync()));
  assert.deepEqual(run(tf, ours.model), run(tfjs, theirs.model));
  const partial = L => ({'d1/kernel': L.ones([3, 2])});
  const extra = L => ({...values(L), 'nope/kernel': L.ones([1])});
  for (const make of [partial, extra]) {
    const w1 = make(tf), w2 = make(tfjs);
    assert.equal(errorOf(() => ours.model.loadWeights(w1)), errorOf(() => theirs.model.loadWeights(w2)));
    tf.dispose(w1);
    tfjs.dispose(w2);
  }
  const w = partial(tf);
  ours.model.loadWeights(w, false);
  tf.dispose(w);
  ours.model.dispose();
  release();
  assert.equal(tf.memory().numTensors, before);
});

test('custom layers may assign the fields these getters provide', () => {
  class Custom extends tf.layers.Layer {
    constructor() {
      super({});
      this.dtype = 'int32';
      this.stateful = false;
      this.id = 'mine';
    }
  }
  const layer = new Custom();
  assert.equal(layer.dtype, 'int32');
  assert.equal(layer.id, 'mine');
  layer.setFastWeightInitDuringBuild(true);
  assert.equal(layer.fastWeightInitDuringBuild, true);
});

test('model.loadTrainingConfig compiles from a Keras training config, as tfjs', () => {
  const {sym, release} = heldSymbols();
  const config = {loss: 'mean_squared_error', metrics: ['mae'],
                  optimizer_config: {class_name: 'Adam', config: {learning_rate: 0.01, beta_1: 0.8, beta_2: 0.99}}};
  const outcomes = [];
  for (const L of [tf, tfjs]) {
    const parts = build(L);
    if (L === tf) sym([parts.input, parts.h, parts.out]);
    parts.model.loadTrainingConfig(config);
    const c = parts.model.optimizer.getConfig();
    outcomes.push({optimizer: parts.model.optimizer.getClassName(), learningRate: c.learningRate, beta1: c.beta1,
                   metricsNames: parts.model.metricsNames,
                   unsupported: errorOf(() => parts.model.loadTrainingConfig({...config, weighted_metrics: ['mae']}))});
    if (L === tf) {
      // Beyond tfjs (which throws 'Loading loss_weights is not supported yet.'): compiled with them.
      parts.model.loadTrainingConfig({...config, loss_weights: [0.5]});
      assert.deepEqual(parts.model._compileArgs.lossWeights, [0.5]);
      parts.model.dispose();
    }
  }
  assert.deepEqual(outcomes[0], outcomes[1]);
  release();
});
