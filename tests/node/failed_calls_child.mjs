// Run by bad_input.test.mjs in its own process (it must see the engine's WebAssembly.Memory
// from the start): `node failed_calls_child.mjs THREADS [DIST]`. Makes engine calls fail many
// times over and prints one JSON line: {messages, calls, healthy, growthBytes}.
import {pathToFileURL} from 'node:url';
import {resolve} from 'node:path';

const memories = [];
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (source, imports) {
  const r = await instantiate.call(this, source, imports);
  const exports = r.instance ? r.instance.exports : {};
  for (const v of [...Object.values(exports), ...Object.values(imports || {}).flatMap(ns => Object.values(ns || {}))]) {
    if (v instanceof WebAssembly.Memory) memories.push(v);
  }
  return r;
};
const [threads, dist] = [Number(process.argv[2] || 1), process.argv[3]];
const tf = await import(dist ? pathToFileURL(resolve(dist, 'wasm-layers.lazy.mjs')).href : '../../dist/wasm-layers.lazy.mjs');
tf.setThreadsCount(threads);
await tf.ready();
const bytes = () => Math.max(...memories.map(m => m.buffer.byteLength));

const predict = () => {
  const m = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3], kernelInitializer: 'ones'})]});
  const y = tf.tidy(() => Array.from(m.predict(tf.ones([1, 3])).dataSync()));
  m.dispose();
  return y;
};
const messages = new Set();
const fail = config => {
  try {
    tf.layers.dense(config);
  } catch (e) {
    messages.add(e instanceof Error ? e.message : `not an Error: ${e}`);
    return;
  }
  messages.add('no error');
};

// The C stack: each failed call once kept 48 bytes of it (5 MB ran out after ~110 000 calls).
const calls = 120000;
for (let i = 0; i < calls; ++i) fail({units: -1});
// The heap: each failed call once kept its arguments (here a 200 KB layer name: ~50 MB).
predict();
const before = bytes();
const name = 'n'.repeat(200000);
for (let i = 0; i < 300; ++i) fail({units: -1, name});
const growthBytes = bytes() - before;
const healthy = JSON.stringify(predict()) === '[3,3]';
console.log(JSON.stringify({messages: [...messages], calls, healthy, growthBytes, memories: memories.length}));
