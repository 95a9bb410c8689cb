// A mutation fuzzer for the model loader (issue 15): the project's own saved
// models of every layer family, plus Keras 2/3 topologies, mutated with a fixed
// seed (model.json structure, its text, the weight bytes) and loaded through
// tf.loadLayersModel over http (model.json + manifest + shards). Every case must
// end in a load or a clean Error: never a WebAssembly trap, a JS TypeError /
// RangeError from inside the loader, a hang (> 5 s), a leaked tensor, or a broken
// module (a canary model must predict bit-identically after every case).
//
// `npm test` runs the bounded count; `npm run fuzz` a long run:
//   WL_FUZZ_CASES=50000 WL_FUZZ_SEED=7 node --test tests/node/fuzz_loader.test.mjs
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {tf} from './helpers.mjs';

const CASES = Number(process.env.WL_FUZZ_CASES || 2000);
const SEED = Number(process.env.WL_FUZZ_SEED || 20241);
const HANG_MS = 5000;

// mulberry32: a small seeded PRNG, so a failing case can be replayed by its index.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {next, int: n => Math.floor(next() * n), pick: list => list[Math.floor(next() * list.length)]};
}

// ---- seeds: saved models of every layer family ----------------------------------------

function seedModels() {
  const L = tf.layers;
  const seq = (name, layers) => tf.sequential({name, layers});
  const models = [
    seq('dense', [L.dense({units: 5, inputShape: [4], activation: 'relu'}), L.dropout({rate: 0.2}), L.dense({units: 2, activation: 'softmax'})]),
    seq('conv', [L.conv2d({filters: 3, kernelSize: 3, padding: 'same', inputShape: [6, 6, 2], activation: 'relu'}),
                 L.maxPooling2d({poolSize: 2}), L.batchNormalization(), L.flatten(), L.dense({units: 2})]),
    seq('sepconv', [L.separableConv2d({filters: 2, kernelSize: 3, inputShape: [5, 5, 2]}), L.depthwiseConv2d({kernelSize: 2}),
                    L.globalAveragePooling2d({})]),
    seq('conv1d', [L.conv1d({filters: 3, kernelSize: 2, inputShape: [6, 2]}), L.averagePooling1d({poolSize: 2}), L.flatten()]),
    seq('lstm', [L.lstm({units: 3, inputShape: [4, 2], returnSequences: true}), L.gru({units: 2})]),
    seq('rnn', [L.simpleRNN({units: 3, inputShape: [3, 2]}), L.repeatVector({n: 2}), L.layerNormalization()]),
    seq('rnncells', [L.rnn({cell: [L.gruCell({units: 3, resetAfter: true}), L.lstmCell({units: 2})], inputShape: [4, 2], returnSequences: true}),
                     L.bidirectional({layer: L.rnn({cell: L.simpleRNNCell({units: 2})})})]),
    seq('embed', [L.embedding({inputDim: 10, outputDim: 3, inputLength: 4}), L.globalMaxPooling1d({}), L.dense({units: 1})]),
    seq('conv2dT', [L.conv2dTranspose({filters: 2, kernelSize: 2, strides: 2, inputShape: [3, 3, 1]}), L.zeroPadding2d({padding: 1}),
                    L.upSampling2d({size: [2, 2]})]),
    seq('keras3', [L.conv1dTranspose({filters: 2, kernelSize: 2, strides: 2, inputShape: [3, 2]}), L.groupNormalization({groups: 2}),
                   L.separableConv1d({filters: 2, kernelSize: 2}), L.depthwiseConv1d({kernelSize: 2, padding: 'same'}),
                   L.cropping1D({cropping: [1, 0]}), L.zeroPadding1d({padding: 1}), L.upSampling1d({size: 2}),
                   L.unitNormalization(), L.identity()]),
    seq('keras3d', [L.zeroPadding3d({padding: 1, inputShape: [2, 2, 2, 1]}), L.cropping3D({cropping: [1, 0, 1]}),
                    L.upSampling3d({size: 2}), L.spatialDropout3d({rate: 0.2}), L.globalMaxPooling3d({keepdims: true}),
                    L.globalAveragePooling3d({})]),
  ];
  const a = tf.input({shape: [4], name: 'a'}), b = tf.input({shape: [4], name: 'b'});
  const shared = L.dense({units: 3, name: 'shared'});
  const merged = L.concatenate().apply([shared.apply(a), L.add().apply([shared.apply(b), L.dense({units: 3}).apply(b)])]);
  models.push(tf.model({inputs: [a, b], outputs: [L.dense({units: 2, name: 'head'}).apply(merged)], name: 'functional'}));
  return models;
}

