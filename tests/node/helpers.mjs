// Shared by the node:test suites: the built ESM package, the tfjs oracle and a
// local model server.
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {after} from 'node:test';
import {createRequire} from 'node:module';

import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';

// WL_TEST_DIST=DIR runs the suites on another build's bundles: dist-xnnpack with
// WL_TEST_BACKEND=xnnpack runs them on XNNPACK's kernels (scripts/build.sh wasm-xnnpack).
const tfModule = await import(process.env.WL_TEST_DIST
  ? pathToFileURL(resolve(process.env.WL_TEST_DIST, 'wasm-layers.lazy.mjs')).href
  : '../../dist/wasm-layers.lazy.mjs');

export const tf = tfModule;

// The suites run on the single-thread engine, whether or not the threaded one
// (-DWL_THREADS=ON, optional) was built; WL_TEST_THREADS=N runs them on N threads
// of the threaded engine (scripts/test.sh does so for a few suites when it exists).
const testThreads = Number(process.env.WL_TEST_THREADS || 1);
tfModule.setThreadsCount(testThreads);
await tfModule.ready();
if (testThreads > 1 && tfModule.getThreadsCount() !== testThreads) {
  throw new Error(`WL_TEST_THREADS=${testThreads}, but the engine runs ${tfModule.getThreadsCount()} threads ` +
                  '(is the threaded engine built? scripts/build.sh wasm-mt js)');
}

// WL_TEST_BACKEND=cpu-async runs a suite on the test backend that keeps its data in
// its own memory and reads asynchronously (core/test_backend.h): the seam's proof
// that every op works where values are not host memory (backend_seam.test.mjs runs
// the op suites so).
if (process.env.WL_TEST_BACKEND) {
  const name = process.env.WL_TEST_BACKEND;
  await tfModule.ready();
  // Only the test backends are made here; any other name must be in this engine.
  if (!tfModule.engine().backendNames().includes(name) && name.startsWith('cpu-async')) {
    tfModule.engine()._registerTestBackend(name);
  }
  await tfModule.setBackend(name);
}

const require = createRequire(import.meta.url);
let tfjs = null;
/** @tensorflow/tfjs (cpu backend), loaded once, quietly. */
export async function loadTfjs() {
  if (tfjs) return tfjs;
  const warn = console.warn;
  console.warn = () => {};  // tfjs suggests installing tfjs-node on load
  try {
    tfjs = require('@tensorflow/tfjs');
    await tfjs.setBackend('cpu');
    await tfjs.ready();
  } finally {
    console.warn = warn;
  }
  return tfjs;
}

/** Captures what fn() writes with console.log. */
export function captureLog(fn) {
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(args.join(' '));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

/**
 * A model server on 127.0.0.1 (an ephemeral port) with its files in memory:
 * GET serves `files` (URL path -> Buffer); a multipart POST to a path stores
 * each part (as tf.io.http's save sends model.json and model.weights.bin) under
 * that path, so what is saved there loads back from `${path}/model.json`.
 */
export async function modelServer() {
  const files = new Map();
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    try {
      if (req.method === 'POST') {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        const form = await new Request(`http://local${req.url}`, {
          method: 'POST', headers: {'content-type': req.headers['content-type']}, body: Buffer.concat(chunks),
        }).formData();
        const dir = req.url.endsWith('/') ? req.url : `${req.url}/`;
        for (const [name, part] of form) files.set(dir + name, Buffer.from(await part.arrayBuffer()));
        res.writeHead(200, {'Content-Type': 'application/json'}).end('{}');
        return;
      }
      const body = files.get(new URL(req.url, 'http://local').pathname);
      if (!body) return res.writeHead(404).end();
      res.writeHead(200).end(body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    files,
    requests,
    /** Serves `data` (a string, Buffer or ArrayBuffer) at `path`. */
    put(path, data) {
      files.set(path, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data));
    },
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** Deterministic inputs (a small LCG) so both libraries see the same values. */
export function seededData(shape, seed = 1, lo = -1, hi = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed * 9301 + 49297;
  return Array.from({length: n}, () => {
    s = (s * 9301 + 49297) % 233280;
    return lo + (hi - lo) * (s / 233280);
  });
}

/** Elementwise |actual - expected| <= rel * max(|expected|, 1), naming the first bad element. */
export function assertAllClose(actual, expected, what, rel) {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= rel * Math.max(Math.abs(expected[i]), 1), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** fn()'s tensor as {dtype, shape, values} (disposed), or {error}: one record to compare across libraries. */
export function outcome(fn) {
  try {
    const t = fn();
    const out = {dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync())};
    t.dispose();
    return out;
  } catch (e) {
    return {error: e.message};
  }
}

/**
 * SymbolicTensors from tf.input()/apply() hold their part of the graph until disposed
 * or garbage-collected (tfjs's have no dispose): sym() keeps ours, release() disposes
 * them, so a test's leak check sees only what it owns.
 */
export function heldSymbols() {
  const held = [];
  return {
    sym: t => { held.push(...(Array.isArray(t) ? t : [t])); return t; },
    release: () => held.splice(0).forEach(t => t.dispose && t.dispose()),
  };
}

/**
 * A model's artifacts as `lib` (ours or tfjs) saves them, through a save handler:
 * what tf.io.fromMemory loads. `config` is model.save's (e.g. {quantize}).
 */
export async function artifactsOf(lib, model, config) {
  let artifacts;
  await model.save(lib.io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }), config);
  return artifacts;
}

/**
 * A parity table for a suite: close(family, actual, expected, what, rel) asserts as
 * assertAllClose and records each family's comparisons and largest |difference|,
 * printed when the suite ends (the numbers closing notes quote).
 */
export function parityTable() {
  const table = new Map();  // family -> {cases, max}
  after(() => {
    const lines = [...table].map(([family, r]) => `  ${family}: ${r.cases} comparisons, max |difference| ${r.max.toExponential(2)}`);
    console.log(`parity (family: comparisons, max difference)\n${lines.join('\n')}`);
  });
  return function close(family, actual, expected, what, rel) {
    assertAllClose(actual, expected, what, rel);
    const row = table.get(family) || {cases: 0, max: 0};
    row.cases += 1;
    for (let i = 0; i < actual.length; i++) row.max = Math.max(row.max, Math.abs(actual[i] - expected[i]));
    table.set(family, row);
  };
}
