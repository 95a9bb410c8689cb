// Benchmark: wasm-layers (our engine, 'wasm' SIMD backend) against @tensorflow/tfjs 4.22
// with its 'wasm' (XNNPACK, single-threaded, SIMD) and 'cpu' backends, in one Node
// process. Prints one table; see bench/README.md for how to read it.
//
//   node bench/run.mjs [--quick] [--only=mlp-fit,small-predict] [--gemm-native=FILE] [--threads=N]
//                      [--ours-only] [--dist=DIR] [--backend=NAME]
//
// Every timing excludes a warm-up run. Weights are copied from the tfjs model into
// ours where both models build, so both compute the same function.
import {createRequire} from 'node:module';
import {createServer} from 'node:http';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import {buildBiLstm, buildCnn, buildGru, buildLstm, buildMlp, buildMobileNetV2} from './models.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
// Each workload runs ROUNDS times (each library in turn); the table keeps the fastest.
const roundsArg = args.find(a => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Math.max(1, Number(roundsArg.slice(9)) | 0) : (QUICK ? 1 : 3);
const onlyArg = args.find(a => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const nativeArg = args.find(a => a.startsWith('--gemm-native='));
// --ours-only: time only this package (before/after comparisons of our own changes);
// --dist=DIR: this package from another build (e.g. a copy of main's dist/ before a change).
const OURS_ONLY = args.includes('--ours-only');
const distArg = args.find(a => a.startsWith('--dist='));
const distDir = distArg ? path.resolve(distArg.slice(7)) : path.join(root, 'dist');
// --backend=NAME: our backend for the workloads (default 'wasm'; e.g. 'xnnpack' with
// --dist=dist-xnnpack, the engine from scripts/build.sh wasm-xnnpack).
const backendArg = args.find(a => a.startsWith('--backend='));
const OUR_BACKEND = backendArg ? backendArg.slice(10) : 'wasm';

// ---- the libraries -------------------------------------------------------------------
// Silence tfjs's "use tfjs-node" banner; keep everything else.
const origWarn = console.warn;
const origLog = console.log;
const quiet = fn => async (...a) => {
  console.warn = () => {};
  console.log = () => {};
  try { return await fn(...a); } finally { console.warn = origWarn; console.log = origLog; }
};

// --threads=N: our kernels on N threads (the threaded engine, dist/wasm-layers-mt.*,
// from `scripts/build.sh wasm-mt js`); default 1, the single-thread engine, as tfjs-wasm here.
const threadsArg = args.find(a => a.startsWith('--threads='));
const THREADS = threadsArg ? Math.max(1, Number(threadsArg.slice(10)) | 0) : 1;
const ours = await import(path.join(distDir, 'wasm-layers.lazy.mjs'));
ours.setThreadsCount(THREADS);
await ours.ready();
await ours.setBackend(OUR_BACKEND);  // throws, naming the engine's backends, where it has none so named
if (ours.getThreadsCount() !== THREADS) {
  throw new Error(`--threads=${THREADS}: the engine runs ${ours.getThreadsCount()} (is dist/wasm-layers-mt.wasm built?)`);
}

const tfjs = await quiet(async () => {
  const tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep;
  wasm.setWasmPaths(wasmDir);  // a directory prefix: it picks the -simd.wasm file itself
  wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);  // single thread
  return {tf, wasm, wasmDir};
})();
const tf = tfjs.tf;
const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
await quiet(() => tf.setBackend('wasm'))();
await tf.ready();
const tfWasmOk = tf.getBackend() === 'wasm';

// ---- helpers ---------------------------------------------------------------------------
const now = () => performance.now();
const fmtMs = v => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v >= 0.01 ? v.toFixed(3) : v.toFixed(4)) : v);
const errCell = e => `n/a (${String(e && e.message ? e.message : e).split('\n')[0].slice(0, 70)})`;

// A seeded uniform generator, so every library sees the same data.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomArray(n, seed, lo = 0, hi = 1) {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; ++i) a[i] = lo + (hi - lo) * r();
  return a;
}
function oneHotArray(rows, classes, seed) {
  const r = rng(seed);
  const a = new Float32Array(rows * classes);
  for (let i = 0; i < rows; ++i) a[i * classes + Math.floor(r() * classes)] = 1;
  return a;
}

