// Hand-written model.json topologies as the Python tensorflowjs converter writes
// them from Keras 2 (tf.keras) and Keras 3, for nested models (a Sequential and a
// Functional model used as layers) and shared layers (a Dense and a nested tower
// applied twice). Each loads here and predicts what the same model built with
// @tensorflow/tfjs's layers API predicts with the same weights.
//
// Node indices differ between the formats: Keras 2 counts a nested model's own
// internal node as node 0, so its first application is node 1; Keras 3 does so
// for Functional but not for Sequential (not a Functional there).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

// ---- layer configs in each dialect ------------------------------------------------------

const k2Dense = (name, units, activation = 'linear', extra = {}) => ({
  class_name: 'Dense', name,
  config: {name, trainable: true, dtype: 'float32', units, activation, use_bias: true,
           kernel_initializer: {class_name: 'GlorotUniform', config: {seed: null}},
           bias_initializer: {class_name: 'Zeros', config: {}}, kernel_regularizer: null, bias_regularizer: null,
           activity_regularizer: null, kernel_constraint: null, bias_constraint: null, ...extra}});
const k2Input = (name, shape) => ({class_name: 'InputLayer', name, inbound_nodes: [],
  config: {batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, ragged: false, name}});
const k2Node = (...refs) => refs.map(([l, n, t]) => [l, n, t, {}]);

const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
const k3Dense = (name, units, activation = 'linear', inputShape) => ({
  module: 'keras.layers', class_name: 'Dense', name, registered_name: null,
  build_config: inputShape ? {input_shape: [null, ...inputShape]} : undefined,
  config: {name, trainable: true, dtype: policy, units, activation, use_bias: true,
           kernel_initializer: {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null}, registered_name: null},
           bias_initializer: {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null},
           kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null}});
const k3Input = (name, shape) => ({module: 'keras.layers', class_name: 'InputLayer', name, registered_name: null, inbound_nodes: [],
  config: {batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name}});
const k3Tensor = ([l, n, t], shape) => ({class_name: '__keras_tensor__', config: {shape: [null, ...shape], dtype: 'float32', keras_history: [l, n, t]}});
const k3Node = (args) => ({args, kwargs: {}});

// ---- model 1: a nested Sequential feeding a nested Functional ---------------------------
// x [4] -> inner_seq (Dense d1: 3, relu) -> inner_fn (Dense d2: 2, tanh) -> Dense head: 1

const keras2Nested = {class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow', config: {
  name: 'outer', input_layers: [['x', 0, 0]], output_layers: [['head', 0, 0]],
  layers: [
    k2Input('x', [4]),
    {class_name: 'Sequential', name: 'inner_seq', inbound_nodes: [k2Node(['x', 0, 0])],
     config: {name: 'inner_seq', layers: [k2Input('d1_input', [4]), k2Dense('d1', 3, 'relu', {batch_input_shape: [null, 4]})]}},
    {class_name: 'Functional', name: 'inner_fn', inbound_nodes: [k2Node(['inner_seq', 1, 0])],
     config: {name: 'inner_fn', input_layers: [['fn_in', 0, 0]], output_layers: [['d2', 0, 0]],
              layers: [k2Input('fn_in', [3]), {...k2Dense('d2', 2, 'tanh'), inbound_nodes: [k2Node(['fn_in', 0, 0])]}]}},
    {...k2Dense('head', 1), inbound_nodes: [k2Node(['inner_fn', 1, 0])]},
  ]}};

const keras3Nested = {class_name: 'Functional', keras_version: '3.6.0', backend: 'tensorflow', config: {
  name: 'outer', trainable: true, input_layers: [['x', 0, 0]], output_layers: [['head', 0, 0]],
  layers: [
    k3Input('x', [4]),
    {module: 'keras', class_name: 'Sequential', name: 'inner_seq', registered_name: null,
     build_config: {input_shape: [null, 4]}, inbound_nodes: [k3Node([k3Tensor(['x', 0, 0], [4])])],
     config: {name: 'inner_seq', trainable: true, dtype: policy,
              layers: [k3Input('d1_input', [4]), k3Dense('d1', 3, 'relu', [4])], build_input_shape: [null, 4]}},
    {module: 'keras', class_name: 'Functional', name: 'inner_fn', registered_name: 'Functional',
     inbound_nodes: [k3Node([k3Tensor(['inner_seq', 0, 0], [3])])],  // Keras 3 Sequential: node 0
     config: {name: 'inner_fn', trainable: true, input_layers: [['fn_in', 0, 0]], output_layers: [['d2', 0, 0]],
              layers: [k3Input('fn_in', [3]), {...k3Dense('d2', 2, 'tanh'), inbound_nodes: [k3Node([k3Tensor(['fn_in', 0, 0], [3])])]}]}},
    {...k3Dense('head', 1), inbound_nodes: [k3Node([k3Tensor(['inner_fn', 1, 0], [2])])]},  // Functional: node 1
  ]}};

