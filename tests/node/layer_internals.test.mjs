// tfjs 4.22's internals that its typings declare public (issue 16): the backend seam
// (KernelBackend, DataStorage, getGradient, setPlatform, dataId) and the Layer /
// LayersModel members (losses, call hooks, inputSpec, initialWeights, container
// bookkeeping, fitLoop, compiled loss and metric functions), against tfjs.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

await tf.ready();
const tfjs = await loadTfjs();
const LIBS = [['ours', tf], ['tfjs', tfjs]];

const messageOf = fn => {
  try {
    fn();
  } catch (e) {
    return e.message;
  }
  return null;
};

// ---- backend seam -------------------------------------------------------------------------

test('KernelBackend: tfjs\'s methods throw "not yet implemented" as tfjs\'s; tf.backend() is one', () => {
  const methods = ['refCount', 'incRef', 'time', 'read', 'readSync', 'readToGPU', 'numDataIds', 'disposeData', 'write',
                   'move', 'createTensorFromGPUData', 'memory', 'floatPrecision', 'epsilon', 'dispose'];
  const results = LIBS.map(([, lib]) => {
    const kb = new lib.KernelBackend();
    return {timer: kb.timerAvailable(), errors: methods.map(m => messageOf(() => kb[m]({}))),
            active: lib.backend() instanceof lib.KernelBackend};
  });
  assert.deepEqual(results[0], results[1]);
  assert.ok(results[0].errors.every(e => /not yet implemented/.test(e)));
  // A subclass implementing floatPrecision gets tfjs's epsilon.
  class Half extends tf.KernelBackend { floatPrecision() { return 16; } }
  assert.equal(new Half().epsilon(), 1e-4);
  assert.throws(() => tf.registerBackend('mine', () => new Half()), /cannot be registered/);
});

test('DataStorage: get/set/has/delete/numDataIds and moveData on a miss, as tfjs', () => {
  const run = lib => {
    const log = [];
    const storage = new lib.DataStorage(new lib.KernelBackend(), {
      moveData(backend, dataId) {
        log.push(['move', backend instanceof lib.KernelBackend, dataId.id]);
        storage.set(dataId, `moved ${dataId.id}`);
      },
    });
    const a = {id: 1}, b = {id: 2};
    storage.set(a, 'A');
    log.push(storage.has(a), storage.has(b), storage.get(a), storage.numDataIds());
    log.push(storage.get(b), storage.has(b), storage.numDataIds());
    log.push(storage.delete(a), storage.has(a), storage.numDataIds(), storage.delete(a), storage.numDataIds());
    return log;
  };
  assert.deepEqual(run(tf), run(tfjs));
});

test('getGradient: undefined for a kernel without a JS gradient (none are registered here)', () => {
  assert.equal(tf.getGradient('NoSuchKernel'), undefined);
  assert.equal(tfjs.getGradient('NoSuchKernel'), undefined);
  assert.equal(tf.getGradient('MatMul'), undefined);
  assert.throws(() => tf.registerGradient({kernelName: 'MatMul', gradFunc: () => ({})}), /cannot be registered/);
});

test('setPlatform: tf.util.now/fetch/encodeString/decodeString/isTypedArray use the platform set', async () => {
  const run = async lib => {
    const saved = lib.env().platform, savedName = lib.env().platformName;
    const calls = [];
    const platform = {
      fetch: (path, init) => { calls.push(['fetch', path, init]); return Promise.resolve('response'); },
      now: () => { calls.push(['now']); return 42; },
      encode: (text, encoding) => { calls.push(['encode', text, encoding]); return new Uint8Array([7]); },
      decode: (bytes, encoding) => { calls.push(['decode', Array.from(bytes), encoding]); return 'decoded'; },
      isTypedArray: a => { calls.push(['isTypedArray']); return a === 'typed'; },
    };
    const warn = console.warn;
    console.warn = (...args) => calls.push(['warn', args.join(' ')]);
    try {
      lib.setPlatform('mine', platform);
      const out = [lib.env().platformName, lib.env().platform === platform, lib.util.now(),
                   await lib.util.fetch('x.json', {method: 'GET'}), Array.from(lib.util.encodeString('hi')),
                   lib.util.encodeString('hi', 'latin1').length, lib.util.decodeString(new Uint8Array([1, 2]), 'utf-16'),
                   lib.util.isTypedArray('typed'), lib.util.isTypedArray(new Float32Array(1))];
      return {out, calls};
    } finally {
      lib.env().platform = saved;
      lib.env().platformName = savedName;
      console.warn = warn;
    }
  };
  const ours = await run(tf), theirs = await run(tfjs);
  assert.deepEqual(ours, theirs);
  assert.equal(ours.out[2], 42);
  // The default platform is back.
  assert.deepEqual(Array.from(tf.util.encodeString('é')), [195, 169]);
  assert.equal(tf.util.decodeString(new Uint8Array([195, 169])), 'é');
});

