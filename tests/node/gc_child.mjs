// Run by engine.test.mjs with --expose-gc: creates tensors, drops them without
// dispose(), collects garbage, and reports the engine's live tensor counts.
import * as tf from '../../dist/wasm-layers.mjs';

const before = tf.memory().numTensors;
(() => {
  for (let i = 0; i < 200; i++) tf.tensor([i, i + 1]);
  // complex64 tensors count as one each; their two float32 parts go with them.
  for (let i = 0; i < 100; i++) tf.complex([i], [i + 1]);
})();
const dropped = tf.memory().numTensors;
for (let i = 0; i < 20 && tf.memory().numTensors !== before; i++) {
  global.gc();
  await new Promise(resolve => setTimeout(resolve, 10));
}
console.log(JSON.stringify({before, dropped, after: tf.memory().numTensors}));
