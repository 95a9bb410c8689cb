// tf.io.http in Node reads with node:http (js/src/io/node_get.js) where nothing was asked
// of fetch: the same models, redirects and encodings as fetch, clear errors, and fetch
// whenever the user gave one (fetchFunc, requestInit, or a fetch put in place of Node's).
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {gzipSync} from 'node:zlib';
import {test} from 'node:test';
import {tf} from './helpers.mjs';

async function savedModel() {
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 5, activation: 'relu', inputShape: [3], biasInitializer: 'randomNormal'}));
  m.add(tf.layers.dense({units: 2}));
  let artifacts;
  await m.save(tf.io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  const x = tf.tensor([[1, -2, 3], [0.5, 0, -1]]);
  const expected = Array.from(m.predict(x).dataSync());
  m.dispose();
  const json = JSON.stringify({modelTopology: artifacts.modelTopology,
                               weightsManifest: [{paths: ['w.bin'], weights: artifacts.weightSpecs}]});
  const bin = Buffer.from(artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData
                                                                     : new Uint8Array(artifacts.weightData).buffer);
  return {json, bin, x, expected};
}

// Serves model.json and w.bin, records each request's user agent; `route` can answer first.
async function serve(files, route = () => false) {
  const agents = [];
  const server = createServer((req, res) => {
    agents.push(req.headers['user-agent'] || '');
    if (route(req, res)) return;
    const body = files[req.url];
    if (body == null) return res.writeHead(404).end();
    res.writeHead(200).end(body);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {base, agents, close: () => new Promise(resolve => server.close(resolve))};
}

async function predicts(model, x) {
  const y = model.predict(x);
  const out = Array.from(y.dataSync());
  y.dispose();
  model.dispose();
  return out;
}

test('loadLayersModel over http in Node: node:http by default, fetch when the user gives one, same model', async () => {
  const {json, bin, x, expected} = await savedModel();
  const s = await serve({'/model.json': json, '/w.bin': bin});
  try {
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`), x), expected);
    assert.equal(s.agents.length, 2);
    assert.ok(s.agents.every(a => a === ''), `node:http sends no user agent (fetch does): ${s.agents}`);
    s.agents.length = 0;
    let calls = 0;
    const fetchFunc = (url, init) => (calls++, fetch(url, init));
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`, {fetchFunc}), x), expected);
    assert.equal(calls, 2);
    s.agents.length = 0;
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`, {requestInit: {headers: {'x-a': '1'}}}), x),
                     expected);
    assert.ok(s.agents.every(a => a !== ''), `a requestInit goes to fetch: ${s.agents}`);
    // a fetch put in place of Node's (a test's mock) is the one called
    const original = globalThis.fetch;
    let mocked = 0;
    globalThis.fetch = (url, init) => (mocked++, original(url, init));
    try {
      assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`), x), expected);
    } finally {
      globalThis.fetch = original;
    }
    assert.equal(mocked, 2);
  } finally {
    await s.close();
    x.dispose();
  }
});