test('dataId: an object key, the same on every read, distinct for distinct live tensors', () => {
  const before = tf.memory().numTensors;
  const t = tf.tensor([1, 2, 3]);
  const u = tf.tensor([1, 2, 3]);
  const z = tf.zeros([2]);
  const v = tf.variable(z);
  assert.equal(typeof t.dataId, 'object');
  assert.equal(t.dataId, t.dataId);
  assert.equal(v.dataId, v.dataId);
  assert.notEqual(t.dataId, u.dataId);
  assert.notEqual(t.dataId, v.dataId);
  // As tfjs, a DataStorage can key records by it.
  const storage = new tf.DataStorage(tf.backend(), {moveData() { throw new Error('no move'); }});
  storage.set(t.dataId, 'T');
  assert.equal(storage.get(t.dataId), 'T');
  assert.equal(storage.has(u.dataId), false);
  // Not an enumerable field: tensors compare as before.
  assert.deepEqual(Object.keys(t).includes('dataId'), false);
  tf.dispose([t, u, v, z]);
  assert.equal(tf.memory().numTensors, before);
});

// ---- container bookkeeping ------------------------------------------------------------------

const byNames = depths => Object.fromEntries(Object.entries(depths).map(([d, xs]) => [d, xs.map(x => (x.outboundLayer || x).name)]));

function branchyModel(lib) {
  const inner = lib.sequential({name: 'inner', layers: [lib.layers.dense({units: 2, inputShape: [3], name: 'innerDense'})]});
  const i = lib.input({shape: [3], name: 'in'});
  const a = lib.layers.dense({units: 2, name: 'a'}), b = lib.layers.dense({units: 2, name: 'b'});
  const shared = b.apply(i);
  const y = lib.layers.add({name: 'sum'}).apply([shared, a.apply(b.apply(i))]);
  return lib.model({inputs: i, outputs: [y, lib.layers.dense({units: 1, name: 'head'}).apply(inner.apply(i))]});
}

test('containerNodes, nodesByDepth, layersByDepth, internalContainerRefs: tfjs\'s, by layer names', () => {
  const [ours, theirs] = LIBS.map(([, lib]) => {
    const m = branchyModel(lib);
    const s = lib.sequential({layers: [lib.layers.dense({units: 2, inputShape: [3], name: 'd1'}), lib.layers.dense({units: 1, name: 'd2'})]});
    s.compile({optimizer: 'sgd', loss: 'meanSquaredError'});  // tfjs fills a Sequential's at build
    const node = m.nodesByDepth[1][0];
    return {
      // A nested model's node index differs (tfjs counts the node of its own inputs): compared without it.
      containerNodes: [...m.containerNodes].map(k => k.replace(/^inner_ib-\d$/, 'inner_ib')),
      nodesByDepth: byNames(m.nodesByDepth), layersByDepth: byNames(m.layersByDepth),
      refs: m.internalContainerRefs.map(l => l.name),
      node: {in: node.inboundLayers.map(l => l.name), nodeIndices: node.nodeIndices, tensorIndices: node.tensorIndices,
             inputShapes: node.inputShapes, outputShapes: node.outputShapes, callArgs: node.callArgs,
             inputMasks: node.inputMasks, outputMasks: node.outputMasks, id: typeof node.id},
      sameObjects: m.nodesByDepth === m.nodesByDepth && m.nodesByDepth[2][0] === m.getLayer('b').inboundNodes[0],
      seq: {containerNodes: [...s.containerNodes], nodesByDepth: byNames(s.nodesByDepth), layersByDepth: s.layersByDepth,
            refs: s.internalContainerRefs},
    };
  });
  assert.deepEqual(ours, theirs);
});

test('container bookkeeping follows a Sequential\'s add and pop', () => {
  const s = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3], name: 's1'})]});
  assert.deepEqual(byNames(s.nodesByDepth), {0: ['s1'], 1: ['s1_input']});
  s.add(tf.layers.dense({units: 1, name: 's2'}));
  assert.deepEqual(byNames(s.nodesByDepth), {0: ['s2'], 1: ['s1'], 2: ['s1_input']});
  assert.deepEqual([...s.containerNodes], ['s2_ib-0', 's1_ib-0', 's1_input_ib-0']);
  s.pop();
  assert.deepEqual(byNames(s.nodesByDepth), {0: ['s1'], 1: ['s1_input']});
  s.dispose();
});

// ---- losses: addLoss, losses, calculateLosses, and training with them ------------------------------