const nestedWeights = [['d1/kernel', [4, 3]], ['d1/bias', [3]], ['d2/kernel', [3, 2]], ['d2/bias', [2]],
                       ['head/kernel', [2, 1]], ['head/bias', [1]]];

function buildNested(lib) {
  const innerSeq = lib.sequential({name: 'inner_seq', layers: [lib.layers.dense({units: 3, activation: 'relu', inputShape: [4], name: 'd1'})]});
  const fnIn = lib.input({shape: [3], name: 'fn_in'});
  const innerFn = lib.model({inputs: fnIn, outputs: lib.layers.dense({units: 2, activation: 'tanh', name: 'd2'}).apply(fnIn), name: 'inner_fn'});
  const x = lib.input({shape: [4], name: 'x'});
  const y = lib.layers.dense({units: 1, name: 'head'}).apply(innerFn.apply(innerSeq.apply(x)));
  return lib.model({inputs: x, outputs: y, name: 'outer'});
}

// ---- model 2: shared layers --------------------------------------------------------------
// a, b [3] -> shared Dense (2) on each, and a shared nested tower (Sequential: Dense 2)
// on each -> concatenate the four -> Dense out: 1

const keras2Shared = {class_name: 'Model', keras_version: '2.15.0', backend: 'tensorflow', config: {
  name: 'siamese', input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['out', 0, 0]],
  layers: [
    k2Input('a', [3]), k2Input('b', [3]),
    {...k2Dense('shared', 2, 'relu'), inbound_nodes: [k2Node(['a', 0, 0]), k2Node(['b', 0, 0])]},
    {class_name: 'Sequential', name: 'tower', inbound_nodes: [k2Node(['a', 0, 0]), k2Node(['b', 0, 0])],
     config: {name: 'tower', layers: [k2Input('tower_input', [3]), k2Dense('tower_dense', 2, 'tanh', {batch_input_shape: [null, 3]})]}},
    {class_name: 'Concatenate', name: 'joined', config: {name: 'joined', trainable: true, dtype: 'float32', axis: -1},
     inbound_nodes: [k2Node(['shared', 0, 0], ['shared', 1, 0], ['tower', 1, 0], ['tower', 2, 0])]},
    {...k2Dense('out', 1), inbound_nodes: [k2Node(['joined', 0, 0])]},
  ]}};

const keras3Shared = {class_name: 'Functional', keras_version: '3.6.0', backend: 'jax', config: {
  name: 'siamese', trainable: true, input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['out', 0, 0]],
  layers: [
    k3Input('a', [3]), k3Input('b', [3]),
    {...k3Dense('shared', 2, 'relu', [3]), inbound_nodes: [k3Node([k3Tensor(['a', 0, 0], [3])]), k3Node([k3Tensor(['b', 0, 0], [3])])]},
    {module: 'keras', class_name: 'Sequential', name: 'tower', registered_name: null, build_config: {input_shape: [null, 3]},
     inbound_nodes: [k3Node([k3Tensor(['a', 0, 0], [3])]), k3Node([k3Tensor(['b', 0, 0], [3])])],
     config: {name: 'tower', trainable: true, dtype: policy, layers: [k3Input('tower_input', [3]), k3Dense('tower_dense', 2, 'tanh', [3])]}},
    {module: 'keras.layers', class_name: 'Concatenate', name: 'joined', registered_name: null,
     config: {name: 'joined', trainable: true, dtype: policy, axis: -1},
     inbound_nodes: [k3Node([[k3Tensor(['shared', 0, 0], [2]), k3Tensor(['shared', 1, 0], [2]),
                              k3Tensor(['tower', 0, 0], [2]), k3Tensor(['tower', 1, 0], [2])]])]},
    {...k3Dense('out', 1), inbound_nodes: [k3Node([k3Tensor(['joined', 0, 0], [8])])]},
  ]}};

