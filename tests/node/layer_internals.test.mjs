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