function regularizedModel(lib) {
  const m = lib.sequential({layers: [
    lib.layers.dense({units: 2, inputShape: [3], kernelInitializer: 'ones', name: 'd1',
                      kernelRegularizer: lib.regularizers.l2({l2: 0.1}), biasRegularizer: lib.regularizers.l1({l1: 0.2})}),
    lib.layers.dense({units: 1, kernelInitializer: 'ones', name: 'd2'})]});
  m.compile({optimizer: lib.train.sgd(0.01), loss: 'meanSquaredError', metrics: ['mae']});
  return m;
}
const values = ts => ts.map(t => t.dataSync()[0]);

test('losses / calculateLosses: the weight regularizers\' and addLoss() functions, as tfjs', () => {
  const run = lib => {
    const m = regularizedModel(lib);
    const d1 = m.getLayer('d1'), d2 = m.getLayer('d2');
    const out = {before: [d1.losses.length, d2.losses.length, m.losses.length], regs: values(d1.calculateLosses()),
                 model: values(m.calculateLosses())};
    d2.addLoss(() => lib.mul(0.5, lib.sum(lib.square(d2.getWeights()[0]))));
    d2.addLoss([() => lib.scalar(0.25)]);
    d2.addLoss(null);
    d2.addLoss([]);
    m.addLoss(() => lib.scalar(100));  // a model's own losses are not among its layers' (tfjs's Container)
    out.after = [d2.losses.length, m.losses.length, values(d2.calculateLosses()), values(m.calculateLosses())];
    out.sameList = d2.losses === d2.losses;
    return out;
  };
  const ours = run(tf), theirs = run(tfjs);
  assert.deepEqual(ours.before, theirs.before);
  assert.deepEqual(ours.after.slice(0, 2), theirs.after.slice(0, 2));
  assert.equal(ours.sameList, true);
  for (const k of ['regs', 'model']) assert.ok(ours[k].every((v, i) => Math.abs(v - theirs[k][i]) < 1e-6), k);
  ours.after.slice(2).forEach((list, j) => list.forEach((v, i) => assert.ok(Math.abs(v - theirs.after[2 + j][i]) < 1e-6)));
});

test('losses of other layer kinds: conv, batch norm, embedding, separable conv, prelu, timeDistributed, as tfjs', () => {
  const run = lib => {
    const r = lib.regularizers.l2({l2: 0.5});
    const layers = [
      [lib.layers.conv2d({filters: 2, kernelSize: 1, kernelRegularizer: r, kernelInitializer: 'ones'}), [1, 2, 2, 1]],
      [lib.layers.batchNormalization({gammaRegularizer: r, betaRegularizer: r}), [2, 3]],
      [lib.layers.embedding({inputDim: 3, outputDim: 2, embeddingsRegularizer: r, embeddingsInitializer: 'ones'}), [2, 3]],
      [lib.layers.separableConv2d({filters: 2, kernelSize: 1, depthwiseRegularizer: r, pointwiseRegularizer: r,
                                   depthwiseInitializer: 'ones', pointwiseInitializer: 'ones'}), [1, 2, 2, 1]],
      [lib.layers.prelu({alphaRegularizer: r, alphaInitializer: 'ones'}), [2, 3]],
      [lib.layers.timeDistributed({layer: lib.layers.dense({units: 2, kernelRegularizer: r, kernelInitializer: 'ones'})}), [1, 2, 3]],
    ];
    return layers.map(([l, shape]) => {
      const before = l.losses.length;
      lib.dispose(l.apply(lib.ones(shape)));
      return [before, values(l.calculateLosses())];
    });
  };
  const ours = run(tf), theirs = run(tfjs);
  ours.forEach(([before, vals], i) => {
    assert.equal(before, theirs[i][0]);
    assert.equal(vals.length, theirs[i][1].length, `layer ${i}`);
    vals.forEach((v, j) => assert.ok(Math.abs(v - theirs[i][1][j]) < 1e-5, `layer ${i}: ${v} vs ${theirs[i][1][j]}`));
  });
});

test('fit and trainOnBatch add the addLoss() values to the training loss: tfjs\'s trajectory, no leaks', async () => {
  const run = async lib => {
    const m = regularizedModel(lib);
    const d2 = m.getLayer('d2');
    d2.addLoss(() => lib.mul(0.5, lib.sum(lib.square(d2.getWeights()[0]))));
    const x = lib.tensor([[1, 2, 3], [0, 1, 0], [1, 0, 0], [2, 1, 1]]), y = lib.tensor([[1], [0], [2], [1]]);
    const before = lib.memory().numTensors;
    const h = await m.fit(x, y, {epochs: 3, batchSize: 2, shuffle: false, verbose: 0});
    const step = await m.trainOnBatch(x, y);
    const leaked = lib.memory().numTensors - before;
    const weights = m.getWeights().map(w => Array.from(w.dataSync()));
    lib.dispose([x, y]);
    return {history: h.history, step, weights, leaked};
  };
  const ours = await run(tf), theirs = await run(tfjs);
  assert.equal(ours.leaked, 0);
  for (const k of ['loss', 'mae']) {
    ours.history[k].forEach((v, i) => assert.ok(Math.abs(v - theirs.history[k][i]) < 1e-4 * Math.max(1, Math.abs(v)), `${k}[${i}]`));
  }
  ours.step.forEach((v, i) => assert.ok(Math.abs(v - theirs.step[i]) < 1e-4));
  ours.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - theirs.weights[i][j]) < 1e-5)));
});