const sharedWeights = [['shared/kernel', [3, 2]], ['shared/bias', [2]], ['tower_dense/kernel', [3, 2]],
                       ['tower_dense/bias', [2]], ['out/kernel', [8, 1]], ['out/bias', [1]]];

function buildShared(lib) {
  const a = lib.input({shape: [3], name: 'a'}), b = lib.input({shape: [3], name: 'b'});
  const shared = lib.layers.dense({units: 2, activation: 'relu', name: 'shared'});
  const tower = lib.sequential({name: 'tower', layers: [lib.layers.dense({units: 2, activation: 'tanh', inputShape: [3], name: 'tower_dense'})]});
  const joined = lib.layers.concatenate({name: 'joined'}).apply([shared.apply(a), shared.apply(b), tower.apply(a), tower.apply(b)]);
  return lib.model({inputs: [a, b], outputs: lib.layers.dense({units: 1, name: 'out'}).apply(joined), name: 'siamese'});
}

// ---- the checks -------------------------------------------------------------------------

/** Weight specs + data: each weight a fixed formula of its position. */
function weightsFor(list) {
  const arrays = list.map(([, shape], k) =>
    Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, (_, i) => Math.sin(0.7 * i + 1.9 * k) * 0.8));
  const data = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  arrays.reduce((at, a) => { data.set(new Uint8Array(a.buffer), at); return at + a.byteLength; }, 0);
  return {specs: list.map(([name, shape]) => ({name, shape, dtype: 'float32'})), data: data.buffer, arrays};
}

const INPUTS = {nested: [[[0.5, -1, 2, 0.25], [1, 1, -0.5, 3]]],
                shared: [[[0.5, -1, 2], [1, 0.2, -0.5]], [[-0.3, 0.8, 0.1], [2, -1, 0.5]]]};

function predictWith(lib, model, inputs) {
  return lib.tidy(() => Array.from(model.predict(inputs.map(x => lib.tensor2d(x))).dataSync()));
}

/** What tfjs predicts with the same model built by its layers API and these weights (set by name). */
async function reference(build, list, inputs) {
  const tfjs = await loadTfjs();
  const model = build(tfjs);
  const {arrays} = weightsFor(list);
  const byName = new Map(list.map(([name], i) => [name, arrays[i]]));
  model.setWeights(model.weights.map(w => tfjs.tensor(byName.get(w.originalName), w.shape)));
  return predictWith(tfjs, model, inputs);
}

const assertClose = (got, want, what) => got.forEach((v, i) =>
  assert.ok(Math.abs(v - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), `${what}: [${i}] ${v} vs ${want[i]}`));

