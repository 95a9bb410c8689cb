// The webgl backend in Chromium (issue 12): the engine's GLSL ES 3.00 kernels on a
// WebGL2 context (SwiftShader, Chromium's CPU implementation of the GPU, here),
// against the cpu backend in the same page: op values and gradients, an MLP's fit,
// a convnet's predict, async reads, memory and transfer counts.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {startServer} from '../../scripts/serve.mjs';
import {launchChromium} from './chromium.mjs';

let server, browser, page;
const pageErrors = [];

before(async () => {
  server = await startServer(0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium({swiftshader: true});
  page = await browser.newPage();
  page.on('pageerror', e => pageErrors.push(e.message));
  await page.goto(`${base}/web-demo/esm.html`);  // any page of this origin
  await page.addScriptTag({url: '/dist/wasm-layers.js'});
  await page.evaluate(async () => {
    await tf.ready();
    // Runs fn(tf) on a backend with the given inputs (plain arrays) and reads the results.
    window.onBackend = async (name, fn) => {
      if (!(await tf.setBackend(name))) throw new Error(`setBackend('${name}') failed`);
      const before = tf.memory().numTensors;
      const outs = tf.tidy(() => {
        const r = fn();
        return Array.isArray(r) ? r : [r];
      });
      const values = [];
      for (const t of outs) values.push({shape: t.shape, dtype: t.dtype, data: Array.from(await t.data())});
      tf.dispose(outs);
      return {values, leaked: tf.memory().numTensors - before};
    };
    window.rand = (n, seed) => {
      let s = seed;
      return Array.from({length: n}, () => { s = (s * 16807) % 2147483647; return (s / 2147483647) * 2 - 1; });
    };
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

function close(actual, expected, what, tol = 1e-4) {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  let worst = 0;
  actual.data.forEach((v, i) => {
    const e = expected.data[i];
    const d = Math.abs(v - e) / Math.max(1, Math.abs(e));
    if (!(d <= tol) && !(Number.isNaN(v) && Number.isNaN(e))) worst = Math.max(worst, d || Infinity);
  });
  assert.ok(worst === 0, `${what}: relative difference ${worst} over ${tol}`);
}

test('setBackend(\'webgl\') makes a WebGL2 context in Chromium and runs there', async () => {
  const r = await page.evaluate(async () => {
    const ok = await tf.setBackend('webgl');
    const stats = tf.engine().webglStats();
    const names = tf.engine().backendNames();
    const x = tf.tensor([1, 2, 3]);
    const y = x.square();
    const values = Array.from(await y.data());
    const backend = tf.getBackend();
    tf.dispose([x, y]);
    await tf.setBackend('wasm');
    return {ok, renderer: stats.renderer, names, values, backend, after: tf.getBackend()};
  });
  assert.equal(r.ok, true);
  assert.ok(r.renderer.length > 0, 'a renderer string');
  assert.ok(r.names.includes('webgl'));
  assert.equal(r.backend, 'webgl');
  assert.deepEqual(r.values, [1, 4, 9]);
  assert.equal(r.after, 'wasm');
  assert.deepEqual(pageErrors, []);
});

// Each case: inputs as [shape, seed] or [shape, seed, 'int32']; fn gets the tensors.
const OP_CASES = {
  'add broadcast': [[[7, 1, 5], 1], [[3, 5], 2], (a, b) => tf.add(a, b)],
  'mul, sub, div': [[[33], 3], [[33], 4], (a, b) => [tf.mul(a, b), tf.sub(a, b), tf.div(a, tf.add(tf.abs(b), 1))]],
  'unary': [[[5, 13], 5], x => [tf.relu(x), tf.sigmoid(x), tf.tanh(x), tf.exp(x), tf.sqrt(tf.abs(x)), tf.elu(x)]],
  'matMul with transposes': [[[37, 29], 6], [[23, 29], 7],
                             (a, b) => [tf.matMul(a, b, false, true), tf.matMul(b, a, false, true)]],
  'batched matMul': [[[3, 9, 17], 8], [[3, 17, 5], 9], (a, b) => tf.matMul(a, b)],
  'conv2d same, stride 2, and valid': [[[2, 9, 11, 3], 10], [[3, 3, 3, 5], 11],
                                       (x, w) => [tf.conv2d(x, w, 2, 'same'), tf.conv2d(x, w, 1, 'valid')]],
  'depthwiseConv2d': [[[1, 8, 7, 4], 12], [[3, 3, 4, 2], 13], (x, w) => tf.depthwiseConv2d(x, w, 1, 'same')],
  'pools': [[[2, 9, 9, 3], 14], x => [tf.maxPool(x, 3, 2, 'same'), tf.avgPool(x, 2, 2, 'valid')]],
  'reductions': [[[6, 7, 5], 15], x => [tf.sum(x, 1), tf.mean(x, [0, 2]), tf.max(x, -1), tf.min(x), tf.argMax(x, 1)]],
  'softmax, logSoftmax': [[[4, 19], 16], x => [tf.softmax(x), tf.logSoftmax(x)]],
  'matMul 37x29 by 29x23, every transpose (packed GEMM)': [[[37, 29], 24], [[29, 23], 25],
      (a, b) => [tf.matMul(a, b), tf.matMul(tf.transpose(a), b, true, false), tf.matMul(a, tf.transpose(b), false, true),
                 tf.matMul(tf.transpose(a), tf.transpose(b), true, true)]],
  'fused matMul (bias, relu) and fused conv2d (bias, relu6)': [[[37, 29], 26], [[29, 23], 27], [[2, 9, 7, 5], 28],
      [[3, 3, 5, 7], 29], (a, b, x, w) => [tf.fused.matMul({a, b, bias: tf.reshape(tf.slice(b, [0, 0], [1, 23]), [23]),
                                                           activation: 'relu'}),
                                          tf.fused.conv2d({x, filter: w, strides: [2, 1], pad: 'same',
                                                           bias: tf.ones([7]), activation: 'relu6'})]],
  'gather (axis 0 and 1, int32 too)': [[[7, 5], 30], [[9], 31, 'int32'],
      (x, n) => [tf.gather(x, tf.tensor1d([6, 0, 3, 3], 'int32')), tf.gather(x, tf.tensor2d([4, 1, 0, 4], [2, 2], 'int32'), 1),
                 tf.gather(n, tf.tensor1d([8, 2], 'int32'))]],
  'int32 arithmetic': [[[17], 17, 'int32'], [[17], 18, 'int32'], (a, b) => [tf.add(a, b), tf.mul(a, b)]],
  'transpose, slice, concat, pad': [[[3, 4, 5], 19],
                                    x => [tf.transpose(x, [2, 0, 1]), tf.slice(x, [1, 0, 2], [2, 3, 2]),
                                          tf.concat([x, x], 1), tf.pad(x, [[0, 1], [2, 0], [1, 1]])]],
};

// Both read paths: direct (SwiftShader reads R32UI as RED_INTEGER) and packed (4
// values per RGBA32UI texel, what drivers that read R32UI only as RGBA_INTEGER get;
// forced here). Every 32-bit pattern (NaN payloads, -0, denormals) comes back
// unchanged through data() and dataSync(), for odd sizes, n = 1 and multi-row grids.
test('reads are bit-exact through the direct and the packed path, data() and dataSync(), odd sizes', async () => {
  const r = await page.evaluate(async () => {
    await tf.setBackend('webgl');
    const out = [];
    try {
      for (const packed of [false, true]) {
        tf.engine()._webglForcePackedReads(packed);
        const before = tf.engine().webglStats().packedReads;
        let reads = 0;
        for (const n of [1, 2, 3, 5, 4095, 4097, 16385, 100003]) {
          const bits = new Uint32Array(n);
          for (let i = 0; i < n; ++i) bits[i] = Math.imul(i + 1, 2654435761) >>> 0;
          bits[0] = 0x7fc01234;  // a NaN with a payload
          if (n > 1) bits[1] = 0x80000000;  // -0
          if (n > 2) bits[2] = 1;  // the smallest denormal
          for (const dtype of ['float32', 'int32']) {
            const t = dtype === 'float32' ? tf.tensor1d(new Float32Array(bits.buffer)) : tf.tensor1d(new Int32Array(bits.buffer), 'int32');
            const y = tf.reshape(t, [n]);  // a view: still the webgl texture
            const got = [await y.data(), y.dataSync()];
            reads += 2;
            let bad = 0;
            for (const g of got) {
              const u = new Uint32Array(g.buffer, g.byteOffset, g.length);
              if (u.length !== n) bad += n;
              for (let i = 0; i < n; ++i) bad += u[i] !== bits[i];
            }
            out.push({packed, n, dtype, bad, onHost: t.handle.onHost()});
            tf.dispose([t, y]);
          }
        }
        out.push({packed, counted: tf.engine().webglStats().packedReads - before, reads});
      }
    } finally {
      tf.engine()._webglForcePackedReads(false);
      await tf.setBackend('wasm');
    }
    return out;
  });
  for (const row of r) {
    if ('counted' in row) {
      assert.equal(row.counted, row.packed ? row.reads : 0, `packed reads counted (packed: ${row.packed})`);
    } else {
      assert.equal(row.onHost, false, `n = ${row.n}: the tensor lives in a texture`);
      assert.equal(row.bad, 0, `${row.dtype} n = ${row.n}, packed: ${row.packed}: values differ`);
    }
  }
});

test('ops on webgl agree with cpu (values, shapes, dtypes), nothing leaks', async () => {
  for (const [name, spec] of Object.entries(OP_CASES)) {
    const fn = spec[spec.length - 1].toString();
    const inputs = spec.slice(0, -1);
    const run = backend => page.evaluate(async ({backend, inputs, fn}) => {
      const f = eval(`(${fn})`);
      return onBackend(backend, () => {
        const ts = inputs.map(([shape, seed, dtype]) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const v = rand(n, seed).map(x => (dtype === 'int32' ? Math.round(x * 50) : x));
          return tf.tensor(v, shape, dtype || 'float32');
        });
        return f(...ts);
      });
    }, {backend, inputs, fn});
    const gl = await run('webgl');
    const cpu = await run('cpu');
    assert.equal(gl.leaked, 0, `${name}: leaked on webgl`);
    gl.values.forEach((v, i) => close(v, cpu.values[i], `${name} #${i}`));
  }
});

test('gradients on webgl agree with cpu', async () => {
  const run = backend => page.evaluate(async backend => onBackend(backend, () => {
    const x = tf.tensor(rand(2 * 8 * 8 * 3, 21), [2, 8, 8, 3]);
    const w = tf.tensor(rand(3 * 3 * 3 * 4, 22), [3, 3, 3, 4]);
    const d = tf.tensor(rand(64 * 5, 23), [64, 5]);
    const f = (x, w, d) => tf.sum(tf.sigmoid(tf.matMul(tf.reshape(tf.maxPool(tf.relu(tf.conv2d(x, w, 1, 'same')), 2, 2, 'valid'),
                                                                 [2, 64]), d)));
    return tf.grads(f)([x, w, d]);
  }), backend);
  const gl = await run('webgl'), cpu = await run('cpu');
  gl.values.forEach((v, i) => close(v, cpu.values[i], `gradient #${i}`, 1e-3));
});

test('an MLP trains on webgl as on cpu (losses and weights), with no host round trip in predict', async () => {
  const run = backend => page.evaluate(async backend => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const model = tf.sequential({layers: [
      tf.layers.dense({units: 16, activation: 'relu', inputShape: [10], kernelInitializer: 'glorotUniform'}),
      tf.layers.dense({units: 3, activation: 'softmax'})]});
    const init = [tf.tensor(rand(160, 31), [10, 16]), tf.tensor(rand(16, 32), [16]),
                  tf.tensor(rand(48, 33), [16, 3]), tf.tensor(rand(3, 34), [3])];
    model.setWeights(init);
    tf.dispose(init);
    const optimizer = tf.train.adam(0.01);
    model.compile({optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy']});
    const x = tf.tensor(rand(64 * 10, 35), [64, 10]);
    const labels = rand(64, 36).map(v => (v < -0.3 ? 0 : v < 0.3 ? 1 : 2));
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3));
    const h = await model.fit(x, y, {epochs: 5, batchSize: 16, verbose: 0, shuffle: false});
    model.predict(x).dispose();  // warm
    const s0 = tf.engine().transferStats();
    const p = model.predict(x);
    const s1 = tf.engine().transferStats();
    const weights = [];
    for (const w of model.getWeights()) weights.push(Array.from(await w.data()));
    const out = {loss: h.history.loss, weights, moves: s1.moves - s0.moves, pred: Array.from(await p.data())};
    tf.dispose([x, y, p]);
    model.dispose();
    optimizer.dispose();
    out.leaked = tf.memory().numTensors - before;
    return out;
  }, backend);
  const gl = await run('webgl'), cpu = await run('cpu');
  assert.equal(cpu.leaked, 0);
  gl.loss.forEach((l, i) => assert.ok(Math.abs(l - cpu.loss[i]) < 1e-4, `epoch ${i}: ${l} vs ${cpu.loss[i]}`));
  assert.ok(gl.loss[4] < gl.loss[0], 'the loss falls');
  gl.weights.forEach((w, i) => close({shape: [], dtype: 'float32', data: w}, {shape: [], dtype: 'float32', data: cpu.weights[i]},
                                     `weight ${i}`, 1e-3));
  assert.equal(gl.moves, 0, 'predict on webgl moved no data between backends');
  assert.equal(gl.leaked, 0);
});

test('a convnet (conv, batch norm, pool, dense) predicts on webgl as on cpu; memory returns to its start', async () => {
  const run = backend => page.evaluate(async backend => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const model = tf.sequential({layers: [
      tf.layers.conv2d({filters: 6, kernelSize: 3, padding: 'same', inputShape: [12, 12, 3]}),
      tf.layers.batchNormalization(), tf.layers.reLU(), tf.layers.maxPooling2d({poolSize: 2}),
      tf.layers.depthwiseConv2d({kernelSize: 3}), tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({units: 4, activation: 'softmax'})]});
    const ws = model.getWeights().map((w, i) => tf.tensor(rand(w.size, 40 + i).map(v => (w.shape.length === 1 && i < 6 ? 1 + v / 4 : v)), w.shape));
    model.setWeights(ws);
    tf.dispose(ws);
    const x = tf.tensor(rand(2 * 12 * 12 * 3, 50), [2, 12, 12, 3]);
    const p = model.predict(x);
    const out = {pred: Array.from(await p.data())};
    tf.dispose([x, p]);
    model.dispose();
    out.leaked = tf.memory().numTensors - before;
    return out;
  }, backend);
  const gl = await run('webgl'), cpu = await run('cpu');
  close({shape: [], dtype: 'float32', data: gl.pred}, {shape: [], dtype: 'float32', data: cpu.pred}, 'convnet predict', 1e-4);
  assert.equal(gl.leaked, 0);
  assert.deepEqual(pageErrors, []);
});

test('the demo page switches to webgl, trains an epoch there and predicts a drawn digit, then back to wasm', async () => {
  const demo = await browser.newPage({viewport: {width: 1200, height: 900}});
  const errors = [];
  demo.on('pageerror', e => errors.push(e.message));
  try {
    await demo.goto(page.url().replace('esm.html', 'index.html'));
    const settle = async (re, timeout = 60000) => {
      await demo.waitForFunction(p => new RegExp(p).test(document.getElementById('status').textContent), re.source, {timeout});
      return demo.textContent('#status');
    };
    await settle(/^Ready/);
    await demo.selectOption('#backend', 'webgl');
    assert.match(await settle(/^Backend/), /^Backend: webgl\. GLSL kernels/);
    assert.equal(await demo.evaluate(() => window.demo.tf.getBackend()), 'webgl');
    await demo.fill('#samples', '100');
    await demo.fill('#epochs', '1');
    await demo.click('#start');
    assert.match(await settle(/^(Done|Stopped|Training failed)/, 240000), /^Done after 1 epoch/);
    const stats = await demo.evaluate(() => window.demo.tf.engine().webglStats());
    assert.ok(stats.programsCompiled > 0 && stats.passes > 0, JSON.stringify(stats));
    await demo.click('#clear');
    const box = await demo.locator('#pad').boundingBox();
    await demo.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await demo.mouse.down();
    for (let i = 1; i <= 10; i++) await demo.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * i));
    await demo.mouse.up();
    await demo.waitForFunction(() => document.querySelectorAll('#top3 li[data-digit]').length === 3);
    await demo.selectOption('#backend', 'wasm');
    assert.match(await settle(/^Backend: wasm/), /^Backend: wasm/);
    assert.deepEqual(errors, []);
  } finally {
    await demo.close();
  }
});

