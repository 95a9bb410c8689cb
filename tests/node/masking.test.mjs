// Masks against @tensorflow/tfjs: Embedding(maskZero) and Masking make them, RNNs
// skip the masked steps (issue 14, item 3), pass-through layers carry them, merge
// layers combine them; in Sequential and functional models, nested models, predict
// and fit (the training trajectory), eager apply({mask}) and computeMask; the
// config round trip through save/load; the error for a layer that cannot take a
// mask; no leaked tensors.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();

function assertAllClose(actual, expected, what, rel = 1e-5) {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= rel * Math.max(Math.abs(expected[i]), 1), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// Deterministic values in [lo, hi).
function data(n, seed = 1, lo = -1, hi = 1) {
  let s = seed * 9301 + 49297;
  return Array.from({length: n}, () => {
    s = (s * 9301 + 49297) % 233280;
    return lo + (hi - lo) * (s / 233280);
  });
}

/** Gives `ours` the weights of `theirs` (same architecture, same order). */
function copyWeights(theirs, ours) {
  const ws = theirs.getWeights().map(w => tf.tensor(w.dataSync(), w.shape));
  ours.setWeights(ws);
  tf.dispose(ws);
}

const predict = (lib, model, values, shape, dtype) =>
  lib.tidy(() => Array.from(model.predict(lib.tensor(values, shape, dtype)).dataSync()));

// The issue's model: Embedding(maskZero) -> LSTM -> Dense(sigmoid), variable length.
const issueModel = (lib, {maskZero = true, rnn = 'lstm', returnSequences = false} = {}) => {
  const m = lib.sequential();
  m.add(lib.layers.embedding({inputDim: 6, outputDim: 3, maskZero}));
  m.add(lib.layers[rnn]({units: 4, returnSequences}));
  m.add(lib.layers.dense({units: 1, activation: 'sigmoid'}));
  return m;
};

test('issue 14.3: Embedding(maskZero) + LSTM on [1,2,0,0] equals tfjs and the unpadded [1,2]', () => {
  const theirs = issueModel(tfjs);
  const ours = issueModel(tf);
  copyWeights(theirs, ours);
  const before = tf.memory().numTensors;
  const padded = predict(tf, ours, [1, 2, 0, 0], [1, 4], 'int32');
  const unpadded = predict(tf, ours, [1, 2], [1, 2], 'int32');
  assertAllClose(padded, predict(tfjs, theirs, [1, 2, 0, 0], [1, 4], 'int32'), 'padded vs tfjs');
  assertAllClose(padded, unpadded, 'padded vs unpadded', 1e-6);
  // A batch mixing padding at the end, in the middle and none; float indices too.
  const batch = [1, 2, 0, 0, 3, 0, 4, 5, 5, 4, 3, 2];
  assertAllClose(predict(tf, ours, batch, [3, 4]), predict(tfjs, theirs, batch, [3, 4]), 'batch vs tfjs');
  // Eager model.apply runs the same masked graph (tfjs's runInternalGraph).
  const eager = tf.tidy(() => Array.from(ours.apply(tf.tensor(batch, [3, 4])).dataSync()));
  assertAllClose(eager, tfjs.tidy(() => Array.from(theirs.apply(tfjs.tensor(batch, [3, 4])).dataSync())), 'apply vs tfjs');
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  ours.dispose();
  theirs.dispose();
});

for (const rnn of ['simpleRNN', 'lstm', 'gru']) {
  for (const [returnSequences, goBackwards] of [[false, false], [true, false], [true, true]]) {
    test(`Masking(maskValue) + ${rnn} (returnSequences ${returnSequences}, goBackwards ${goBackwards}) equals tfjs`, () => {
      const make = lib => {
        const m = lib.sequential();
        m.add(lib.layers.masking({maskValue: -1, inputShape: [5, 3]}));
        m.add(lib.layers[rnn]({units: 4, returnSequences, goBackwards}));
        return m;
      };
      const theirs = make(tfjs);
      const ours = make(tf);
      copyWeights(theirs, ours);
      const x = data(2 * 5 * 3, 7);
      // Sample 0: steps 1 and 4 masked; sample 1: steps 0 and 2 masked (one value of
      // step 3 is -1 but not all: that step stays).
      for (const [b, t] of [[0, 1], [0, 4], [1, 0], [1, 2]]) x.splice((b * 5 + t) * 3, 3, -1, -1, -1);
      x[(1 * 5 + 3) * 3] = -1;
      const before = tf.memory().numTensors;
      assertAllClose(predict(tf, ours, x, [2, 5, 3]), predict(tfjs, theirs, x, [2, 5, 3]), `${rnn} vs tfjs`);
      assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
      ours.dispose();
      theirs.dispose();
    });
  }
}

test('the mask flows through Dense, Activation, Dropout, BatchNormalization to a second LSTM', () => {
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers.embedding({inputDim: 6, outputDim: 3, maskZero: true, inputLength: 5}));
    m.add(lib.layers.lstm({units: 4, returnSequences: true}));
    m.add(lib.layers.dense({units: 3}));
    m.add(lib.layers.activation({activation: 'tanh'}));
    m.add(lib.layers.dropout({rate: 0.5}));
    m.add(lib.layers.batchNormalization());
    m.add(lib.layers.gru({units: 2}));
    return m;
  };
  const theirs = make(tfjs);
  const ours = make(tf);
  copyWeights(theirs, ours);
  const x = [1, 2, 0, 0, 0, 3, 0, 4, 0, 5];
  assertAllClose(predict(tf, ours, x, [2, 5]), predict(tfjs, theirs, x, [2, 5]), 'vs tfjs');
  // The padding changes nothing: the same as the unpadded first sequence.
  assertAllClose(predict(tf, ours, [1, 2, 0, 0, 0], [1, 5]).slice(0, 2), predict(tf, ours, x, [2, 5]).slice(0, 2),
                 'padded row');
  ours.dispose();
  theirs.dispose();
});

