// tf.io's helpers for custom handlers and weight loading (issue 16), against tfjs 4.22:
// routers, weightsLoaderFactory/loadWeights, the model.json helpers, the http
// handler's options (weightUrlConverter, fetchFunc, requestInit, onProgress).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, modelServer, tf} from './helpers.mjs';

const tfjs = await loadTfjs();

const smallModel = L => L.sequential({layers: [L.layers.dense({units: 2, inputShape: [3], kernelInitializer: 'ones'})]});

async function twoGroupManifest(L) {
  const ta = {w1: L.tensor1d([1, 2, 3]), w2: L.tensor2d([[4, 5]], [1, 2], 'int32')}, tb = {w3: L.tensor1d([6, 7])};
  const a = await L.io.encodeWeights(ta);
  const b = await L.io.encodeWeights(tb);
  L.dispose([ta, tb]);
  const manifest = [{paths: ['g1.bin'], weights: a.specs}, {paths: ['g2.bin'], weights: b.specs}];
  const files = {'/m/g1.bin': a.data, '/m/g2.bin': b.data};
  return {manifest, files};
}

async function valuesOf(map) {
  const out = {};
  for (const k of Object.keys(map).sort()) {
    out[k] = {dtype: map[k].dtype, shape: map[k].shape, values: Array.from(await map[k].data())};
    map[k].dispose();
  }
  return out;
}

test('weightsLoaderFactory fetches only the groups holding the named weights, as tfjs', async () => {
  const before = tf.memory().numTensors;
  const results = {};
  for (const [label, L] of [['ours', tf], ['tfjs', tfjs]]) {
    const {manifest, files} = await twoGroupManifest(L);
    const fetched = [];
    const loader = L.io.weightsLoaderFactory(async urls => {
      fetched.push(...urls);
      return urls.map(u => files[u]);
    });
    const some = await valuesOf(await loader(manifest, '/m', ['w2']));
    const all = await valuesOf(await loader(manifest, '/m/'));
    let error;
    try {
      await loader(manifest, '/m', ['w9']);
    } catch (e) {
      error = e.message;
    }
    results[label] = {some, all, fetched, error};
  }
  assert.deepEqual(results.ours, results.tfjs);
  assert.equal(tf.memory().numTensors, before);
});

test('model.json helpers agree with tfjs', async () => {
  const json = {modelTopology: {a: 1}, format: 'layers-model', generatedBy: 'x', convertedBy: null,
                weightsManifest: [{paths: ['w.bin'], weights: [{name: 'k', shape: [2], dtype: 'float32'}]}],
                userDefinedMetadata: {u: 1}, trainingConfig: {loss: 'mse'}};
  const data = new Float32Array([1, 2]).buffer;
  for (const L of [tf, tfjs]) {
    assert.deepEqual(L.io.getWeightSpecs(json.weightsManifest), json.weightsManifest[0].weights);
  }
  const load = async manifest => [tf.io.getWeightSpecs(manifest), data];
  assert.deepEqual(await tf.io.getModelArtifactsForJSON(json, load), await tfjs.io.getModelArtifactsForJSON(json, load));
  assert.deepEqual(tf.io.getModelArtifactsForJSONSync(json, json.weightsManifest[0].weights, data),
                   tfjs.io.getModelArtifactsForJSONSync(json, json.weightsManifest[0].weights, data));
  const errorOf = (L, f) => { try { f(L); return null; } catch (e) { return e.message; } };
  assert.equal(errorOf(tf, L => L.io.getModelArtifactsForJSONSync(json)),
               errorOf(tfjs, L => L.io.getModelArtifactsForJSONSync(json)));
  const artifacts = {modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: [data, data]};
  const strip = info => ({...info, dateSaved: null});
  assert.deepEqual(strip(tf.io.getModelArtifactsInfoForJSON(artifacts)), strip(tfjs.io.getModelArtifactsInfoForJSON(artifacts)));
  for (const url of ['http://a/b', 'https://x', 'file://x', 'localstorage://http://']) {
    assert.equal(tf.io.isHTTPScheme(url), tfjs.io.isHTTPScheme(url), url);
  }
  const parts = [new Uint8Array([1, 2]).buffer, new Uint8Array([3]).buffer];
  assert.deepEqual(new Uint8Array(tf.io.concatenateArrayBuffers(parts)), new Uint8Array(tfjs.io.concatenateArrayBuffers(parts)));
  const composite = new tf.io.CompositeArrayBuffer(parts);
  assert.equal(composite.byteLength, 3);
  assert.deepEqual(new Uint8Array(composite.slice(1, 3)), new Uint8Array([2, 3]));
});

