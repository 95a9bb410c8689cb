// Saving and loading: tfjs's model.json + binary weights through every handler
// available in Node, both directions with @tensorflow/tfjs, quantized and sharded
// weights, Keras 2/3 topologies, and errors that leave nothing allocated.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';

import {artifactsOf, loadTfjs, tf} from './helpers.mjs';

const dirs = [];
after(() => dirs.forEach(d => rmSync(d, {recursive: true, force: true})));
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'wl-io-'));
  dirs.push(d);
  return d;
}

function buildSequential(lib, units = 3) {
  const m = lib.sequential();
  m.add(lib.layers.dense({units, inputShape: [4], activation: 'relu', name: 'hidden'}));
  m.add(lib.layers.dense({units: 2, activation: 'softmax', name: 'out'}));
  return m;
}

function buildFunctional(lib) {
  const a = lib.input({shape: [4], name: 'a'});
  const b = lib.input({shape: [4], name: 'b'});
  const shared = lib.layers.dense({units: 3, activation: 'tanh', name: 'shared'});
  const ha = shared.apply(a), hb = shared.apply(b);
  const out1 = lib.layers.dense({units: 1, name: 'out1'}).apply(ha);
  const out2 = lib.layers.dense({units: 2, name: 'out2'}).apply(hb);
  return lib.model({inputs: [a, b], outputs: [out1, out2], name: 'two_heads'});
}

const X = [[0.5, -1, 2, 0.25], [1, 1, -0.5, 3]];
const predictions = (lib, m) => lib.tidy(() => {
  const inputs = m.inputs.length > 1 ? [lib.tensor2d(X), lib.tensor2d(X.map(r => r.map(v => -v)))] : lib.tensor2d(X);
  const out = m.predict(inputs);
  return (Array.isArray(out) ? out : [out]).map(t => Array.from(t.dataSync()));
});
const assertClose = (a, b, tol = 1e-6) => a.forEach((row, i) => row.forEach((v, j) =>
  assert.ok(Math.abs(v - b[i][j]) <= tol * Math.max(1, Math.abs(b[i][j])), `[${i}][${j}] ${v} vs ${b[i][j]}`)));

for (const [kind, build] of [['Sequential', buildSequential], ['functional (two inputs, two outputs, shared layer)', buildFunctional]]) {
  test(`${kind}: file:// round trip predicts the same`, async () => {
    const m = build(tf);
    m.compile({optimizer: tf.train.adam(0.01), loss: kind === 'Sequential' ? 'categoricalCrossentropy' : ['meanSquaredError', 'meanSquaredError']});
    const dir = tempDir();
    const result = await m.save(`file://${dir}`);
    assert.equal(result.modelArtifactsInfo.modelTopologyType, 'JSON');
    assert.ok(result.modelArtifactsInfo.weightDataBytes > 0);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.match(json.generatedBy, /TensorFlow.js tfjs-layers/);
    assert.equal(json.weightsManifest[0].paths[0], 'weights.bin');
    assert.equal(json.trainingConfig.optimizer_config.class_name, 'Adam');
    const before = tf.memory().numTensors;
    const loaded = await tf.loadLayersModel(`file://${dir}/model.json`);
    assertClose(predictions(tf, loaded), predictions(tf, m));
    tf.tidy(() => assert.deepEqual(loaded.getWeights().map(w => w.shape), m.getWeights().map(w => w.shape)));
    assert.ok(loaded.optimizer != null, 'the training config compiled the loaded model');
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test(`${kind}: models saved by tfjs load here; models saved here load in tfjs`, async () => {
    const tfjs = await loadTfjs();
    const theirs = build(tfjs);
    const loadedHere = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tfjs, theirs)));
    assertClose(predictions(tf, loadedHere), predictions(tfjs, theirs), 1e-5);
    const ours = build(tf);
    const loadedThere = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(tf, ours)));
    assertClose(predictions(tfjs, loadedThere), predictions(tf, ours), 1e-5);
    assert.deepEqual(loadedHere.layers.map(l => l.name), theirs.layers.map(l => l.name));
  });
}

test('quantized weights (uint8, uint16, float16) save here and load in tfjs and here', async () => {
  const tfjs = await loadTfjs();
  const m = buildSequential(tf, 8);
  const exact = predictions(tf, m);
  for (const [quantize, tol] of [['uint8', 5e-2], ['uint16', 1e-3], ['float16', 1e-2]]) {
    const artifacts = await artifactsOf(tf, m, {quantize});
    assert.equal(artifacts.weightSpecs[0].quantization.dtype, quantize);
    const here = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    assertClose(predictions(tf, here), exact, tol);
    const there = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
    assertClose(predictions(tfjs, there), predictions(tf, here), 1e-5);
  }
});