test('lossFunctions and metricsTensors after compile, as tfjs (Sequential keeps only metricsTensors)', () => {
  const names = list => list.map(([fn, i]) => [fn.name.replace(/\$\d+$/, ''), i]);
  const run = lib => {
    const i = lib.input({shape: [3]});
    const m = lib.model({inputs: i, outputs: [lib.layers.dense({units: 1, name: 'o1'}).apply(i),
                                              lib.layers.dense({units: 4, activation: 'softmax', name: 'o2'}).apply(i)]});
    const before = [m.lossFunctions, m.metricsTensors];
    m.compile({optimizer: 'sgd', loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'], metrics: ['accuracy', 'mse']});
    const s = regularizedModel(lib);
    const c = lib.sequential({layers: [lib.layers.dense({units: 3, inputShape: [2]})]});
    c.compile({optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['acc', 'ce']});
    return {before, losses: m.lossFunctions.map(f => f.name.replace(/\$\d+$/, '')), metrics: names(m.metricsTensors),
            seq: [s.lossFunctions, names(s.metricsTensors)], cat: names(c.metricsTensors)};
  };
  assert.deepEqual(run(tf), run(tfjs));
  // They are tfjs-layers' per-sample functions.
  const yTrue = tf.tensor([[0], [2]]), yPred = tf.tensor([[0.1, 0.2, 0.7], [0.2, 0.3, 0.5]]);
  const i = tf.input({shape: [3]});
  const m = tf.model({inputs: i, outputs: tf.layers.dense({units: 3}).apply(i)});
  m.compile({optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy'});
  const ours = m.lossFunctions[0](yTrue, yPred);
  const ti = tfjs.input({shape: [3]});
  const tm = tfjs.model({inputs: ti, outputs: tfjs.layers.dense({units: 3}).apply(ti)});
  tm.compile({optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy'});
  const theirs = tm.lossFunctions[0](tfjs.tensor([[0], [2]]), tfjs.tensor([[0.1, 0.2, 0.7], [0.2, 0.3, 0.5]]));
  assert.deepEqual(ours.shape, theirs.shape);
  Array.from(ours.dataSync()).forEach((v, k) => assert.ok(Math.abs(v - theirs.dataSync()[k]) < 1e-6));
  tf.dispose([yTrue, yPred, ours]);
});

test('training with addLoss() in a model with weight constraints: a clear Error (they cannot be applied in JS)', async () => {
  const m = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [2], kernelConstraint: 'nonNeg'})]});
  m.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  m.layers[0].addLoss(() => tf.scalar(1));
  const x = tf.ones([2, 2]), y = tf.ones([2, 1]);
  await assert.rejects(m.trainOnBatch(x, y), /weight constraints of layer .*kernelConstraint/);
  tf.dispose([x, y]);
});

// ---- activityRegularizer ------------------------------------------------------------------------------

test('activityRegularizer: kept and serialized; calling the layer throws tfjs\'s NotImplementedError message', () => {
  const run = lib => LIBS.length && ['dense', 'conv2d', 'embedding'].map(f => {
    const args = f === 'dense' ? {units: 2} : f === 'conv2d' ? {filters: 2, kernelSize: 1} : {inputDim: 3, outputDim: 2};
    const l = lib.layers[f]({...args, activityRegularizer: lib.regularizers.l1l2({l1: 0.1, l2: 0.2})});
    const x = f === 'conv2d' ? lib.ones([1, 2, 2, 1]) : lib.ones([1, 3]);
    const eager = messageOf(() => l.apply(x));
    let inp = null, sym = null;
    const symbolic = messageOf(() => { inp = lib.input({shape: x.shape.slice(1)}); sym = l.apply(inp); });
    x.dispose();
    const out = {reg: [l.activityRegularizer.getClassName(), l.activityRegularizer.getConfig()],
                 config: l.getConfig().activityRegularizer, eager, symbolic,
                 none: lib.layers[f](args).activityRegularizer};
    if (lib === tf) [sym, inp, l].forEach(o => o?.dispose());  // the graph the symbolic call made holds the weights
    return out;
  });
  const before = tf.memory().numTensors;
  const ours = run(tf), theirs = run(tfjs);
  assert.equal(tf.memory().numTensors, before);
  // Beyond tfjs, a symbolic call builds (the engine adds the penalty in fit and evaluate).
  ours.forEach((o, i) => {
    assert.equal(o.symbolic, null);
    assert.match(theirs[i].symbolic, /activity regularizer\(s\) is not supported yet/);
  });
  assert.deepEqual(ours.map(o => ({...o, symbolic: null})), theirs.map(o => ({...o, symbolic: null})));
  assert.match(ours[0].eager, /activity regularizer\(s\) is not supported yet/);
});

test('activityRegularizer in fit and evaluate: tf.keras\'s penalty(output) / batch added to the loss (tfjs cannot call such a layer); a tfjs loop as oracle', async () => {
  const build = (lib, withReg) => {
    const reg = (l1, l2) => (withReg ? {activityRegularizer: lib.regularizers.l1l2({l1, l2})} : {});
    const inp = lib.input({shape: [4, 4, 1]});
    const conv = lib.layers.conv2d({filters: 2, kernelSize: 3, activation: 'tanh', name: 'c', ...reg(0.05, 0)}).apply(inp);
    const flat = lib.layers.flatten().apply(conv);
    const hidden = lib.layers.dense({units: 3, activation: 'relu', name: 'h', ...reg(0, 0.1)}).apply(flat);
    const out = lib.layers.dense({units: 1, name: 'o'}).apply(hidden);
    return {model: lib.model({inputs: inp, outputs: withReg ? out : [out, conv, hidden]})};
  };
  const ours = build(tf, true).model, theirs = build(tfjs, false).model;
  const r = (() => { let s = 17; return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5; })();
  const init = theirs.getWeights().map(w => Array.from({length: w.size}, r));
  theirs.setWeights(init.map((v, i) => tfjs.tensor(v, theirs.getWeights()[i].shape)));
  ours.setWeights(init.map((v, i) => tf.tensor(v, ours.getWeights()[i].shape)));
  const xv = Array.from({length: 8 * 16}, r), yv = Array.from({length: 8}, r);
  const x = tf.tensor(xv, [8, 4, 4, 1]), y = tf.tensor(yv, [8, 1]);
  ours.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
  const h = await ours.fit(x, y, {epochs: 2, batchSize: 4, shuffle: false, verbose: 0});
  // The oracle: the same net without regularizers, its penalties added by hand.
  const opt = tfjs.train.sgd(0.1), vars = theirs.trainableWeights.map(v => v.val);
  const lossOf = (xb, yb) => {
    const [o, c, hd] = theirs.apply(xb);
    const n = xb.shape[0];
    return tfjs.addN([tfjs.losses.meanSquaredError(yb, o), tfjs.div(tfjs.mul(0.05, tfjs.sum(tfjs.abs(c))), n),
                      tfjs.div(tfjs.mul(0.1, tfjs.sum(tfjs.square(hd))), n)]);
  };
  const expected = [];
  for (let epoch = 0; epoch < 2; ++epoch) {
    let total = 0;
    for (let b = 0; b < 8; b += 4) {
      const xb = tfjs.tensor(xv.slice(b * 16, (b + 4) * 16), [4, 4, 4, 1]), yb = tfjs.tensor(yv.slice(b, b + 4), [4, 1]);
      const cost = opt.minimize(() => lossOf(xb, yb), true, vars);
      total += cost.dataSync()[0] * 4;
      tfjs.dispose([xb, yb, cost]);
    }
    expected.push(total / 8);
  }
  h.history.loss.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `loss[${i}] ${v} vs ${expected[i]}`));
  const tw = theirs.getWeights().map(w => Array.from(w.dataSync()));
  ours.getWeights().forEach((w, i) => Array.from(w.dataSync()).forEach((v, j) =>
    assert.ok(Math.abs(v - tw[i][j]) < 1e-5, `weight ${i}[${j}] ${v} vs ${tw[i][j]}`)));
  // evaluate counts it (as Keras); predict is the plain forward pass.
  const xt = tfjs.tensor(xv, [8, 4, 4, 1]), yt = tfjs.tensor(yv, [8, 1]);
  const ev = ours.evaluate(x, y, {batchSize: 8});
  const want = lossOf(xt, yt).dataSync()[0];
  assert.ok(Math.abs(ev.dataSync()[0] - want) < 1e-5, `evaluate ${ev.dataSync()[0]} vs ${want}`);
  const p = ours.predict(x), pt = theirs.predict(xt)[0];
  Array.from(p.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - pt.dataSync()[i]) < 1e-5));
  // Saved and loaded with it: the loaded model's evaluate agrees.
  const saved = ours.toJSON(null, false);
  assert.deepEqual(saved.config.layers.find(l => l.name === 'h').config.activity_regularizer,
                   {class_name: 'L1L2', config: {l1: 0, l2: 0.1}});
  const loaded = await tf.models.modelFromJSON(saved);
  loaded.setWeights(ours.getWeights());
  loaded.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const ev2 = loaded.evaluate(x, y, {batchSize: 8});
  assert.ok(Math.abs(ev2.dataSync()[0] - ev.dataSync()[0]) < 1e-6);
  // A model trained by the JS step (addLoss) cannot add it: an Error, not a loss without it.
  loaded.getLayer('o').addLoss(() => tf.scalar(0));
  await assert.rejects(loaded.fit(x, y, {verbose: 0}), /cannot add the activity regularizer of layer c/);
  tf.dispose([x, y, ev, ev2, p]);
  tfjs.dispose([xt, yt]);
  ours.dispose();
  loaded.dispose();
});