// Copy weights from a tfjs model into ours (same architecture, same weight order).
function copyWeights(from, to, lib) {
  const ws = from.getWeights().map(w => lib.tensor(w.dataSync(), w.shape));
  to.setWeights(ws);
  ws.forEach(w => w.dispose());
}

async function withTfBackend(name, fn) {
  await quiet(() => tf.setBackend(name))();
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`tfjs backend '${name}' unavailable`);
  return fn();
}

// ---- workloads -------------------------------------------------------------------------
// Each workload: build(lib) -> model; run(lib, model, data) -> one timed call. The
// runner builds the tfjs model first (on tfjs's active backend), copies its weights
// into ours, does a warm-up, then times.

const FIT = (lib, model, d, optimizer) => {
  model.compile({optimizer: lib.train.adam(0.001), loss: 'categoricalCrossentropy'});
  return model;
};

const workloads = [
  {
    name: 'mlp-fit',
    build: lib => buildMlp(lib, [784, 256, 256, 10], ['relu', 'relu', 'softmax']),
    data: () => ({x: randomArray(4096 * 784, 1), y: oneHotArray(4096, 10, 2), n: 4096, xShape: [784], classes: 10}),
    compile: FIT,
    batchSize: 128,
    reps: 1,
  },
  {
    name: 'cnn-fit',
    build: buildCnn,
    data: () => ({x: randomArray(128 * 784, 3), y: oneHotArray(128, 10, 4), n: 128, xShape: [28, 28, 1], classes: 10}),
    compile: FIT,
    batchSize: 32,
    reps: 1,
    wasmNoGrad: true,
  },
  {
    name: 'lstm-fit',
    build: buildLstm,
    data: () => ({x: randomArray(512 * 32 * 16, 7, -1, 1), y: randomArray(512, 8, -1, 1), n: 512, xShape: [32, 16],
                  classes: 1}),
    compile: (lib, model) => model.compile({optimizer: lib.train.rmsprop(0.001), loss: 'meanSquaredError'}),
    batchSize: 64,
    reps: 1,
  },
  {
    name: 'bilstm-fit',
    build: buildBiLstm,
    data: () => ({x: randomArray(512 * 32 * 16, 9, -1, 1), y: randomArray(512, 10, -1, 1), n: 512, xShape: [32, 16],
                  classes: 1}),
    compile: (lib, model) => model.compile({optimizer: lib.train.rmsprop(0.001), loss: 'meanSquaredError'}),
    batchSize: 64,
    reps: 1,
  },
  {
    name: 'gru-fit',
    build: buildGru,
    data: () => ({x: randomArray(512 * 32 * 16, 11, -1, 1), y: randomArray(512, 12, -1, 1), n: 512, xShape: [32, 16],
                  classes: 1}),
    compile: (lib, model) => model.compile({optimizer: lib.train.rmsprop(0.001), loss: 'meanSquaredError'}),
    batchSize: 64,
    reps: 1,
  },
  {
    name: 'mobilenetv2-predict',
    build: buildMobileNetV2,
    data: () => ({x: randomArray(224 * 224 * 3, 5, -1, 1), n: 1, xShape: [224, 224, 3]}),
    reps: QUICK ? 2 : 10,
  },
  {
    // loadLayersModel over http:// from a local server (model.json + 4 MB shards).
    name: 'mobilenetv2-load',
    build: buildMobileNetV2,
    load: true,
    reps: QUICK ? 2 : 5,
  },
  {
    // The same model with its weights quantized as tfjs-converter writes them
    // (--quantize_uint8 / --quantize_float16): dequantizing is part of the load.
    name: 'mobilenetv2-load-uint8',
    build: buildMobileNetV2,
    load: true,
    quantize: 'uint8',
    reps: QUICK ? 2 : 5,
  },
  {
    name: 'mobilenetv2-load-float16',
    build: buildMobileNetV2,
    load: true,
    quantize: 'float16',
    reps: QUICK ? 2 : 5,
  },
  {
    name: 'small-predict',
    build: lib => buildMlp(lib, [16, 32, 4], ['relu', 'linear']),
    data: () => ({x: randomArray(16, 6), n: 1, xShape: [16]}),
    // Calls of a few us: enough of them that a GC pause or a JIT tier-up is not the result
    // (1000 calls were ~4 ms of ours, and the ratio moved 0.06-0.09 between runs).
    warmup: QUICK ? 200 : 2000,
    reps: QUICK ? 1000 : 10000,
  },
];

