// tf.browser and tf.data.webcam/microphone in Chromium (issue 16), side by side with
// tfjs 4.22 in the same page: real canvases, images and video elements, and
// Chromium's fake camera and microphone (--use-fake-device-for-media-stream).
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {launchChromium} from './chromium.mjs';

import {startServer} from '../../scripts/serve.mjs';

let server, browser, page;

before(async () => {
  server = await startServer(0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium({headless: 'old', args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
                                                   '--autoplay-policy=no-user-gesture-required']});
  const context = await browser.newContext({permissions: ['camera', 'microphone']});
  page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(`${base}/web-demo/esm.html`);  // any page of this origin
  // tfjs's UMD bundle sets window.tf: keep it as window.tfjs, then load ours as window.tf.
  await page.addScriptTag({url: '/node_modules/@tensorflow/tfjs/dist/tf.min.js'});
  await page.evaluate(() => { window.tfjs = window.tf; window.tf = undefined; });
  await page.addScriptTag({url: '/dist/wasm-layers.js'});
  await page.evaluate(async () => { await tf.ready(); await tfjs.setBackend('cpu'); });
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('fromPixels reads a canvas, ImageData, an <img> and an ImageBitmap as tfjs does (1, 3, 4 channels)', async () => {
  const result = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 7;
    canvas.height = 5;
    const ctx = canvas.getContext('2d');
    for (let y = 0; y < 5; ++y) {
      for (let x = 0; x < 7; ++x) {
        ctx.fillStyle = `rgba(${x * 36}, ${y * 60}, ${(x * y * 17) % 256}, 1)`;
        ctx.fillRect(x, y, 1, 1);
      }
    }
    const img = new Image();
    img.src = canvas.toDataURL('image/png');
    await img.decode();
    const sources = {canvas, imageData: ctx.getImageData(0, 0, 7, 5), img, bitmap: await createImageBitmap(canvas)};
    const before = tf.memory().numTensors;
    const out = {};
    for (const [name, src] of Object.entries(sources)) {
      for (const n of [1, 3, 4]) {
        const a = tf.browser.fromPixels(src, n), b = tfjs.browser.fromPixels(src, n);
        const c = await tf.browser.fromPixelsAsync(src, n);
        out[`${name}/${n}`] = {
          ours: [a.dtype, a.shape.join('x'), Array.from(a.dataSync()).join(',')],
          async: [c.dtype, c.shape.join('x'), Array.from(c.dataSync()).join(',')],
          theirs: [b.dtype, b.shape.join('x'), Array.from(b.dataSync()).join(',')],
        };
        tf.dispose([a, c]);
        b.dispose();
      }
    }
    return {out, leaked: tf.memory().numTensors - before};
  });
  for (const [key, {ours, async, theirs}] of Object.entries(result.out)) {
    assert.deepEqual(ours, theirs, key);
    assert.deepEqual(async, theirs, `${key} (fromPixelsAsync)`);
  }
  assert.equal(result.leaked, 0);
});

test('toPixels and draw put the same RGBA bytes on a canvas as tfjs', async () => {
  const result = await page.evaluate(async () => {
    const run = async L => {
      const img = L.tensor3d([[[0.1, 0.5, 1], [0, 0.25, 0.75]], [[1, 1, 1], [0.2, 0.4, 0.6]]]);
      const gray = L.tensor2d([[0, 128], [255, 7]], [2, 2], 'int32');
      const c1 = document.createElement('canvas'), c2 = document.createElement('canvas');
      const bytes = Array.from(await L.browser.toPixels(img, c1));
      const onCanvas = Array.from(c1.getContext('2d').getImageData(0, 0, 2, 2).data);
      await L.browser.toPixels(gray, c2);
      const grayOnCanvas = Array.from(c2.getContext('2d').getImageData(0, 0, 2, 2).data);
      const c3 = document.createElement('canvas');
      L.browser.draw(img, c3);
      const drawn = Array.from(c3.getContext('2d').getImageData(0, 0, 2, 2).data);
      L.dispose([img, gray]);
      return {bytes, onCanvas, grayOnCanvas, drawn};
    };
    return {ours: await run(tf), theirs: await run(tfjs)};
  });
  assert.deepEqual(result.ours.bytes, result.theirs.bytes);
  assert.deepEqual(result.ours.onCanvas, result.theirs.onCanvas);
  assert.deepEqual(result.ours.grayOnCanvas, result.theirs.grayOnCanvas);
  assert.deepEqual(result.ours.drawn, result.theirs.drawn);
});