// ---- call hooks -----------------------------------------------------------------------------------------

test('setCallHook / clearCallHook: called with the inputs and kwargs on each call, for the classes tfjs calls it from', () => {
  const run = lib => {
    const calls = [];
    const hook = name => (inputs, kwargs) => calls.push([name, Array.isArray(inputs) ? inputs.map(t => t.shape) : inputs.shape, kwargs]);
    const dense = lib.layers.dense({units: 2}), flatten = lib.layers.flatten(), conv = lib.layers.conv2d({filters: 1, kernelSize: 1});
    const pool = lib.layers.maxPooling2d({poolSize: 1});
    [dense, flatten, conv, pool].forEach(l => l.setCallHook(hook(l.getClassName())));
    const x = lib.ones([2, 3]), img = lib.ones([1, 2, 2, 1]);
    const outs = [dense.apply(x), dense.apply(x, {training: true}), flatten.apply(lib.ones([2, 2, 2])), conv.apply(img),
                  pool.apply(img)];
    dense.apply(lib.input({shape: [3]}));  // symbolic: no call
    dense.clearCallHook();
    outs.push(dense.apply(x));
    lib.dispose([...outs, x, img]);
    return calls;
  };
  assert.deepEqual(run(tf), run(tfjs));
});

test('a custom layer calls invokeCallHook itself; a model run by the engine refuses hooked inner layers', () => {
  class Hooked extends tf.layers.Layer {
    call(inputs, kwargs) {
      this.invokeCallHook(inputs, kwargs);
      return inputs;
    }
    static get className() { return 'HookedInternals'; }
  }
  const seen = [];
  const custom = new Hooked({});
  custom.setCallHook((inputs, kwargs) => seen.push(kwargs));
  const x = tf.ones([1, 2]);
  tf.dispose(custom.apply(x, {training: true}));
  assert.equal(seen.length, 1);
  // Inside a model, the custom layer's call() still runs in JS: its hook sees the model's calls.
  const holder = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [2]}), custom]});
  tf.dispose(holder.predict(x));
  assert.equal(seen.length, 2);
  const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [2]})]});
  model.layers[0].setCallHook(() => {});
  assert.throws(() => model.predict(x), /has a call hook .* would not be called/);
  model.layers[0].clearCallHook();
  tf.dispose(model.predict(x));
  tf.dispose(x);
});