test('weights larger than 4 MB are sharded on disk and load back', async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 1100, inputShape: [1000]}));  // 4.4 MB of kernel
  const dir = tempDir();
  await m.save(`file://${dir}`);
  const files = readdirSync(dir).filter(f => f.endsWith('.bin')).sort();
  assert.deepEqual(files, ['group1-shard1of2.bin', 'group1-shard2of2.bin']);
  const loaded = await tf.loadLayersModel(`file://${dir}`);
  const [a, b] = [m.getWeights()[0].dataSync(), loaded.getWeights()[0].dataSync()];
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i += 9973) assert.equal(a[i], b[i]);
});

test('http:// loads model.json and its weights relative to it, and saves by multipart POST', async () => {
  const m = buildSequential(tf);
  const dir = tempDir();
  await m.save(`file://${dir}`);
  let posted = null;
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        posted = {type: req.headers['content-type'], body: Buffer.concat(chunks).toString('latin1')};
        res.writeHead(200).end('{}');
      });
      return;
    }
    let body;
    try {
      body = readFileSync(join(dir, req.url.replace('/models/', '')));
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(body);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const progress = [];
    const loaded = await tf.loadLayersModel(`${base}/models/model.json`, {onProgress: f => progress.push(f)});
    assertClose(predictions(tf, loaded), predictions(tf, m));
    assert.deepEqual(progress, [1]);
    await assert.rejects(tf.loadLayersModel(`${base}/missing/model.json`), /failed with status code 404/);
    await m.save(tf.io.http(`${base}/upload`));
    assert.match(posted.type, /multipart\/form-data/);
    assert.match(posted.body, /name="model.json"/);
    assert.match(posted.body, /name="model.weights.bin"/);
  } finally {
    server.close();
  }
});

test('Keras 2 and Keras 3 topologies load (Model/Functional, batch_shape, dtype policies, nested inbound nodes)', async () => {
  const keras2 = {class_name: 'Model', keras_version: '2.15.0', backend: 'tensorflow', config: {
    name: 'model', input_layers: [['input_1', 0, 0]], output_layers: [['dense_1', 0, 0]],
    layers: [
      {class_name: 'InputLayer', name: 'input_1', inbound_nodes: [], config: {batch_input_shape: [null, 3], dtype: 'float32', sparse: false, name: 'input_1'}},
      {class_name: 'Dense', name: 'dense', inbound_nodes: [[['input_1', 0, 0, {}]]], config: {name: 'dense', trainable: true, dtype: 'float32', units: 4, activation: 'relu', use_bias: true, kernel_initializer: {class_name: 'GlorotUniform', config: {seed: null}}, bias_initializer: {class_name: 'Zeros', config: {}}, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null}},
      {class_name: 'Dense', name: 'dense_1', inbound_nodes: [[['dense', 0, 0, {}]]], config: {name: 'dense_1', trainable: true, dtype: 'float32', units: 2, activation: 'linear', use_bias: true, kernel_initializer: {class_name: 'GlorotUniform', config: {seed: null}}, bias_initializer: {class_name: 'Zeros', config: {}}}},
    ]}};
  const keras3 = {class_name: 'Functional', config: {
    name: 'functional', trainable: true, input_layers: [['input_layer', 0, 0]], output_layers: [['dense_1', 0, 0]],
    layers: [
      {module: 'keras.layers', class_name: 'InputLayer', name: 'input_layer', inbound_nodes: [], config: {batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'input_layer'}},
      {module: 'keras.layers', class_name: 'Dense', name: 'dense', config: {name: 'dense', trainable: true, dtype: {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null}, units: 4, activation: 'relu', use_bias: true, kernel_initializer: {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null}, registered_name: null}, bias_initializer: {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null}},
       inbound_nodes: [{args: [{class_name: '__keras_tensor__', config: {shape: [null, 3], dtype: 'float32', keras_history: ['input_layer', 0, 0]}}], kwargs: {}}]},
      {module: 'keras.layers', class_name: 'Dense', name: 'dense_1', config: {name: 'dense_1', trainable: true, dtype: {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null}, units: 2, activation: 'linear', use_bias: true},
       inbound_nodes: [{args: [{class_name: '__keras_tensor__', config: {shape: [null, 4], dtype: 'float32', keras_history: ['dense', 0, 0]}}], kwargs: {}}]},
    ]}};
  const weights = [new Float32Array(12).map((_, i) => i / 10 - 0.5), new Float32Array(4).fill(0.1),
                   new Float32Array(8).map((_, i) => (i % 3) - 1), new Float32Array(2).fill(-0.2)];
  const specs = [['dense/kernel', [3, 4]], ['dense/bias', [4]], ['dense_1/kernel', [4, 2]], ['dense_1/bias', [2]]]
      .map(([name, shape]) => ({name, shape, dtype: 'float32'}));
  const data = new Uint8Array(weights.reduce((n, w) => n + w.byteLength, 0));
  let at = 0;
  for (const w of weights) { data.set(new Uint8Array(w.buffer), at); at += w.byteLength; }
  const tfjs = await loadTfjs();
  const reference = await tfjs.loadLayersModel(tfjs.io.fromMemory(keras2, specs, data.buffer));
  const expected = Array.from(reference.predict(tfjs.tensor2d([[1, 2, 3]])).dataSync());
  for (const topology of [keras2, keras3]) {
    const m = await tf.loadLayersModel(tf.io.fromMemory(topology, specs, data.buffer));
    const got = Array.from(m.predict(tf.tensor2d([[1, 2, 3]])).dataSync());
    assertClose([got], [expected], 1e-5);
  }
});