// Keras 2 (tf.keras) and Keras 3 topologies as the Python converter writes them (no weights).
const kInit = {class_name: 'GlorotUniform', config: {seed: null}};
const keras2 = {class_name: 'Model', keras_version: '2.15.0', backend: 'tensorflow', config: {
  name: 'k2', input_layers: [['x', 0, 0]], output_layers: [['out', 0, 0]], layers: [
    {class_name: 'InputLayer', name: 'x', inbound_nodes: [], config: {batch_input_shape: [null, 4], dtype: 'float32', name: 'x'}},
    {class_name: 'Dense', name: 'h', inbound_nodes: [[['x', 0, 0, {}]]],
     config: {name: 'h', units: 3, activation: 'relu', use_bias: true, kernel_initializer: kInit}},
    {class_name: 'Dense', name: 'out', inbound_nodes: [[['h', 0, 0, {}]]], config: {name: 'out', units: 2, activation: 'linear'}},
  ]}};
const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
const k3t = (l, shape) => ({class_name: '__keras_tensor__', config: {shape: [null, ...shape], dtype: 'float32', keras_history: [l, 0, 0]}});
const keras3 = {class_name: 'Functional', keras_version: '3.6.0', backend: 'jax', config: {
  name: 'k3', input_layers: [['x', 0, 0]], output_layers: [['out', 0, 0]], layers: [
    {module: 'keras.layers', class_name: 'InputLayer', name: 'x', inbound_nodes: [], config: {batch_shape: [null, 4], dtype: 'float32', name: 'x'}},
    {module: 'keras.layers', class_name: 'Dense', name: 'h', inbound_nodes: [{args: [k3t('x', [4])], kwargs: {}}],
     config: {name: 'h', units: 3, activation: 'tanh', dtype: policy, use_bias: true,
              kernel_initializer: {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: 1}, registered_name: null}}},
    {module: 'keras.layers', class_name: 'Dense', name: 'out', inbound_nodes: [{args: [k3t('h', [3])], kwargs: {}}],
     config: {name: 'out', units: 2, dtype: policy}},
  ]}};

async function seedFiles() {
  const seeds = [];
  const save = async (m, config) => {
    let saved;
    await m.save(tf.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {dateSaved: new Date()}}; }), config);
    return saved;
  };
  for (const [i, m] of seedModels().entries()) {
    const a = await save(m, i % 3 === 2 ? {quantize: 'uint8'} : undefined);
    m.dispose();
    seeds.push({json: {modelTopology: a.modelTopology, format: 'layers-model', generatedBy: a.generatedBy,
                       weightsManifest: [{paths: ['weights.bin'], weights: a.weightSpecs}]},
                weights: new Uint8Array(a.weightData)});
  }
  for (const topology of [keras2, keras3]) seeds.push({json: {modelTopology: topology, format: 'layers-model'}, weights: null});
  return seeds;
}

// ---- mutations ---------------------------------------------------------------------------