// ---- inputSpec, initialWeights -------------------------------------------------------------------------

test('inputSpec: tfjs\'s specs before and after build (InputSpec or plain objects, as tfjs writes them)', () => {
  const cases = [
    ['dense', {units: 2}, [3]], ['flatten', {}, [3, 4]], ['repeatVector', {n: 2}, [3]], ['permute', {dims: [2, 1]}, [3, 4]],
    ['conv1d', {filters: 2, kernelSize: 1}, [3, 4]], ['conv2d', {filters: 2, kernelSize: 1, dataFormat: 'channelsFirst'}, [4, 3, 3]],
    ['conv2dTranspose', {filters: 2, kernelSize: 1}, [3, 3, 4]], ['separableConv2d', {filters: 2, kernelSize: 1}, [3, 3, 4]],
    ['depthwiseConv2d', {kernelSize: 1}, [3, 3, 4]], ['maxPooling1d', {}, [4, 2]], ['globalMaxPooling2d', {}, [4, 4, 2]],
    ['lstm', {units: 2}, [3, 2]], ['batchNormalization', {}, [3]], ['prelu', {sharedAxes: [1]}, [3, 4]],
    ['activation', {activation: 'relu'}, [3]],
  ];
  const run = lib => cases.map(([f, args, shape]) => {
    const l = lib.layers[f](args);
    const before = JSON.parse(JSON.stringify(l.inputSpec));
    l.apply(lib.input({shape}));
    const spec = l.inputSpec;
    return [f, before, JSON.parse(JSON.stringify(spec)), spec && spec[0] instanceof lib.InputSpec];
  });
  assert.deepEqual(run(tf), run(tfjs));
});

