// Backend "xnnpack" in the WebAssembly engine (dist-xnnpack/, from `scripts/build.sh
// wasm-xnnpack` with XNNPACK built from source; README.md): it registers, a dense model's
// predict and a training step agree with backend "wasm" from the same weights, its MatMul
// and Conv2D are XNNPACK's (an operator per weight, its own kernel-cache entries), and a transposed A,
// which XNNPACK has no layout for, falls back to "wasm" with the right values.
// Skipped, saying why, where that engine was not built (a fresh clone has no XNNPACK source).
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const lazy = new URL('../../dist-xnnpack/wasm-layers.lazy.mjs', import.meta.url);
const skip = existsSync(fileURLToPath(lazy)) ? false :
  'dist-xnnpack/ is not built: WL_XNNPACK_DEPS_DIR=<XNNPACK, pthreadpool, FXdiv, cpuinfo sources> ' +
  'bash scripts/build.sh wasm-xnnpack (README.md, "XNNPACK in WebAssembly")';
const tf = skip ? null : await import(lazy.href);
if (tf) await tf.ready();

// Deterministic values in [-scale, scale).
const seq = (n, scale, phase = 0) => Float32Array.from({length: n}, (_, i) => Math.cos(i * 0.7 + phase) * scale);

function assertClose(got, want, what, rtol = 1e-5) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; ++i) {
    const tol = rtol * Math.max(1, Math.abs(want[i]));
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]} (tolerance ${tol})`);
  }
}

function denseModel() {
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 48, activation: 'relu', inputShape: [37]}));
  m.add(tf.layers.dense({units: 5}));
  m.compile({optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError'});
  m.setWeights([tf.tensor(seq(37 * 48, 0.2), [37, 48]), tf.tensor(seq(48, 0.1, 1), [48]),
                tf.tensor(seq(48 * 5, 0.3, 2), [48, 5]), tf.tensor(seq(5, 0.1, 3), [5])]);
  return m;
}

// Predict, then one SGD step and the weights after it, on the given backend.
async function predictAndStep(backend, x, y) {
  await tf.setBackend(backend);
  const m = denseModel();
  const predicted = await m.predict(x).data();
  const loss = await m.trainOnBatch(x, y);
  const weights = await Promise.all(m.getWeights().map(w => w.data()));
  m.dispose();
  return {predicted, loss, weights};
}

test('xnnpack is registered in the xnnpack engine, above wasm, falling back to it', {skip}, async () => {
  assert.ok(tf.engine().backendNames().includes('xnnpack'), tf.engine().backendNames().join(', '));
  assert.equal(tf.getBackend(), 'wasm', 'the default stays wasm');
  await tf.setBackend('xnnpack');
  assert.equal(tf.getBackend(), 'xnnpack');
  await tf.setBackend('wasm');
});

test('a dense model predicts and takes an SGD step on xnnpack as on wasm', {skip}, async () => {
  const x = tf.tensor(seq(9 * 37, 1, 4), [9, 37]);
  const y = tf.tensor(seq(9 * 5, 0.5, 5), [9, 5]);
  const want = await predictAndStep('wasm', x, y);
  const got = await predictAndStep('xnnpack', x, y);
  await tf.setBackend('wasm');
  assertClose(got.predicted, want.predicted, 'predict');
  assertClose([got.loss], [want.loss], 'loss');
  got.weights.forEach((w, i) => assertClose(w, want.weights[i], `weight ${i} after the step`));
  tf.dispose([x, y]);
});

// The wasm GEMM and XNNPACK cache their packed weights under different keys: a predict on
// xnnpack after one on wasm builds new entries only if XNNPACK's kernel ran (had it fallen
// back to wasm, the wasm entries would be hits).
test('MatMul on xnnpack is an XNNPACK operator, created once per weight version', {skip}, async () => {
  const x = tf.tensor(seq(4 * 37, 1, 6), [4, 37]);
  await tf.setBackend('wasm');
  const m = denseModel();
  tf.dispose(m.predict(x));
  await tf.setBackend('xnnpack');
  const s = tf.engine().transferStats();
  tf.dispose(m.predict(x));
  const t = tf.engine().transferStats();
  assert.equal(t.kernelCacheBuilds - s.kernelCacheBuilds, 2, 'one operator per dense kernel');
  for (let i = 0; i < 3; ++i) tf.dispose(m.predict(x));
  assert.equal(tf.engine().transferStats().kernelCacheBuilds, t.kernelCacheBuilds, 'reused while the weights stay');
  await tf.setBackend('wasm');
  m.dispose();
  x.dispose();
});

test('a conv net predicts on xnnpack (XNNPACK convolutions) as on wasm', {skip}, async () => {
  const x = tf.tensor(seq(2 * 9 * 8 * 3, 1, 10), [2, 9, 8, 3]);
  await tf.setBackend('wasm');
  const m = tf.sequential();
  m.add(tf.layers.conv2d({filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu',
                          inputShape: [9, 8, 3]}));
  m.add(tf.layers.conv2d({filters: 4, kernelSize: 1}));
  m.setWeights([tf.tensor(seq(3 * 3 * 3 * 8, 0.3, 11), [3, 3, 3, 8]), tf.tensor(seq(8, 0.1, 12), [8]),
                tf.tensor(seq(8 * 4, 0.3, 13), [1, 1, 8, 4]), tf.tensor(seq(4, 0.1, 14), [4])]);
  const want = await m.predict(x).data();
  await tf.setBackend('xnnpack');
  const s = tf.engine().transferStats();
  assertClose(await m.predict(x).data(), want, 'conv predict');
  assert.equal(tf.engine().transferStats().kernelCacheBuilds - s.kernelCacheBuilds, 2, 'an operator per conv layer');
  await tf.setBackend('wasm');
  m.dispose();
  x.dispose();
});

test('a transposed-A matMul (no XNNPACK layout) falls back to wasm with the right values', {skip}, async () => {
  const a = tf.tensor(seq(37 * 6, 1, 7), [37, 6]);
  const b = tf.tensor(seq(37 * 11, 0.5, 8), [37, 11]);
  await tf.setBackend('cpu');
  const want = await tf.matMul(a, b, true, false).data();
  const bt = tf.tensor(seq(11 * 6, 0.5, 9), [11, 6]);
  const wantT = await tf.matMul(a, bt, false, true).data();
  await tf.setBackend('xnnpack');
  const c = tf.matMul(a, b, true, false);
  assert.deepEqual(c.shape, [6, 11]);
  assertClose(await c.data(), want, 'A^T B');
  // and a transposed B, which XNNPACK takes as its own [out, in] layout
  const cT = tf.matMul(a, bt, false, true);
  assert.deepEqual(cT.shape, [37, 11]);
  assertClose(await cT.data(), wantT, 'A B^T');
  await tf.setBackend('wasm');
  tf.dispose([a, b, bt, c, cT]);
});