test('node:http GETs follow redirects and undo gzip, as fetch does', async () => {
  const {json, bin, x, expected} = await savedModel();
  const s = await serve({'/model.json': json}, (req, res) => {
    if (req.url === '/old/model.json') return res.writeHead(302, {location: '/model.json'}).end(), true;
    if (req.url === '/w.bin') return res.writeHead(301, {location: '/w.gz'}).end(), true;
    if (req.url === '/w.gz') return res.writeHead(200, {'content-encoding': 'gzip'}).end(gzipSync(bin)), true;
    if (req.url === '/loop') return res.writeHead(307, {location: '/loop'}).end(), true;
    return false;
  });
  try {
    // weights resolve against the URL asked for (as tfjs: the path's prefix), here the root
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`), x), expected);
    await assert.rejects(tf.loadLayersModel(`${s.base}/old/model.json`), /Request for weight file .*\/old\/w\.bin failed/);
    await assert.rejects(tf.loadLayersModel(`${s.base}/loop`), /Request to .*\/loop failed: redirect count exceeded/);
  } finally {
    await s.close();
    x.dispose();
  }
});

test('node:http GET errors name the URL: a status, a refused connection, a body cut short', async () => {
  const {json, bin} = await savedModel();
  const s = await serve({'/model.json': json}, (req, res) => {
    if (req.url !== '/w.bin') return false;
    res.writeHead(200, {'content-length': String(bin.length)});
    res.write(bin.subarray(0, 8));
    setTimeout(() => res.socket.destroy(), 20);  // fewer bytes than declared
    return true;
  });
  const n0 = tf.memory().numTensors;
  try {
    await assert.rejects(tf.loadLayersModel(`${s.base}/missing.json`), /Request to .*missing\.json failed with status code 404/);
    await assert.rejects(tf.loadLayersModel(`${s.base}/model.json`), /Request for weight file .*w\.bin failed/);
  } finally {
    await s.close();
  }
  await assert.rejects(tf.loadLayersModel(`${s.base}/model.json`), /Request to .*model\.json failed: .*ECONNREFUSED/);
  assert.equal(tf.memory().numTensors, n0, 'a failed load leaves nothing behind');
});

// Writes `bytes` in pieces of the given sizes, a few ms apart, so the client reads them
// as separate chunks (a weight's bytes then span chunks, cut mid-value).
async function trickle(res, bytes, sizes) {
  for (let at = 0, k = 0; at < bytes.length; ++k) {
    const n = sizes[k % sizes.length];
    res.write(bytes.subarray(at, at + n));
    at += n;
    await new Promise(resolve => setTimeout(resolve, 2));
  }
  res.end();
}

test('a load reads weights that arrive in pieces cut mid-value, with and without Content-Length; load() still gives one buffer a shard', async () => {
  const {json, bin, x, expected} = await savedModel();
  // the same kernel and bias values as uint8 (tfjs-converter's affine encoding), one shard
  const manifest = JSON.parse(json);
  const f32 = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length));
  const qSpecs = [], qBytes = [], dequantized = [];
  for (let i = 0, at = 0; i < manifest.weightsManifest[0].weights.length; ++i) {
    const spec = manifest.weightsManifest[0].weights[i];
    const v = f32.subarray(at, at + spec.shape.reduce((a, b) => a * b, 1));
    at += v.length;
    const min = Math.min(...v), scale = (Math.max(...v) - min) / 255 || 1;
    const q = Uint8Array.from(v, e => Math.round((e - min) / scale));
    qSpecs.push({...spec, quantization: {dtype: 'uint8', min, scale}});
    qBytes.push(q);
    dequantized.push(Array.from(q, e => Math.fround(e * scale + min)));
  }
  const qJson = JSON.stringify({modelTopology: manifest.modelTopology, weightsManifest: [{paths: ['q.bin'], weights: qSpecs}]});
  const s = await serve({'/model.json': json, '/q.json': qJson}, (req, res) => {
    if (req.url === '/w.bin') {
      res.writeHead(200, {'content-length': String(bin.length)});
      return trickle(res, bin, [7, 13, 5]), true;
    }
    if (req.url === '/chunked/model.json') return res.writeHead(200).end(json), true;
    if (req.url === '/chunked/w.bin') return res.writeHead(200), trickle(res, bin, [3, 11]), true;
    if (req.url === '/q.bin') return res.writeHead(200), trickle(res, Buffer.concat(qBytes), [5, 2, 9]), true;
    return false;
  });
  try {
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/model.json`), x), expected);
    assert.deepEqual(await predicts(await tf.loadLayersModel(`${s.base}/chunked/model.json`), x), expected);
    const qModel = await tf.loadLayersModel(`${s.base}/q.json`);
    assert.deepEqual(qModel.getWeights().map(w => Array.from(w.dataSync())), dequantized);
    qModel.dispose();
    // the handler's own load() (what a user reads) keeps tfjs's shape: one ArrayBuffer a shard
    for (const path of ['/model.json', '/chunked/model.json']) {
      const artifacts = await tf.io.http(`${s.base}${path}`).load();
      assert.equal(artifacts.weightData.length, 1);
      assert.ok(artifacts.weightData[0] instanceof ArrayBuffer);
      assert.deepEqual(new Uint8Array(artifacts.weightData[0]), new Uint8Array(bin));
    }
  } finally {
    await s.close();
    x.dispose();
  }
});
