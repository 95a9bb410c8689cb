// The digits demo (web-demo/index.html) driven like a visitor would: train a couple
// of epochs, draw a digit, stop a run, switch backends, save to IndexedDB and load
// back. Screenshots go to test-artifacts/ (gitignored).
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
let server, browser, page, base;
const errors = [];

before(async () => {
  mkdirSync(artifacts, {recursive: true});
  server = await startServer(0, '127.0.0.1');
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
  page = await browser.newPage({viewport: {width: 1200, height: 900}});
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/web-demo/index.html`);
  await page.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent), null,
                             {timeout: 60000});
});

after(async () => {
  await browser?.close();
  server?.close();
});

const status = () => page.textContent('#status');
async function settle(pattern, timeout = 90000) {
  await page.waitForFunction(p => new RegExp(p).test(document.getElementById('status').textContent), pattern.source,
                             {timeout});
  return status();
}

async function drawOne() {
  await page.click('#clear');
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * i));
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelectorAll('#top3 li[data-digit]').length === 3);
  return page.$$eval('#top3 li[data-digit]', lis => lis.map(li => [Number(li.dataset.digit),
                                                                   parseFloat(li.textContent.split('—')[1])]));
}

test('trains the digit CNN for two epochs above chance, with curves, confusion matrix and speed shown', async () => {
  await page.fill('#samples', '1500');
  await page.fill('#epochs', '2');
  await page.click('#start');
  const text = await settle(/^(Done|Training failed)/);
  assert.match(text, /^Done after 2 epochs: validation accuracy/);
  const acc = parseFloat(await page.textContent('#stat-acc'));
  assert.ok(acc > 30, `validation accuracy ${acc}% (chance is 10%)`);
  assert.ok(Number((await page.textContent('#stat-ms')).replace(/,/g, '')) > 0);
  assert.ok(Number((await page.textContent('#stat-sps')).replace(/,/g, '')) > 0);
  assert.match(await page.getAttribute('#loss-chart', 'aria-label'), /^Loss\. training [\d.]+ at epoch 2; validation [\d.]+ at epoch 2\.$/);
  assert.match(await page.getAttribute('#acc-chart', 'aria-label'), /^Accuracy\. training/);
  assert.match(await page.getAttribute('#confusion', 'aria-label'), /Per-class accuracy: 0: \d+%.*9: \d+%/);
  assert.equal(await page.locator('#per-class tbody tr').count(), 10);
  assert.match(await page.textContent('#summary'), /Total params: 14,?410/);
  await page.screenshot({path: artifacts + 'demo-trained.png', fullPage: true});
});

test('draws a digit on the pad and shows the top-3 predictions', async () => {
  const top = await drawOne();
  assert.equal(top.length, 3);
  assert.equal(new Set(top.map(t => t[0])).size, 3);
  assert.ok(top[0][1] >= top[1][1] && top[1][1] >= top[2][1], JSON.stringify(top));
  assert.ok(top.reduce((a, t) => a + t[1], 0) <= 100.5);
  await page.screenshot({path: artifacts + 'demo-drawn.png'});
});

test('saves the model to IndexedDB and loads it back with the same predictions', async () => {
  const before = await page.textContent('#top3');
  await page.click('#save-idb');
  assert.match(await settle(/^Saved|failed/), /^Saved to IndexedDB \(indexeddb:\/\/wasm-layers-digits, 57,640 bytes/);
  await page.click('#load-idb');
  assert.match(await settle(/^Loaded|failed/), /^Loaded the model from IndexedDB/);
  await page.waitForFunction(() => document.querySelectorAll('#top3 li[data-digit]').length === 3);
  assert.equal(await page.textContent('#top3'), before);
});

test('downloads the model files and loads them back through the file picker (tf.io.browserFiles)', async () => {
  const before = await page.textContent('#top3');
  const downloads = [];
  const onDownload = d => downloads.push(d);
  page.on('download', onDownload);
  await page.click('#download');
  for (let i = 0; i < 100 && downloads.length < 2; i++) await page.waitForTimeout(50);
  page.off('download', onDownload);
  const names = downloads.map(d => d.suggestedFilename()).sort();
  assert.deepEqual(names, ['wasm-layers-digits.json', 'wasm-layers-digits.weights.bin']);
  const paths = [];
  for (const d of downloads) {
    paths.push(artifacts + d.suggestedFilename());
    await d.saveAs(paths.at(-1));
  }
  await page.setInputFiles('#files', paths);
  assert.match(await settle(/^Loaded|failed/), /^Loaded the model from wasm-layers-digits\.json/);
  await page.waitForFunction(() => document.querySelectorAll('#top3 li[data-digit]').length === 3);
  assert.equal(await page.textContent('#top3'), before);
});

test('Stop ends a long run early', async () => {
  await page.fill('#epochs', '50');
  await page.click('#start');
  // Any epoch of the 50 (a fast epoch may leave "Epoch 1" before a poll sees it).
  await settle(/^Epoch \d+ \/ 50/);
  await page.click('#stop');
  const text = await settle(/^(Stopped|Done|Training failed)/);
  assert.match(text, /^Stopped after \d+ epochs?/);
  const done = Number(/after (\d+)/.exec(text)[1]);
  assert.ok(done >= 1 && done < 50, text);
});

test('trains in a Web Worker (tf.fitInWorker) from the same controls', async () => {
  await page.fill('#epochs', '1');
  await page.check('#in-worker');
  await page.click('#start');
  await settle(/in a Web Worker: epoch 1/);
  const text = await settle(/^(Done|Stopped|Training failed)/);
  assert.match(text, /^Done after 1 epoch: validation accuracy/);
  assert.ok(parseFloat(await page.textContent('#stat-acc')) > 30);
  await page.uncheck('#in-worker');
});

test('switches to the cpu backend and back; predictions still work', async () => {
  await page.selectOption('#backend', 'cpu');
  assert.match(await settle(/^Backend/), /^Backend: cpu/);
  assert.equal(await page.evaluate(() => window.demo.tf.getBackend()), 'cpu');
  const top = await drawOne();
  assert.equal(top.length, 3);
  await page.selectOption('#backend', 'wasm');
  assert.match(await settle(/^Backend: wasm/), /^Backend: wasm/);
});

test('the webgl option where WebGL2 is missing: the reason, and the engine stays on wasm', async () => {
  // A browser without WebGL2 (old, or GPU blocked): both canvases refuse the context.
  const bare = await browser.newPage();
  await bare.addInitScript(() => {
    for (const C of [HTMLCanvasElement, globalThis.OffscreenCanvas].filter(Boolean)) {
      const get = C.prototype.getContext;
      C.prototype.getContext = function (kind, ...rest) { return kind === 'webgl2' ? null : get.call(this, kind, ...rest); };
    }
  });
  try {
    await bare.goto(`${base}/web-demo/index.html`);
    await bare.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent), null, {timeout: 60000});
    await bare.selectOption('#backend', 'webgl');
    await bare.waitForFunction(() => /^Backend webgl is not available/.test(document.getElementById('status').textContent));
    assert.match(await bare.textContent('#status'), /WebGL2 is not available here.*Staying on wasm\.$/);
    assert.equal(await bare.$eval('#backend', s => s.value), 'wasm');
    assert.equal(await bare.evaluate(() => window.demo.tf.getBackend()), 'wasm');
  } finally {
    await bare.close();
  }
});

test('the speed comparison trains the same network with @tensorflow/tfjs from node_modules', async t => {
  await page.fill('#compare-samples', '128');
  await page.selectOption('#compare-backend', 'cpu');
  await page.click('#compare');
  const text = await settle(/^Comparison (done|failed)/, 120000);
  assert.match(text, /^Comparison done: wasm-layers \d+ ms, @tensorflow\/tfjs \(cpu\) \d+ ms for one epoch of 128 samples/);
  const rows = await page.$$eval('#compare-table tbody tr', trs => trs.map(tr => tr.textContent));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^wasm-layerswasm\d+[\d,]+$/);
  assert.match(rows[1], /^@tensorflow\/tfjs 4\.22\.0cpu\d+[\d,]+$/);
  t.diagnostic(text);
});

test('usable at 390 px wide: nothing overflows horizontally', async () => {
  await page.setViewportSize({width: 390, height: 844});
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({path: artifacts + 'demo-390px.png', fullPage: true});
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
  assert.deepEqual(errors, []);
});

test('opened from file://, the page says it must be served over http', async () => {
  const p = await browser.newPage();
  await p.goto(new URL('../../web-demo/index.html', import.meta.url).href);
  assert.match(await p.textContent('#status'), /must be served over http.*npm start/);
  await p.goto(new URL('../../web-demo/seed.html', import.meta.url).href);
  assert.match(await p.textContent('#status'), /must be served over http.*npm start/);
  await p.close();
});
