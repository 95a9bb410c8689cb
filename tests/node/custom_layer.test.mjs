// Custom layers written in JavaScript (class MyLayer extends tf.layers.Layer),
// as in tfjs 4.22: the same class source runs here and in @tensorflow/tfjs, and
// both must agree on outputs, training (loss trajectory and trained weights),
// and model.json; errors thrown inside call() reach the caller as they were.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();

/** The custom classes, defined against one library (tf or tfjs). */
function defineLayers(lib) {
  // x -> relu(x @ kernel + bias) * scale, with a non-trainable scale.
  class Affine extends lib.layers.Layer {
    constructor(config) {
      super(config);
      this.units = config.units;
      this.alpha = config.alpha == null ? 1 : config.alpha;
    }

    build(inputShape) {
      this.kernel = this.addWeight('kernel', [inputShape[inputShape.length - 1], this.units], 'float32',
                                   lib.initializers.glorotNormal({seed: 1}));
      this.bias = this.addWeight('bias', [this.units], 'float32', lib.initializers.zeros());
      this.scale = this.addWeight('scale', [1], 'float32', lib.initializers.constant({value: 2}), undefined, false);
    }

    call(inputs) {
      return lib.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const y = lib.relu(lib.add(lib.matMul(x, this.kernel.read()), this.bias.read()));
        return y.mul(this.scale.read()).mul(lib.scalar(this.alpha));
      });
    }

    computeOutputShape(inputShape) {
      return [inputShape[0], this.units];
    }

    getConfig() {
      return {...super.getConfig(), units: this.units, alpha: this.alpha};
    }

    static get className() {
      return 'Affine';
    }
  }

  // [a, b] -> a * mix + b * (1 - mix), mix a trainable [d] weight initialized to ones.
  class Mix extends lib.layers.Layer {
    build(inputShape) {
      this.mix = this.addWeight('mix', [inputShape[0][inputShape[0].length - 1]], 'float32', lib.initializers.ones());
    }

    call(inputs) {
      return lib.tidy(() => {
        const [a, b] = inputs;
        const m = this.mix.read();
        return lib.add(lib.mul(a, m), lib.mul(b, lib.sub(lib.scalar(1), m)));
      });
    }

    computeOutputShape(inputShape) {
      return inputShape[0];
    }

    static get className() {
      return 'Mix';
    }
  }
  lib.serialization.registerClass(Affine);
  lib.serialization.registerClass(Mix);
  return {Affine, Mix};
}

const ours = defineLayers(tf);
const theirs = defineLayers(tfjs);

function buildModel(lib, {Affine, Mix}) {
  const x = lib.input({shape: [3], name: 'x'});
  const h1 = new Affine({units: 4, alpha: 0.5, name: 'affine'}).apply(x);
  const h2 = lib.layers.dense({units: 4, activation: 'tanh', name: 'side'}).apply(x);
  const mixed = new Mix({name: 'mix'}).apply([h1, h2]);
  const y = lib.layers.dense({units: 2, name: 'head'}).apply(mixed);
  const model = lib.model({inputs: x, outputs: y, name: 'custom'});
  // Ours: the model keeps its own graph, so memory counts do not wait for the GC.
  if (lib === tf) [x, h1, h2, mixed, y].forEach(s => s.dispose());
  return model;
}

/** A one-Dense model (kernel of ones) and its prediction on X, disposed. */
function plainPrediction() {
  const m = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [3], kernelInitializer: 'ones'})]});
  const out = predict(tf, m);
  m.dispose();
  return out;
}

