// Sequential + Dense + fit against @tensorflow/tfjs: same initial weights, same
// data, same loss history and prediction. Also the event loop during fit,
// memory accounting, and errors that leave the module working.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const XS = [[1], [2], [3], [4]];
const YS = [[1], [3], [5], [7]];

function seedModel(lib) {
  const model = lib.sequential();
  model.add(lib.layers.dense({units: 1, inputShape: [1]}));
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  return model;
}

function assertClose(actual, expected, rel, what) {
  const tol = rel * Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (rel tol ${rel})`);
}

test('the seed example matches tfjs: loss history within 1e-4 relative, same prediction', async () => {
  const tfjs = await loadTfjs();
  const theirs = seedModel(tfjs);
  const ours = seedModel(tf);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  ours.setWeights(init);
  tf.dispose(init);
  const args = {epochs: 1000, shuffle: false, verbose: 0};
  const [xt, yt] = [tfjs.tensor2d(XS, [4, 1]), tfjs.tensor2d(YS, [4, 1])];
  const [xo, yo] = [tf.tensor2d(XS, [4, 1]), tf.tensor2d(YS, [4, 1])];
  const hTheirs = await theirs.fit(xt, yt, args);
  const hOurs = await ours.fit(xo, yo, args);
  assert.equal(hOurs.history.loss.length, 1000);
  assert.deepEqual(hOurs.epoch, hTheirs.epoch);
  for (let i = 0; i < 1000; i++) {
    assertClose(hOurs.history.loss[i], hTheirs.history.loss[i], 1e-4, `loss at epoch ${i}`);
  }
  const pTheirs = theirs.predict(tfjs.tensor2d([[5]], [1, 1])).dataSync()[0];
  const p = ours.predict(tf.tensor2d([[5]], [1, 1]));
  assertClose(p.dataSync()[0], pTheirs, 1e-4, 'prediction');
  assert.ok(Math.abs(p.dataSync()[0] - 9) < 0.25, `prediction ${p.dataSync()[0]} is close to 9`);
  const wTheirs = theirs.getWeights().map(w => w.dataSync()[0]);
  const wOurs = ours.getWeights().map(w => w.dataSync()[0]);
  wOurs.forEach((w, i) => assertClose(w, wTheirs[i], 1e-4, `weight ${i}`));
  tf.dispose([p, xo, yo]);
  ours.dispose();
});

test('fit with shuffling and mini-batches matches tfjs epoch by epoch when unshuffled', async () => {
  const tfjs = await loadTfjs();
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers.dense({units: 3, inputShape: [2], activation: 'tanh'}));
    m.add(lib.layers.dense({units: 1, activation: 'sigmoid'}));
    m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    return m;
  };
  const theirs = make(tfjs);
  const ours = make(tf);
  const init = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  ours.setWeights(init);
  const x = Array.from({length: 10}, (_, i) => [i / 10, 1 - i / 5]);
  const y = x.map(([a, b]) => [a * b > 0 ? 1 : 0]);
  const args = {epochs: 20, batchSize: 4, shuffle: false, verbose: 0};
  const h1 = await theirs.fit(tfjs.tensor2d(x), tfjs.tensor2d(y), args);
  const h2 = await ours.fit(tf.tensor2d(x), tf.tensor2d(y), args);
  h2.history.loss.forEach((l, i) => assertClose(l, h1.history.loss[i], 1e-4, `loss at epoch ${i}`));
  assert.equal(h2.params.batchSize, 4);
  assert.equal(h2.params.samples, 10);
  // Shuffled training still learns and reports one loss per epoch.
  const h3 = await ours.fit(tf.tensor2d(x), tf.tensor2d(y), {epochs: 5, batchSize: 3, verbose: 0});
  assert.equal(h3.history.loss.length, 5);
  assert.ok(h3.history.loss.every(Number.isFinite));
  tf.dispose(init);
  ours.dispose();
});

test('the event loop keeps ticking while fit runs', async () => {
  const model = seedModel(tf);
  const xs = tf.tensor2d(XS, [4, 1]);
  const ys = tf.tensor2d(YS, [4, 1]);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  let batches = 0;
  let ticksWhenFitEnded = -1;
  await model.fit(xs, ys, {epochs: 300, verbose: 0, callbacks: {onBatchEnd: () => batches++}});
  ticksWhenFitEnded = ticks;
  clearInterval(timer);
  assert.equal(batches, 300);
  assert.ok(ticksWhenFitEnded > 0, `an interval timer fired ${ticksWhenFitEnded} times during fit`);
  tf.dispose([xs, ys]);
  model.dispose();
});

test('tf.memory().numTensors returns to where it was after disposing everything', async () => {
  const before = tf.memory();
  const model = seedModel(tf);
  const xs = tf.tensor2d(XS, [4, 1]);
  const ys = tf.tensor2d(YS, [4, 1]);
  await model.fit(xs, ys, {epochs: 50, batchSize: 3, verbose: 0});
  await model.fit(xs, ys, {epochs: 5, verbose: 0});
  const x1 = tf.tensor2d([[5]], [1, 1]);
  const p = model.predict(x1);
  const weights = model.getWeights();
  assert.equal(weights.length, 2);
  assert.equal(weights[0].shape.join(), '1,1');
  tf.dispose([x1, p, xs, ys, weights]);
  const x5 = tf.tensor2d([[5]], [1, 1]);
  const p2 = model.predict(x5);
  tf.dispose([x5, p2]);
  const freed = model.dispose();
  assert.equal(freed.numDisposedVariables, 2);
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  // Bytes and buffers also fall when the collector frees earlier tests' dropped tensors meanwhile.
  assert.ok(after.numBytes <= before.numBytes && after.numDataBuffers <= before.numDataBuffers,
            `${JSON.stringify(after)} holds no more than ${JSON.stringify(before)}`);
});

test('getWeights shares storage with the model, as tfjs variables do', async () => {
  const model = seedModel(tf);
  model.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([0])]);
  const [k] = model.getWeights();
  assert.equal(k.dataSync()[0], 0.5);
  await model.fit(tf.tensor2d(XS, [4, 1]), tf.tensor2d(YS, [4, 1]), {epochs: 1, verbose: 0});
  assert.ok(Math.abs(k.dataSync()[0] - (0.5 + 0.01 * 17.5)) < 1e-6, 'one SGD step, as computed by hand');
  k.dispose();  // disposing a returned weight does not break the model
  assert.equal(model.getWeights()[0].shape.length, 2);
  model.dispose();
});

test('bad input gives an Error naming the problem, and the module keeps working', async () => {
  assert.throws(() => tf.layers.dense({units: 0}), {message: 'Expected units to be a positive integer, but got 0.'});
  assert.throws(() => tf.layers.dense({units: 1.5}), /Expected units to be a positive integer, but got 1.5/);
  assert.throws(() => tf.layers.dense({units: 2, activation: 'nope'}), /Unknown activation: nope/);
  const model = seedModel(tf);
  const xs = tf.tensor2d([[1], [2], [3], [4]]);
  const ys3 = tf.tensor2d([[1], [3], [5]]);
  await assert.rejects(model.fit(xs, ys3, {epochs: 1, verbose: 0}),
                       {message: 'Input Tensors should have the same number of samples as target Tensors. ' +
                                 'Found 4 input sample(s) and 3 target sample(s).'});
  const wide = tf.tensor2d([[1, 2]]);
  assert.throws(() => model.predict(wide), /expected dense_Dense\d+_input to have shape \[null,1\] but got array with shape \[1,2\]/);
  assert.throws(() => model.predict([[1]]), /must be a Tensor/);
  assert.throws(() => model.setWeights([tf.tensor2d([[1, 2]])]), /weight list of length 1, but the model was expecting 2/);
  assert.throws(() => model.compile({optimizer: 'nope', loss: 'mse'}), /Unknown Optimizer nope/);
  assert.throws(() => tf.sequential().add(tf.layers.dense({units: 1})), /must get an `inputShape`/);
  const untrained = tf.sequential();
  untrained.add(tf.layers.dense({units: 1, inputShape: [1]}));
  await assert.rejects(untrained.fit(xs, xs, {epochs: 1}), /You must compile a model before training/);
  // After all of that the engine still trains and predicts.
  const ys = tf.tensor2d([[1], [3], [5], [7]]);
  const h = await model.fit(xs, ys, {epochs: 200, verbose: 0});
  assert.ok(h.history.loss[199] < h.history.loss[0]);
  const p = model.predict(tf.tensor2d([[5]]));
  assert.ok(Number.isFinite(p.dataSync()[0]));
});

test('a second fit() while one runs fails', async () => {
  const model = seedModel(tf);
  const xs = tf.tensor2d(XS, [4, 1]);
  const ys = tf.tensor2d(YS, [4, 1]);
  const first = model.fit(xs, ys, {epochs: 20, verbose: 0});
  await assert.rejects(model.fit(xs, ys, {epochs: 1, verbose: 0}), /another fit\(\) call is ongoing/);
  await first;
  model.dispose();
});

test('tf.input({dtype}) is the input tensor\'s dtype, in getConfig and through save/load, as tfjs', async () => {
  const tfjs = await loadTfjs();
  const build = lib => {
    const ids = lib.input({shape: [3], dtype: 'int32', name: 'ids'});
    const out = lib.layers.embedding({inputDim: 10, outputDim: 2, embeddingsInitializer: 'ones'}).apply(ids);
    return {ids, model: lib.model({inputs: ids, outputs: out})};
  };
  const want = build(tfjs), got = build(tf);
  assert.equal(got.ids.dtype, want.ids.dtype);
  assert.equal(got.model.inputs[0].dtype, 'int32');
  assert.equal(got.model.getConfig().layers[0].config.dtype, want.model.getConfig().layers[0].config.dtype);
  assert.equal(got.model.outputs[0].dtype, 'float32');
  // A tfjs-saved model's input dtype survives our load and save.
  let saved;
  await want.model.save(tfjs.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  assert.equal(loaded.inputs[0].dtype, 'int32');
  assert.equal(loaded.getConfig().layers[0].config.dtype, 'int32');
  // Keras's int64 token ids (tfjs keeps the string; the engine holds int32).
  saved.modelTopology.config.layers[0].config.dtype = 'int64';
  const keras = await tf.loadLayersModel(tf.io.fromMemory(saved));
  assert.equal(keras.inputs[0].dtype, 'int32');
  keras.dispose();
  assert.throws(() => tf.input({shape: [2], dtype: 'float64'}), /dtype must be 'float32' or 'int32', got float64/);
  got.model.dispose();
  loaded.dispose();
});

// tfjs builds a Sequential model on its first compile / predict / summary and throws a
// TypeError when it has no layers; so does this package (a loaded file of an empty
// Sequential included). fit and evaluate say first that it is not compiled (it cannot be).
test('an empty Sequential model throws tfjs\'s TypeError wherever tfjs builds it', async () => {
  const tfjs = await loadTfjs();
  const message = /^Sequential model cannot be built: model is empty\. Add some layers first\.$/;
  for (const lib of [tf, tfjs]) {
    const m = lib.sequential();
    const x = lib.zeros([2, 3]), y = lib.zeros([2, 1]);
    assert.deepEqual([m.inputs.length, m.outputs.length, m.layers.length], [0, 0, 0]);
    for (const [what, call] of [['compile', () => m.compile({optimizer: 'sgd', loss: 'meanSquaredError'})],
                                ['predict', () => m.predict(x)], ['predictOnBatch', () => m.predictOnBatch(x)],
                                ['summary', () => m.summary(undefined, undefined, () => {})]]) {
      assert.throws(call, e => e instanceof TypeError && message.test(e.message), `${what}`);
    }
    const uncompiled = e => e instanceof Error && e.message === 'The model needs to be compiled before being used.';
    assert.throws(() => m.evaluate(x, y), uncompiled, 'evaluate');
    await assert.rejects(m.fit(x, y, {epochs: 1, verbose: 0}), uncompiled, 'fit');
    if (lib === tf) await assert.rejects(m.trainOnBatch(x, y), uncompiled, 'trainOnBatch');  // tfjs: a TypeError of its own
    // Layers added later make it usable.
    m.add(lib.layers.dense({units: 1, inputShape: [3]}));
    assert.deepEqual(m.predict(x).shape, [2, 1]);
    lib.dispose([x, y]);
    m.dispose();
  }
  // A saved empty Sequential (Keras 2.0's list form) loads as one, and throws the same.
  const m = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: {class_name: 'Sequential', config: [], keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js'},
    weightSpecs: [], weightData: new ArrayBuffer(0)}));
  assert.equal(m.layers.length, 0);
  assert.throws(() => m.predict(tf.zeros([1, 2])), e => e instanceof TypeError && message.test(e.message));
  m.dispose();
});