test('an inputSpec a custom layer sets is checked at apply, with tfjs\'s messages', () => {
  const run = lib => {
    class Checked extends lib.layers.Layer {
      constructor() {
        super({});
        this.inputSpec = [new lib.InputSpec({ndim: 2, axes: {[-1]: 3}})];
      }
      call(inputs) { return inputs; }
      static get className() { return 'CheckedInternals'; }
    }
    const l = new Checked();
    return [messageOf(() => l.apply(lib.input({shape: [3, 1]}))), messageOf(() => l.apply(lib.input({shape: [4]}))),
            messageOf(() => l.apply([lib.input({shape: [3]}), lib.input({shape: [3]})])).split(' Input received')[0],
            l.apply(lib.input({shape: [3]})).shape];
  };
  assert.deepEqual(run(tf), run(tfjs));
});

test('initialWeights: the weights option, set when the layer is built (eager, symbolic, Sequential)', () => {
  const run = lib => {
    const w = () => [lib.tensor([[1], [2]]), lib.tensor([0.5])];
    const eager = lib.layers.dense({units: 1, weights: w()});
    const out = [eager.initialWeights.length, Array.from(eager.apply(lib.tensor([[1, 1]])).dataSync())];
    const symbolic = lib.layers.dense({units: 1, weights: w()});
    const i = lib.input({shape: [2]});
    const m = lib.model({inputs: i, outputs: symbolic.apply(i)});
    out.push(Array.from(m.predict(lib.tensor([[1, 0]])).dataSync()));
    const s = lib.sequential({layers: [lib.layers.dense({units: 1, inputShape: [2], weights: w()})]});
    out.push(Array.from(s.predict(lib.tensor([[0, 1]])).dataSync()), s.initialWeights, lib.layers.dense({units: 1}).initialWeights);
    out.push(messageOf(() => lib.layers.dense({units: 1, name: 'wrongWeights', weights: [lib.ones([2, 1])]}).apply(lib.ones([1, 2]))).split('.')[0]);
    out.push(Object.keys(eager.getConfig()).includes('weights'));
    return out;
  };
  assert.deepEqual(run(tf), run(tfjs));
});

// ---- fitLoop ------------------------------------------------------------------------------------------

test('fitLoop(f, ins, outLabels, ...): tfjs\'s loop over a train function (makeTrainFunction), same trajectory as tfjs and as fit()', async () => {
  const run = async (lib, viaFit) => {
    const m = lib.sequential({layers: [lib.layers.dense({units: 2, inputShape: [3], kernelInitializer: 'ones'}),
                                       lib.layers.dense({units: 1, kernelInitializer: 'ones'})]});
    m.compile({optimizer: lib.train.sgd(0.01), loss: 'meanSquaredError', metrics: ['mae']});
    const x = lib.tensor([[1, 2, 3], [0, 1, 0], [1, 0, 0], [2, 1, 1], [1, 1, 1]]), y = lib.tensor([[1], [0], [2], [1], [3]]);
    const batches = [];
    const cb = new lib.CustomCallback({onBatchEnd: async (batch, logs) => { batches.push({...logs}); }});
    const before = lib.memory().numTensors;
    let h;
    if (viaFit) {
      h = await m.fit(x, y, {batchSize: 2, epochs: 3, verbose: 0, callbacks: [cb], validationData: [x, y], shuffle: false});
    } else {
      const inner = lib === tfjs ? m.model : m;  // tfjs's Sequential trains its inner model
      const valF = data => [].concat(m.evaluate(data[0], data[1]));
      h = await inner.fitLoop(inner.makeTrainFunction(), [x, y], ['loss', 'mae'], 2, 3, 0, [cb], valF, [x, y], false,
                              ['loss', 'mae', 'val_loss', 'val_mae'], 0);
    }
    const leaked = lib.memory().numTensors - before;
    const weights = m.getWeights().map(w => Array.from(w.dataSync()));
    lib.dispose([x, y]);
    return {history: h.history, batches, weights, leaked, params: {...h.params}};
  };
  const ours = await run(tf, false), theirs = await run(tfjs, false), fit = await run(tf, true);
  assert.equal(ours.leaked, 0);
  assert.deepEqual(Object.keys(ours.history).sort(), Object.keys(theirs.history).sort());
  assert.deepEqual(ours.params, theirs.params);
  const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  for (const k of Object.keys(theirs.history)) ours.history[k].forEach((v, i) => close(v, theirs.history[k][i], k));
  ours.batches.forEach((b, i) => Object.keys(b).forEach(k => close(b[k], theirs.batches[i][k], `batch ${i} ${k}`)));
  ours.weights.forEach((w, i) => w.forEach((v, j) => close(v, theirs.weights[i][j], 'weight')));
  // The same steps as our fit().
  for (const k of Object.keys(fit.history)) fit.history[k].forEach((v, i) => close(v, ours.history[k][i], `fit ${k}`));
});