const INTERESTING = [null, undefined, 0, -1, 1, 2, 3, 7, 65536, 65537, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e300,
  -1e300, 0.5, -0.5, '', 'a', 'float32', 'int32', 'bool', 'relu', 'same', 'Dense', 'Lambda', 'InputLayer', true, false,
  [], {}, [null], [0], [-1], [65536, 65536], [2 ** 31, 2], [1, 2, 3, 4, 5, 6, 7], {class_name: 'Dense', config: {}}, '__proto__'];

// Every [parent, key] pair inside a JSON value.
function slots(root) {
  const out = [];
  const visit = v => {
    if (v == null || typeof v !== 'object') return;
    for (const k of Object.keys(v)) {
      out.push([v, k]);
      visit(v[k]);
    }
  };
  visit(root);
  return out;
}

function mutateJson(json, r) {
  const all = slots(json);
  if (all.length === 0) return;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const [parent, key] = r.pick(all);
    const v = parent[key];
    switch (r.int(8)) {
      case 0: delete parent[key]; break;
      case 1: if (typeof v === 'number') parent[key] = v * r.pick([-1, 2, 1000, 65536, 1e9]); else parent[key] = r.pick(INTERESTING); break;
      case 2: if (Array.isArray(v) && v.length) v.push(structuredClone(r.pick(v))); else parent[key] = r.pick(INTERESTING); break;
      case 3: if (Array.isArray(v) && v.length) v.splice(r.int(v.length), 1); else parent[key] = r.pick(INTERESTING); break;
      case 4: { const [p2, k2] = r.pick(all); parent[key] = structuredClone(p2[k2]); break; }  // a value from elsewhere
      case 5: if (typeof v === 'string' && v.length) parent[key] = v.slice(0, r.int(v.length)); else parent[key] = r.pick(INTERESTING); break;
      default: parent[key] = structuredClone(r.pick(INTERESTING));
    }
  }
}

function mutateBytes(bytes, r) {
  const b = new Uint8Array(bytes);
  switch (r.int(4)) {
    case 0: return b.slice(0, r.int(b.length + 1));                          // truncated
    case 1: { const out = new Uint8Array(b.length + 1 + r.int(16)); out.set(b); return out; }  // extended
    case 2: for (let i = 0, n = 1 + r.int(8); i < n && b.length; i++) b[r.int(b.length)] = r.int(256); return b;
    default: for (let i = 0; i + 3 < b.length; i += 4) if (r.next() < 0.1) b.set([0, 0, 0xC0, 0x7F], i); return b;  // NaNs
  }
}

function mutateText(text, r) {
  const chars = [...text];
  for (let i = 0, n = 1 + r.int(4); i < n && chars.length; i++) {
    const at = r.int(chars.length);
    switch (r.int(3)) {
      case 0: chars.splice(at, 1); break;
      case 1: chars.splice(at, 0, r.pick(['{', '}', '[', ']', ',', '"', ':', '0', '9', '-', 'e', ' '])); break;
      default: chars[at] = String.fromCharCode(32 + r.int(95));
    }
  }
  return chars.join('');
}

function makeCase(seeds, r) {
  const seed = r.pick(seeds);
  let json = structuredClone(seed.json);
  let weights = seed.weights && seed.weights.slice();
  let text = null;
  const what = r.int(10);
  if (what < 6) mutateJson(what < 3 ? json.modelTopology : json, r);
  else if (what < 8 && weights) weights = mutateBytes(weights, r);
  else text = mutateText(JSON.stringify(json), r);
  return {text: text != null ? text : JSON.stringify(json), weights};
}

// A fetch over in-memory files (what tf.io.http loads through).
function fetchOf(files) {
  return async url => {
    const body = files.get(new URL(url).pathname);
    return body == null ? new Response('not found', {status: 404}) : new Response(body);
  };
}

// ---- the run -------------------------------------------------------------------------------

// A JS error raised inside the loader (a bug) rather than a message of ours.
const isInternal = e => e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError ||
                        e instanceof SyntaxError && !/JSON/.test(e.message) || e instanceof WebAssembly.RuntimeError;

