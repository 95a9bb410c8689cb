// The CommonJS entry: require('wasm-layers') (through the package's exports map), then await tf.ready().
const assert = require('node:assert/strict');
const {test} = require('node:test');
const path = require('node:path');

test('require() + await tf.ready() runs the seed example', async () => {
  const tf = require(path.join(__dirname, '../../dist/wasm-layers.cjs'));
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 1, inputShape: [1]}));
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const xs = tf.tensor2d([[1], [2], [3], [4]], [4, 1]);
  const ys = tf.tensor2d([[1], [3], [5], [7]], [4, 1]);
  await model.fit(xs, ys, {epochs: 1000, verbose: 0});
  const y = model.predict(tf.tensor2d([[5]], [1, 1])).dataSync()[0];
  assert.ok(Math.abs(y - 9) < 0.25, `prediction ${y}`);
});

test('using the CommonJS module before ready() resolves gives a clear Error', () => {
  // A fresh copy of the bundle, not yet initialized.
  const file = path.join(__dirname, '../../dist/wasm-layers.cjs');
  delete require.cache[file];
  const fresh = require(file);
  assert.throws(() => fresh.tensor([1]), /call `await tf.ready\(\)`/);
});
