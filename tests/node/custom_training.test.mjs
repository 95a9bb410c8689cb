// Custom training over layers models, as tfjs programs write it (issue: "Real tfjs
// programs run unchanged"): layer weights as tf.Variables seen by tf.grad /
// variableGrads / minimize / applyGradients, second-order gradients, frozen nested
// models, the functional graph (model.inputs, layer.output) for transfer learning,
// nested models on higher-rank inputs, weight names, custom losses and metrics.
// Each case runs the same program here and in @tensorflow/tfjs and compares.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, heldSymbols, loadTfjs, tf} from './helpers.mjs';

const close = (a, b, tol = 1e-5, what = '') => assertAllClose(a, b, what, tol);
const values = t => Array.from(t.dataSync());
const {sym, release: releaseSymbols} = heldSymbols();

// The same small MLP in both libraries, ours with tfjs's initial weights.
function mlp(lib, prefix, {inDim = 3, hidden = 4, act = 'tanh'} = {}) {
  return lib.sequential({layers: [
    lib.layers.dense({units: hidden, inputShape: [inDim], activation: act, name: `${prefix}_h`}),
    lib.layers.dense({units: 1, name: `${prefix}_o`}),
  ]});
}
function copyWeights(from, to) {
  to.setWeights(from.getWeights().map(w => tf.tensor(Array.from(w.dataSync()), w.shape)));
}
const X = [[0.1, -0.4, 0.7], [0.5, 0.2, -0.3], [-0.8, 0.9, 0.05], [0.3, 0.3, 0.3]];
const Y = [[0.5], [-0.2], [0.9], [0.1]];

