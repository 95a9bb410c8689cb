// Run by engine.test.mjs with --expose-gc: creates tensors, drops them without
// dispose(), collects garbage, and reports tf.memory()'s counts and bytes.
import * as tf from '../../dist/wasm-layers.mjs';

const before = tf.memory().numTensors;
const bytesBefore = tf.memory().numBytes;
(() => {
  for (let i = 0; i < 200; i++) tf.tensor([i, i + 1]);
  // complex64 tensors count as one each; their two float32 parts go with them.
  for (let i = 0; i < 100; i++) tf.complex([i], [i + 1]);
})();
const dropped = tf.memory().numTensors;
const bytesDropped = tf.memory().numBytes;
for (let i = 0; i < 40 && tf.memory().numBytes !== bytesBefore; i++) {
  global.gc();
  await new Promise(resolve => setTimeout(resolve, 10));
}
console.log(JSON.stringify({before, dropped, after: tf.memory().numTensors, bytesBefore, bytesDropped,
                            bytesAfter: tf.memory().numBytes}));
