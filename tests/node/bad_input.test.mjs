// Bad input catalogue (issue 15, items 8-12): each malformed file or option is an
// Error with a message naming the problem (the JSON path of a bad field), leaves
// tf.memory() where it was, and the module keeps working. Where tfjs has the
// feature it is the oracle: it rejects (or accepts) the same input.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {test} from 'node:test';
import {resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import {artifactsOf, loadTfjs, modelServer, tf} from './helpers.mjs';

function assertHealthy() {
  const out = tf.tidy(() => tf.add(tf.ones([3]), 1).dataSync());
  assert.deepEqual(Array.from(out), [2, 2, 2]);
}

function smallModel(lib) {
  return lib.sequential({name: 'small', layers: [
    lib.layers.dense({units: 3, inputShape: [4], activation: 'relu', name: 'd1'}),
    lib.layers.dense({units: 2, name: 'd2'}),
  ]});
}

const clone = v => JSON.parse(JSON.stringify(v));

// Loads `artifacts`, expecting an Error matching `message`, nothing leaked, the module working.
async function rejectsClean(artifacts, message) {
  const before = tf.memory().numTensors;
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(artifacts)), e => {
    assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof WebAssembly.RuntimeError),
              `${e.name}: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assertHealthy();
}

test('8: a weight whose manifest dtype differs from its variable is rejected, as tfjs does', async () => {
  const tfjs = await loadTfjs();
  const m = smallModel(tf);
  const artifacts = await artifactsOf(tf, m);
  m.dispose();
  const bad = {...artifacts, weightSpecs: artifacts.weightSpecs.map((s, i) => (i === 0 ? {...s, dtype: 'int32'} : s))};
  await assert.rejects(tfjs.loadLayersModel(tfjs.io.fromMemory(bad)), /dtype/);
  await rejectsClean(bad, /dtype of the new value \(int32\) and previous value \(float32\) must match \(weight d1\/kernel\)/);
});

test('9: a model.json with no weightsManifest over http:// loads its topology with initialized weights, as tfjs', async () => {
  const tfjs = await loadTfjs();
  const server = await modelServer();
  try {
    const m = smallModel(tf);
    const artifacts = await artifactsOf(tf, m);
    m.dispose();
    server.put('/topo/model.json', JSON.stringify({modelTopology: artifacts.modelTopology, format: 'layers-model'}));
    const theirs = await tfjs.loadLayersModel(`${server.base}/topo/model.json`);
    const before = tf.memory().numTensors;
    const ours = await tf.loadLayersModel(`${server.base}/topo/model.json`);
    assert.deepEqual(ours.layers.map(l => l.name), theirs.layers.map(l => l.name));
    const weights = ours.getWeights();
    assert.deepEqual(weights.map(w => w.shape), theirs.getWeights().map(w => w.shape));
    assert.ok(weights[0].dataSync().some(v => v !== 0), 'the kernel keeps its initializer (glorotUniform), not zeros');
    weights.forEach(w => w.dispose());
    assert.deepEqual(tf.tidy(() => ours.predict(tf.ones([1, 4])).shape), [1, 2]);
    ours.dispose();
    theirs.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await server.close();
  }
});

test('10: NaN and Infinity op options cross the engine boundary (fill, clipByValue, pad), as tfjs', async () => {
  const tfjs = await loadTfjs();
  const same = (f) => {
    const ours = tf.tidy(() => Array.from(f(tf).dataSync()));
    const theirs = tfjs.tidy(() => Array.from(f(tfjs).dataSync()));
    assert.deepEqual(ours, theirs);
    return ours;
  };
  assert.ok(same(lib => lib.fill([2], NaN)).every(Number.isNaN));
  assert.deepEqual(same(lib => lib.fill([2], -Infinity)), [-Infinity, -Infinity]);
  assert.deepEqual(same(lib => lib.clipByValue(lib.tensor([-1, 2, 1e30]), 0, Infinity)), [0, 2, Math.fround(1e30)]);
  assert.deepEqual(same(lib => lib.clipByValue(lib.tensor([-1e30, 2]), -Infinity, 1)), [Math.fround(-1e30), 1]);
  const padded = same(lib => lib.pad(lib.tensor([1, 2]), [[1, 1]], NaN));
  assert.ok(Number.isNaN(padded[0]) && padded[1] === 1 && padded[2] === 2 && Number.isNaN(padded[3]));
  // A string value that happens to read "NaN" stays a string: a string tensor, as in tfjs.
  const nanStrings = tf.fill([2], 'NaN');
  assert.equal(nanStrings.dtype, 'string');
  assert.deepEqual(nanStrings.dataSync(), ['NaN', 'NaN']);
  nanStrings.dispose();
});

function functionalTopology({unconnected = false, duplicate = false} = {}) {
  const dense = (name, units, from) => ({class_name: 'Dense', name,
    config: {name, units, activation: 'linear', use_bias: true}, inbound_nodes: [[[from, 0, 0, {}]]]});
  const layers = [
    {class_name: 'InputLayer', name: 'in', config: {name: 'in', batch_input_shape: [null, 4], dtype: 'float32'}, inbound_nodes: []},
    dense('d1', 3, 'in'),
    dense('d2', 2, 'd1'),
  ];
  if (unconnected) layers.push(dense('side', 5, 'd1'));
  if (duplicate) layers.push(dense('d2', 6, 'd1'));
  return {class_name: 'Model', config: {name: 'f', layers, input_layers: [['in', 0, 0]], output_layers: [['d2', 0, 0]]}};
}

test('11: a layer not connected to the outputs is freed with the model; duplicate layer names are named', async () => {
  const tfjs = await loadTfjs();
  const before = tf.memory().numTensors;
  const m = await tf.models.modelFromJSON(functionalTopology({unconnected: true}));
  const theirs = await tfjs.models.modelFromJSON(functionalTopology({unconnected: true}));
  assert.deepEqual(m.layers.map(l => l.name), theirs.layers.map(l => l.name));
  theirs.dispose();
  m.dispose();
  assert.equal(tf.memory().numTensors, before, 'the unconnected layer\'s weights were freed');
  // tfjs silently keeps the last of two layers named alike when only one is connected;
  // here it is an Error with tfjs's Container message, naming the layer and where it is.
  await rejectsClean({modelTopology: functionalTopology({duplicate: true})},
                     /The name "d2" is used 2 times in the model\. All layer names should be unique\. \(modelTopology\.config\.layers\[3\]\)/);
});

test('12: malformed model.json and manifests name the JSON path of the bad field', async () => {
  const m = smallModel(tf);
  const good = await artifactsOf(tf, m);
  m.dispose();
  const cases = [
    [a => { a.modelTopology.config.layers = 7; }, /modelTopology\.config\.layers must be an array of layers, got 7/],
    [a => { a.modelTopology.config.layers[1] = null; }, /modelTopology\.config\.layers\[1\] must be an object \{class_name, config\}, got null/],
    [a => { a.modelTopology.config.layers[0].class_name = 3; }, /modelTopology\.config\.layers\[0\]\.class_name must be a string/],
    [a => { a.modelTopology.config.layers[0].config = 'x'; }, /modelTopology\.config\.layers\[0\]\.config must be an object/],
    [a => { a.modelTopology.class_name = null; }, /modelTopology\.class_name must be a string, got null/],
    [a => { a.modelTopology = [1]; }, /modelTopology must be an object/],
    [a => { a.weightSpecs[1].shape = 'abc'; }, /weightSpecs\[1\]\.shape must be an array of non-negative integers, got "abc"/],
    [a => { a.weightSpecs[0].shape = [4, -3]; }, /weightSpecs\[0\]\.shape must be an array of non-negative integers/],
    [a => { a.weightSpecs[2] = null; }, /weightSpecs\[2\] must be an object/],
    [a => { a.weightSpecs[0].name = 5; }, /weightSpecs\[0\]\.name must be a string/],
    [a => { a.weightSpecs = {}; }, /weightSpecs must be an array of weight specs, got \{\}/],
    [a => { a.weightSpecs[0].dtype = 'complex64'; }, /Unsupported weight dtype 'complex64'/],
    [a => { a.weightData = a.weightData.slice(4); }, /has \d+ bytes, but the weights manifest describes \d+ bytes/],
    [a => { a.modelTopology.config.layers[0].class_name = 'Lambda'; }, /Unknown layer: Lambda/],
    [a => { a.modelTopology.config.layers[0].config.units = -2; }, /units/],
    [a => { a.modelTopology.config.layers[0].config.units = 1e300; }, /units/],
    [a => { a.modelTopology.config.layers[0].config.activation = 'nope'; }, /nope/],
  ];
  for (const [mutate, message] of cases) {
    const a = {...clone({...good, weightData: undefined}), weightData: good.weightData};
    mutate(a);
    await rejectsClean(a, message);
  }
  const f = functionalTopology();
  const fcases = [
    [t => { t.config.input_layers = 'in'; }, /modelTopology\.config\.input_layers must be a non-empty array of references/],
    [t => { t.config.output_layers = [['d2', 'x', 0]]; }, /modelTopology\.config\.output_layers\[0\] must be a \[layerName, nodeIndex, tensorIndex\] reference/],
    [t => { t.config.layers[1].inbound_nodes = {}; }, /modelTopology\.config\.layers\[1\]\.inbound_nodes must be an array/],
    [t => { t.config.layers[2].inbound_nodes[0] = 5; }, /modelTopology\.config\.layers\[2\]\.inbound_nodes\[0\] must be an array/],
    [t => { t.config.output_layers = [['nope', 0, 0]]; }, /unknown model input\/output nope/],
    [t => { t.config.layers[2].inbound_nodes = [[['ghost', 0, 0, {}]]]; }, /cannot connect layer d2/],
  ];
  for (const [mutate, message] of fcases) {
    const t = clone(f);
    mutate(t);
    await rejectsClean({modelTopology: t}, message);
  }
});

test('model.json structure errors over file:// name the manifest path; loader errors never leak', async () => {
  const server = await modelServer();
  try {
    const m = smallModel(tf);
    const a = await artifactsOf(tf, m);
    m.dispose();
    const json = {modelTopology: a.modelTopology, format: 'layers-model', weightsManifest: [{paths: ['w.bin'], weights: a.weightSpecs}]};
    server.put('/m/w.bin', new Uint8Array(a.weightData));
    const serve = (path, value) => server.put(path, typeof value === 'string' ? value : JSON.stringify(value));
    const cases = [
      [{...json, weightsManifest: {}}, /weightsManifest must be an array of \{paths, weights\} groups, got \{\}/],
      [{...json, weightsManifest: [{paths: 'w.bin', weights: a.weightSpecs}]}, /weightsManifest\[0\]\.paths must be an array of strings/],
      [{...json, weightsManifest: [{paths: ['w.bin'], weights: [{...a.weightSpecs[0], shape: null}]}]},
       /weightsManifest\[0\]\.weights\[0\]\.shape must be an array of non-negative integers, got null/],
      [{...json, weightsManifest: [null]}, /weightsManifest\[0\] must be an object/],
      ['{"modelTopology": ', /Failed to parse model JSON/],
      [{format: 'layers-model'}, /does not contain a modelTopology/],
    ];
    for (const [i, [value, message]] of cases.entries()) {
      serve(`/m/bad${i}.json`, value);
      const before = tf.memory().numTensors;
      await assert.rejects(tf.loadLayersModel(`${server.base}/m/bad${i}.json`), e => {
        assert.ok(!(e instanceof TypeError), e.message);
        assert.match(e.message, message);
        return true;
      });
      assert.equal(tf.memory().numTensors, before);
      assertHealthy();
    }
    serve('/m/model.json', json);
    const ok = await tf.loadLayersModel(`${server.base}/m/model.json`);
    ok.dispose();
  } finally {
    await server.close();
  }
});

// Found by the libFuzzer target (tests/fuzz/fuzz_layers.cc, 2026-12-04): a pool window of
// 2.2e15 rows (a hostile model file) made the kernels reserve a list of that many taps
// (an allocation ASan refused; a crash in WebAssembly), and with 'same' padding the tap
// walk would have stepped through every row of the window. The walks now visit only the
// taps inside x: the same values, in the time the input's size takes.
test('a pool window far larger than its input runs in the input\'s time, with the values of its taps inside x', async () => {
  const x = tf.tensor4d(Float32Array.from({length: 72}, (_, i) => Math.sin(i * 1.3) * 10), [1, 6, 6, 2]);
  const xv = await x.data();
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    // 'valid': no window fits, an empty output (tfjs's output length floor((6 - f + s) / s) = 0).
    const valid = tf.layers.maxPooling2d({poolSize: [2222222200594244, 2], padding: 'valid'});
    assert.deepEqual(valid.apply(x).shape, [1, 0, 3, 2], backend);
    // 'same', stride 1: every window covers all 6 rows; columns c and c + 1 (padLeft 0).
    for (const [layer, reduce] of [[tf.layers.maxPooling2d, (a, b) => Math.max(a, b)],
                                   [tf.layers.averagePooling2d, null]]) {
      const y = layer({poolSize: [1e15, 2], strides: 1, padding: 'same'}).apply(x);
      assert.deepEqual(y.shape, [1, 6, 6, 2]);
      const got = await y.data();
      for (let r = 0; r < 6; ++r) {
        for (let c = 0; c < 6; ++c) {
          for (let ch = 0; ch < 2; ++ch) {
            const vals = [];
            for (let rr = 0; rr < 6; ++rr) for (let cc = c; cc <= Math.min(c + 1, 5); ++cc) vals.push(xv[(rr * 6 + cc) * 2 + ch]);
            const want = reduce ? vals.reduce(reduce) : vals.reduce((a, b) => a + b) / vals.length;
            const i = (r * 6 + c) * 2 + ch;
            assert.ok(Math.abs(got[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${backend} [${r},${c},${ch}]: ${got[i]} vs ${want}`);
          }
        }
      }
      y.dispose();
    }
  }
  await tf.setBackend('wasm');
  x.dispose();
});