test('item 1: model weights are tf.Variables that variableGrads, minimize and applyGradients see', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  const ref = mlp(tfjs, 'vg'), ours = mlp(tf, 'vg');
  copyWeights(ref, ours);
  const [xr, xo] = [tfjs.tensor2d(X), tf.tensor2d(X)];

  // variableGrads with no list: one gradient per trainable weight, as tfjs.
  const r = tfjs.variableGrads(() => ref.predict(xr).sum());
  const o = tf.variableGrads(() => ours.predict(xo).sum());
  assert.deepEqual(Object.keys(o.grads).sort(), Object.keys(r.grads).sort());
  assert.deepEqual(Object.keys(o.grads).sort(), ['vg_h/bias', 'vg_h/kernel', 'vg_o/bias', 'vg_o/kernel']);
  for (const k of Object.keys(r.grads)) close(values(o.grads[k]), values(r.grads[k]), 1e-5, k);
  close(values(o.value), values(r.value), 1e-5, 'value');
  tf.dispose([o.value, ...Object.values(o.grads)]);

  // The weights are tf.Variables with tfjs's names; trainableWeights (LayerVariables) work as a varList too.
  const vars = ours.trainableWeights.map(w => w.read());
  assert.ok(vars.every(v => v instanceof tf.Variable));
  assert.deepEqual(vars.map(v => v.name), ref.trainableWeights.map(w => w.read().name));
  const o2 = tf.variableGrads(() => ours.predict(xo).sum(), ours.trainableWeights);
  assert.equal(Object.keys(o2.grads).length, 4);
  tf.dispose([o2.value, ...Object.values(o2.grads)]);

  // minimize: a custom training loop over a layers model trains as tfjs's does.
  const [optR, optO] = [tfjs.train.sgd(0.1), tf.train.sgd(0.1)];
  const [yr, yo] = [tfjs.tensor2d(Y), tf.tensor2d(Y)];
  for (let step = 0; step < 3; step++) {
    const lr = optR.minimize(() => tfjs.losses.meanSquaredError(yr, ref.predict(xr)), true);
    const lo = optO.minimize(() => tf.mean(tf.square(tf.sub(yo, ours.predict(xo)))), true);
    close(values(lo), values(lr), 1e-5, `loss at step ${step}`);
    lr.dispose();
    lo.dispose();
  }
  ref.getWeights().forEach((w, i) => close(values(ours.getWeights()[i]), values(w), 1e-5, `weight ${i} after minimize`));

  // applyGradients over variableGrads of the model (cart-pole's policy gradient).
  const before = ours.getWeights().map(values);
  const gR = tfjs.variableGrads(() => ref.predict(xr).mean());
  const gO = tf.variableGrads(() => ours.predict(xo).mean());
  tfjs.train.sgd(0.5).applyGradients(gR.grads);
  tf.train.sgd(0.5).applyGradients(gO.grads);
  const after = ours.getWeights().map(values);
  assert.equal(after.filter((w, i) => w.some((v, j) => v !== before[i][j])).length, 4, 'every weight changes');
  ref.getWeights().forEach((w, i) => close(after[i], values(w), 1e-5, `weight ${i} after applyGradients`));
  tf.dispose([gO.value, ...Object.values(gO.grads)]);

  // tfjs's errors: nothing connected; no trainable variable.
  assert.throws(() => tf.variableGrads(() => tf.scalar(1).square(), ours.trainableWeights), /Cannot find a connection/);
  ours.trainable = false;
  assert.throws(() => tf.variableGrads(() => ours.predict(xo).sum(), ours.weights), /none of the 4 variables is trainable/);
  ours.trainable = true;

  tf.dispose([xo, yo]);
  ours.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 2: second-order gradients are computed (never zeros) and agree with tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  // The reproduction: d2/dx2 of x^3 = 6x.
  const g2 = tf.grad(x => tf.grad(y => y.square().mul(y))(x))(tf.tensor1d([2, 3]));
  assert.deepEqual(values(g2), [12, 18]);
  g2.dispose();

  // d2/dx2 of op(x)*x against central differences of the first derivative (itself
  // checked against tfjs elsewhere). tfjs is not the oracle here: it treats saved
  // outputs as constants, e.g. its d2/dx2 of x*exp(x) misses the x*exp(x) term.
  const xs = [0.3, 0.8, 1.7];
  const firstAt = (op, x) => tf.tidy(() => values(tf.grad(y => tf[op](y).mul(y))(tf.tensor1d(x))));
  const unary = ['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'sin', 'cos', 'square', 'reciprocal', 'atan', 'softplus',
                 'elu', 'selu', 'relu', 'abs', 'neg', 'rsqrt', 'log1p', 'expm1', 'asinh', 'sinh', 'cosh', 'erf', 'tan',
                 'asin', 'acos', 'atanh', 'softsign', 'logSigmoid'].filter(op => typeof tf[op] === 'function');
  assert.ok(unary.length >= 25);
  const h = 1e-2;
  for (const op of unary) {
    const x = ['asin', 'acos', 'atanh', 'tan'].includes(op) ? xs.map(v => v / 3) : xs;
    const up = firstAt(op, x.map(v => v + h)), down = firstAt(op, x.map(v => v - h));
    const want = up.map((u, i) => (u - down[i]) / (2 * h));
    const got = tf.grad(v => tf.grad(y => tf[op](y).mul(y))(v))(tf.tensor1d(x));
    close(values(got), want, 3e-3, `d2 ${op}(x)*x`);
    got.dispose();
  }
  // Where tfjs is right (outputs not reused by the rule), it agrees.
  for (const op of ['square', 'sin', 'log', 'atan']) {
    const want = values(tfjs.grad(x => tfjs.grad(y => tfjs[op](y).mul(y))(x))(tfjs.tensor1d(xs)));
    const got = tf.grad(x => tf.grad(y => tf[op](y).mul(y))(x))(tf.tensor1d(xs));
    close(values(got), want, 1e-4, `d2 ${op}(x)*x vs tfjs`);
    got.dispose();
  }
  // Through matMul, softmax, sum/mean and broadcasting; third order too.
  const w = [[0.2, -0.5], [0.7, 0.1]];
  const f = lib => x => lib.softmax(lib.matMul(x, lib.tensor2d(w)).tanh()).mul(lib.tensor1d([1, -2])).sum();
  const penaltyAt = x => tf.tidy(() => values(tf.grad(f(tf))(tf.tensor2d([x])).square().sum())[0]);
  const x0 = [0.3, -0.6];
  const wantMat = x0.map((_, i) => {
    const up = x0.slice(), down = x0.slice();
    up[i] += h;
    down[i] -= h;
    return (penaltyAt(up) - penaltyAt(down)) / (2 * h);
  });
  const gotMat = tf.grad(x => tf.grad(f(tf))(x).square().sum())(tf.tensor2d([x0]));
  close(values(gotMat), wantMat, 3e-3, 'gradient penalty through matMul/tanh/softmax');
  gotMat.dispose();
  const g3 = tf.grad(a => tf.grad(b => tf.grad(c => c.pow(tf.scalar(4)))(b))(a))(tf.tensor1d([1, 2]));
  close(values(g3), [24, 48], 1e-4, 'third order of x^4');
  g3.dispose();

  // A gradient penalty over a layers model (WGAN-GP): variableGrads of |d model / dx|^2
  // (relu layers: rules that reuse no outputs, where tfjs's second order is right).
  const ref = mlp(tfjs, 'gp', {act: 'relu'}), ours = mlp(tf, 'gp', {act: 'relu'});
  copyWeights(ref, ours);
  const penalty = (lib, m) => () => lib.grad(x => m.predict(x).sum())(lib.tensor2d(X)).square().sum();
  const r = tfjs.variableGrads(penalty(tfjs, ref), ref.trainableWeights.map(v => v.read()));
  const o = tf.variableGrads(penalty(tf, ours), ours.trainableWeights.map(v => v.read()));
  assert.deepEqual(Object.keys(o.grads).sort(), Object.keys(r.grads).sort());
  for (const k of Object.keys(r.grads)) close(values(o.grads[k]), values(r.grads[k]), 1e-4, `penalty gradient ${k}`);
  tf.dispose([o.value, ...Object.values(o.grads)]);

  // A rule the engine cannot differentiate again throws instead of returning zeros.
  const x4 = tf.ones([1, 4, 4, 1]);
  assert.throws(() => tf.grad(x => tf.grad(y => tf.maxPool(y, 2, 2, 'valid').sum())(x).square().sum())(x4),
                /second-order gradient through 'MaxPoolGrad' is not supported/);
  // avgPool (A) is linear, so its gradient's gradient is exact: for f = sum(A(y)^2),
  // d/dy sum(df/dy) = 2 A^T A 1 = 2 * 0.25 = 0.5 at every pixel of 2x2 windows.
  // (tfjs cannot: "gradient function not found for AvgPoolGrad".)
  assert.throws(() => tfjs.grad(x => tfjs.grad(y => tfjs.avgPool(y, 2, 2, 'valid').square().sum())(x).sum())(tfjs.ones([1, 4, 4, 1])),
                /AvgPoolGrad/);
  const gAvg = tf.grad(x => tf.grad(y => tf.avgPool(y, 2, 2, 'valid').square().sum())(x).sum())(x4);
  close(values(gAvg), new Array(16).fill(0.5), 1e-6, 'avgPool second order');
  tf.dispose([x4, gAvg]);
  assert.deepEqual(values(tf.add(tf.ones([3]), 1)), [2, 2, 2], 'the module still works');
  ours.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 4: a frozen discriminator inside a combined (GAN) model does not train, as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  const build = (lib, p) => {
    const d = lib.sequential({layers: [lib.layers.dense({units: 1, inputShape: [2], name: `${p}_d`})]});
    d.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    const g = lib.sequential({layers: [lib.layers.dense({units: 2, inputShape: [3], name: `${p}_g`})]});
    d.trainable = false;
    const z = sym(lib.input({shape: [3]}));
    const combined = lib.model({inputs: z, outputs: sym(d.apply(sym(g.apply(z))))});
    combined.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    return {d, g, combined};
  };
  const R = build(tfjs, 'gan'), O = build(tf, 'gan');
  O.d.setWeights(R.d.getWeights().map(w => tf.tensor(Array.from(w.dataSync()), w.shape)));
  O.g.setWeights(R.g.getWeights().map(w => tf.tensor(Array.from(w.dataSync()), w.shape)));
  for (const k of ['trainableWeights', 'nonTrainableWeights']) {
    assert.deepEqual(O.combined[k].map(w => w.name), R.combined[k].map(w => w.name), k);
  }
  assert.equal(O.combined.trainableWeights.length, 2);
  assert.equal(O.d.trainableWeights.length, R.d.trainableWeights.length);
  assert.equal(O.d.layers[0].trainable, R.d.layers[0].trainable);

  const dBefore = values(O.d.getWeights()[0]);
  const lr = await R.combined.trainOnBatch(tfjs.ones([4, 3]), tfjs.ones([4, 1]));
  const lo = await O.combined.trainOnBatch(tf.ones([4, 3]), tf.ones([4, 1]));
  close([lo], [lr], 1e-5, 'combined loss');
  assert.deepEqual(values(O.d.getWeights()[0]), dBefore, 'the frozen discriminator keeps its weights');
  close(values(O.g.getWeights()[0]), values(R.g.getWeights()[0]), 1e-5, 'the generator trains as in tfjs');

  // tfjs refuses to train a model whose weights are all frozen; so do we (never a silent no-op).
  await assert.rejects(() => R.d.trainOnBatch(tfjs.ones([4, 2]), tfjs.ones([4, 1])), /none of the 2 variables is trainable/);
  await assert.rejects(() => O.d.trainOnBatch(tf.ones([4, 2]), tf.ones([4, 1])), /none of the 2 variables is trainable/);
  // Unfrozen, the discriminator trains again.
  O.d.trainable = true;
  await O.d.trainOnBatch(tf.ones([4, 2]), tf.ones([4, 1]));
  assert.notDeepEqual(values(O.d.getWeights()[0]), dBefore);
  assert.equal(O.combined.trainableWeights.length, 4);
  O.combined.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 5: model.inputs/outputs and layer.output are SymbolicTensors: transfer learning by truncating a model', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  const build = lib => {
    const inp = sym(lib.input({shape: [3], name: 'tl_in'}));
    const h = sym(lib.layers.dense({units: 5, activation: 'relu', name: 'tl_h'}).apply(inp));
    const feat = sym(lib.layers.dense({units: 4, activation: 'tanh', name: 'tl_feat'}).apply(h));
    const out = sym(lib.layers.dense({units: 2, activation: 'softmax', name: 'tl_out'}).apply(feat));
    return lib.model({inputs: inp, outputs: out});
  };
  const ref = build(tfjs), base = build(tf);
  copyWeights(ref, base);
  assert.ok(base.inputs[0] instanceof tf.SymbolicTensor);
  assert.deepEqual(base.inputs[0].shape, ref.inputs[0].shape);
  assert.deepEqual(base.outputs[0].shape, ref.outputs[0].shape);
  assert.deepEqual(base.inputLayers.map(l => l.name), ref.inputLayers.map(l => l.name));
  assert.deepEqual(base.outputLayers.map(l => l.name), ref.outputLayers.map(l => l.name));
  const layer = base.getLayer('tl_feat');
  assert.deepEqual(layer.output.shape, [null, 4]);
  assert.deepEqual(layer.input.shape, [null, 5]);
  assert.equal(layer.output.sourceLayer, layer);
  assert.equal(layer.inboundNodes.length, ref.getLayer('tl_feat').inboundNodes.length);
  assert.deepEqual(layer.inboundNodes[0].inboundLayers.map(l => l.name), ['tl_h']);
  assert.deepEqual(layer.outboundNodes.map(n => n.outboundLayer.name), ['tl_out']);

  // The idiom: a feature extractor from a trained model, then a new head trained on top.
  const truncR = tfjs.model({inputs: ref.inputs, outputs: ref.getLayer('tl_feat').output});
  const trunc = tf.model({inputs: base.inputs, outputs: base.getLayer('tl_feat').output});
  close(values(trunc.predict(tf.tensor2d(X))), values(truncR.predict(tfjs.tensor2d(X))), 1e-5, 'truncated model');
  const headR = tfjs.layers.dense({units: 1, name: 'tl_head'}).apply(truncR.outputs[0]);
  const head = sym(tf.layers.dense({units: 1, name: 'tl_head'}).apply(trunc.outputs[0]));
  const newR = tfjs.model({inputs: truncR.inputs, outputs: headR});
  const mine = tf.model({inputs: trunc.inputs, outputs: head});
  mine.getLayer('tl_head').setWeights(newR.getLayer('tl_head').getWeights().map(w => tf.tensor(Array.from(w.dataSync()), w.shape)));
  for (const lib of [tfjs, tf]) {
    for (const name of ['tl_h', 'tl_feat']) (lib === tf ? mine : newR).getLayer(name).trainable = false;
  }
  newR.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  mine.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const hr = await newR.fit(tfjs.tensor2d(X), tfjs.tensor2d(Y), {epochs: 3, shuffle: false, verbose: 0});
  const ho = await mine.fit(tf.tensor2d(X), tf.tensor2d(Y), {epochs: 3, shuffle: false, verbose: 0});
  close(ho.history.loss, hr.history.loss, 1e-5, 'head training loss');
  close(values(base.getLayer('tl_feat').getWeights()[0]), values(ref.getLayer('tl_feat').getWeights()[0]), 1e-6, 'frozen base');

  // A loaded model (built by the loader) and a Sequential expose the same graph.
  const artifacts = await new Promise(resolve => base.save(tf.io.withSaveHandler(async a => { resolve(a); return {}; })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const fromLoaded = tf.model({inputs: loaded.inputs, outputs: loaded.getLayer('tl_feat').output});
  close(values(fromLoaded.predict(tf.tensor2d(X))), values(truncR.predict(tfjs.tensor2d(X))), 1e-5, 'truncated loaded model');
  const seq = mlp(tf, 'tls');
  const seqTrunc = tf.model({inputs: seq.inputs, outputs: seq.layers[0].output});
  assert.deepEqual(seqTrunc.outputs[0].shape, [null, 4]);

  // A layer applied twice: .output is ill-defined (tfjs's error); getOutputAt picks a node.
  const shared = tf.layers.dense({units: 2, name: 'tl_shared'});
  const a = sym(tf.input({shape: [3]})), b = sym(tf.input({shape: [3]}));
  const [oa, ob] = sym([shared.apply(a), shared.apply(b)]);
  assert.throws(() => shared.output, /multiple inbound nodes/);
  assert.equal(shared.getOutputAt(1).name, ob.name);
  assert.equal(shared.getInputAt(0).name, a.name);
  assert.notEqual(oa.name, ob.name);
  assert.throws(() => tf.layers.dense({units: 1}).output, /not connected/);

  for (const m of [mine, loaded, seq, fromLoaded, seqTrunc, trunc, base, shared]) m.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 6: a nested model applies to a higher-rank input, as in tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  const build = lib => {
    const inner = lib.sequential({layers: [lib.layers.dense({units: 4, inputShape: [3], name: 'hr_d'})]});
    const x = sym(lib.input({shape: [2, 3]}));
    const y = sym(inner.apply(x));
    return {inner, outer: lib.model({inputs: x, outputs: y}), y};
  };
  const R = build(tfjs), O = build(tf);
  assert.deepEqual(O.y.shape, R.y.shape);
  assert.deepEqual(O.y.shape, [null, 2, 4]);
  copyWeights(R.inner, O.inner);
  const data = [[[1, 2, 3], [4, 5, 6]]];
  close(values(O.outer.predict(tf.tensor3d(data))), values(R.outer.predict(tfjs.tensor3d(data))), 1e-5, 'outer predict');
  // The inner layer still checks what it can take: a wrong last dimension fails clearly.
  assert.throws(() => O.inner.apply(sym(tf.input({shape: [2, 5]}))), /expected axis -1 of input shape to have value 3/);
  O.outer.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 7: getWeights() returns named tf.Variables (tfjs names), disposable without harm', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  const ref = tfjs.sequential({layers: [tfjs.layers.dense({units: 2, inputShape: [3], name: 'd'})]});
  const ours = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3], name: 'd'})]});
  assert.deepEqual(ours.getWeights().map(w => w.name), ref.getWeights().map(w => w.name));
  assert.deepEqual(ours.getWeights().map(w => w.name), ['d/kernel', 'd/bias']);
  assert.deepEqual(ours.layers[0].getWeights().map(w => w.name), ['d/kernel', 'd/bias']);
  assert.deepEqual(ours.weights.map(w => [w.name, w.shape, w.dtype, w.trainable]),
                   ref.weights.map(w => [w.name, w.shape, w.dtype, w.trainable]));
  const w = ours.getWeights();
  tf.dispose(w);
  assert.equal(ours.predict(tf.ones([1, 3])).shape[1], 2, 'the model is intact');
  // LayerVariable.trainable is the engine's flag, both ways.
  ours.weights[1].trainable = false;
  assert.deepEqual(ours.trainableWeights.map(v => v.name), ['d/kernel']);
  ours.weights[1].trainable = true;
  ours.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});