// Time one workload on one library; returns ms (mean per timed call) or throws.
async function timeWorkload(w, lib, model, d) {
  const x = lib.tensor(d.x, [d.n, ...d.xShape]);
  try {
    if (w.compile) {
      const y = lib.tensor(d.y, [d.n, d.classes]);
      try {
        w.compile(lib, model, d);
        // warm-up: one epoch over the first two batches
        const wn = Math.min(d.n, 2 * w.batchSize);
        const wx = lib.tensor(d.x.subarray(0, wn * d.x.length / d.n), [wn, ...d.xShape]);
        const wy = lib.tensor(d.y.subarray(0, wn * d.classes), [wn, d.classes]);
        await model.fit(wx, wy, {batchSize: w.batchSize, epochs: 1, verbose: 0});
        wx.dispose(); wy.dispose();
        const t0 = now();
        for (let r = 0; r < w.reps; ++r) {
          await model.fit(x, y, {batchSize: w.batchSize, epochs: 1, verbose: 0});
        }
        return (now() - t0) / w.reps;
      } finally {
        y.dispose();
      }
    }
    const once = () => {
      const out = model.predict(x);
      out.dataSync();
      out.dispose();
    };
    for (let r = 0; r < (w.warmup || 1); ++r) once();
    const t0 = now();
    for (let r = 0; r < w.reps; ++r) once();
    return (now() - t0) / w.reps;
  } finally {
    x.dispose();
  }
}

// Serves the files of `dir` (read once, so the disk is not timed) on 127.0.0.1.
async function serveDir(dir) {
  const files = new Map(fs.readdirSync(dir).map(f => [`/${f}`, fs.readFileSync(path.join(dir, f))]));
  const server = createServer((req, res) => {
    const body = files.get(req.url);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, {'Content-Type': req.url.endsWith('.json') ? 'application/json' : 'application/octet-stream'})
        .end(body);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {url: `http://127.0.0.1:${server.address().port}/model.json`, close: () => server.close()};
}

// Mean ms of loadLayersModel(url) over w.reps loads after one warm-up; each model is disposed.
async function timeLoad(w, lib, url) {
  const once = async () => {
    const t0 = now();
    const m = await lib.loadLayersModel(url);
    const ms = now() - t0;
    m.dispose();
    return ms;
  };
  await once();
  let total = 0;
  for (let r = 0; r < w.reps; ++r) total += await once();
  return total / w.reps;
}

// Rewrites a saved model's float32 weights as tfjs-converter's quantized encodings:
// uint8 (affine min/scale per weight) or float16, in one shard.
function quantizeSaved(dir, dtype) {
  const modelPath = path.join(dir, 'model.json');
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const bytes = Buffer.concat(json.weightsManifest.flatMap(g => g.paths.map(p => fs.readFileSync(path.join(dir, p)))));
  const f32 = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const parts = [];
  let offset = 0;
  const specs = json.weightsManifest.flatMap(g => g.weights);
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const v = f32.subarray(offset, offset + n);
    offset += n;
    if (dtype === 'float16') {
      const h = new Uint16Array(n);
      for (let i = 0; i < n; ++i) h[i] = toFloat16(v[i]);
      parts.push(Buffer.from(h.buffer));
      spec.quantization = {dtype: 'float16'};
    } else {
      let min = Infinity, max = -Infinity;
      for (const x of v) { if (x < min) min = x; if (x > max) max = x; }
      const scale = max > min ? (max - min) / 255 : 1;
      const q = new Uint8Array(n);
      for (let i = 0; i < n; ++i) q[i] = Math.round((v[i] - min) / scale);
      parts.push(Buffer.from(q.buffer));
      spec.quantization = {dtype: 'uint8', min, scale};
    }
  }
  for (const g of json.weightsManifest) for (const p of g.paths) fs.rmSync(path.join(dir, p));
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts));
  json.weightsManifest = [{paths: ['group1-shard1of1.bin'], weights: specs}];
  fs.writeFileSync(modelPath, JSON.stringify(json));
}