test('decodeWeightsStream reads a stream of the weight bytes', async () => {
  const before = tf.memory().numTensors;
  const inputs = {a: tf.tensor1d([1, 2, 3]), b: tf.scalar(4, 'int32')};
  const {specs, data} = await tf.io.encodeWeights(inputs);
  tf.dispose(inputs);
  const bytes = new Uint8Array(data);
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, 5));
      controller.enqueue(bytes.slice(5));
      controller.close();
    },
  });
  const out = await valuesOf(await tf.io.decodeWeightsStream(stream, specs));
  assert.deepEqual(out, {a: {dtype: 'float32', shape: [3], values: [1, 2, 3]}, b: {dtype: 'int32', shape: [], values: [4]}});
  assert.equal(tf.memory().numTensors, before);
});

test('registerLoadRouter/registerSaveRouter route URLs to custom handlers', async () => {
  const store = new Map();
  tf.io.registerSaveRouter(url => (url.startsWith('memtest://')
      ? tf.io.withSaveHandler(async artifacts => {
        store.set(url, artifacts);
        return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
      })
      : null));
  tf.io.registerLoadRouter(url => (url.startsWith('memtest://') ? tf.io.fromMemory(store.get(url)) : null));
  const model = smallModel(tf);
  await model.save('memtest://a');
  assert.equal(tf.io.getLoadHandlers('memtest://a').length, 1);
  assert.equal(tf.io.getSaveHandlers('memtest://a').length, 1);
  assert.deepEqual(tf.io.getLoadHandlers('nothere://x'), []);
  const loaded = await tf.loadLayersModel('memtest://a');
  const x = tf.ones([1, 3]);
  const [a, b] = [model.predict(x), loaded.predict(x)];
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
});

test('http loading: weightUrlConverter, fetchFunc, requestInit and onProgress', async () => {
  const server = await modelServer();
  try {
    const model = smallModel(tf);
    await model.save(`${server.base}/saved`);
    // The weights move elsewhere; weightUrlConverter finds them.
    server.put('/elsewhere/w.bin', server.files.get('/saved/model.weights.bin'));
    const seen = [];
    const progress = [];
    const fetchFunc = (url, init) => {
      seen.push([url, init && init.headers && init.headers['x-test']]);
      return fetch(url, init);
    };
    const loaded = await tf.loadLayersModel(`${server.base}/saved/model.json`, {
      fetchFunc, requestInit: {headers: {'x-test': 'yes'}}, onProgress: f => progress.push(f),
      weightUrlConverter: async name => `${server.base}/elsewhere/${name.endsWith('model.weights.bin') ? 'w.bin' : name}`,
    });
    assert.deepEqual(seen, [[`${server.base}/saved/model.json`, 'yes'], [`${server.base}/elsewhere/w.bin`, 'yes']]);
    assert.deepEqual(progress, [1]);
    const x = tf.ones([1, 3]);
    const [a, b] = [model.predict(x), loaded.predict(x)];
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  } finally {
    await server.close();
  }
});

test('tf.io.loadWeights fetches a manifest\'s weights over http', async () => {
  const server = await modelServer();
  const before = tf.memory().numTensors;
  try {
    const {manifest, files} = await twoGroupManifest(tf);
    for (const [path, data] of Object.entries(files)) server.put(path, data);
    const ours = await valuesOf(await tf.io.loadWeights(manifest, `${server.base}/m`, ['w3', 'w1']));
    const theirs = await valuesOf(await tfjs.io.loadWeights(manifest, `${server.base}/m`, ['w3', 'w1']));
    assert.deepEqual(ours, theirs);
  } finally {
    await server.close();
  }
  assert.equal(tf.memory().numTensors, before);
});
