// Browser benchmark (issue 12): our webgl backend side by side with tfjs's webgl
// backend in one Chromium page, and our wasm backend for scale. Chromium renders
// WebGL2 with SwiftShader here (a CPU emulation of a GPU): compare the columns with
// each other, not with real GPU figures. First call = shader compiles and uploads.
//   node bench/browser.mjs [--quick]      (npm run bench:browser)
//   node bench/browser.mjs --profile      ours webgl only: GPU ms per kernel pass, one warm run
//                                         (PROFILE_ROWS=n: the n costliest rows, 40 by default)
import {startServer} from '../scripts/serve.mjs';
import {launchChromium} from '../tests/browser/chromium.mjs';

const QUICK = process.argv.includes('--quick');
const READBACK = process.argv.includes('--readback');
const PROFILE = process.argv.includes('--profile');

const server = await startServer(0, '127.0.0.1');
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium({swiftshader: true});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/web-demo/esm.html`);
  await page.addScriptTag({url: '/node_modules/@tensorflow/tfjs/dist/tf.min.js'});
  await page.evaluate(() => { window.tfjs = window.tf; window.tf = undefined; });
  await page.addScriptTag({url: '/dist/wasm-layers.js'});
  // Read-back: a fresh webgl tensor each time (a read caches values on the host in
  // tfjs), made by one op; a synchronous read of a one-element tensor made after it
  // waits for that op (GL runs in order; gl.finish() does not wait in Chromium), so
  // only the read is timed. Fastest of several, warm (programs compiled before).
  const readback = PROFILE ? {} : await page.evaluate(async quick => {
    await tf.ready();
    const sizes = [1000, 100000, 1000000];
    // 'ours packed': the path of drivers that read R32UI only as RGBA_INTEGER, forced.
    const libs = {'ours webgl': tf, 'ours packed': tf, 'tfjs webgl': tfjs};
    const rows = {};
    for (const [col, lib] of Object.entries(libs)) {
      if (!(await lib.setBackend('webgl'))) throw new Error(`${col}: no webgl backend`);
      if (lib === tf) tf.engine()._webglForcePackedReads(col === 'ours packed');
      for (const n of sizes) {
        const x = lib.tensor(Float32Array.from({length: n}, (_, i) => i * 0.5 - 7)), one = lib.tensor([1]);
        for (const how of ['data()', 'dataSync()']) {
          const reps = quick ? 3 : n >= 1000000 ? 5 : 9;
          let best = Infinity;
          for (let r = 0; r <= reps; ++r) {  // r = 0 warms up
            const y = lib.neg(x);
            lib.tidy(() => lib.neg(one).dataSync());
            const t = performance.now();
            const v = how === 'data()' ? await y.data() : y.dataSync();
            const ms = performance.now() - t;
            if (v[n - 1] !== -((n - 1) * 0.5 - 7)) throw new Error(`${col}: wrong value read back`);
            y.dispose();
            if (r > 0) best = Math.min(best, ms);
          }
          (rows[`${how} ${n}`] ??= {})[col] = best;
        }
        lib.dispose([x, one]);
      }
    }
    tf.engine()._webglForcePackedReads(false);
    return rows;
  }, QUICK);
  if (!PROFILE) console.log('Read-back of a webgl tensor (float32), ms, fastest warm read:');
  if (!PROFILE) console.log('| read | ours webgl | ours packed | tfjs webgl |\n|---|---|---|---|');
  for (const [name, r] of Object.entries(readback)) {
    console.log(`| ${name} | ${['ours webgl', 'ours packed', 'tfjs webgl'].map(c => r[c].toFixed(2)).join(' | ')} |`);
  }
  if (PROFILE) await models(page, true);
  else if (!READBACK) await models(page);
} finally {
  await browser.close();
  server.close();
}

// The model workloads: ms first call / warm mean, ours webgl, tfjs webgl, ours wasm.
async function models(page, profile = false) {
  const result = await page.evaluate(async ([quick, profile]) => {
    const {buildMlp, buildMobileNetV2} = await import('/bench/models.mjs');
    await tf.ready();
    const reps = quick ? 2 : 5;
    const rand = (n, seed) => {
      let s = seed;
      return Float32Array.from({length: n}, () => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; });
    };
    const workloads = {
      'matMul 512x512': lib => {
        const a = lib.tensor(rand(512 * 512, 1), [512, 512]), b = lib.tensor(rand(512 * 512, 2), [512, 512]);
        return {run: async () => { const c = lib.matMul(a, b); await c.data(); c.dispose(); }, dispose: () => lib.dispose([a, b])};
      },
      'mobilenetv2-96 predict': lib => {
        const m = buildMobileNetV2(lib, 96);
        const x = lib.tensor(rand(96 * 96 * 3, 3), [1, 96, 96, 3]);
        return {run: async () => { const y = m.predict(x); await y.data(); y.dispose(); }, dispose: () => { x.dispose(); m.dispose(); }};
      },
      'mlp-fit epoch (784-256-256-10, 1024 samples, batch 128)': lib => {
        const m = buildMlp(lib, [784, 256, 256, 10], ['relu', 'relu', 'softmax']);
        m.compile({optimizer: lib.train.adam(0.001), loss: 'categoricalCrossentropy'});
        const x = lib.tensor(rand(1024 * 784, 4), [1024, 784]);
        const y = lib.oneHot(lib.tensor1d(Array.from(rand(1024, 5), v => Math.floor((v + 0.5) * 10)), 'int32'), 10);
        return {run: async () => { await m.fit(x, y, {epochs: 1, batchSize: 128, verbose: 0}); },
                dispose: () => { lib.dispose([x, y]); m.dispose(); }};
      },
    };
    const columns = [
      ['ours webgl', tf, 'webgl'], ['tfjs webgl', tfjs, 'webgl'], ['ours wasm', tf, 'wasm'],
    ];
    if (profile) {
      // One warm run per workload with every pass waited for and timed.
      const out = {};
      await tf.setBackend('webgl');
      for (const [name, make] of Object.entries(workloads)) {
        const w = make(tf);
        await w.run();
        const passes0 = tf.engine().webglStats().passes;
        tf.engine()._webglProfile(true);
        let t = performance.now();
        await w.run();
        const total = performance.now() - t;
        tf.engine()._webglProfile(false);
        out[name] = {total, passes: tf.engine().webglStats().passes - passes0, report: tf.engine()._webglProfileReport()};
        w.dispose();
      }
      return out;
    }
    const rows = {};
    for (const [name, make] of Object.entries(workloads)) {
      rows[name] = {};
      for (const [col, lib, backend] of columns) {
        try {
          if (!(await lib.setBackend(backend))) throw new Error(`no ${backend} backend`);
          const w = make(lib);
          let t = performance.now();
          await w.run();
          const first = performance.now() - t;
          t = performance.now();
          for (let i = 0; i < reps; ++i) await w.run();
          rows[name][col] = {first, warm: (performance.now() - t) / reps};
          w.dispose();
        } catch (e) {
          rows[name][col] = {error: String(e.message || e).slice(0, 60)};
        }
      }
    }
    const gl = document.createElement('canvas').getContext('webgl2');
    const dbg = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return {rows, renderer: dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : 'unknown', reps};
  }, [QUICK, profile]);
  if (profile) {
    for (const [name, r] of Object.entries(result)) {
      const lines = r.report.trim().split('\n').map(l => l.split(' '));
      const gpu = lines.reduce((s, l) => s + Number(l[2]), 0);
      console.log(`${name}: ${r.total.toFixed(0)} ms profiled, ${r.passes} passes, ${gpu.toFixed(0)} ms in passes`);
      console.log('| kernel#pass | passes | ms |\n|---|---|---|');
      for (const l of lines.slice(0, Number(process.env.PROFILE_ROWS || 40))) console.log(`| ${l[0]} | ${l[1]} | ${Number(l[2]).toFixed(1)} |`);
    }
    return;
  }
  const cols = ['ours webgl', 'tfjs webgl', 'ours wasm'];
  const fmt = v => (v == null ? '-' : v.error ? `n/a (${v.error})` : `${v.first.toFixed(0)} / ${v.warm.toFixed(1)}`);
  console.log(`Chromium ${browser.version()}, WebGL2 renderer: ${result.renderer}; ms first call / warm mean of ${result.reps}`);
  console.log(`| workload | ${cols.join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---').join('|')}|`);
  for (const [name, r] of Object.entries(result.rows)) console.log(`| ${name} | ${cols.map(c => fmt(r[c])).join(' | ')} |`);
}