test('merge layers combine masks: Concatenate as tfjs, Add as Keras (valid where every input is)', () => {
  // Two embeddings of the same indices feed a merge and an LSTM.
  const make = (lib, merge, maskZero) => {
    const input = lib.input({shape: [null], dtype: 'int32'});
    const a = lib.layers.embedding({inputDim: 6, outputDim: 3, maskZero}).apply(input);
    const b = lib.layers.embedding({inputDim: 6, outputDim: 3, maskZero}).apply(input);
    const merged = lib.layers[merge]().apply([a, b]);
    const out = lib.layers.lstm({units: 3}).apply(merged);
    return lib.model({inputs: input, outputs: out});
  };
  const x = [1, 2, 3, 0, 4, 5, 0, 0];
  {
    const theirs = make(tfjs, 'concatenate', true);
    const ours = make(tf, 'concatenate', true);
    copyWeights(theirs, ours);
    assertAllClose(predict(tf, ours, x, [2, 4]), predict(tfjs, theirs, x, [2, 4]), 'concatenate vs tfjs');
    ours.dispose();
    theirs.dispose();
  }
  {
    // tfjs 4.22's Merge.computeMask gives a mask no LSTM can use, so the oracle is tfjs
    // on the unpadded sequences without masks (the same weights).
    const theirs = make(tfjs, 'add', false);
    const ours = make(tf, 'add', true);
    copyWeights(theirs, ours);
    const padded = predict(tf, ours, x, [2, 4]);
    assertAllClose(padded.slice(0, 3), predict(tfjs, theirs, [1, 2, 3], [1, 3]), 'add row 0 vs tfjs unpadded');
    assertAllClose(padded.slice(3), predict(tfjs, theirs, [4, 5], [1, 2]), 'add row 1 vs tfjs unpadded');
    ours.dispose();
    theirs.dispose();
  }
});

test('a nested model receives the mask and passes its output mask on', () => {
  const make = lib => {
    const inner = lib.sequential();
    inner.add(lib.layers.lstm({units: 3, returnSequences: true, inputShape: [null, 2]}));
    const input = lib.input({shape: [null], dtype: 'int32'});
    const emb = lib.layers.embedding({inputDim: 6, outputDim: 2, maskZero: true}).apply(input);
    const out = lib.layers.simpleRNN({units: 2}).apply(inner.apply(emb));
    return lib.model({inputs: input, outputs: out});
  };
  const theirs = make(tfjs);
  const ours = make(tf);
  copyWeights(theirs, ours);
  const x = [1, 2, 0, 0, 3, 4, 5, 0];
  const got = predict(tf, ours, x, [2, 4]);
  assertAllClose(got, predict(tfjs, theirs, x, [2, 4]), 'vs tfjs');
  assertAllClose(got.slice(0, 2), predict(tf, ours, [1, 2], [1, 2]), 'padded vs unpadded');
  ours.dispose();
  theirs.dispose();
});