test('in a module Web Worker (OffscreenCanvas): setBackend(\'webgl\') works there and a small fit matches cpu', async () => {
  const r = await page.evaluate(async () => {
    const code = `
      import * as tf from '${location.origin}/dist/wasm-layers.browser.mjs';
      const run = async backend => {
        const ok = await tf.setBackend(backend);
        const m = tf.sequential();
        m.add(tf.layers.dense({units: 8, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({seed: 1})}));
        m.add(tf.layers.dense({units: 1, kernelInitializer: tf.initializers.glorotUniform({seed: 2})}));
        m.compile({optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError'});
        const x = tf.tensor2d(Array.from({length: 64}, (_, i) => Math.sin(i)), [16, 4]);
        const y = x.sum(1, true);
        const h = await m.fit(x, y, {epochs: 3, batchSize: 8, shuffle: false, verbose: 0});
        const p = Array.from(await m.predict(x).data());
        tf.dispose([x, y]);
        m.dispose();
        return {ok, backend: tf.getBackend(), loss: h.history.loss, p};
      };
      const gl = await run('webgl');
      const stats = tf.engine().webglStats();
      const cpu = await run('cpu');
      postMessage({gl, cpu, passes: stats.passes, offscreen: typeof OffscreenCanvas, doc: typeof document});
    `;
    const w = new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})), {type: 'module'});
    try {
      return await new Promise((resolve, reject) => {
        w.onmessage = e => resolve(e.data);
        w.onerror = e => reject(new Error(e.message || 'worker error'));
        setTimeout(() => reject(new Error('worker timed out')), 120000);
      });
    } finally {
      w.terminate();
    }
  });
  assert.equal(r.doc, 'undefined', 'a worker has no document');
  assert.equal(r.offscreen, 'function');
  assert.equal(r.gl.ok, true);
  assert.equal(r.gl.backend, 'webgl');
  assert.ok(r.passes > 0, 'the GPU ran passes');
  r.gl.loss.forEach((l, i) => assert.ok(Math.abs(l - r.cpu.loss[i]) <= 1e-4 * Math.max(1, Math.abs(r.cpu.loss[i])), `loss ${i}: ${l} vs ${r.cpu.loss[i]}`));
  r.gl.p.forEach((v, i) => assert.ok(Math.abs(v - r.cpu.p[i]) <= 1e-4 * Math.max(1, Math.abs(r.cpu.p[i])), `predict ${i}`));
});

