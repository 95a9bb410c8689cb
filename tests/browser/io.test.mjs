// Saving and loading in Chromium: localstorage://, indexeddb:// (with listModels,
// copyModel, removeModel) and tf.io.browserFiles, in a page served on 127.0.0.1.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

let server, browser, page;

before(async () => {
  server = await startServer(0, '127.0.0.1');
  browser = await launchChromium({headless: 'old'});
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/web-demo/esm.html`);
  await page.addScriptTag({url: '/dist/wasm-layers.js'});
  await page.evaluate(async () => {
    await tf.ready();
    window.makeModel = () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({units: 3, inputShape: [2], activation: 'relu'}));
      m.add(tf.layers.dense({units: 1}));
      return m;
    };
    window.predict = m => Array.from(m.predict(tf.tensor2d([[1, -2], [0.5, 3]])).dataSync());
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('localstorage:// and indexeddb:// round trips, listModels, copyModel, removeModel', async () => {
  const result = await page.evaluate(async () => {
    const m = makeModel();
    const expected = predict(m);
    await m.save('localstorage://demo');
    const fromLs = predict(await tf.loadLayersModel('localstorage://demo'));
    await m.save('indexeddb://demo');
    const fromIdb = predict(await tf.loadLayersModel('indexeddb://demo'));
    await tf.io.copyModel('indexeddb://demo', 'localstorage://copy');
    const listed = Object.keys(await tf.io.listModels()).sort();
    await tf.io.removeModel('localstorage://copy');
    const afterRemove = Object.keys(await tf.io.listModels()).sort();
    let missing = '';
    try { await tf.loadLayersModel('indexeddb://nope'); } catch (e) { missing = e.message; }
    return {expected, fromLs, fromIdb, listed, afterRemove, missing};
  });
  assert.deepEqual(result.fromLs, result.expected);
  assert.deepEqual(result.fromIdb, result.expected);
  assert.deepEqual(result.listed, ['indexeddb://demo', 'localstorage://copy', 'localstorage://demo']);
  assert.deepEqual(result.afterRemove, ['indexeddb://demo', 'localstorage://demo']);
  assert.match(result.missing, /Cannot find model with path 'nope' in IndexedDB/);
});

test('tf.io.browserFiles loads a model.json and weights given as File objects', async () => {
  const result = await page.evaluate(async () => {
    const m = makeModel();
    let files;
    await m.save(tf.io.withSaveHandler(async artifacts => {
      const json = {modelTopology: artifacts.modelTopology, format: artifacts.format,
                    weightsManifest: [{paths: ['./model.weights.bin'], weights: artifacts.weightSpecs}]};
      files = [new File([JSON.stringify(json)], 'model.json'), new File([artifacts.weightData], 'model.weights.bin')];
      return {modelArtifactsInfo: {}};
    }));
    const loaded = await tf.loadLayersModel(tf.io.browserFiles(files));
    let err = '';
    try { await tf.loadLayersModel(tf.io.browserFiles([files[0]])); } catch (e) { err = e.message; }
    return {expected: predict(m), got: predict(loaded), err};
  });
  assert.deepEqual(result.got, result.expected);
  assert.match(result.err, /model.weights.bin .* was not provided to browserFiles/);
});