test('item 8: compile takes custom loss and metric functions and trains as tfjs', async () => {
  const tfjs = await loadTfjs();
  const start = tf.memory().numTensors;
  tf.engine().startScope();  // the inputs made inline below
  // simple-object-detection's shape of custom loss: a weighted sum of two terms.
  const lossOf = lib => function customLoss(yTrue, yPred) {
    return lib.tidy(() => lib.add(lib.mean(lib.abs(lib.sub(yTrue, yPred)), -1),
                                  lib.mul(lib.scalar(0.5), lib.mean(lib.square(lib.sub(yTrue, yPred)), -1))));
  };
  const metricOf = lib => function maxError(yTrue, yPred) { return lib.max(lib.abs(lib.sub(yTrue, yPred)), -1); };
  const ref = mlp(tfjs, 'cl'), ours = mlp(tf, 'cl');
  copyWeights(ref, ours);
  const adam = tf.train.adam(0.05);  // its moments are tensors of its own, freed by its dispose()
  ref.compile({optimizer: tfjs.train.adam(0.05), loss: lossOf(tfjs), metrics: [metricOf(tfjs), 'mae']});
  ours.compile({optimizer: adam, loss: lossOf(tf), metrics: [metricOf(tf), 'mae']});
  const hr = await ref.fit(tfjs.tensor2d(X), tfjs.tensor2d(Y), {epochs: 6, batchSize: 2, shuffle: false, verbose: 0});
  const ho = await ours.fit(tf.tensor2d(X), tf.tensor2d(Y), {epochs: 6, batchSize: 2, shuffle: false, verbose: 0});
  assert.deepEqual(Object.keys(ho.history).sort(), Object.keys(hr.history).sort());
  for (const k of Object.keys(hr.history)) close(ho.history[k], hr.history[k], 1e-4, k);
  const er = ref.evaluate(tfjs.tensor2d(X), tfjs.tensor2d(Y));
  const eo = ours.evaluate(tf.tensor2d(X), tf.tensor2d(Y));
  close(eo.map(values).flat(), er.map(values).flat(), 1e-4, 'evaluate');
  tf.dispose(eo);
  // A loss per output (array form) mixing a name and a function.
  const two = tf.model({inputs: ours.inputs, outputs: [ours.outputs[0], ours.layers[0].output]});
  two.compile({optimizer: 'sgd', loss: ['meanSquaredError', lossOf(tf)]});
  const l2 = await two.trainOnBatch(tf.tensor2d(X), [tf.tensor2d(Y), tf.zeros([4, 4])]);
  assert.equal(l2.length, 3);

  // Errors from the user's function reach the user unchanged; nothing leaks; the model still trains.
  ours.compile({optimizer: 'sgd', loss: () => { throw new Error('my loss is broken'); }});
  await assert.rejects(() => ours.fit(tf.tensor2d(X), tf.tensor2d(Y), {epochs: 1, verbose: 0}), /my loss is broken/);
  ours.compile({optimizer: 'sgd', loss: () => 3});
  await assert.rejects(() => ours.trainOnBatch(tf.tensor2d(X), tf.tensor2d(Y)), /must return a Tensor/);
  ours.compile({optimizer: 'sgd', loss: lossOf(tf)});
  const l = await ours.trainOnBatch(tf.tensor2d(X), tf.tensor2d(Y));
  assert.ok(Number.isFinite(l));
  two.dispose();
  ours.dispose();
  adam.dispose();
  tf.engine().endScope();
  releaseSymbols();
  assert.equal(tf.memory().numTensors, start);
});