// float32 -> IEEE half bits (round to nearest even; enough for weights in range).
function toFloat16(x) {
  const f = new Float32Array([x]), u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000, exp = ((u >>> 23) & 0xff) - 127 + 15, mant = u & 0x7fffff;
  if (exp <= 0) return sign;                      // tiny: flush to zero
  if (exp >= 31) return sign | 0x7c00;            // overflow: infinity
  let h = sign | (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h += 1;
  return h;
}

// The model is saved once by us (file://); every library loads the same files.
async function runLoadWorkload(w) {
  const row = {name: w.name, ours: 'n/a', wasm: 'n/a', cpu: 'n/a'};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-bench-'));
  let server = null;
  try {
    const m = w.build(ours);
    await m.save(`file://${dir}`);
    m.dispose();
    if (w.quantize) quantizeSaved(dir, w.quantize);
    server = await serveDir(dir);
    for (const be of OURS_ONLY ? [] : ['cpu', 'wasm']) {
      try {
        row[be] = await withTfBackend(be, () => timeLoad(w, tf, server.url));
      } catch (e) {
        row[be] = errCell(e);
      }
    }
    row.ours = await timeLoad(w, ours, server.url);
  } catch (e) {
    row.ours = errCell(e);
  } finally {
    if (server) server.close();
    fs.rmSync(dir, {recursive: true, force: true});
  }
  return row;
}

// One row: each library in turn on the same workload, so neighbouring runs give the
// ratios; repeated ROUNDS times, keeping each library's fastest and its spread.
async function runWorkload(w) {
  const d = w.data();
  const row = {name: w.name, ours: 'n/a', wasm: 'n/a', cpu: 'n/a'};
  // tfjs models: one per backend (weights live on a backend). Build the cpu one first;
  // its weights are the reference copied into the others.
  let refWeights = null;
  for (const be of OURS_ONLY ? [] : ['cpu', 'wasm']) {
    try {
      const ms = await withTfBackend(be, async () => {
        const m = w.build(tf);
        if (!refWeights) refWeights = m.getWeights().map(t => ({data: t.dataSync().slice(), shape: t.shape}));
        else m.setWeights(refWeights.map(r => tf.tensor(r.data, r.shape)));
        const ms = await timeWorkload(w, tf, m, d);
        m.dispose?.();
        return ms;
      });
      row[be] = ms;
    } catch (e) {
      row[be] = be === 'wasm' && w.wasmNoGrad ? 'n/a (no conv gradient)' : errCell(e);
    }
  }
  try {
    const m = w.build(ours);
    if (refWeights) {
      try {
        const ws = refWeights.map(r => ours.tensor(r.data, r.shape));
        m.setWeights(ws);
        ws.forEach(t => t.dispose());
      } catch (e) { /* different weight layout: keep our own random weights */ }
    }
    row.ours = await timeWorkload(w, ours, m, d);
    m.dispose();  // each round builds its own: earlier rounds' models (and their packed weights) must not pile up
  } catch (e) {
    row.ours = errCell(e);
  }
  return row;
}

function bestOf(runs) {
  const row = {name: runs[0].name, spread: {}};
  for (const key of ['ours', 'wasm', 'cpu']) {
    const times = runs.map(r => r[key]).filter(v => typeof v === 'number');
    row[key] = times.length ? Math.min(...times) : runs[0][key];
    if (times.length > 1) row.spread[key] = Math.max(...times) / Math.min(...times) - 1;
  }
  return row;
}

const rows = [];
for (const w of workloads) {
  if (ONLY && !ONLY.has(w.name)) continue;
  const runs = [];
  for (let r = 0; r < ROUNDS; ++r) runs.push(w.load ? await runLoadWorkload(w) : await runWorkload(w));
  rows.push(bestOf(runs));
  process.stderr.write(`  done ${w.name}\n`);
}

// ---- GEMM 512^3 ------------------------------------------------------------------------
async function gemmMs(lib, setBackend, backend) {
  await setBackend(backend);
  const a = lib.tensor(randomArray(512 * 512, 7), [512, 512]);
  const b = lib.tensor(randomArray(512 * 512, 8), [512, 512]);
  const once = () => { const c = lib.matMul(a, b); c.dataSync(); c.dispose(); };
  once();
  const reps = backend === 'cpu' ? 3 : 10;
  const t0 = now();
  for (let r = 0; r < reps; ++r) once();
  const ms = (now() - t0) / reps;
  a.dispose(); b.dispose();
  return ms;
}
const gflops = ms => (2 * 512 ** 3 / (ms * 1e6)).toFixed(2);
const gemm = [];
if (!ONLY || ONLY.has('gemm')) {
  for (const [label, lib, setB, be] of [
    ['ours wasm (SIMD kernels)', ours, n => ours.setBackend(n), 'wasm'],
    ...(OUR_BACKEND === 'wasm' || OUR_BACKEND === 'cpu' ? [] :
        [[`ours ${OUR_BACKEND}`, ours, n => ours.setBackend(n), OUR_BACKEND]]),
    ['ours cpu (reference)', ours, n => ours.setBackend(n), 'cpu'],
    ['tfjs-wasm (XNNPACK)', tf, n => withTfBackend(n, () => {}), 'wasm'],
    ['tfjs-cpu', tf, n => withTfBackend(n, () => {}), 'cpu'],
  ]) {
    if (OURS_ONLY && lib !== ours) continue;
    try {
      const ms = await gemmMs(lib, setB, be);
      gemm.push([label, `${ms.toFixed(2)} ms`, `${gflops(ms)} GFLOP/s`]);
    } catch (e) {
      gemm.push([label, errCell(e), '']);
    }
  }
  await ours.setBackend(OUR_BACKEND);
}

// ---- print -----------------------------------------------------------------------------
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a / b).toFixed(2) : '-');
const header = ['workload', 'ms ours', 'ms tfjs-wasm', 'ms tfjs-cpu', 'ours/tfjs-wasm', 'ours/tfjs-cpu', 'spread ours/wasm/cpu'];
const pct = v => (v == null ? '-' : `${Math.round(v * 100)}%`);
const table = rows.map(r => [r.name, fmtMs(r.ours), fmtMs(r.wasm), fmtMs(r.cpu), ratio(r.ours, r.wasm), ratio(r.ours, r.cpu),
                             `${pct(r.spread.ours)}/${pct(r.spread.wasm)}/${pct(r.spread.cpu)}`]);
