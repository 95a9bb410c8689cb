// Save/load round trips over the wire: one model holding every non-recurrent
// layer family (the contract cases, the merge layers, a nested Sequential and a
// shared layer) through file:// and http:// (multipart POST, then GET); and
// models saved by @tensorflow/tfjs, quantized and sharded here the way the
// Python converter writes them, served over http:// to both libraries.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';

import {artifactsOf, loadTfjs, modelServer, tf} from './helpers.mjs';
import {CASES, sampleValues} from './layer_cases.mjs';

let server;
const dirs = [];
before(async () => { server = await modelServer(); });
after(async () => {
  await server.close();
  dirs.forEach(d => rmSync(d, {recursive: true, force: true}));
});

// ---- every layer family ----------------------------------------------------------------

const MERGES = ['add', 'average', 'maximum', 'minimum', 'multiply', 'concatenate', 'dot', 'subtract'];

/** One functional model: an input per distinct case input, an output per layer. */
function buildEveryLayerModel() {
  const inputs = new Map();  // "[shape]|kind" -> {input, values, shape}
  const outputs = [];
  const inputFor = (shape, kind = 'float') => {
    const key = `${JSON.stringify(shape)}|${kind}`;
    if (!inputs.has(key)) {
      inputs.set(key, {input: tf.input({shape, name: `in_${inputs.size}`}), values: sampleValues(shape, kind), shape});
    }
    return inputs.get(key).input;
  };
  const seen = new Map();  // a factory may have several cases
  for (const [factory, options, inShape, , , , kind] of CASES) {
    const n = seen.get(factory) || 0;
    seen.set(factory, n + 1);
    outputs.push(tf.layers[factory]({...options, name: `case_${factory}${n ? `_${n}` : ''}`}).apply(inputFor(inShape, kind)));
  }
  const a = inputFor([4]);
  const b = tf.layers.dense({units: 4, name: 'merge_b'}).apply(a);
  for (const m of MERGES) outputs.push(tf.layers[m]({...(m === 'dot' ? {axes: 1} : {}), name: `merge_${m}`}).apply([a, b]));
  const nested = tf.sequential({name: 'nested_seq', layers: [
    tf.layers.dense({units: 3, inputShape: [4], activation: 'tanh', name: 'nested_dense'}),
    tf.layers.dense({units: 2, name: 'nested_out'})]});
  outputs.push(nested.apply(a));
  const shared = tf.layers.dense({units: 2, name: 'shared_dense'});
  const sharedOutputs = [shared.apply(a), shared.apply(b)];
  outputs.push(tf.layers.add({name: 'shared_sum'}).apply(sharedOutputs));
  const model = tf.model({inputs: [...inputs.values()].map(i => i.input), outputs, name: 'every_layer'});
  // Every symbolic tensor made here is disposed (the count below must not wait for the garbage collector).
  const symbolic = [...[...inputs.values()].map(i => i.input), ...outputs, b, ...sharedOutputs];
  const feed = () => [...inputs.values()].map(i => tf.tensor(i.values, [2, ...i.shape]));
  return {model, feed, dispose: () => symbolic.forEach(s => s.dispose())};
}

function predictAll(model, feed) {
  return tf.tidy(() => model.predict(feed()).map(t => Array.from(t.dataSync())));
}