const X = [[0.5, -1, 2], [1, 1, -0.5], [0.2, 0.3, 0.1], [-1, 2, 0.5]];
const Y = [[1, 0], [0, 1], [0.5, 0.5], [1, 1]];
const predict = (lib, m) => lib.tidy(() => Array.from(m.predict(lib.tensor2d(X)).dataSync()));
const weightsOf = (lib, m) => lib.tidy(() => m.getWeights().map(w => Array.from(w.dataSync())));
const assertClose = (got, want, tol, what) => got.forEach((v, i) =>
  assert.ok(Math.abs(v - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what}: [${i}] ${v} vs ${want[i]}`));

/** Our model with the weights of a tfjs model (same architecture and weight order). */
function twin(theirModel) {
  const m = buildModel(tf, ours);
  const ws = theirModel.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  m.setWeights(ws);
  tf.dispose(ws);
  return m;
}

test('a custom layer subclass builds, applies symbolically and eagerly, and has tfjs\'s weights and config', () => {
  const start = tf.memory().numTensors;
  const layer = new ours.Affine({units: 2, alpha: 3, name: 'aff'});
  assert.ok(layer instanceof tf.layers.Layer);
  assert.equal(layer.getClassName(), 'Affine');
  const input = tf.input({shape: [5]});
  const out = layer.apply(input);
  assert.deepEqual(out.shape, [null, 2]);
  assert.deepEqual(layer.weights.map(w => [w.name, w.trainable]), [['aff/kernel', true], ['aff/bias', true], ['aff/scale', false]]);
  assert.equal(layer.countParams(), 13);
  assert.deepEqual(layer.getConfig(), {name: 'aff', trainable: true, units: 2, alpha: 3});
  const reference = new theirs.Affine({units: 2, alpha: 3, name: 'aff'});
  reference.apply(tfjs.input({shape: [5]}));
  assert.deepEqual(layer.getConfig(), reference.getConfig());
  assert.deepEqual(layer.weights.map(w => w.name), reference.weights.map(w => w.name));
  // Eager: as given (a Tensor), and the same as tfjs with the same weights.
  const copies = reference.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  layer.setWeights(copies);
  tf.dispose(copies);
  const x = [[1, 2, 3, 4, 5], [-1, 0.5, 0, 2, 1]];
  const eager = tf.tidy(() => Array.from(layer.apply(tf.tensor2d(x)).dataSync()));
  assertClose(eager, Array.from(reference.apply(tfjs.tensor2d(x)).dataSync()), 1e-6, 'eager apply');
  // read() is the variable itself: it sees setWeights.
  assert.equal(layer.kernel.read().shape.join(), '5,2');
  assert.deepEqual(Array.from(layer.scale.read().dataSync()), [2]);
  layer.dispose();
  [input, out].forEach(s => s.dispose());
  assert.equal(tf.memory().numTensors, start);
});

test('a model with custom layers predicts and trains as in tfjs (same losses, same trained weights)', async () => {
  const start = tf.memory().numTensors;
  const reference = buildModel(tfjs, theirs);
  const model = twin(reference);
  assertClose(predict(tf, model), predict(tfjs, reference), 1e-5, 'predict');
  const affine = model.getLayer('affine');
  const initialKernel = Array.from(affine.kernel.read().dataSync());
  for (const m of [model, reference]) m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const fit = async (lib, m) => {
    const [x, y] = [lib.tensor2d(X), lib.tensor2d(Y)];
    const h = await m.fit(x, y, {epochs: 5, batchSize: 4, shuffle: false, verbose: 0});
    lib.dispose([x, y]);
    return h.history.loss;
  };
  const ourLosses = await fit(tf, model), theirLosses = await fit(tfjs, reference);
  assertClose(ourLosses, theirLosses, 1e-5, 'loss per epoch');
  assert.ok(ourLosses[4] < ourLosses[0], 'the loss goes down');
  const trained = weightsOf(tf, model), expected = weightsOf(tfjs, reference);
  trained.forEach((w, i) => assertClose(w, expected[i], 1e-5, `weight ${model.weights[i].name}`));
  // The custom layer's trainable weights moved; its non-trainable one did not.
  assert.notDeepEqual(Array.from(affine.kernel.read().dataSync()), initialKernel);
  assert.deepEqual(Array.from(affine.scale.read().dataSync()), [2]);
  model.dispose();
  reference.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('custom layers save and load: here, in tfjs, and from tfjs', async () => {
  const reference = buildModel(tfjs, theirs);
  const model = twin(reference);
  const expected = predict(tfjs, reference);
  let artifacts;
  await model.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
  const entry = artifacts.modelTopology.config.layers.find(l => l.name === 'affine');
  assert.equal(entry.class_name, 'Affine');
  assert.deepEqual(entry.config, {name: 'affine', trainable: true, units: 4, alpha: 0.5});
  assert.ok(artifacts.weightSpecs.some(s => s.name === 'affine/scale'));
  const start = tf.memory().numTensors;
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.ok(loaded.getLayer('affine') instanceof ours.Affine, 'loading made the registered class');
  assertClose(predict(tf, loaded), expected, 1e-5, 'loaded here');
  loaded.dispose();
  assert.equal(tf.memory().numTensors, start);
  const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
  assertClose(predict(tfjs, inTfjs), expected, 1e-5, 'saved here, loaded by tfjs');
  let theirArtifacts;
  await reference.save(tfjs.io.withSaveHandler(async a => { theirArtifacts = a; return {modelArtifactsInfo: {}}; }));
  const fromTfjs = await tf.loadLayersModel(tf.io.fromMemory(theirArtifacts));
  assertClose(predict(tf, fromTfjs), expected, 1e-5, 'saved by tfjs, loaded here');
  fromTfjs.dispose();
  model.dispose();
  // In a Sequential too (the first layer carries the input shape).
  const seq = tf.sequential({layers: [new ours.Affine({units: 2, inputShape: [3]}), tf.layers.dense({units: 1})]});
  const seqOut = predict(tf, seq);
  let seqArtifacts;
  await seq.save(tf.io.withSaveHandler(async a => { seqArtifacts = a; return {modelArtifactsInfo: {}}; }));
  const seqLoaded = await tf.loadLayersModel(tf.io.fromMemory(seqArtifacts));
  assert.deepEqual(predict(tf, seqLoaded), seqOut);
  seqLoaded.dispose();
  seq.dispose();
});

test('call() gets a list inside a model (as tfjs\'s executor passes it) and what was given when applied eagerly', () => {
  const seen = [];
  class Probe extends tf.layers.Layer {
    call(inputs, kwargs) {
      seen.push([Array.isArray(inputs), kwargs.training]);
      return Array.isArray(inputs) ? inputs[0] : inputs;
    }

    static get className() {
      return 'Probe';
    }
  }
  const m = tf.sequential({layers: [new Probe({inputShape: [2]})]});
  const x = tf.tensor2d([[1, 2]]);
  tf.dispose([m.predict(x), m.layers[0].apply(x), m.layers[0].apply([x])]);
  assert.deepEqual(seen, [[true, false], [false, false], [true, false]]);
  m.dispose();
  x.dispose();
});

test('an error thrown in call() reaches the caller as it was, and the engine keeps working', async () => {
  class Boom extends Error {}
  class Fragile extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.armed = false;
    }

    build(inputShape) {
      this.w = this.addWeight('w', [inputShape[1]], 'float32', 'ones');
    }

    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const y = tf.mul(x, this.w.read());  // a tensor made before the throw must not leak
      if (this.armed) throw new Boom(`fragile ${y.shape}`);
      return y;
    }

    static get className() {
      return 'Fragile';
    }
  }
  const start = tf.memory().numTensors;
  const layer = new Fragile({inputShape: [3]});
  const m = tf.sequential({layers: [layer, tf.layers.dense({units: 1})]});
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const x = tf.ones([2, 3]), y = tf.zeros([2, 1]);
  const before = plainPrediction();
  layer.armed = true;
  assert.throws(() => m.predict(x), e => e instanceof Boom && e.message === 'fragile 2,3');
  assert.throws(() => layer.apply(x), Boom);
  await assert.rejects(m.fit(x, y, {epochs: 1, verbose: 0}), Boom);
  // A throw from an engine op inside call() is an Error naming the op's problem.
  layer.call = () => tf.add(tf.ones([2, 3]), tf.ones([4, 5]));
  assert.throws(() => m.predict(x), /Operands could not be broadcast|shape/i);
  // Everything still works: the same model once disarmed, training included, and others.
  delete layer.call;
  layer.armed = false;
  const h = await m.fit(x, y, {epochs: 2, verbose: 0});
  assert.equal(h.history.loss.length, 2);
  assert.deepEqual(plainPrediction(), before);
  m.dispose();
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, start);
});

test('custom layer mistakes give clear errors', async () => {
  class NoShape extends tf.layers.Layer {
    computeOutputShape() {
      return 'wide';
    }

    static get className() {
      return 'NoShape';
    }
  }
  assert.throws(() => new NoShape({}).apply(tf.input({shape: [2]})), /NoShape.computeOutputShape\(\) must return a shape/);
  class Twice extends tf.layers.Layer {
    build() {
      this.addWeight('w', [1], 'float32', 'zeros');
      this.addWeight('w', [1], 'float32', 'zeros');
    }

    static get className() {
      return 'Twice';
    }
  }
  assert.throws(() => new Twice({}).apply(tf.input({shape: [2]})), /Duplicate weight name w for layer twice_Twice1/);
  class BadInit extends tf.layers.Layer {
    build() {
      this.addWeight('w', [1], 'float32', 'nope');
    }

    static get className() {
      return 'BadInit';
    }
  }
  assert.throws(() => new BadInit({}).apply(tf.input({shape: [2]})), /Unknown initializer: "nope"/);
  class NotATensor extends tf.layers.Layer {
    call() {
      return 42;
    }

    static get className() {
      return 'NotATensor';
    }
  }
  assert.throws(() => new NotATensor({}).apply(tf.ones([1, 2])), /NotATensor.call\(\) must return a Tensor or an array of Tensors, but output 0 is 42/);
  assert.throws(() => tf.serialization.registerClass(class {}), /does not have the static className property/);
  const unregistered = {class_name: 'Sequential', config: {name: 's', layers: [
    {class_name: 'NotRegisteredAnywhere', config: {name: 'n', batch_input_shape: [null, 2]}}]}};
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(unregistered)),
                       /Unknown layer: NotRegisteredAnywhere\..*registerClass/s);
});

test('tf.initializers objects work in layer options and apply() as in tfjs', () => {
  const t = tf.initializers.constant({value: 0.5}).apply([2, 2]);
  assert.deepEqual(Array.from(t.dataSync()), [0.5, 0.5, 0.5, 0.5]);
  t.dispose();
  const d = tf.layers.dense({units: 2, inputShape: [2], kernelInitializer: tf.initializers.ones(),
                             kernelRegularizer: tf.regularizers.l2({l2: 0.1}), kernelConstraint: tf.constraints.nonNeg()});
  const m = tf.sequential({layers: [d]});
  assert.deepEqual(Array.from(d.getWeights()[0].dataSync()), [1, 1, 1, 1]);
  assert.equal(d.getConfig().kernelRegularizer.className, 'L1L2');
  const a = tf.initializers.glorotUniform({seed: 7}).apply([3, 3]), b = tf.initializers.glorotUniform({seed: 7}).apply([3, 3]);
  assert.deepEqual(a.dataSync(), b.dataSync(), 'a seed repeats');
  tf.dispose([a, b]);
  m.dispose();
});

test('tf.initializers.identity: gain * I for square kernels, its config and its error as tfjs', async () => {
  const tfjs = await loadTfjs();
  const run = lib => {
    const layer = lib.layers.dense({units: 3, inputShape: [3], useBias: false, kernelInitializer: lib.initializers.identity({gain: 2})});
    const model = lib.sequential({layers: [layer]});
    const w = layer.getWeights()[0];
    const out = {kernel: Array.from(w.dataSync()), config: layer.getConfig().kernelInitializer,
                 applied: Array.from(lib.tidy(() => lib.initializers.identity({}).apply([2, 2]).dataSync()))};
    let error = null;
    try {
      lib.layers.dense({units: 2, inputShape: [3], kernelInitializer: lib.initializers.identity({gain: 1})}).apply(lib.input({shape: [3]}));
    } catch (e) {
      error = e.message;
    }
    out.error = error;
    model.dispose();
    return out;
  };
  const want = run(tfjs), got = run(tf);
  assert.deepEqual(got.kernel, [2, 0, 0, 0, 2, 0, 0, 0, 2]);
  assert.deepEqual(got, want);
});