// Found by the loader fuzzer (seed 8103: a Sequential nested in a Sequential whose input
// shape does not fit): a failed Sequential.add kept a count on the layer it was given, so
// disposing that layer (or a loaded model's error path) no longer freed its weights.
// The engine's Error unwinds as a JavaScript exception, past C++ cleanups: bound functions
// now take layers and optimizers by reference. Every failed call here leaves
// tf.memory().numTensors where it was once its objects are disposed.
test('a failed Sequential.add or wrapper leaves no tensors behind once its layers are disposed', async () => {
  const before = tf.memory().numTensors;
  const conv = () => tf.layers.conv1d({filters: 3, kernelSize: 2, inputShape: [6, 2]});
  // A built model and a built layer that do not fit after the outer model's conv ([null, 5, 3]).
  const inner = tf.sequential({layers: [conv()]});
  const dense = tf.layers.dense({units: 2});
  const input = tf.input({shape: [4]});
  const symbolic = dense.apply(input);
  const outer = tf.sequential({layers: [conv()]});
  assert.ok(tf.memory().numTensors >= before + 6, 'three built layers');
  assert.throws(() => outer.add(inner), /cannot follow layer/);
  assert.throws(() => outer.add(dense), /cannot follow layer/);
  // A Bidirectional the engine refuses, around two built LSTMs.
  const fwd = tf.layers.lstm({units: 4, returnSequences: true}), bwd = tf.layers.lstm({units: 4, goBackwards: true});
  const seqIn = tf.input({shape: [3, 2]});
  const built = [fwd.apply(seqIn), bwd.apply(seqIn)];
  assert.throws(() => tf.layers.bidirectional({layer: fwd, backwardLayer: bwd}), /^Error: Bidirectional: /);
  for (const t of [symbolic, input, seqIn, ...built]) t.dispose();
  for (const o of [inner, dense, outer, fwd, bwd]) o.dispose();
  assert.equal(tf.memory().numTensors, before);
  // The same nesting loaded from a file: the loader's error path frees what it built.
  const layer = name => ({class_name: 'Conv1D', config: {name, batch_input_shape: [null, 6, 2], filters: 3, kernel_size: [2]}});
  const topology = {class_name: 'Sequential', config: {name: 'outer', layers: [layer('c1'),
    {class_name: 'Sequential', config: {name: 'inner', layers: [layer('c2'), {class_name: 'Flatten', config: {name: 'f'}}]}}]}};
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory({modelTopology: topology})), /cannot follow layer/);
  assert.equal(tf.memory().numTensors, before);
});