test('fitLoop: a plain train function sees batches of every array in ins; tfjs\'s errors for what it does not do', async () => {
  const run = async lib => {
    const m = lib.sequential({layers: [lib.layers.dense({units: 1, inputShape: [1]})]});
    const a = lib.tensor([[0], [1], [2], [3], [4]]), b = lib.tensor([10, 11, 12, 13, 14]);
    const seen = [];
    const f = data => {
      seen.push(data.map(t => Array.from(t.dataSync())));
      return [lib.sum(data[1])];
    };
    const h = await m.fitLoop(f, [a, b], ['total'], 2, 2, 0, [], null, null, false, ['total']);
    const errors = [];
    for (const args of [[2, 1, 0, [], null, null, 'batch'], [null, 1, 0, [], null, null, false, [], 0, 2],
                        [2, 1, 0, [], null, null, false, [], 0, null, 2], [undefined, 1, 0, [], null, null, false, [], 0, 3]]) {
      errors.push(await m.fitLoop(f, [a, b], ['total'], ...args).then(() => null, e => e.message));
    }
    lib.dispose([a, b]);
    return {seen, history: h.history, errors};
  };
  const ours = await run(tf), theirs = await run(tfjs);
  assert.deepEqual(ours.seen, theirs.seen);
  assert.deepEqual(ours.errors, theirs.errors);
  // tfjs averages the epoch's logs in float32.
  ours.history.total.forEach((v, i) => assert.ok(Math.abs(v - theirs.history.total[i]) < 1e-5));
});

test('a custom layer\'s addWeight() regularizer joins its losses, as tfjs\'s addWeight does', () => {
  const run = lib => {
    class Scaled extends lib.layers.Layer {
      build(inputShape) {
        this.w = this.addWeight('w', [inputShape[inputShape.length - 1]], 'float32', lib.initializers.ones(),
                                lib.regularizers.l1l2({l1: 0.1, l2: 0.2}));
      }
      call(inputs) {
        return lib.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.w.read());
      }
      static get className() { return 'ScaledInternals'; }
    }
    const l = new Scaled({});
    const before = l.losses.length;
    lib.dispose(l.apply(lib.ones([2, 3])));
    const losses = l.calculateLosses();
    const out = [before, l.losses.length, losses.map(t => t.dataSync()[0])];
    lib.dispose(losses);
    return out;
  };
  const ours = run(tf), theirs = run(tfjs);
  assert.deepEqual(ours.slice(0, 2), theirs.slice(0, 2));
  ours[2].forEach((v, i) => assert.ok(Math.abs(v - theirs[2][i]) < 1e-6));
  assert.ok(Math.abs(tf.tidy(() => tf.regularizers.l2({l2: 0.5}).apply(tf.tensor([1, 2])).dataSync()[0]) - 2.5) < 1e-6);
});

test('recurrent layers list their regularizers (the engine trains with them: README) and the host step matches the engine\'s', async () => {
  const r = tf.regularizers.l2({l2: 0.05});
  const build = () => {
    const m = tf.sequential({layers: [
      tf.layers.lstm({units: 2, inputShape: [3, 2], kernelRegularizer: r, recurrentRegularizer: r, name: 'rec'}),
      tf.layers.dense({units: 1, kernelRegularizer: r, name: 'out'})]});
    m.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
    return m;
  };
  const engine = build(), host = build();
  host.setWeights(engine.getWeights());
  assert.deepEqual(host.getLayer('rec').losses.length, 2);
  host.getLayer('out').addLoss(() => tf.scalar(0));  // takes the host step, adding nothing
  const x = tf.randomNormal([6, 3, 2], 0, 1, 'float32', 7), y = tf.randomNormal([6, 1], 0, 1, 'float32', 8);
  const before = tf.memory().numTensors;
  const a = await engine.fit(x, y, {epochs: 3, batchSize: 3, shuffle: false, verbose: 0});
  const b = await host.fit(x, y, {epochs: 3, batchSize: 3, shuffle: false, verbose: 0});
  assert.equal(tf.memory().numTensors, before);
  a.history.loss.forEach((v, i) => assert.ok(Math.abs(v - b.history.loss[i]) < 1e-5, `${v} vs ${b.history.loss[i]}`));
  const wa = engine.getWeights(), wb = host.getWeights();
  wa.forEach((w, i) => Array.from(w.dataSync()).forEach((v, j) => assert.ok(Math.abs(v - wb[i].dataSync()[j]) < 1e-5)));
  tf.dispose([x, y]);
});