test('every layer family round-trips through file:// and http:// (POST save, GET load) and predicts the same', async () => {
  const start = tf.memory().numTensors;
  const {model, feed, dispose} = buildEveryLayerModel();
  const classes = new Set(model.layers.map(l => l.getClassName()));
  for (const c of ['Dense', 'Conv2D', 'BatchNormalization', 'Embedding', 'Add', 'Dot', 'Sequential', 'CategoryEncoding']) {
    assert.ok(classes.has(c), `the model holds a ${c}`);
  }
  const expected = predictAll(model, feed);
  const baseline = tf.memory().numTensors;

  const dir = mkdtempSync(join(tmpdir(), 'wl-every-'));
  dirs.push(dir);
  await model.save(`file://${dir}`);
  await model.save(`${server.base}/posted`);
  assert.ok(server.files.has('/posted/model.json') && server.files.has('/posted/model.weights.bin'), 'the POST stored both parts');
  for (const f of readdirSync(dir)) server.put(`/disk/${f}`, readFileSync(join(dir, f)));

  for (const url of [`file://${dir}/model.json`, `${server.base}/posted/model.json`, `${server.base}/disk/model.json`]) {
    const loaded = await tf.loadLayersModel(url);
    assert.deepEqual(loaded.layers.map(l => l.name), model.layers.map(l => l.name), url);
    assert.deepEqual(predictAll(loaded, feed), expected, `${url} predicts the same`);
    tf.tidy(() => loaded.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), model.getWeights()[i].dataSync())));
    loaded.dispose();
    assert.equal(tf.memory().numTensors, baseline, `${url}: nothing left behind`);
  }
  model.dispose();
  dispose();
  assert.equal(tf.memory().numTensors, start);
});

// ---- tfjs's models, quantized and sharded as the converter writes them ------------------

// numpy's round: half to even.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// tensorflowjs converter's quantize_weights (uint8/uint16): an affine map whose range
// is nudged so that 0 is exact; a constant weight becomes all zeros with scale 1.
function quantizeAffine(values, dtype) {
  const qmax = dtype === 'uint8' ? 255 : 65535;
  const Out = dtype === 'uint8' ? Uint8Array : Uint16Array;
  let min = Infinity, max = -Infinity;
  for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
  if (min === max) return {data: new Out(values.length), min, scale: 1};
  const scale = (max - min) / qmax;
  let lo = min, hi = max;
  if (min <= 0 && 0 <= max) {
    lo = -roundHalfEven(-min / scale) * scale;
    hi = qmax * scale + lo;
  }
  const data = Out.from(values, v => roundHalfEven((Math.min(Math.max(v, lo), hi) - lo) / scale));
  return {data, min: lo, scale};
}

// numpy's astype(float16): round to nearest even; subnormals share binade -14's spacing.
function float16Bits(v) {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp--;
  if (2 ** (exp + 1) <= a) exp++;
  const e = Math.max(exp, -14);
  const q = roundHalfEven(a / 2 ** (e - 10));  // multiples of the spacing; exact for float32 inputs
  const bits = exp < -14 ? q : ((e + 15) << 10) + (q - 1024);  // q = 2048 carries into the exponent
  return sign | Math.min(bits, 0x7c00);
}

/**
 * The artifacts of a tfjs save (float32) rewritten as the converter would write
 * model.json + shards: weights quantized to `quantize` (or kept), split into two
 * manifest groups of `shardBytes`-sized files (cut anywhere, as the converter does). Returns {json, files}.
 */
function convert(artifacts, quantize, shardBytes) {
  let at = 0;
  const raw = new Uint8Array(artifacts.weightData);
  const entries = artifacts.weightSpecs.map(spec => {
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const values = new Float32Array(raw.slice(at, at + 4 * n).buffer);
    at += 4 * n;
    const manifest = {name: spec.name, shape: spec.shape, dtype: 'float32'};
    if (!quantize) return {manifest, bytes: new Uint8Array(values.buffer)};
    if (quantize === 'float16') {
      manifest.quantization = {dtype: 'float16', original_dtype: 'float32'};
      return {manifest, bytes: new Uint8Array(Uint16Array.from(values, float16Bits).buffer)};
    }
    const {data, min, scale} = quantizeAffine(values, quantize);
    manifest.quantization = {dtype: quantize, min, scale, original_dtype: 'float32'};
    return {manifest, bytes: new Uint8Array(data.buffer)};
  });
  const half = Math.ceil(entries.length / 2);
  const files = new Map();
  const weightsManifest = [entries.slice(0, half), entries.slice(half)].map((group, g) => {
    const bytes = Buffer.concat(group.map(e => e.bytes));
    const count = Math.max(1, Math.ceil(bytes.length / shardBytes));
    const paths = Array.from({length: count}, (_, i) => `group${g + 1}-shard${i + 1}of${count}.bin`);
    paths.forEach((p, i) => files.set(p, bytes.subarray(i * shardBytes, (i + 1) * shardBytes)));
    return {paths, weights: group.map(e => e.manifest)};
  });
  const json = {format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
                modelTopology: artifacts.modelTopology, weightsManifest};
  return {json, files};
}

