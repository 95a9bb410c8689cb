// The layer contract for every layer the engine registers, in the manner of
// Keras's run_layer_test: output shape, weight counts, a config round trip
// (getConfig -> a new layer of that config), and eager apply equal to a model's
// predict. Each case names a factory, its options and an input shape.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';
import {CASES, KERAS_ONLY, TFJS_CANNOT_RUN_IN_A_MODEL, sampleValues} from './layer_cases.mjs';

const tfjs = await loadTfjs();

function sampleInput(shape, kind) {
  return tf.tensor(sampleValues(shape, kind), [2, ...shape]);
}

for (const [factory, options, inShape, outShape, trainable, nonTrainable, kind] of CASES) {
  test(`contract: tf.layers.${factory}(${JSON.stringify(options)})`, async (t) => {
    let layer;
    try {
      layer = tf.layers[factory](options);
    } catch (e) {
      if (/Unknown layer/.test(e.message)) {
        t.todo(`${factory}: ${e.message.split('.')[0]}`);
        return;
      }
      throw e;
    }
    const before = tf.memory().numTensors;
    const input = tf.input({shape: inShape});
    const output = layer.apply(input);
    assert.deepEqual(output.shape, [null, ...outShape], 'symbolic output shape');
    assert.equal(layer.trainableWeights.length, trainable, 'trainable weights');
    assert.equal(layer.nonTrainableWeights.length, nonTrainable, 'non-trainable weights');
    const model = tf.model({inputs: input, outputs: output});
    const x = sampleInput(inShape, kind);
    const predicted = model.predict(x);
    const eager = layer.apply(x);
    assert.deepEqual(eager.shape, [2, ...outShape]);
    assert.deepEqual(Array.from(eager.dataSync()), Array.from(predicted.dataSync()), 'eager apply equals predict');
    // Config round trip: a layer built from getConfig() has the same config and,
    // with the same weights, computes the same outputs.
    const config = layer.getConfig();
    const twin = new tf.Layer(layer.getClassName(), {...config, name: `${config.name}_twin`});
    const twinConfig = twin.getConfig();
    // (dtype appears once a config carries an input shape, as in tfjs)
    assert.deepEqual({...twinConfig, name: config.name, dtype: config.dtype}, {...config, dtype: config.dtype});
    const twinOut = twin.apply(x);
    if (layer.weights.length) {
      const weights = layer.getWeights();
      twin.setWeights(weights);
      tf.dispose(weights);
    }
    const twinOut2 = twin.apply(x);
    if (!/dropout|noise/i.test(factory)) {
      assert.deepEqual(Array.from(twinOut2.dataSync()), Array.from(eager.dataSync()), 'twin computes the same');
    }
    // Serialization: the model saved here loads here and in tfjs, and predicts the same.
    let artifacts;
    await model.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const again = reloaded.predict(x);
    if (!/dropout|noise/i.test(factory)) {
      assert.deepEqual(Array.from(again.dataSync()), Array.from(predicted.dataSync()), 'reloaded model predicts the same');
    }
    if (!/dropout|noise/i.test(factory) && !TFJS_CANNOT_RUN_IN_A_MODEL.has(factory) && !KERAS_ONLY.has(factory)) {
      const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
      const theirOut = theirs.predict(tfjs.tensor(Array.from(x.dataSync()), x.shape)).dataSync();
      Array.from(predicted.dataSync()).forEach((v, i) =>
        assert.ok(Math.abs(v - theirOut[i]) <= 1e-4 * Math.max(1, Math.abs(v)), `tfjs loads it: [${i}] ${theirOut[i]} vs ${v}`));
    }
    tf.dispose([again]);
    reloaded.dispose();
    tf.dispose([x, predicted, eager, twinOut, twinOut2]);
    input.dispose();
    output.dispose();
    twin.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  });
}

test('merge factories take the inputs directly, as tfjs', () => {
  const a = tf.input({shape: [3]}), b = tf.input({shape: [3]});
  const sum = tf.layers.add([a, b]);
  assert.deepEqual(sum.shape, [null, 3]);
  const cat = tf.layers.concatenate([a, b]);
  assert.deepEqual(cat.shape, [null, 6]);
  const eager = tf.layers.multiply([tf.tensor([[1, 2]]), tf.tensor([[3, 4]])]);
  assert.deepEqual(Array.from(eager.dataSync()), [3, 8]);
});

test('summary() prints the table tfjs prints', async () => {
  const {loadTfjs} = await import('./helpers.mjs');
  const tfjs = await loadTfjs();
  const lines = lib => {
    const m = lib.sequential({name: 'summary_model'});
    m.add(lib.layers.dense({units: 4, inputShape: [3], name: 'first'}));
    m.add(lib.layers.dense({units: 2, activation: 'softmax', name: 'second'}));
    const out = [];
    m.summary(undefined, undefined, line => out.push(line));
    return out;
  };
  assert.deepEqual(lines(tf), lines(tfjs));
});

