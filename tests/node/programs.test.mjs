// Small complete programs in the style of the official tfjs examples, run on this
// package and on @tensorflow/tfjs in the same test: the same program text (only
// the library differs), the same initial weights and data, and the losses and
// weights must agree step by step.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, heldSymbols, loadTfjs, tf} from './helpers.mjs';

const close = (a, b, tol, what) => assertAllClose(a, b, what, tol);
const sameWeights = (from, to) => {
  const ts = from.getWeights().map(w => tf.tensor(Array.from(w.dataSync()), w.shape));
  to.setWeights(ts);
  tf.dispose(ts);
};
const flat = m => m.getWeights().flatMap(w => Array.from(w.dataSync()));
const {sym, release: releaseSymbols} = heldSymbols();

// cart-pole's policy gradient: per-step gradients of log pi(a|s) from
// tf.variableGrads over a layers model, scaled by discounted returns, averaged,
// applied with optimizer.applyGradients.
function policyGradientProgram(lib, model) {
  const optimizer = lib.train.adam(0.05);
  const losses = [];
  for (let episode = 0; episode < 3; episode++) {
    let state = [0.05 * episode, -0.02, 0.03, 0.01];
    const allGrads = [], rewards = [];
    for (let t = 0; t < 5; t++) {
      const action = state[2] + state[3] > 0 ? 1 : 0;  // deterministic, so both libraries take the same path
      const {value, grads} = lib.variableGrads(() => lib.tidy(() => {
        const logit = model.predict(lib.tensor2d([state]));
        const p = lib.sigmoid(logit);
        const logProb = action === 1 ? lib.log(p) : lib.log(lib.sub(1, p));
        return lib.neg(logProb).sum();
      }));
      losses.push(value.dataSync()[0]);
      value.dispose();
      allGrads.push(grads);
      rewards.push(1 - Math.abs(state[2]));
      const force = action === 1 ? 0.1 : -0.1;
      state = [state[0] + state[1], state[1] + force, state[2] + state[3], state[3] - 0.5 * state[2] + force];
    }
    const returns = rewards.map((_, i) => rewards.slice(i).reduce((s, r, k) => s + r * 0.95 ** k, 0));
    const mean = returns.reduce((a, b) => a + b) / returns.length;
    const names = Object.keys(allGrads[0]);
    const avg = lib.tidy(() => Object.fromEntries(names.map(n => [n,
      lib.addN(allGrads.map((g, i) => lib.mul(g[n], returns[i] - mean))).div(allGrads.length)])));
    optimizer.applyGradients(avg);
    lib.dispose(Object.values(avg));
    allGrads.forEach(g => lib.dispose(Object.values(g)));
  }
  optimizer.dispose();
  return losses;
}

test('program: a policy-gradient agent trains its layers model as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => lib.sequential({layers: [
    lib.layers.dense({units: 6, inputShape: [4], activation: 'elu', name: 'pg_h'}),
    lib.layers.dense({units: 1, name: 'pg_out'}),
  ]});
  const ref = build(tfjs), ours = build(tf);
  sameWeights(ref, ours);
  const lr = policyGradientProgram(tfjs, ref);
  const lo = policyGradientProgram(tf, ours);
  close(lo, lr, 1e-4, 'per-step -log pi');
  close(flat(ours), flat(ref), 1e-4, 'weights after 3 episodes');
  assert.notDeepEqual(flat(ours).slice(0, 4), [0, 0, 0, 0]);
  ours.dispose();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

// mnist-acgan's structure: a discriminator compiled on its own, frozen inside the
// combined model; the program unfreezes it for its own step and freezes it again.
async function ganProgram(lib, g, d, combined) {
  const log = [];
  const z = lib.tensor2d([[0.1, -0.3], [0.5, 0.2], [-0.4, 0.8], [0.9, -0.1]]);
  const real = lib.tensor2d([[1, 0.5, -0.5], [0.8, 0.4, -0.2], [1.2, 0.6, -0.4], [0.9, 0.3, -0.6]]);
  for (let step = 0; step < 4; step++) {
    const fake = g.predict(z);
    const x = lib.concat([real, fake], 0);
    const y = lib.tensor2d([[1], [1], [1], [1], [0], [0], [0], [0]]);
    d.trainable = true;
    log.push(await d.trainOnBatch(x, y));
    d.trainable = false;
    const ones = lib.ones([4, 1]);
    log.push(await combined.trainOnBatch(z, ones));
    lib.dispose([fake, x, y, ones]);
  }
  lib.dispose([z, real]);
  return log;
}