test(`fuzz: ${CASES} mutated model files (seed ${SEED}) load or fail cleanly`, {timeout: 600000}, async () => {
  const seeds = await seedFiles();
  const canary = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [4], activation: 'tanh'}),
                                         tf.layers.dense({units: 2})]});
  const probe = tf.tensor2d([[0.1, -0.2, 0.3, 0.4]]);
  const canaryOut = () => tf.tidy(() => Array.from(canary.predict(probe).dataSync()));
  const expected = canaryOut();
  const r = rng(SEED);
  const counts = {cases: 0, cleanErrors: 0, loads: 0, crashes: 0, hangs: 0, leaks: 0, broken: 0};
  const findings = [];
  const messages = new Map();
  const started = Date.now();
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(seeds, r);
    const files = new Map([['/m/model.json', c.text]]);
    if (c.weights) files.set('/m/weights.bin', c.weights);
    // Replaying a finding: WL_FUZZ_DUMP=<case index> prints that case's model.json.
    if (process.env.WL_FUZZ_DUMP === String(i)) console.log(`case ${i}: ${c.text}`);
    const before = tf.memory().numTensors;
    const t0 = Date.now();
    let outcome;
    try {
      const m = await tf.loadLayersModel('http://fuzz/m/model.json', {fetchFunc: fetchOf(files)});
      try {
        // Run it once where the input is small: loading a model must give one that works or throws
        // (a model may have no input: an empty Sequential).
        const shape = m.inputs.length === 1 ? m.inputs[0].shape.map(d => (d == null ? 1 : d)) : [0];
        if (shape.every(d => d > 0) && shape.reduce((a, b) => a * b, 1) <= 4096) {
          tf.tidy(() => { m.predict(tf.zeros(shape)); });
        }
      } catch (e) {
        if (isInternal(e)) throw e;
      } finally {
        m.dispose();
      }
      outcome = 'load';
    } catch (e) {
      outcome = isInternal(e) ? 'crash' : 'error';
      if (outcome === 'crash') findings.push(`case ${i}: ${e.name}: ${e.message}\n${e.stack}`);
      if (process.env.WL_FUZZ_DUMP === String(i)) console.log(`case ${i}: ${e.stack}`);
      else messages.set(e.message.slice(0, 60), (messages.get(e.message.slice(0, 60)) || 0) + 1);
    }
    counts.cases++;
    if (outcome === 'load') counts.loads++;
    else if (outcome === 'error') counts.cleanErrors++;
    else counts.crashes++;
    if (Date.now() - t0 > HANG_MS) {
      counts.hangs++;
      findings.push(`case ${i}: took ${Date.now() - t0} ms`);
    }
    if (tf.memory().numTensors !== before) {
      counts.leaks++;
      findings.push(`case ${i}: ${tf.memory().numTensors - before} tensors leaked (${outcome})`);
    }
    let now;
    try {
      now = canaryOut();
    } catch (e) {
      now = [e.message];
    }
    if (now.length !== expected.length || now.some((v, k) => !Object.is(v, expected[k]))) {
      counts.broken++;
      findings.push(`case ${i}: the canary model now predicts ${now}`);
      break;  // the module is broken: later cases would only repeat it
    }
    if (findings.length > 20) break;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`# fuzz_loader: seed ${SEED}: ${JSON.stringify(counts)} in ${seconds} s`);
  if (process.env.WL_FUZZ_VERBOSE) console.log([...messages].sort((a, b) => b[1] - a[1]).slice(0, 40));
  try {
    canary.dispose();
    probe.dispose();
  } catch (e) {
    findings.push(`disposing the canary: ${e.message}`);  // the module is broken
  }
  assert.deepEqual(findings, []);
  assert.equal(counts.cases, CASES);
  assert.ok(counts.loads > 0 && counts.cleanErrors > 0, 'the mutations reach both outcomes');
});
