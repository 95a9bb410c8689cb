// tf.fitInWorker (web-demo/worker.html, script-tag bundle): fit runs in a Web Worker,
// the logs stream back to the page's callbacks, the trained weights come back to the
// model, Stop works, and the page keeps drawing frames while each large batch (one
// engine call) runs. Also the ES module build's fitInWorker, and its errors.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

let server, browser, base;

before(async () => {
  server = await startServer(0, '127.0.0.1');
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openWorkerPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/web-demo/worker.html`);
  await page.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent), null,
                             {timeout: 60000});
  return {page, errors};
}

test('fitInWorker trains in a worker: logs stream back, weights return, frames keep coming during each big batch', async () => {
  const {page, errors} = await openWorkerPage();
  await page.click('#worker');
  await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status').textContent), null,
                             {timeout: 120000});
  const r = await page.evaluate(() => window.results);
  assert.deepEqual(errors, []);
  assert.equal(r.inWorker, true);
  assert.equal(r.epochs, 3);
  assert.equal(r.losses.length, 3);                       // onEpochEnd ran in the page for each epoch
  assert.deepEqual(r.losses, r.historyLoss);               // the History from the worker
  assert.ok(r.losses[2] < r.losses[0], JSON.stringify(r.losses));
  assert.notDeepEqual(r.after, r.before);                  // the trained weights are on the page's model
  // Each epoch is one 8192-sample batch, one engine call: on the main thread no frame is
  // drawn while it runs; in the worker, frames keep coming throughout.
  const expected = r.ms / 16.7;
  assert.ok(r.frames >= Math.max(5, expected * 0.3), `${r.frames} frames in ${r.ms.toFixed(0)} ms`);
  assert.ok(r.maxGap < Math.max(250, r.ms / 3), `longest frame gap ${r.maxGap.toFixed(0)} ms of ${r.ms.toFixed(0)} ms`);
  await page.close();
});

test('Stop (model.stopTraining = true) ends a worker fit early', async () => {
  const {page} = await openWorkerPage();
  await page.fill('#samples', '2048');
  await page.fill('#batch', '256');
  await page.fill('#epochs', '60');
  await page.click('#worker');
  await page.waitForFunction(() => /epoch 1 \//.test(document.getElementById('status').textContent), null,
                             {timeout: 60000});
  await page.click('#stop');
  await page.waitForFunction(() => /^(Done|Failed)/.test(document.getElementById('status').textContent), null,
                             {timeout: 60000});
  const r = await page.evaluate(() => window.results);
  assert.ok(r.epochs >= 1 && r.epochs < 60, `${r.epochs} epochs`);
  await page.close();
});

test('the ES module build: fitInWorker with validation data and batch logs; clear errors for what cannot move', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/web-demo/esm.html`);
  const r = await page.evaluate(async () => {
    const tf = await import('/dist/wasm-layers.browser.mjs');
    const model = tf.sequential();
    model.add(tf.layers.dense({units: 4, inputShape: [3], activation: 'tanh'}));
    model.add(tf.layers.dense({units: 1}));
    model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    const x = tf.randomNormal([64, 3], 0, 1, 'float32', 3), y = x.sum(-1, true);
    const batches = [], epochs = [];
    const h = await tf.fitInWorker(model, x, y, {epochs: 2, batchSize: 16, validationData: [x, y],
      callbacks: {onBatchEnd: (b, logs) => { batches.push(b); }, onEpochEnd: (e, logs) => { epochs.push(logs); }}});
    // sampleWeight travels too: all-zero weights leave a zero loss and the weights as they were.
    const w0 = JSON.stringify(model.getWeights().map(t => Array.from(t.dataSync())));
    const hz = await tf.fitInWorker(model, x, y, {epochs: 1, batchSize: 64, sampleWeight: tf.zeros([64])});
    const zeroWeighted = {loss: hz.history.loss[0],
                          unchanged: w0 === JSON.stringify(model.getWeights().map(t => Array.from(t.dataSync())))};
    const errors = [];
    for (const f of [
      () => tf.fitInWorker(model, x, y, {callbacks: [tf.callbacks.earlyStopping()]}),
      () => tf.fitInWorker(model, x, y, {callbacks: {onEpochStart() {}}}),
      () => tf.fitInWorker(model, [1, 2], y),
      () => { const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [3]})); return tf.fitInWorker(m, x, y); },
      () => { const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [3]}));
              m.compile({optimizer: 'sgd', loss: (a, b) => a.sub(b).square()}); return tf.fitInWorker(m, x, y); },
    ]) {
      try { await f(); errors.push(''); } catch (e) { errors.push(e.message); }
    }
    return {batches, epochs, history: h.history, errors, zeroWeighted};
  });
  assert.deepEqual(r.batches, [0, 1, 2, 3, 0, 1, 2, 3]);
  assert.equal(r.epochs.length, 2);
  assert.ok(Number.isFinite(r.epochs[1].val_loss));
  assert.deepEqual(Object.keys(r.history).sort(), ['loss', 'val_loss']);
  assert.deepEqual(r.zeroWeighted, {loss: 0, unchanged: true});
  assert.match(r.errors[0], /Callback instances such as tf\.callbacks\.earlyStopping\(\) cannot move to the worker/);
  assert.match(r.errors[1], /unknown callback onEpochStart/);
  assert.match(r.errors[2], /x must be a Tensor, an array of Tensors or a \{name: Tensor\} map/);
  assert.match(r.errors[3], /compile the model before training it/);
  assert.match(r.errors[4], /a custom loss or metric function cannot move to the worker/);
  await page.close();
});