for (const [what, topology, build, list, inputs] of [
  ['Keras 2: nested Sequential and Functional', keras2Nested, buildNested, nestedWeights, INPUTS.nested],
  ['Keras 3: nested Sequential and Functional', keras3Nested, buildNested, nestedWeights, INPUTS.nested],
  ['Keras 2: shared Dense and a shared nested Sequential', keras2Shared, buildShared, sharedWeights, INPUTS.shared],
  ['Keras 3: shared Dense and a shared nested Sequential', keras3Shared, buildShared, sharedWeights, INPUTS.shared],
]) {
  test(`${what} loads and predicts as the same model built with tfjs`, async () => {
    const expected = await reference(build, list, inputs);
    const {specs, data} = weightsFor(list);
    const start = tf.memory().numTensors;
    const model = await tf.loadLayersModel(tf.io.fromMemory(topology, specs, data));
    assertClose(predictWith(tf, model, inputs), expected, what);
    // Saved again (tfjs's conventions), it loads here and in tfjs to the same function.
    let artifacts;
    await model.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const again = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assertClose(predictWith(tf, again, inputs), expected, `${what}, saved and loaded here`);
    const tfjs = await loadTfjs();
    const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
    assertClose(predictWith(tfjs, inTfjs, inputs), expected, `${what}, saved here and loaded by tfjs`);
    again.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
}

test('tfjs loads the Keras 2 fixtures too, and agrees', async () => {
  const tfjs = await loadTfjs();
  for (const [topology, build, list, inputs] of [[keras2Nested, buildNested, nestedWeights, INPUTS.nested],
                                                  [keras2Shared, buildShared, sharedWeights, INPUTS.shared]]) {
    const {specs, data} = weightsFor(list);
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(topology, specs, data));
    assertClose(predictWith(tfjs, theirs, inputs), await reference(build, list, inputs), topology.config.name);
  }
});

test('models saved by tfjs with nested models (node indices from 1) load here', async () => {
  const tfjs = await loadTfjs();
  for (const [build, list, inputs] of [[buildNested, nestedWeights, INPUTS.nested], [buildShared, sharedWeights, INPUTS.shared]]) {
    const theirs = build(tfjs);
    let artifacts;
    await theirs.save(tfjs.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const ours = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assertClose(predictWith(tf, ours, inputs), predictWith(tfjs, theirs, inputs), theirs.name);
    ours.dispose();
  }
});

test('a layer shared with another model is saved with this model\'s own node indices', async () => {
  const a = tf.input({shape: [2], name: 'sa'}), b = tf.input({shape: [2], name: 'sb'});
  const shared = tf.layers.dense({units: 2, name: 'only_second_use'});
  shared.apply(a);  // node 0 belongs to no saved model
  const out = shared.apply(b);
  const m = tf.model({inputs: b, outputs: out});
  const config = JSON.parse(m.toJSON()).config;
  assert.deepEqual(config.output_layers, [['only_second_use', 0, 0]]);
  const loaded = await tf.models.modelFromJSON(JSON.parse(m.toJSON()));
  assert.deepEqual(loaded.outputs.map(o => o.shape), [[null, 2]]);
  loaded.dispose();
  m.dispose();
});

test('Keras\'s L1 / L2 regularizer classes load (tfjs 4.22 refuses them) and add their penalties as Keras', async () => {
  const tfjs = await loadTfjs();
  const l2 = {class_name: 'L2', config: {l2: 0.02}}, l1 = {module: 'keras.regularizers', class_name: 'L1', config: {l1: 0.03}, registered_name: null};
  const topology = {class_name: 'Sequential', keras_version: '2.15.0', backend: 'tensorflow', config: {name: 'regs', layers: [
    k2Input('d_input', [4]), k2Dense('d', 3, 'tanh', {batch_input_shape: [null, 4], kernel_regularizer: l2, bias_regularizer: l1})]}};
  await assert.rejects(tfjs.loadLayersModel(tfjs.io.fromMemory(topology, ...Object.values(weightsFor([['d/kernel', [4, 3]], ['d/bias', [3]]])).slice(0, 2))),
                       /Unknown regularizer: L2/);
  const {specs, data, arrays} = weightsFor([['d/kernel', [4, 3]], ['d/bias', [3]]]);
  const model = await tf.loadLayersModel(tf.io.fromMemory(topology, specs, data));
  const cfg = model.layers[0].getConfig();
  assert.deepEqual(cfg.kernelRegularizer, {className: 'L1L2', config: {l1: 0, l2: 0.02}});
  assert.deepEqual(cfg.biasRegularizer, {className: 'L1L2', config: {l1: 0.03, l2: 0}});
  // The same model in tfjs with those factors: the same loss, regularizers included.
  const twin = tfjs.sequential({layers: [tfjs.layers.dense({units: 3, activation: 'tanh', inputShape: [4],
    kernelRegularizer: tfjs.regularizers.l2({l2: 0.02}), biasRegularizer: tfjs.regularizers.l1({l1: 0.03})})]});
  twin.setWeights([tfjs.tensor(arrays[0], [4, 3]), tfjs.tensor(arrays[1], [3])]);
  const x = [[0.5, -1, 2, 0.25], [1, 1, -0.5, 3]], y = [[0.1, 0.2, 0.3], [-0.1, 0, 0.4]];
  for (const [lib, m] of [[tfjs, twin], [tf, model]]) m.compile({optimizer: lib.train.sgd(0.1), loss: 'meanSquaredError'});
  const want = (await twin.fit(tfjs.tensor2d(x), tfjs.tensor2d(y), {epochs: 2, verbose: 0})).history.loss;
  const [xs, ys] = [tf.tensor2d(x), tf.tensor2d(y)];
  const got = (await model.fit(xs, ys, {epochs: 2, verbose: 0})).history.loss;
  tf.dispose([xs, ys]);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `epoch ${i}: loss ${v} vs tfjs ${want[i]}`));
  // The string names tf.regularizers' factories stand for are written as tfjs writes them.
  const named = tf.layers.dense({units: 1, inputShape: [2], kernelRegularizer: 'l2'});
  const holder = tf.sequential({layers: [named]});
  assert.deepEqual(named.getConfig().kernelRegularizer, {className: 'L1L2', config: {l1: 0, l2: 0.01}});
  holder.dispose();
  model.dispose();
});