// The engine's guard() once threw its Error through the engine's C++ frames, whose cleanups
// a JavaScript exception skips: every failed call kept 48 bytes of the C stack (after ~110 000
// failed calls the stack ran into the heap: "memory access out of bounds", then a hang) and
// its arguments in the heap (2000 failed calls with a 200 KB name grew the memory 349 MB).
// Now the Error is thrown after the call returns. Own process: it watches the engine's memory,
// on both engines, whatever WL_TEST_THREADS / WL_TEST_BACKEND this suite runs under.
for (const threads of [1, 2]) {
  const dist = process.env.WL_TEST_DIST;
  const skip = (process.env.WL_TEST_THREADS || process.env.WL_TEST_BACKEND) ? 'runs in the default suite (its own engines)' :
    threads > 1 && !existsSync(resolveDist(dist, 'wasm-layers-mt.wasm')) && 'the threaded engine is not built';
  test(`120 000 failed engine calls leave the ${threads > 1 ? 'threaded' : 'single-thread'} engine working, and leak no memory`,
       {skip}, () => {
    const child = fileURLToPath(new URL('./failed_calls_child.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [child, String(threads), ...(dist ? [dist] : [])], {encoding: 'utf8', timeout: 120000});
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.deepEqual(report.messages, ['Expected units to be a positive integer, but got -1.'], 'every call throws the engine\'s Error');
    assert.equal(report.calls, 120000);
    assert.equal(report.memories, 1);
    assert.ok(report.healthy, 'a model predicts after the failed calls');
    assert.ok(report.growthBytes < 16 * 2 ** 20, `300 failed calls grew the memory by ${report.growthBytes} bytes`);
  });
}

function resolveDist(dist, file) {
  return dist ? resolve(dist, file) : fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));
}
