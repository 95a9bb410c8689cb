// Thread scaling of the threaded engine (dist/wasm-layers-mt.*) in Node, ours alone:
// bench/run.mjs's mlp-fit (one epoch, 4096 samples, batch 128) and mobilenetv2-predict
// (224x224, batch 1) at each thread count, the best of `reps` runs, interleaved (each
// round runs every count once) so every ratio comes from neighbouring runs.
//   node bench/threads_scaling.mjs [1,2,4] [reps] [dist folder, default dist/]
// The engine's pool holds 3 workers (WL_THREAD_POOL_SIZE), so at most 4 threads.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import os from 'node:os';

import {buildMlp, buildMobileNetV2} from './models.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const counts = (process.argv[2] || '1,2,4').split(',').map(Number);
const reps = Number(process.argv[3] || 5);

const dist = process.argv[4] ? path.resolve(process.argv[4]) : path.join(root, 'dist');
const tf = await import(path.join(dist, 'wasm-layers.lazy.mjs'));
tf.setThreadsCount(Math.max(...counts));
await tf.ready();
for (const n of counts) {
  tf.setThreadsCount(n);
  if (tf.getThreadsCount() !== n) throw new Error(`${n} threads asked, the engine runs ${tf.getThreadsCount()}`);
}

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
}
const random = (n, seed) => {
  const r = rng(seed), a = new Float32Array(n);
  for (let i = 0; i < n; ++i) a[i] = r() * 2 - 1;
  return a;
};

const mlp = buildMlp(tf, [784, 256, 256, 10], ['relu', 'relu', 'softmax']);
mlp.compile({optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy'});
const xs = tf.tensor2d(random(4096 * 784, 1), [4096, 784]);
const labels = new Float32Array(4096 * 10);
for (let i = 0; i < 4096; ++i) labels[i * 10 + (i * 7) % 10] = 1;
const ys = tf.tensor2d(labels, [4096, 10]);
const mnv2 = buildMobileNetV2(tf);
const img = tf.tensor4d(random(224 * 224 * 3, 5), [1, 224, 224, 3]);

// The same 32 steps without fit's loop (batches sliced once, beforehand): the engine alone.
const batches = [];
for (let b = 0; b < 4096; b += 128) batches.push([xs.slice([b, 0], [128, 784]), ys.slice([b, 0], [128, 10])]);

const workloads = {
  'mlp-fit (1 epoch, 4096 x 784, batch 128)': async () => { await mlp.fit(xs, ys, {epochs: 1, batchSize: 128, verbose: 0}); },
  'mlp trainOnBatch x 32 (the same steps, no fit loop)': async () => {
    for (const [x, y] of batches) await mlp.trainOnBatch(x, y);
  },
  'mobilenetv2-predict (224, batch 1)': async () => { const y = mnv2.predict(img); await y.data(); y.dispose(); },
};

const best = {};
for (const [name, run] of Object.entries(workloads)) {
  best[name] = counts.map(() => Infinity);
  for (const n of counts) { tf.setThreadsCount(n); await run(); }  // warm-up at each count
  for (let r = 0; r < reps; ++r) {
    for (const [i, n] of counts.entries()) {
      tf.setThreadsCount(n);
      const t0 = performance.now();
      await run();
      best[name][i] = Math.min(best[name][i], performance.now() - t0);
    }
  }
}

console.log(`Node ${process.version}, ${os.cpus().length} logical CPUs (${os.cpus()[0].model}), best of ${reps}`);
console.log(`| workload | ${counts.map(n => `${n} thread${n > 1 ? 's' : ''} ms`).join(' | ')} | ${counts.slice(1).map(n => `${n}/1`).join(' | ')} |`);
console.log(`|---|${counts.map(() => '---:').join('|')}|${counts.slice(1).map(() => '---:').join('|')}|`);
for (const [name, ms] of Object.entries(best)) {
  console.log(`| ${name} | ${ms.map(t => t.toFixed(1)).join(' | ')} | ${ms.slice(1).map(t => (t / ms[0]).toFixed(2)).join(' | ')} |`);
}