test('loading errors name the problem and leave nothing allocated', async () => {
  const before = tf.memory().numTensors;
  const m = buildSequential(tf);
  const dir = tempDir();
  await m.save(`file://${dir}`);
  m.dispose();
  const baseline = tf.memory().numTensors;
  assert.equal(baseline, before);
  const bin = readFileSync(join(dir, 'weights.bin'));
  writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, bin.length - 8));
  await assert.rejects(tf.loadLayersModel(`file://${dir}`), /has \d+ bytes, but the weights manifest describes \d+ bytes/);
  rmSync(join(dir, 'weights.bin'));
  await assert.rejects(tf.loadLayersModel(`file://${dir}`), /Weight file .*weights.bin listed in .* cannot be read/);
  writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
  await assert.rejects(tf.loadLayersModel(`file://${dir}`), /Failed to parse model JSON/);
  await assert.rejects(tf.loadLayersModel(`file://${dir}/nope`), /does not exist/);
  const lambda = {class_name: 'Sequential', config: {name: 's', layers: [
    {class_name: 'Dense', config: {name: 'd', units: 2, batch_input_shape: [null, 2]}},
    {class_name: 'Lambda', config: {name: 'lam', function: ['4wEAAAA...', null, null]}}]}};
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(lambda)),
                       /Unknown layer: Lambda\. .*registered properly with tf.serialization.registerClass/s);
  const artifacts = await artifactsOf(tf, buildSequential(tf));
  artifacts.weightSpecs[0].name = 'nope/kernel';
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(artifacts)), /Provided weight data has no target variable: nope\/kernel/);
  assert.equal(tf.memory().numTensors, baseline + 4, 'only the model built for artifactsOf remains');
});

test('bad quantization metadata is an Error naming the weight (as tfjs)', async () => {
  const m = buildSequential(tf);
  const artifacts = await artifactsOf(tf, m, {quantize: 'uint8'});
  m.dispose();
  const baseline = tf.memory().numTensors;
  const withQuantization = q => ({...artifacts, weightSpecs: artifacts.weightSpecs.map((s, i) => (i === 0 ? {...s, quantization: q} : s))});
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(withQuantization({dtype: 'uint8', scale: 0.1}))),
                       /Weight hidden\/kernel with quantization uint8 doesn't have corresponding metadata min and scale/);
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(withQuantization({dtype: 'int4'}))),
                       /Weight hidden\/kernel has unknown quantization dtype int4/);
  assert.equal(tf.memory().numTensors, baseline);
});

test('toJSON gives Keras JSON in snake_case; models.modelFromJSON builds it back', async () => {
  const m = buildFunctional(tf);
  const json = JSON.parse(m.toJSON());
  assert.equal(json.class_name, 'Model');
  assert.equal(json.backend, 'tensor_flow.js');
  const shared = json.config.layers.find(l => l.name === 'shared');
  assert.equal(shared.config.kernel_initializer.class_name, 'VarianceScaling');
  assert.equal(shared.config.kernel_initializer.config.mode, 'fan_avg');
  assert.equal(shared.inbound_nodes.length, 2);
  assert.deepEqual(json.config.input_layers, [['a', 0, 0], ['b', 0, 0]]);
  const rebuilt = await tf.models.modelFromJSON(json);
  assert.deepEqual(rebuilt.outputs.map(o => o.shape), [[null, 1], [null, 2]]);
});