test('tf.data.webcam captures the camera as tfjs does: frames, resize with centerCrop, stop, errors', async () => {
  const result = await page.evaluate(async () => {
    const before = tf.memory().numTensors;
    const video = document.createElement('video');
    video.width = 160;
    video.height = 120;
    document.body.appendChild(video);
    const errorOf = async f => { try { await f(); return null; } catch (e) { return e.message; } };
    const errors = {
      noElement: [await errorOf(() => tf.data.webcam()), await errorOf(() => tfjs.data.webcam())],
      facing: [await errorOf(() => tf.data.webcam(video, {facingMode: 'up'})),
               await errorOf(() => tfjs.data.webcam(video, {facingMode: 'up'}))],
    };
    // Both iterators read the same <video>; paused, it holds one frame for both.
    const config = {resizeWidth: 64, resizeHeight: 48, centerCrop: true};
    const theirs = await tfjs.data.webcam(video, config);
    const ours = await tf.data.webcam(video, config);
    await new Promise(r => setTimeout(r, 300));
    video.pause();
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const a = await ours.capture(), b = await theirs.capture();
    const plainOurs = await tf.data.webcam(null, {resizeWidth: 40, resizeHeight: 30});
    const plain = await plainOurs.capture();
    const av = a.dataSync(), bv = b.dataSync();
    let maxDiff = 0, sum = 0;
    for (let i = 0; i < av.length; ++i) { maxDiff = Math.max(maxDiff, Math.abs(av[i] - bv[i])); sum += av[i]; }
    const shapes = {ours: [a.dtype, a.shape], theirs: [b.dtype, b.shape], plain: [plain.dtype, plain.shape]};
    tf.dispose([a, plain]);
    b.dispose();
    ours.stop();
    plainOurs.stop();
    theirs.stop();
    const afterStop = await ours.next();
    let toArray = null;
    try { ours.toArray(); } catch (e) { toArray = e.message; }
    return {errors, shapes, maxDiff, mean: sum / av.length, afterStop, toArray, summary: ours.summary(),
            // The iterators' crop boxes (two tensors each, as in tfjs) stay until the iterator is dropped.
            leaked: tf.memory().numTensors - before};
  });
  assert.equal(result.errors.noElement[0], result.errors.noElement[1]);
  assert.equal(result.errors.facing[0], result.errors.facing[1]);
  assert.deepEqual(result.shapes.ours, result.shapes.theirs);
  assert.deepEqual(result.shapes.ours, ['float32', [48, 64, 3]]);
  assert.deepEqual(result.shapes.plain, ['int32', [30, 40, 3]]);
  assert.ok(result.mean > 1, `the fake camera's frame is not black (mean ${result.mean})`);
  assert.ok(result.maxDiff < 1e-3, `max |ours - tfjs| = ${result.maxDiff}`);
  assert.deepEqual(result.afterStop, {value: null, done: true});
  assert.equal(result.toArray, 'Can not convert infinite video stream to array.');
  assert.equal(result.summary, 'webcam');
  assert.equal(result.leaked, 2);
});

test('tf.data.microphone gives spectrograms and waveforms of tfjs\'s shapes, and its errors', async () => {
  const result = await page.evaluate(async () => {
    const errorOf = async f => { try { await f(); return null; } catch (e) { return e.message; } };
    const errors = {};
    for (const [name, config] of Object.entries({
      fft: {fftSize: 1000}, none: {includeSpectrogram: false}, rate: {sampleRateHz: 12345}})) {
      errors[name] = [await errorOf(() => tf.data.microphone(config)), await errorOf(() => tfjs.data.microphone(config))];
    }
    const before = tf.memory().numTensors;
    const mic = await tf.data.microphone({fftSize: 256, numFramesPerSpectrogram: 8, columnTruncateLength: 100,
                                         includeWaveform: true});
    await new Promise(r => setTimeout(r, 200));
    const {spectrogram, waveform} = await mic.capture();
    const spec = spectrogram.dataSync();
    const out = {spectrogram: [spectrogram.dtype, spectrogram.shape], waveform: [waveform.dtype, waveform.shape],
                 finite: spec.every(Number.isFinite), rate: mic.getSampleRate(), summary: mic.summary()};
    tf.dispose([spectrogram, waveform]);
    mic.stop();
    out.afterStop = await mic.next();
    out.leaked = tf.memory().numTensors - before;
    return {errors, out};
  });
  for (const [name, [ours, theirs]] of Object.entries(result.errors)) {
    assert.ok(ours != null, name);
    assert.equal(ours, theirs, name);
  }
  assert.deepEqual(result.out.spectrogram, ['float32', [8, 100, 1]]);
  assert.deepEqual(result.out.waveform, ['float32', [8 * 256, 1]]);
  assert.ok(result.out.finite);
  assert.ok(result.out.rate > 0);
  assert.equal(result.out.summary, 'microphone');
  assert.deepEqual(result.out.afterStop, {value: null, done: true});
  assert.equal(result.out.leaked, 0);
});