// The browser build checks GL errors at reads, not after each pass (a round trip to the
// GPU process each): an error raised between two reads is thrown by the next one, never
// returned as values, and the engine goes on after it.
test('a GL error raised between reads is thrown by the next read, and the next op works', async () => {
  const r = await page.evaluate(async () => {
    await tf.setBackend('webgl');
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const c = tf.matMul(a, a);
    tf.engine()._webglContext().viewport(0, 0, -1, -1);  // INVALID_VALUE, left for the engine to find
    const d = tf.relu(c);
    let error = null, values = null;
    try {
      values = Array.from(await d.data());
    } catch (e) {
      error = {isError: e instanceof Error, message: e.message};
    }
    const e2 = tf.add(a, a);
    const after = Array.from(await e2.data());
    tf.dispose([a, c, d, e2]);
    return {error, values, after};
  });
  assert.ok(r.error, `the read threw (it returned ${JSON.stringify(r.values)})`);
  assert.equal(r.error.isError, true);
  assert.match(r.error.message, /webgl: GL error 0x501 during an asynchronous read \(or in a shader pass, upload or texture allocation before it\)/);
  assert.deepEqual(r.after, [2, 4, 6, 8]);
});

// Last: it loses the page's WebGL2 context for good.
test('a lost WebGL context: the next op throws a clear Error, and tf.setBackend(\'wasm\') carries on', async () => {
  const r = await page.evaluate(async () => {
    await tf.setBackend('webgl');
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const c = tf.matMul(a, a);
    const before = Array.from(await c.data());
    tf.engine()._webglContext().getExtension('WEBGL_lose_context').loseContext();
    let error = null;
    try {
      tf.matMul(a, a);
    } catch (e) {
      error = {isError: e instanceof Error, message: e.message};
    }
    const switched = await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]), w = tf.tensor([1, 0, -1, 2, 0.5, 3], [3, 2]);
    const y = tf.matMul(x, w);
    const after = {backend: tf.getBackend(), values: Array.from(await y.data()),
                   gathered: Array.from(await tf.gather(x, tf.tensor1d([1], 'int32')).data())};
    tf.dispose([x, w, y]);
    return {before, error, switched, after};
  });
  assert.deepEqual(r.before, [7, 10, 15, 22]);
  assert.ok(r.error, 'the op after the loss threw');
  assert.equal(r.error.isError, true);
  assert.match(r.error.message, /WebGL2 context was lost.*tf\.setBackend\('wasm'\)/);
  assert.equal(r.switched, true);
  assert.equal(r.after.backend, 'wasm');
  assert.deepEqual(r.after.values, [0.5, 13, 2, 28]);
  assert.deepEqual(r.after.gathered, [4, 5, 6]);
});
