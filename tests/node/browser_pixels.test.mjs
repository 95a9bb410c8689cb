// tf.browser (issue 16) in Node: pixel data in, RGBA bytes out, drawing on a canvas
// stand-in, against tfjs 4.22's cpu backend.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const pixels = {width: 3, height: 2, data: Uint8Array.from({length: 24}, (_, i) => (i * 37) % 256)};
const errorOf = async f => { try { await f(); return null; } catch (e) { return e.message; } };

test('fromPixels matches tfjs for 1, 3 and 4 channels, and its errors', async () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 3, 4]) {
    const a = tf.browser.fromPixels(pixels, n), b = tfjs.browser.fromPixels(pixels, n);
    assert.deepEqual([a.dtype, a.shape, Array.from(a.dataSync())], [b.dtype, b.shape, Array.from(b.dataSync())]);
    a.dispose();
    b.dispose();
    const c = await tf.browser.fromPixelsAsync(pixels, n);
    c.dispose();
  }
  for (const bad of [[pixels, 5], [null], [{width: 1}]]) {
    assert.equal(await errorOf(() => tf.browser.fromPixels(...bad)), await errorOf(() => tfjs.browser.fromPixels(...bad)));
  }
  assert.equal(tf.memory().numTensors, before);
});

test('toPixels matches tfjs (float32, int32, grayscale, RGBA) and its errors', async () => {
  const before = tf.memory().numTensors;
  const cases = [
    L => L.tensor3d([[[0.1, 0.5, 1]], [[0, 0.25, 0.75]]], [2, 1, 3]),
    L => L.tensor2d([[0, 128], [255, 7]], [2, 2], 'int32'),
    L => L.tensor3d([[[0.1, 0.5, 1, 0.5]]], [1, 1, 4]),
    () => [[[10, 20, 30]]],
    L => L.tensor3d([[[2, 0, 0]]], [1, 1, 3]),
    L => L.tensor3d([[[1, 0]]], [1, 1, 2]),
    L => L.tensor1d([1]),
  ];
  for (const make of cases) {
    const run = async L => {
      const img = make(L);
      try {
        return Array.from(await L.browser.toPixels(img));
      } catch (e) {
        return e.message;
      } finally {
        if (img instanceof L.Tensor) img.dispose();
      }
    };
    assert.deepEqual(await run(tf), await run(tfjs));
  }
  assert.equal(tf.memory().numTensors, before);
});

test('draw puts the same RGBA bytes on a canvas as tfjs', async () => {
  const saved = globalThis.ImageData;
  globalThis.ImageData = class {
    constructor(data, width, height) { Object.assign(this, {data, width, height}); }
  };
  try {
    const canvasFor = () => {
      const canvas = {put: null, getContext: () => ({putImageData: d => { canvas.put = d; }})};
      return canvas;
    };
    const results = [];
    for (const L of [tf, tfjs]) {
      const img = L.tensor3d([[[0.1, 0.5, 1]], [[0, 0.25, 0.75]]], [2, 1, 3]);
      const canvas = canvasFor();
      L.browser.draw(img, canvas, {imageOptions: {alpha: 0.5}});
      results.push({w: canvas.width, h: canvas.height, bytes: Array.from(canvas.put.data)});
      img.dispose();
    }
    assert.deepEqual(results[0], results[1]);
  } finally {
    globalThis.ImageData = saved;
  }
});