test('program: a GAN with a frozen discriminator trains as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => {
    const g = lib.sequential({layers: [lib.layers.dense({units: 4, inputShape: [2], activation: 'relu', name: 'gan_g1'}),
                                       lib.layers.dense({units: 3, name: 'gan_g2'})]});
    const d = lib.sequential({layers: [lib.layers.dense({units: 4, inputShape: [3], activation: 'tanh', name: 'gan_d1'}),
                                       lib.layers.dense({units: 1, activation: 'sigmoid', name: 'gan_d2'})]});
    d.compile({optimizer: lib.train.sgd(0.2), loss: 'binaryCrossentropy'});
    d.trainable = false;
    const z = sym(lib.input({shape: [2]}));
    const combined = lib.model({inputs: z, outputs: sym(d.apply(sym(g.apply(z))))});
    combined.compile({optimizer: lib.train.sgd(0.2), loss: 'binaryCrossentropy'});
    return {g, d, combined};
  };
  const R = build(tfjs), O = build(tf);
  sameWeights(R.g, O.g);
  sameWeights(R.d, O.d);
  const lr = await ganProgram(tfjs, R.g, R.d, R.combined);
  const lo = await ganProgram(tf, O.g, O.d, O.combined);
  close(lo, lr, 1e-4, 'discriminator and generator losses');
  close(flat(O.g), flat(R.g), 1e-4, 'generator weights');
  close(flat(O.d), flat(R.d), 1e-4, 'discriminator weights');
  O.combined.dispose();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