test('summary() of a functional model (connections, shared layer) prints what tfjs prints', () => {
  const lines = lib => {
    const a = lib.input({shape: [3], name: 'in_a'});
    const b = lib.input({shape: [3], name: 'in_b'});
    const shared = lib.layers.dense({units: 2, name: 'shared_dense'});
    const merged = lib.layers.concatenate({name: 'merged'}).apply([shared.apply(a), shared.apply(b)]);
    const out = lib.layers.dense({units: 1, name: 'head'}).apply(merged);
    const m = lib.model({inputs: [a, b], outputs: out, name: 'summary_functional'});
    const printed = [];
    m.summary(undefined, undefined, line => printed.push(line));
    return printed;
  };
  assert.deepEqual(lines(tf), lines(tfjs));
});

// tfjs picks the layout from the graph (isModelSequentialLike), not from the class, and
// lists every node of a nested model: chains, nested Sequential/functional models used
// once or twice, a Sequential inside a Sequential, two outputs.
test('summary() of functional chains and nested models prints what tfjs prints', async () => {
  const {loadTfjs} = await import('./helpers.mjs');
  const tfjs = await loadTfjs();
  const cases = {
    chain: lib => {
      const x = lib.input({shape: [4], name: 'sx'});
      const h = lib.layers.dense({units: 3, name: 'sh'}).apply(x);
      return lib.model({inputs: x, outputs: lib.layers.dense({units: 2, name: 'so'}).apply(h), name: 'chain'});
    },
    nestedSequential: lib => {
      const inner = lib.sequential({name: 'sinner'});
      inner.add(lib.layers.dense({units: 3, inputShape: [4], name: 'sd1'}));
      const x = lib.input({shape: [4], name: 'sx2'});
      const y = lib.layers.dense({units: 2, name: 'sd2'}).apply(inner.apply(x));
      return lib.model({inputs: x, outputs: y, name: 'souter'});
    },
    nestedFunctionalTwice: lib => {
      const a = lib.input({shape: [4], name: 'sia'});
      const inner = lib.model({inputs: a, outputs: lib.layers.dense({units: 3, name: 'se1'}).apply(a), name: 'sinnerf'});
      const x = lib.input({shape: [4], name: 'sx3'});
      const z = inner.apply(lib.layers.dense({units: 4, name: 'spad'}).apply(inner.apply(x)));
      return lib.model({inputs: x, outputs: z, name: 'souter2'});
    },
    sequentialInSequential: lib => {
      const inner = lib.sequential({name: 'sinner3'});
      inner.add(lib.layers.dense({units: 3, inputShape: [4], name: 'sf1'}));
      const m = lib.sequential({name: 'souter3'});
      m.add(inner);
      m.add(lib.layers.dense({units: 2, name: 'sf2'}));
      return m;
    },
    twoOutputs: lib => {
      const x = lib.input({shape: [4], name: 'sx4'});
      const h = lib.layers.dense({units: 3, name: 'sh4'}).apply(x);
      const outs = [lib.layers.dense({units: 2, name: 'so4'}).apply(h), lib.layers.dense({units: 1, name: 'sp4'}).apply(h)];
      return lib.model({inputs: x, outputs: outs, name: 'stwo'});
    },
  };
  for (const [name, build] of Object.entries(cases)) {
    const print = lib => {
      const lines = [];
      const m = build(lib);
      m.summary(undefined, undefined, line => lines.push(line));
      if (lib === tf) m.dispose();
      return lines;
    };
    assert.deepEqual(print(tf), print(tfjs), name);
  }
});

test('model.execute gives intermediate outputs by layer name', () => {
  const input = tf.input({shape: [2]});
  const hidden = tf.layers.dense({units: 3, activation: 'relu', name: 'exec_hidden'});
  const h = hidden.apply(input);
  const out = tf.layers.dense({units: 1, name: 'exec_out'}).apply(h);
  const m = tf.model({inputs: input, outputs: out});
  const x = tf.tensor2d([[1, -1], [0.5, 2]]);
  const [hv, ov] = m.execute(x, ['exec_hidden', 'exec_out']);
  assert.deepEqual(Array.from(hv.dataSync()), Array.from(hidden.apply(x).dataSync()));
  assert.deepEqual(Array.from(ov.dataSync()), Array.from(m.predict(x).dataSync()));
  assert.throws(() => m.execute(x, 'nope'), /execute: no output named 'nope'/);
});