// returnSequences: a per-step output (Dense keeps the mask); the loss, as tfjs's,
// still counts every step.
for (const [rnn, optimizer, returnSequences] of [['lstm', 'sgd', false], ['gru', 'adam', false],
                                                 ['simpleRNN', 'rmsprop', false], ['lstm', 'adam', true]]) {
  test(`fit with masked sequences (${rnn}, ${optimizer}, returnSequences ${returnSequences}) follows tfjs: losses per epoch and final weights`, async () => {
    const theirs = issueModel(tfjs, {rnn, returnSequences});
    const ours = issueModel(tf, {rnn, returnSequences});
    copyWeights(theirs, ours);
    for (const m of [theirs, ours]) m.compile({optimizer, loss: returnSequences ? 'meanSquaredError' : 'binaryCrossentropy'});
    // 8 sequences of length 5 with 0..4 padding steps at the end or inside.
    const xs = [];
    const ys = [];
    for (let i = 0; i < 8; i++) {
      const len = 1 + (i % 5);
      for (let t = 0; t < 5; t++) xs.push(t < len ? 1 + ((i * 3 + t * 2) % 5) : 0);
      ys.push(i % 2);
    }
    xs[2 * 5 + 1] = 0;  // a hole in the middle
    const opts = {epochs: 4, batchSize: 4, shuffle: false, verbose: 0};
    const before = tf.memory().numTensors;
    const yShape = returnSequences ? [8, 5, 1] : [8, 1];
    const yv = returnSequences ? xs.map(v => v / 5) : ys;
    const hT = await theirs.fit(tfjs.tensor2d(xs, [8, 5]), tfjs.tensor(yv, yShape), opts);
    const x = tf.tensor2d(xs, [8, 5]);
    const y = tf.tensor(yv, yShape);
    const hO = await ours.fit(x, y, opts);
    tf.dispose([x, y]);
    // Adam and RMSProp keep two slots per weight; nothing else may stay.
    const slots = optimizer === 'sgd' ? 0 : 2 * ours.weights.length;
    assert.equal(tf.memory().numTensors, before + slots, 'no leaked tensors');
    assertAllClose(hO.history.loss, hT.history.loss, 'loss per epoch', 1e-4);
    const wT = theirs.getWeights();
    tf.tidy(() => ours.getWeights().forEach((w, i) =>
      assertAllClose(Array.from(w.dataSync()), Array.from(wT[i].dataSync()), theirs.weights[i].name, 1e-4)));
    ours.dispose();
    theirs.dispose();
  });
}

test('maskZero and maskValue survive save/load both ways, and the loaded models mask', async () => {
  const make = lib => {
    const m = lib.sequential();
    m.add(lib.layers.masking({maskValue: 0.5, inputShape: [4, 2]}));
    m.add(lib.layers.lstm({units: 3}));
    return m;
  };
  const x = [0.5, 0.5, 1, 2, 0.5, 0.5, 3, -1, 1, 1, 0.5, 0.5, 0.5, 1, 2, 2];
  const theirs = make(tfjs);
  const ours = make(tf);
  copyWeights(theirs, ours);
  const emb = issueModel(tf);
  const want = predict(tfjs, theirs, x, [2, 4, 2]);
  for (const model of [ours, emb]) {
    let artifacts;
    await model.save(tf.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const layers = artifacts.modelTopology.config.layers;
    const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const there = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
    const config = cls => layers.find(l => l.class_name === cls).config;
    if (model === ours) {
      assert.equal(config('Masking').mask_value, 0.5);
      assertAllClose(predict(tf, back, x, [2, 4, 2]), want, 'loaded here');
      assertAllClose(predict(tfjs, there, x, [2, 4, 2]), want, 'loaded in tfjs');
    } else {
      assert.equal(config('Embedding').mask_zero, true);
      const ids = [1, 2, 0, 0];
      assertAllClose(predict(tf, back, ids, [1, 4]), predict(tf, emb, [1, 2], [1, 2]), 'loaded here, masked');
      assertAllClose(predict(tfjs, there, ids, [1, 4]), predict(tf, emb, ids, [1, 4]), 'loaded in tfjs');
    }
    back.dispose();
    there.dispose();
  }
  ours.dispose();
  emb.dispose();
  theirs.dispose();
});

test('a layer that cannot take a mask throws naming itself, and the module keeps working', async () => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({inputDim: 6, outputDim: 3, maskZero: true, inputLength: 4}));
  m.add(tf.layers.globalAveragePooling1d({name: 'pool'}));
  m.add(tf.layers.dense({units: 1}));
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const x = tf.tensor2d([[1, 2, 0, 0]]);
  const y = tf.tensor2d([[1]]);
  const before = tf.memory().numTensors;
  assert.throws(() => m.predict(x), /Layer pool \(GlobalAveragePooling1D\) does not support masking, but was passed an inputMask/);
  await assert.rejects(m.fit(x, y, {epochs: 1, verbose: 0}), /Layer pool .*does not support masking/);
  assert.equal(tf.memory().numTensors, before, 'nothing leaked by the errors');
  // Without maskZero the same model runs.
  const plain = tf.sequential();
  plain.add(tf.layers.embedding({inputDim: 6, outputDim: 3, inputLength: 4}));
  plain.add(tf.layers.flatten());
  tf.dispose(plain.predict(x));
  // Eager: a mask handed to a layer without supportsMasking.
  const flatten = tf.layers.flatten({name: 'flat'});
  const z = tf.zeros([1, 4, 3]);
  assert.throws(() => flatten.apply(z, {mask: tf.ones([1, 4])}), /Layer flat \(Flatten\) does not support masking/);
  assert.equal(flatten.supportsMasking, false);
  // A custom layer (masks do not reach custom layers yet), even one that sets supportsMasking.
  class Scale extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.supportsMasking = true;
    }
    call(inputs) {
      return (Array.isArray(inputs) ? inputs[0] : inputs).mul(2);
    }
    static get className() {
      return 'MaskScale';
    }
  }
  const custom = tf.sequential();
  custom.add(tf.layers.embedding({inputDim: 6, outputDim: 3, maskZero: true, inputLength: 4}));
  custom.add(new Scale({name: 'scale'}));
  assert.equal(custom.layers[1].supportsMasking, true);
  assert.throws(() => custom.predict(x), /Layer scale \(MaskScale\) was passed an inputMask, but custom layers do not receive masks/);
  custom.dispose();
  // A mask of the wrong shape for an RNN.
  const lstm = tf.layers.lstm({units: 2, name: 'seq'});
  const wrong = tf.ones([1, 3], 'bool');
  assert.throws(() => lstm.apply(z, {mask: wrong}), /LSTM layer seq: the mask must have shape \[1,4\] \(batch, timesteps\), got \[1,3\]/);
  tf.dispose([x, y, z, wrong]);
  m.dispose();
  plain.dispose();
});