function printTable(hdr, body) {
  const widths = hdr.map((h, i) => Math.max(h.length, ...body.map(r => String(r[i]).length)));
  const line = r => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(hdr));
  console.log('|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|');
  body.forEach(r => console.log(line(r)));
}

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`wasm-layers benchmark — ${cpuModel} (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}), ` +
            `Node ${process.version}, ours on ${THREADS === 1 ? 'a single thread' : `${THREADS} threads`}`);
console.log(`tfjs ${tf.version.tfjs}; tfjs-wasm: ${tfWasmOk ? 'ok' : 'unavailable'}, SIMD ${simd ? 'on' : 'OFF'}, threads ${mt ? 'on' : 'off'}` +
            ` (${tfjs.wasmDir}); ours: backend '${ours.getBackend()}'${QUICK ? '; --quick' : ''}; fastest of ${ROUNDS} rounds`);
console.log('');
printTable(header, table);
if (gemm.length) {
  console.log('');
  console.log('GEMM 512x512x512 (C = A·B, float32):');
  const body = [...gemm];
  if (nativeArg) {
    try {
      for (const line of fs.readFileSync(nativeArg.slice(14), 'utf8').trim().split('\n')) {
        const [label, ms, gf] = line.split('\t');
        body.push([label, ms ?? '', gf ?? '']);
      }
    } catch (e) { body.push(['native', errCell(e), '']); }
  }
  printTable(['implementation', 'time', 'rate'], body);
}

// ---- thread scaling (issue 13's target: 2 threads <= 0.6x of 1 on mlp-fit and
// mobilenetv2-predict) ---------------------------------------------------------------------
// bench/threads_scaling.mjs in a child process (its own engine: the threaded one, which
// must load before anything sets a thread count), 1 and 2 threads interleaved.
// --threads-scaling=off skips it; it runs in a full run, or with --only=threads.
const scalingArg = args.find(a => a.startsWith('--threads-scaling='));
if (scalingArg?.slice(18) !== 'off' && (!ONLY || ONLY.has('threads')) &&
    fs.existsSync(path.join(distDir, 'wasm-layers-mt.wasm'))) {
  const {spawnSync} = await import('node:child_process');
  const r = spawnSync(process.execPath, [path.join(root, 'bench/threads_scaling.mjs'), '1,2', QUICK ? '2' : '5', distDir],
                      {encoding: 'utf8'});
  console.log('');
  console.log('Thread scaling of the threaded engine (ours alone, best of the rounds, 1 and 2 threads interleaved):');
  console.log(r.status === 0 ? r.stdout.trim() : `failed: ${(r.stderr || '').trim().split('\n').pop()}`);
}
