// Run by engine.test.mjs with --expose-gc: creates tensors, drops them without
// dispose(), collects garbage, and reports tf.memory()'s counts and bytes.
import * as tf from '../../dist/wasm-layers.mjs';

const model = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [2]})]});
const input = tf.tensor([[1, 2]]);
const before = tf.memory().numTensors;
const bytesBefore = tf.memory().numBytes;
const adoptLater = [];
(() => {
  for (let i = 0; i < 200; i++) tf.tensor([i, i + 1]);
  // complex64 tensors count as one each; their two float32 parts go with them.
  for (let i = 0; i < 100; i++) tf.complex([i], [i + 1]);
  // predict's outputs (engine addresses, no handle), some given a handle by an op at once
  // (before the collector knows them), some after (see below); the ops' results dropped too
  for (let i = 0; i < 50; i++) model.predict(input);
  for (let i = 0; i < 50; i++) model.predict(input).add(1);
  for (let i = 0; i < 50; i++) adoptLater.push(model.predict(input));
})();
const dropped = tf.memory().numTensors;
const bytesDropped = tf.memory().numBytes;
await new Promise(resolve => setTimeout(resolve, 0));  // the collector knows them all now
(() => {  // in a function: a suspended module frame could hold the loop's last tensor
  for (const t of adoptLater.splice(0)) t.mul(2);  // 50 more tensors (the products), dropped
})();
for (let i = 0; i < 40 && tf.memory().numBytes !== bytesBefore; i++) {
  global.gc();
  await new Promise(resolve => setTimeout(resolve, 10));
}
console.log(JSON.stringify({before, dropped, after: tf.memory().numTensors, bytesBefore, bytesDropped,
                            bytesAfter: tf.memory().numBytes}));