test('eager apply(x, {mask}) and computeMask equal tfjs', () => {
  const theirs = tfjs.layers.lstm({units: 3, returnSequences: true});
  const ours = tf.layers.lstm({units: 3, returnSequences: true});
  const xv = data(2 * 4 * 2, 3);
  const maskv = [1, 1, 0, 1, 1, 0, 0, 0];
  const tOut = theirs.apply(tfjs.tensor(xv, [2, 4, 2]), {mask: tfjs.tensor(maskv, [2, 4], 'bool')});
  tf.dispose(ours.apply(tf.zeros([1, 4, 2])));  // builds it
  copyWeights(theirs, ours);
  const before = tf.memory().numTensors;
  const x = tf.tensor(xv, [2, 4, 2]);
  const mask = tf.tensor(maskv, [2, 4], 'bool');
  const out = ours.apply(x, {mask});
  assertAllClose(Array.from(out.dataSync()), Array.from(tOut.dataSync()), 'lstm.apply with mask');
  assert.equal(ours.supportsMasking, true);
  const outMask = ours.computeMask(x, mask);
  assert.deepEqual(Array.from(outMask.dataSync()), maskv.map(Boolean).map(Number));
  tf.dispose([x, mask, out, outMask]);
  assert.equal(tf.memory().numTensors, before);

  const emb = tf.layers.embedding({inputDim: 5, outputDim: 2, maskZero: true});
  const ids = tf.tensor2d([[1, 0, 3], [0, 0, 2]], [2, 3], 'int32');
  const em = emb.computeMask(ids);
  const tEm = tfjs.layers.embedding({inputDim: 5, outputDim: 2, maskZero: true})
      .computeMask(tfjs.tensor2d([[1, 0, 3], [0, 0, 2]], [2, 3], 'int32'));
  assert.equal(em.dtype, 'bool');
  assert.deepEqual(Array.from(em.dataSync()), Array.from(tEm.dataSync()));
  const masking = tf.layers.masking({maskValue: 2});
  const mx = tf.tensor([2, 2, 1, 2, 2, 2], [1, 3, 2]);
  const mm = masking.computeMask(mx);
  const tMm = tfjs.layers.masking({maskValue: 2}).computeMask(tfjs.tensor([2, 2, 1, 2, 2, 2], [1, 3, 2]));
  assert.deepEqual(Array.from(mm.dataSync()), Array.from(tMm.dataSync()));
  const passed = tf.layers.dense({units: 1}).computeMask(mx, mm);
  assert.deepEqual(Array.from(passed.dataSync()), Array.from(mm.dataSync()), 'a pass-through layer gives its input mask');
  passed.dispose();
  // A model's computeMask runs its graph: one mask per output.
  const model = issueModel(tf, {returnSequences: true});
  const seqMasks = model.computeMask(ids);
  assert.equal(seqMasks.length, 1);
  assert.deepEqual(Array.from(seqMasks[0].dataSync()), [1, 0, 1, 0, 0, 1]);
  tf.dispose([ids, em, mx, mm, ...seqMasks]);
  model.dispose();
});