// A strict load takes every value from the file, so the initializers never run (tfjs's
// fastWeightInitDuringBuild): identity on a kernel that is not square would throw.
// Every weight still gets exactly the file's values, written straight into its memory.
test('a strict load skips the initializers and writes every weight', async () => {
  const topology = {class_name: 'Sequential', config: {name: 'fast_init', layers: [
    {class_name: 'Dense', config: {name: 'd1', units: 3, batch_input_shape: [null, 2], kernel_initializer: {class_name: 'Identity', config: {gain: 1}}}},
    {class_name: 'Dense', config: {name: 'd2', units: 1, kernel_initializer: {class_name: 'Identity', config: {gain: 1}}}},
  ]}};
  const specs = [['d1/kernel', [2, 3]], ['d1/bias', [3]], ['d2/kernel', [3, 1]], ['d2/bias', [1]]]
      .map(([name, shape]) => ({name, shape, dtype: 'float32'}));
  const values = Float32Array.from({length: 6 + 3 + 3 + 1}, (_, i) => (i + 1) / 8);
  const before = tf.memory().numTensors;
  const model = await tf.loadLayersModel(tf.io.fromMemory(topology, specs, values.buffer));
  const got = model.getWeights();
  assert.deepEqual(got.map(w => [...w.dataSync()]).flat(), [...values]);
  const x = tf.tensor2d([[1, -2]]);
  const y = model.predict(x);
  const k1 = values.slice(0, 6), b1 = values.slice(6, 9), k2 = values.slice(9, 12), b2 = values[12];
  const h = [0, 1, 2].map(j => 1 * k1[j] - 2 * k1[3 + j] + b1[j]);
  assert.ok(Math.abs(y.dataSync()[0] - (h[0] * k2[0] + h[1] * k2[1] + h[2] * k2[2] + b2)) < 1e-6);
  tf.dispose([...got, x, y]);
  model.dispose();
  // Not strict: the initializers run, and identity refuses the kernel.
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(topology, specs, values.buffer), {strict: false}),
                       /square/);
  assert.equal(tf.memory().numTensors, before);
});

// Weight names reach the loader as JSON written by the engine: quotes, backslashes,
// control characters and non-ASCII in a layer's name must come back as they were.
test('weights of layers with names that need escaping save and load', async () => {
  const names = ['q"uote', 'back\\slash', 'tab\there', 'dé_ñ→'];
  const model = tf.sequential();
  names.forEach((name, i) => model.add(tf.layers.dense({units: 2, name, ...(i === 0 ? {inputShape: [3]} : {})})));
  assert.deepEqual(model.weights.map(w => w.name), names.flatMap(n => [`${n}/kernel`, `${n}/bias`]));
  let saved;
  await model.save(tf.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  assert.deepEqual(loaded.weights.map(w => w.name), model.weights.map(w => w.name));
  const x = tf.tensor2d([[0.5, -1, 2]]);
  const [a, b] = [model.predict(x), loaded.predict(x)];
  assert.deepEqual([...b.dataSync()], [...a.dataSync()]);
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
});

test('every float16 bit pattern and uint8/uint16 codes load as tfjs decodes them, through http pieces and memory', async () => {
  const tfjs = await loadTfjs();
  // one Dense kernel of 256 x 256 = 65536 values: every float16 bit pattern once
  // (zeros, subnormals, normals, infinities, NaNs), or uint16 / uint8 codes with an affine map
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 256, inputShape: [256], useBias: false, name: 'q16'}));
  const {modelTopology} = await artifactsOf(tf, m, {});
  m.dispose();
  const codes = Uint16Array.from({length: 65536}, (_, i) => i);
  const cases = [
    {quantization: {dtype: 'float16'}, bytes: new Uint8Array(codes.buffer)},
    {quantization: {dtype: 'uint16', min: -1.2345678, scale: 3.1e-5}, bytes: new Uint8Array(codes.buffer)},
    {quantization: {dtype: 'uint8', min: 0.3, scale: -0.0071}, bytes: Uint8Array.from(codes, c => (c * 7) & 255)},
  ];
  for (const {quantization, bytes} of cases) {
    const weightSpecs = [{name: 'q16/kernel', shape: [256, 256], dtype: 'float32', quantization}];
    const expected = tfjs.io.decodeWeights(bytes.buffer.slice(0), weightSpecs)['q16/kernel'].dataSync();
    // the bytes in one buffer, and cut into odd pieces (as they arrive over http)
    const pieces = [];
    for (let at = 0, k = 0; at < bytes.length; at += [7, 13, 1, 4096][k++ % 4]) {
      pieces.push(bytes.slice(at, at + [7, 13, 1, 4096][k % 4]).buffer);
    }
    for (const weightData of [bytes.buffer.slice(0), pieces]) {
      const loaded = await tf.loadLayersModel(tf.io.fromMemory({modelTopology, weightSpecs, weightData}));
      const got = loaded.getWeights()[0].dataSync();
      assert.equal(got.length, 65536);
      for (let i = 0; i < got.length; ++i) {
        if (!Object.is(got[i], expected[i]) && !(Number.isNaN(got[i]) && Number.isNaN(expected[i]))) {
          assert.fail(`${quantization.dtype} value ${i}: ${got[i]}, tfjs ${expected[i]}`);
        }
      }
      loaded.dispose();
    }
  }
});
