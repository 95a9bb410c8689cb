// Browser tests in Debian's Chromium through playwright-core: the demo page
// (script-tag bundle) and an ES module page, served over HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

let server, browser, base;

before(async () => {
  server = await startServer(0, '127.0.0.1');
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium({headless: 'old'});
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function predictionFrom(path) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base + path);
  await page.waitForFunction(() => /\d/.test(document.getElementById('prediction').textContent),
                             null, {timeout: 60000});
  const value = Number(await page.textContent('#prediction'));
  await page.close();
  return {value, errors};
}

test('the seed page loads the minified script-tag bundle, trains, and shows a prediction close to 9', async () => {
  const {value, errors} = await predictionFrom('/web-demo/seed.html');
  assert.deepEqual(errors, []);
  assert.ok(Math.abs(value - 9) < 0.25, `prediction ${value}`);
});

test('the minified script bundle links its source map, which maps back to js/src', async () => {
  const min = await (await fetch(`${base}/dist/wasm-layers.min.js`)).text();
  assert.ok(min.trimEnd().endsWith('//# sourceMappingURL=wasm-layers.min.js.map'));
  const map = await (await fetch(`${base}/dist/wasm-layers.min.js.map`)).json();
  assert.equal(map.version, 3);
  assert.ok(map.sources.some(s => s.endsWith('js/src/core.js')), map.sources.slice(0, 5).join(', '));
  assert.equal(map.sourcesContent.length, map.sources.length);
});

test('a page that imports the ES module trains and predicts close to 9', async () => {
  const {value, errors} = await predictionFrom('/web-demo/esm.html');
  assert.deepEqual(errors, []);
  assert.ok(Math.abs(value - 9) < 0.25, `prediction ${value}`);
});

test('the page stays responsive during training (a timer ticks in the page)', async () => {
  const page = await browser.newPage();
  await page.goto(base + '/web-demo/esm.html');  // any page that has loaded the bundle
  await page.addScriptTag({url: '/dist/wasm-layers.js'});
  const result = await page.evaluate(async () => {
    await tf.ready();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 4);
    const model = tf.sequential();
    model.add(tf.layers.dense({units: 1, inputShape: [1]}));
    model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
    const xs = tf.tensor2d([[1], [2], [3], [4]]);
    const ys = tf.tensor2d([[1], [3], [5], [7]]);
    const started = performance.now();
    await model.fit(xs, ys, {epochs: 1000, verbose: 0});
    const ms = performance.now() - started;
    clearInterval(timer);
    // Errors become JS Errors with the engine's message, and the module keeps working.
    let message = '';
    try { tf.layers.dense({units: 0}); } catch (e) { message = e.message; }
    const y = model.predict(tf.tensor2d([[5]])).dataSync()[0];
    return {ticks, ms, message, y};
  });
  await page.close();
  assert.ok(result.ticks > 0, `timer ticked ${result.ticks} times in ${result.ms} ms`);
  assert.equal(result.message, 'Expected units to be a positive integer, but got 0.');
  assert.ok(Math.abs(result.y - 9) < 0.25);
});
