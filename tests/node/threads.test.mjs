// Threads (tfjs-backend-wasm's setThreadsCount / getThreadsCount): which engine Node loads,
// what the count and WASM_HAS_MULTITHREAD_SUPPORT say, and that a model's outputs and
// one training step are bit-identical on 1 and 2 threads. Each case runs in a fresh Node
// process (the engine loads once per process). The threaded engine is optional
// (scripts/build.sh wasm-mt js); where dist/ has none (or a broken one, see below), Node
// loads the single-thread one.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const lazy = pathToFileURL(join(dist, 'wasm-layers.lazy.mjs')).href;
const hasThreaded = existsSync(join(dist, 'wasm-layers-mt.wasm'));

function run(source) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], {encoding: 'utf8'});
  return JSON.parse(out.trim().split('\n').pop());
}

// A conv net's prediction and its weights after one Adam step (sizes large enough for
// the kernels to split: 32x32x16 convolutions, batch 8), as SHA-256 of their bytes.
const PROGRAM = `
  const {createHash} = await import('node:crypto');
  const m = tf.sequential();
  m.add(tf.layers.conv2d({filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [32, 32, 3],
                          kernelInitializer: tf.initializers.glorotUniform({seed: 1})}));
  m.add(tf.layers.depthwiseConv2d({kernelSize: 3, padding: 'same', depthwiseInitializer: tf.initializers.glorotUniform({seed: 2})}));
  m.add(tf.layers.maxPooling2d({poolSize: 2}));
  m.add(tf.layers.conv2d({filters: 32, kernelSize: 1, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({seed: 3})}));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({seed: 4})}));
  m.compile({optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy'});
  const x = tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
  const hex = t => createHash('sha256').update(new Uint8Array(t.dataSync().buffer)).digest('hex');
  const predicted = hex(m.predict(x));
  await m.fit(x, y, {epochs: 1, batchSize: 8, shuffle: false, verbose: 0});
  const weights = m.getWeights().map(hex).join('/');
`;

test('the single-thread engine: 1 thread, the flag says so, more is a clear Error', () => {
  const r = run(`import * as tf from ${JSON.stringify(lazy)};
    let before = ''; try { tf.getThreadsCount(); } catch (e) { before = e.message; }
    let bad = ''; try { tf.setThreadsCount(0); } catch (e) { bad = e.message; }
    tf.setThreadsCount(1);  // before ready(): loads the single-thread engine
    await tf.ready();
    let two = ''; try { tf.setThreadsCount(2); } catch (e) { two = e.message; }
    console.log(JSON.stringify({before, bad, two, n: tf.getThreadsCount(), flag: tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT')}));`);
  assert.equal(r.before, 'WASM backend not initialized.');
  assert.match(r.bad, /positive integer, but got 0/);
  assert.match(r.two, /no threads .*can only be 1, but got 2/);
  assert.equal(r.n, 1);
  assert.equal(r.flag, false);
});

// Where dist/ has the threaded engine, Node loads it, unless it was built with an Emscripten
// whose wasm exceptions lose their type under -pthread (Debian's 3.1.6): then core.js
// refuses it with a warning that says so and loads the single-thread one.
const loaded = run(`import * as tf from ${JSON.stringify(lazy)};
  const warn = console.warn; let warned = ''; console.warn = m => { warned += m; };
  await tf.ready();
  console.warn = warn;
  console.log(JSON.stringify({n: tf.getThreadsCount(), flag: tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT'), warned}));`);
const threaded = loaded.flag;

test(`Node loads the threaded engine where dist/ has a working one (dist/wasm-layers-mt.* ` +
     `${hasThreaded ? 'present' : 'absent'})`, () => {
  if (!hasThreaded) {
    assert.equal(loaded.flag, false);
    assert.equal(loaded.n, 1);
    assert.equal(loaded.warned, '');
  } else if (threaded) {
    assert.ok(loaded.n >= 1 && loaded.n <= 4, `threads ${loaded.n}`);
    assert.equal(loaded.warned, '');
  } else {
    assert.equal(loaded.n, 1);
    assert.match(loaded.warned, /threaded engine did not load \(its C\+\+ exceptions lose their type .*using the single-thread one/);
  }
});

test('a conv net predicts and trains bit-identically on 1 and 2 threads', () => {
  const one = run(`import * as tf from ${JSON.stringify(lazy)};
    tf.setThreadsCount(1);
    await tf.ready();
    ${PROGRAM}
    console.log(JSON.stringify({n: tf.getThreadsCount(), predicted, weights}));`);
  assert.equal(one.n, 1);
  // Without a threaded engine, 2 threads are refused at load (a warning) and it runs 1:
  // the comparison then still holds, and the count says what ran.
  const two = run(`import * as tf from ${JSON.stringify(lazy)};
    tf.setThreadsCount(2);
    const warn = console.warn; let warned = ''; console.warn = m => { warned += m; };
    await tf.ready();
    console.warn = warn;
    ${PROGRAM}
    console.log(JSON.stringify({n: tf.getThreadsCount(), warned, predicted, weights}));`);
  assert.equal(two.n, threaded ? 2 : 1);
  if (!threaded) assert.match(two.warned, /setThreadsCount\(2\): .*no threads/);
  assert.equal(two.predicted, one.predicted);
  assert.equal(two.weights, one.weights);
});

// The threaded engine keeps C++ exception types (wasm exceptions with CMake's
// WL_WASM_EH_TLS_FIX under clang 14): errors reach JavaScript with their messages, the
// engine's own catch (const Error&) clauses run (batchNorm turns a failed broadcast into
// its own message there), a worker thread's kernels still run afterwards, and results
// after the errors equal the single-thread engine's.
test('errors in the threaded engine keep their messages and the engine keeps working', {skip: !hasThreaded}, () => {
  const program = `
    const errs = [];
    const grab = f => { try { f(); errs.push('(no error)'); } catch (e) { errs.push(e.message); } };
    grab(() => tf.tensor([1, 2, 3]).reshape([2, 2]));
    grab(() => tf.batchNorm(tf.ones([2, 3]), tf.ones([2]), tf.ones([3])));
    grab(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 5])));
    const y = tf.matMul(tf.range(0, 256 * 96).reshape([256, 96]).div(1000), tf.ones([96, 64]).mul(0.5));
    const sum = Array.from(y.sum(0).dataSync().slice(0, 4));`;
  const mt = run(`import * as tf from ${JSON.stringify(lazy)};
    tf.setThreadsCount(2); await tf.ready(); ${program}
    console.log(JSON.stringify({n: tf.getThreadsCount(), errs, sum}));`);
  const st = run(`import * as tf from ${JSON.stringify(lazy)};
    tf.setThreadsCount(1); await tf.ready(); ${program}
    console.log(JSON.stringify({errs, sum}));`);
  assert.equal(mt.n, 2, 'the threaded engine loaded');
  assert.match(mt.errs[0], /Size\(3\) must match the product of shape \[2,2\]/);
  assert.match(mt.errs[1], /Error in batchNorm: mean of shape \[2\] does not broadcast to x of shape \[2,3\]/);
  assert.match(mt.errs[2], /matMul/);
  assert.deepEqual(mt.errs, st.errs);
  assert.deepEqual(mt.sum, st.sum);
});
