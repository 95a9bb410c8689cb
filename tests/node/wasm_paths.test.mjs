// Where the .wasm comes from: 'wasm-layers/lazy' imports without loading the engine,
// tf.setWasmPaths() (tfjs-backend-wasm's name) says where the binary is, a failed
// tf.ready() names the fix and can be retried, and tf.setWasmLoader() replaces the
// loader. Each case runs in a fresh Node process (the engine loads once per process).
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const elsewhere = mkdtempSync(join(tmpdir(), 'wl-wasm-'));
copyFileSync(join(dist, 'wasm-layers.wasm'), join(elsewhere, 'wasm-layers.wasm'));
after(() => rmSync(elsewhere, {recursive: true, force: true}));

const SEED = `const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [1], kernelInitializer: 'ones'}));
  const y = m.predict(tf.tensor2d([[5]])).dataSync()[0];`;

function run(source, type = 'module') {
  const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', source], {encoding: 'utf8'});
  return JSON.parse(out.trim().split('\n').pop());
}

test('wasm-layers/lazy imports without loading; a wrong path fails with a clear message, then setWasmPaths recovers', () => {
  const lazy = pathToFileURL(join(dist, 'wasm-layers.lazy.mjs')).href;
  const r = run(`import * as tf from ${JSON.stringify(lazy)};
    let before = ''; try { tf.zeros([1]); } catch (e) { before = e.message; }
    tf.setWasmPaths(${JSON.stringify(join(elsewhere, 'missing') + '/')});
    let first = ''; try { await tf.ready(); } catch (e) { first = e.message; }
    tf.setWasmPaths(${JSON.stringify(elsewhere + '/')});
    await tf.ready();
    ${SEED}
    let late = ''; try { tf.setWasmPaths('/x/'); } catch (e) { late = e.message; }
    console.log(JSON.stringify({before, first, y, late}));`);
  assert.match(r.before, /not initialized yet: call `await tf.ready\(\)`/);
  assert.match(r.first, /failed to load the WebAssembly engine: could not read .*missing\/wasm-layers\.wasm.*setWasmPaths/);
  assert.equal(r.y, 5);
  assert.match(r.late, /already initialized.*before you call `tf.ready\(\)`/);
});

test('setWasmPaths takes a file map (full path or file: URL); unknown binary names and bad arguments throw', () => {
  const lazy = pathToFileURL(join(dist, 'wasm-layers.lazy.mjs')).href;
  const file = pathToFileURL(join(elsewhere, 'wasm-layers.wasm')).href;
  const r = run(`import * as tf from ${JSON.stringify(lazy)};
    const errors = [];
    for (const arg of [{'tfjs-backend-wasm.wasm': 'x'}, {}, 42, null]) {
      try { tf.setWasmPaths(arg); errors.push(''); } catch (e) { errors.push(e.message); }
    }
    tf.setWasmPaths({'wasm-layers.wasm': ${JSON.stringify(file)}});
    await tf.ready();
    ${SEED}
    console.log(JSON.stringify({errors, y}));`);
  assert.match(r.errors[0], /unknown binary name\(s\) tfjs-backend-wasm\.wasm; the only binary is 'wasm-layers\.wasm'/);
  assert.match(r.errors[1], /There were no entries found for the following binaries: wasm-layers\.wasm/);
  assert.match(r.errors[2], /expects a prefix string or a map/);
  assert.match(r.errors[3], /expects a prefix string or a map/);
  assert.equal(r.y, 5);
});

for (const [type, streamed] of [['application/wasm', 1], ['application/octet-stream', 0]]) {
  test(`setWasmLoader with a Response served as ${type}: ${streamed ? 'compiled while it streams' : 'compiled from its bytes'}`, () => {
    const lazy = pathToFileURL(join(dist, 'wasm-layers.lazy.mjs')).href;
    const r = run(`import * as tf from ${JSON.stringify(lazy)};
      import {readFile} from 'node:fs/promises';
      let calls = 0, streamed = 0;
      const streaming = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = (...a) => { streamed++; return streaming(...a); };
      let bad = ''; try { tf.setWasmLoader('x'); } catch (e) { bad = e.message; }
      tf.setWasmLoader(async () => { calls++; return new Response(await readFile(${JSON.stringify(join(elsewhere, 'wasm-layers.wasm'))}),
                                                                 {headers: {'Content-Type': '${type}'}}); });
      await tf.ready();
      ${SEED}
      let late = ''; try { tf.setWasmLoader(async () => new ArrayBuffer(0)); } catch (e) { late = e.message; }
      console.log(JSON.stringify({calls, streamed, y, bad, late}));`);
    assert.deepEqual(r, {calls: 1, streamed, y: 5, bad: 'setWasmLoader() expects a function, but got string',
                         late: 'The WebAssembly engine was already initialized: call setWasmLoader() before tf.ready() and before the first use of tf'});
  });
}

test('require() honours setWasmPaths called in the same tick', () => {
  const c = run(`const tf = require(${JSON.stringify(join(dist, 'wasm-layers.cjs'))});
    tf.setWasmPaths(${JSON.stringify(elsewhere + '/')});
    tf.ready().then(() => { ${SEED} console.log(JSON.stringify({y})); });`, 'commonjs');
  assert.equal(c.y, 5);
});