function buildTfjsModel(tfjs) {
  const x = tfjs.input({shape: [6, 6, 2], name: 'image'});
  let y = tfjs.layers.conv2d({filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv'}).apply(x);
  y = tfjs.layers.batchNormalization({name: 'bn'}).apply(y);
  y = tfjs.layers.depthwiseConv2d({kernelSize: 3, name: 'depthwise'}).apply(y);
  y = tfjs.layers.flatten({name: 'flat'}).apply(y);
  y = tfjs.layers.dense({units: 5, activation: 'relu', name: 'hidden'}).apply(y);
  y = tfjs.layers.dense({units: 3, activation: 'softmax', name: 'probs'}).apply(y);
  const model = tfjs.model({inputs: x, outputs: y, name: 'converted'});
  // Deterministic weights with some spread (variances positive).
  model.setWeights(model.weights.map((w, k) => tfjs.tidy(() => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const v = Float32Array.from({length: n}, (_, i) => Math.sin(1.3 * i + k) * 0.6);
    return tfjs.tensor(/moving_variance/.test(w.name) ? v.map(t => Math.abs(t) + 0.5) : v, w.shape);
  })));
  return model;
}

const IMAGE = Array.from({length: 2 * 6 * 6 * 2}, (_, i) => Math.cos(i * 0.37));
const predictImage = (lib, m) => lib.tidy(() => Array.from(m.predict(lib.tensor(IMAGE, [2, 6, 6, 2])).dataSync()));
const assertClose = (got, want, tol, what) => got.forEach((v, i) =>
  assert.ok(Math.abs(v - want[i]) <= tol, `${what}: [${i}] ${v} vs ${want[i]} (tolerance ${tol})`));

// 7-byte shards: float32 weights cut mid-value, each written from several shards in parts.
for (const [quantize, tol, shardBytes] of [[null, 1e-6, 100], [null, 1e-6, 7], ['uint8', 0.05, 100], ['uint16', 1e-3, 100],
                                            ['float16', 5e-3, 100], ['float16', 5e-3, 7]]) {
  const shards = shardBytes === 100 ? '' : ` of ${shardBytes} bytes`;
  test(`a tfjs model, ${quantize || 'float32'} weights in sharded groups${shards} over http://, loads in tfjs and here alike`, async () => {
    const tfjs = await loadTfjs();
    const original = buildTfjsModel(tfjs);
    const exact = predictImage(tfjs, original);
    let artifacts;
    await original.save(tfjs.io.withSaveHandler(async a => { artifacts = a; return {modelArtifactsInfo: {}}; }));
    const {json, files} = convert(artifacts, quantize, shardBytes);
    assert.ok(json.weightsManifest.length === 2 && json.weightsManifest[0].paths.length > 1, 'two groups, several shards');
    const dir = `/converted-${quantize || 'float32'}-${shardBytes}`;
    server.put(`${dir}/model.json`, JSON.stringify(json));
    for (const [p, bytes] of files) server.put(`${dir}/${p}`, bytes);
    const url = `${server.base}${dir}/model.json`;

    const theirs = await tfjs.loadLayersModel(url);
    const start = tf.memory().numTensors;
    const ours = await tf.loadLayersModel(url);
    const theirPrediction = predictImage(tfjs, theirs);
    assertClose(predictImage(tf, ours), theirPrediction, 1e-5, 'ours vs tfjs on the same files');
    assertClose(theirPrediction, exact, tol, 'quantized vs the original');
    // The dequantized weights match tfjs's exactly.
    tf.tidy(() => ours.getWeights().forEach((w, i) =>
      assertClose(Array.from(w.dataSync()), Array.from(theirs.getWeights()[i].dataSync()), 0, theirs.weights[i].name)));
    ours.dispose();
    assert.equal(tf.memory().numTensors, start);
    theirs.dispose();
    original.dispose();
  });
}

test('the float16 and affine quantizers of this test agree with the converter on known values', () => {
  assert.deepEqual([1, 65504, 65520, 2 ** -24, 2 ** -25, 0.1, -2].map(float16Bits),
                   [0x3c00, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x2e66, 0xc000]);
  const q = quantizeAffine(Float32Array.from([-1, 0, 0.5, 3]), 'uint8');
  assert.equal(q.data[1] * q.scale + q.min, 0, 'zero stays exact');
  assert.deepEqual(Array.from(quantizeAffine(Float32Array.from([2, 2]), 'uint16').data), [0, 0]);
});

// ---- loading while the weights arrive ----------------------------------------------------

// A server whose weight file sends its first half at once and the rest when told to
// (release()), or breaks off there (cut()).
async function withheldServer(modelJson, weights) {
  const {createServer} = await import('node:http');
  let release, cut;
  const told = new Promise(resolve => {
    release = () => resolve('send');
    cut = () => resolve('cut');
  });
  const server = createServer(async (req, res) => {
    if (req.url === '/model.json') return res.writeHead(200, {'Content-Type': 'application/json'}).end(modelJson);
    const half = weights.length >> 1;
    res.writeHead(200, {'Content-Type': 'application/octet-stream', 'Content-Length': weights.length});
    res.write(weights.subarray(0, half));
    if (await told === 'send') res.end(weights.subarray(half));
    else res.destroy();
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {url: `http://127.0.0.1:${server.address().port}/model.json`, release, cut,
          close: () => new Promise(resolve => { server.closeAllConnections(); server.close(resolve); })};
}

async function withheldModel() {
  const model = tf.sequential({layers: [tf.layers.dense({units: 5, inputShape: [4], activation: 'relu'}),
                                        tf.layers.dense({units: 2})]});
  const artifacts = await artifactsOf(tf, model);
  const json = JSON.stringify({modelTopology: artifacts.modelTopology, format: 'layers-model',
                               weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}]});
  return {model, json, weights: Buffer.from(artifacts.weightData)};
}

// Waits until tf.memory().numTensors exceeds `count` (the model being loaded was built).
async function untilTensorsExceed(count, ms = 5000) {
  const end = Date.now() + ms;
  while (tf.memory().numTensors <= count) {
    if (Date.now() > end) return false;
    await new Promise(resolve => setTimeout(resolve, 2));
  }
  return true;
}

test('loadLayersModel over http builds the model while the weights arrive, then sets them', async () => {
  const {model, json, weights} = await withheldModel();
  const server = await withheldServer(json, weights);
  try {
    const before = tf.memory().numTensors;
    let settled = false;
    const loading = tf.loadLayersModel(server.url).finally(() => { settled = true; });
    assert.ok(await untilTensorsExceed(before), 'the model is built before its weights have all arrived');
    assert.equal(settled, false);
    server.release();
    const loaded = await loading;
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor2d([[1, -2, 3, 0.5], [0, 1, -1, 2]]);
      return [loaded, model].map(m => Array.from(m.predict(x).dataSync()));
    });
    assert.deepEqual(got, want);
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before, 'the loaded model\'s tensors are freed');
  } finally {
    model.dispose();
    await server.close();
  }
});

test('a weight file broken off after the model is built: an Error naming it, and the model freed', async () => {
  const {model, json, weights} = await withheldModel();
  const server = await withheldServer(json, weights);
  try {
    const before = tf.memory().numTensors;
    const loading = tf.loadLayersModel(server.url);
    loading.catch(() => {});
    assert.ok(await untilTensorsExceed(before), 'the model is built before its weights have all arrived');
    server.cut();
    await assert.rejects(loading, /Request for weight file http:\/\/127\.0\.0\.1:\d+\/weights\.bin failed: the response (was aborted|ended after)/);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(Array.from(tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync())), [2, 2]);
  } finally {
    model.dispose();
    await server.close();
  }
});
