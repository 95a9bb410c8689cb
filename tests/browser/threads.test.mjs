// Both engines in Chromium: a page served with COOP/COEP (crossOriginIsolated) loads the
// threaded engine (dist/wasm-layers-mt.*) and runs 2 threads; the same page without those
// headers loads the single-thread one. A conv net's predictions, a 2-epoch fit's losses and
// trained weights, and an error are compared between the two pages: the threaded engine
// must give the same bits (fixed partitioning, no racy reductions) and keep working.
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {after, before, test} from 'node:test';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

const built = existsSync(new URL('../../dist/wasm-layers-mt.wasm', import.meta.url));
let plain, isolated, browser;

before(async () => {
  plain = await startServer(0, '127.0.0.1');
  isolated = await startServer(0, '127.0.0.1', {isolated: true});
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  plain?.close();
  isolated?.close();
});

// Runs the workload in a fresh page of `server` (the default browser entry, which loads
// the engine as it is imported; a threaded one is set to 2 threads).
async function run(server) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${server.address().port}/web-demo/seed.html`);
  const r = await page.evaluate(async () => {
    const tf = await import('/dist/wasm-layers.browser.mjs');
    await tf.ready();
    const defaultThreads = tf.getThreadsCount();
    if (defaultThreads > 1) tf.setThreadsCount(2);
    const seeded = (n, seed) => Float32Array.from({length: n}, (_, i) => Math.sin(seed * 1000 + i * 1.37) * 0.5);
    const model = tf.sequential({layers: [
      tf.layers.conv2d({filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [24, 24, 3]}),
      tf.layers.depthwiseConv2d({kernelSize: 3, padding: 'same', activation: 'relu'}),
      tf.layers.maxPooling2d({poolSize: 2}),
      tf.layers.flatten(),
      tf.layers.dense({units: 64, activation: 'relu'}),
      tf.layers.dense({units: 5, activation: 'softmax'}),
    ]});
    model.setWeights(model.getWeights().map((w, k) => tf.tensor(seeded(w.size, k + 1).map(v => v * 0.2), w.shape)));
    const initial = await Promise.all(model.getWeights().map(w => w.data().then(d => Array.from(d))));
    const n = 48;
    const x = tf.tensor(seeded(n * 24 * 24 * 3, 99), [n, 24, 24, 3]);
    const y = tf.oneHot(tf.tensor1d(Array.from({length: n}, (_, i) => i % 5), 'int32'), 5);
    const numTensors = tf.memory().numTensors;
    const predicted = Array.from(await model.predict(x).data());
    model.compile({optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy'});
    const h = await model.fit(x, y, {epochs: 2, batchSize: 16, shuffle: false, verbose: 0});
    const weights = await Promise.all(model.getWeights().map(w => w.data().then(d => Array.from(d))));
    const changed = weights.map((w, k) => w.some((v, i) => v !== initial[k][i]));
    let error = '';
    try {
      model.predict(tf.zeros([1, 5]));
    } catch (e) {
      error = e.message;
    }
    const after = Array.from(await model.predict(x.slice(0, 2)).data());
    return {isolated: self.crossOriginIsolated, defaultThreads, threads: tf.getThreadsCount(), predicted,
            losses: h.history.loss, weights, changed, error, after, leaked: tf.memory().numTensors - numTensors};
  });
  await page.close();
  return {...r, errors};
}

test('threaded engine in a COOP/COEP page: 2 threads, the same bits as the single-thread engine', async () => {
  assert.ok(built, 'dist/wasm-layers-mt.* is missing: npm test builds it (scripts/build.sh wasm-mt js)');
  const single = await run(plain);
  const multi = await run(isolated);
  // Without isolation there is no SharedArrayBuffer: the single-thread engine.
  assert.equal(single.isolated, false);
  assert.equal(single.defaultThreads, 1);
  assert.deepEqual(single.errors, []);
  // Isolated: the threaded engine, by default on the cores there are (at most 4).
  assert.equal(multi.isolated, true);
  assert.ok(multi.defaultThreads >= 2, `${multi.defaultThreads} threads by default`);
  assert.equal(multi.threads, 2);
  assert.deepEqual(multi.errors, []);
  assert.equal(multi.leaked, single.leaked);  // the same tensors alive (the optimizer's slots, the outputs)
  assert.equal(multi.predicted.length, 48 * 5);
  assert.ok(multi.losses.every(Number.isFinite), JSON.stringify(multi.losses));
  assert.deepEqual(multi.changed, [true, true, true, true, true, true, true, true]);  // every weight trained
  assert.deepEqual(multi.predicted, single.predicted);
  assert.deepEqual(multi.losses, single.losses);
  assert.deepEqual(multi.weights, single.weights);
  assert.match(multi.error, /expected .* to have shape|dimension/);
  assert.equal(multi.error, single.error);
  assert.deepEqual(multi.after, single.after);
});