// mnist-core's shape: a model trained by a custom loop (tf.tidy + optimizer.minimize
// over model.trainableWeights), then fine-tuned with fit after a frozen base.
test('program: a custom training loop with minimize, then transfer learning', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => lib.sequential({layers: [
    lib.layers.conv2d({filters: 2, kernelSize: 2, inputShape: [4, 4, 1], activation: 'relu', name: 'mc_conv'}),
    lib.layers.flatten({name: 'mc_flat'}),
    lib.layers.dense({units: 3, activation: 'softmax', name: 'mc_out'}),
  ]});
  const ref = build(tfjs), ours = build(tf);
  sameWeights(ref, ours);
  const images = Array.from({length: 6}, (_, i) => Array.from({length: 16}, (_, k) => Math.sin(i * 3 + k)));
  const labels = [0, 1, 2, 1, 0, 2].map(c => [0, 1, 2].map(j => (j === c ? 1 : 0)));
  const loop = lib => {
    const m = lib === tf ? ours : ref;
    const opt = lib.train.sgd(0.3);
    const xs = lib.tensor4d(images.flat(), [6, 4, 4, 1]), ys = lib.tensor2d(labels);
    const out = [];
    for (let i = 0; i < 4; i++) {
      const cost = opt.minimize(() => lib.tidy(() => {
        const p = m.predict(xs).clipByValue(1e-7, 1 - 1e-7);
        return lib.neg(lib.mean(lib.sum(lib.mul(ys, lib.log(p)), -1)));
      }), true, m.trainableWeights.map(w => w.read()));
      out.push(cost.dataSync()[0]);
      cost.dispose();
    }
    lib.dispose([xs, ys]);
    return out;
  };
  close(loop(tf), loop(tfjs), 1e-4, 'custom loop losses');
  close(flat(ours), flat(ref), 1e-4, 'weights after the custom loop');

  // Transfer: the conv base frozen, a new head on base.getLayer('mc_flat').output.
  const head = (lib, m) => {
    for (const l of m.layers) l.trainable = false;
    const out = sym(lib.layers.dense({units: 2, activation: 'softmax', name: 'mc_head'}).apply(m.getLayer('mc_flat').output));
    const t = lib.model({inputs: m.inputs, outputs: out});
    t.compile({optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy']});
    return t;
  };
  const tR = head(tfjs, ref), tO = head(tf, ours);
  sameWeights(tR, tO);
  const x = images.flat(), y = [0, 1, 1, 0, 1, 0].map(c => [c === 0 ? 1 : 0, c]);
  const hr = await tR.fit(tfjs.tensor4d(x, [6, 4, 4, 1]), tfjs.tensor2d(y), {epochs: 3, batchSize: 3, shuffle: false, verbose: 0});
  tf.engine().startScope();
  const ho = await tO.fit(tf.tensor4d(x, [6, 4, 4, 1]), tf.tensor2d(y), {epochs: 3, batchSize: 3, shuffle: false, verbose: 0});
  tf.engine().endScope();
  close(ho.history.loss, hr.history.loss, 1e-4, 'fine-tuning loss');
  close(ho.history.acc, hr.history.acc, 1e-6, 'fine-tuning accuracy');
  close(flat(ours), flat(ref), 1e-6, 'the frozen base is unchanged');
  tO.dispose();
  ours.dispose();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

// date-conversion-attention's shape: masked encoder and decoder sequences (Embedding
// maskZero + LSTM), dot-product attention, a context concatenated with the decoder
// output, dense layers over every step (the example's timeDistributed(dense)).
test('program: an attention seq2seq model with masked sequences trains as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => {
    const encIn = sym(lib.input({shape: [6], name: 'att_enc_in'}));
    const decIn = sym(lib.input({shape: [5], name: 'att_dec_in'}));
    const enc = sym(lib.layers.lstm({units: 8, returnSequences: true, name: 'att_enc_lstm'}).apply(
        sym(lib.layers.embedding({inputDim: 10, outputDim: 6, maskZero: true, name: 'att_enc_emb'}).apply(encIn))));
    const dec = sym(lib.layers.lstm({units: 8, returnSequences: true, name: 'att_dec_lstm'}).apply(
        sym(lib.layers.embedding({inputDim: 10, outputDim: 6, maskZero: true, name: 'att_dec_emb'}).apply(decIn))));
    const scores = sym(lib.layers.dot({axes: [2, 2], name: 'att_scores'}).apply([dec, enc]));
    const attention = sym(lib.layers.activation({activation: 'softmax', name: 'att_softmax'}).apply(scores));
    const context = sym(lib.layers.dot({axes: [2, 1], name: 'att_context'}).apply([attention, enc]));
    const joined = sym(lib.layers.concatenate({name: 'att_concat'}).apply([context, dec]));
    const hidden = sym(lib.layers.dense({units: 8, activation: 'tanh', name: 'att_hidden'}).apply(joined));
    const out = sym(lib.layers.dense({units: 10, activation: 'softmax', name: 'att_out'}).apply(hidden));
    const m = lib.model({inputs: [encIn, decIn], outputs: out});
    m.compile({optimizer: lib.train.sgd(0.5), loss: 'categoricalCrossentropy'});
    return m;
  };
  const ref = build(tfjs), ours = build(tf);
  // tfjs's layer order (by depth from the outputs, then traversal order) is the weight order.
  assert.deepEqual(ours.layers.map(l => l.name), ref.layers.map(l => l.name));
  sameWeights(ref, ours);
  // Inputs padded with zeros at the end, as the example's date strings are.
  const enc = [[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6], [7, 7, 2, 9, 0, 0], [5, 1, 0, 0, 0, 0]];
  const dec = [[1, 3, 4, 0, 0], [1, 6, 5, 4, 3], [1, 9, 2, 0, 0], [1, 5, 0, 0, 0]];
  const target = dec.map(row => row.map((_, t) => Array.from({length: 10}, (__, k) => (k === (row[t + 1] || 0) ? 1 : 0))));
  const hr = await ref.fit([tfjs.tensor2d(enc), tfjs.tensor2d(dec)], tfjs.tensor3d(target), {epochs: 4, batchSize: 2, shuffle: false, verbose: 0});
  tf.engine().startScope();
  const ho = await ours.fit([tf.tensor2d(enc), tf.tensor2d(dec)], tf.tensor3d(target), {epochs: 4, batchSize: 2, shuffle: false, verbose: 0});
  const pr = ref.predict([tfjs.tensor2d(enc), tfjs.tensor2d(dec)]);
  const po = ours.predict([tf.tensor2d(enc), tf.tensor2d(dec)]);
  close(Array.from(po.dataSync()), Array.from(pr.dataSync()), 1e-4, 'predictions after training');
  tf.engine().endScope();
  close(ho.history.loss, hr.history.loss, 1e-4, 'loss per epoch');
  close(flat(ours), flat(ref), 1e-4, 'weights after training');
  ours.dispose();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

// addition-rnn's model: an LSTM encoder, repeatVector to the answer's length, an LSTM
// decoder over every step and timeDistributed(dense softmax); fit with validationSplit
// and accuracy, as the example trains it.
test('program: addition-rnn (LSTM, repeatVector, timeDistributed) trains with validationSplit as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const chars = '0123456789+ ';
  const encode = (s, len) => Array.from(s.padEnd(len, ' '), c => chars.split('').map(k => (k === c ? 1 : 0)));
  const pairs = [[12, 7], [3, 45], [60, 18], [9, 9], [31, 27], [5, 70], [44, 44], [2, 1], [88, 3], [17, 26]];
  const xs = pairs.map(([a, b]) => encode(`${a}+${b}`, 5)), ys = pairs.map(([a, b]) => encode(String(a + b), 3));
  const build = lib => {
    const m = lib.sequential();
    m.add(lib.layers.lstm({units: 10, inputShape: [5, chars.length], name: 'ar_enc'}));
    m.add(lib.layers.repeatVector({n: 3, name: 'ar_repeat'}));
    m.add(lib.layers.lstm({units: 10, returnSequences: true, name: 'ar_dec'}));
    m.add(lib.layers.timeDistributed({layer: lib.layers.dense({units: chars.length, name: 'ar_dense'}), name: 'ar_td'}));
    m.add(lib.layers.activation({activation: 'softmax', name: 'ar_softmax'}));
    m.compile({loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy']});
    return m;
  };
  const ref = build(tfjs), ours = build(tf);
  sameWeights(ref, ours);
  const args = {epochs: 3, batchSize: 4, validationSplit: 0.2, shuffle: false, verbose: 0};
  const hr = await ref.fit(tfjs.tensor3d(xs), tfjs.tensor3d(ys), args);
  tf.engine().startScope();
  const ho = await ours.fit(tf.tensor3d(xs), tf.tensor3d(ys), args);
  const guess = m => Array.from(m.predict(m === ours ? tf.tensor3d([encode('12+7', 5)]) : tfjs.tensor3d([encode('12+7', 5)]))
                                 .argMax(-1).dataSync());
  assert.deepEqual(guess(ours), guess(ref), 'the same answer digits');
  tf.engine().endScope();
  assert.deepEqual(Object.keys(ho.history).sort(), Object.keys(hr.history).sort());
  for (const key of Object.keys(hr.history)) close(ho.history[key], hr.history[key], 1e-4, `history.${key}`);
  close(flat(ours), flat(ref), 1e-4, 'weights after training');
  ours.dispose();
  assert.equal(tf.memory().numTensors, start);
});

// iris's loop: dense layers, validationData, earlyStopping on val_loss and a callback
// collecting the epoch logs; then evaluate.
test('program: an iris-style classifier stops early on val_loss at the same epoch as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => {
    const m = lib.sequential({layers: [
      lib.layers.dense({units: 10, activation: 'sigmoid', inputShape: [4], name: 'iris_hidden'}),
      lib.layers.dense({units: 3, activation: 'softmax', name: 'iris_out'}),
    ]});
    m.compile({optimizer: lib.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy']});
    return m;
  };
  const ref = build(tfjs), ours = build(tf);
  sameWeights(ref, ours);
  const sample = i => [5 + Math.sin(i), 3 + Math.cos(i * 1.3), 1 + (i % 3) * 2 + 0.3 * Math.sin(i * 7), 0.2 + (i % 3) * 0.9];
  const x = Array.from({length: 24}, (_, i) => sample(i)), y = x.map((_, i) => [0, 1, 2].map(c => (c === i % 3 ? 1 : 0)));
  const vx = Array.from({length: 6}, (_, i) => sample(i + 100)), vy = vx.map((_, i) => [0, 1, 2].map(c => (c === (i + 101) % 3 ? 1 : 0)));
  const run = async lib => {
    const seen = [];
    const h = await (lib === tf ? ours : ref).fit(lib.tensor2d(x), lib.tensor2d(y), {
      epochs: 40, batchSize: 8, shuffle: false, verbose: 0, validationData: [lib.tensor2d(vx), lib.tensor2d(vy)],
      callbacks: [lib.callbacks.earlyStopping({monitor: 'val_loss', patience: 2}),
                  new lib.CustomCallback({onEpochEnd: async (epoch, logs) => { seen.push([epoch, logs.loss, logs.val_loss]); }})],
    });
    const ev = (lib === tf ? ours : ref).evaluate(lib.tensor2d(vx), lib.tensor2d(vy));
    return {h, seen, ev: ev.map(t => t.dataSync()[0])};
  };
  const r = await run(tfjs);
  tf.engine().startScope();
  const o = await run(tf);
  tf.engine().endScope();
  assert.ok(r.h.epoch.length < 40, `tfjs stopped early (after ${r.h.epoch.length} epochs)`);
  assert.deepEqual(o.h.epoch, r.h.epoch, 'the same epochs run');
  for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) close(o.h.history[key], r.h.history[key], 1e-4, `history.${key}`);
  assert.deepEqual(o.seen.map(s => s[0]), r.seen.map(s => s[0]));
  close(o.seen.flatMap(s => s.slice(1)), r.seen.flatMap(s => s.slice(1)), 1e-4, 'the callback\'s logs');
  close(o.ev, r.ev, 1e-4, 'evaluate');
  ours.optimizer.dispose();  // the user's optimizer: model.dispose() leaves it, as tfjs does
  ours.dispose();
  assert.equal(tf.memory().numTensors, start);
});

// sentiment's shape: padded token ids through Embedding, a bidirectional GRU and a
// sigmoid, trained from a tf.data pipeline (zip, batch) with fitDataset, then
// evaluateDataset.
test('program: a text classifier trains from tf.data with fitDataset as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  const build = lib => {
    const m = lib.sequential({layers: [
      lib.layers.embedding({inputDim: 20, outputDim: 4, inputLength: 6, name: 'snt_emb'}),
      lib.layers.bidirectional({layer: lib.layers.gru({units: 5, name: 'snt_gru'}), mergeMode: 'concat', name: 'snt_bi'}),
      lib.layers.dense({units: 1, activation: 'sigmoid', name: 'snt_out'}),
    ]});
    m.compile({optimizer: lib.train.rmsprop(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy']});
    return m;
  };
  const ref = build(tfjs), ours = build(tf);
  sameWeights(ref, ours);
  const texts = Array.from({length: 10}, (_, i) => Array.from({length: 6}, (_, t) => (t < 3 + (i % 4) ? 1 + (i * 7 + t * 3) % 19 : 0)));
  const labels = texts.map(row => (row.filter(v => v > 9).length >= 2 ? 1 : 0));
  const dataset = lib => lib.data.zip({xs: lib.data.array(texts), ys: lib.data.array(labels.map(v => [v]))}).batch(4);
  const hr = await ref.fitDataset(dataset(tfjs), {epochs: 3, verbose: 0});
  const er = await ref.evaluateDataset(dataset(tfjs));
  tf.engine().startScope();
  const ho = await ours.fitDataset(dataset(tf), {epochs: 3, verbose: 0});
  const eo = await ours.evaluateDataset(dataset(tf));
  close(eo.map(t => t.dataSync()[0]), er.map(t => t.dataSync()[0]), 1e-4, 'evaluateDataset');
  tf.engine().endScope();
  for (const key of ['loss', 'acc']) close(ho.history[key], hr.history[key], 1e-4, `history.${key}`);
  close(flat(ours), flat(ref), 1e-4, 'weights after training');
  ours.optimizer.dispose();  // the user's optimizer: model.dispose() leaves it, as tfjs does
  ours.dispose();
  assert.equal(tf.memory().numTensors, start);
});
