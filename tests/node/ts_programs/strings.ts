// String tensors and tf.string as tfjs programs write them.
import * as tf from '@tensorflow/tfjs';

const words: tf.Tensor1D = tf.tensor1d(['hello world', 'a b c'], 'string');
const first: string[] = words.dataSync<'string'>();
const scalar = tf.scalar('x');
const grid = tf.tensor2d([['a', 'b'], ['c', 'd']]);
const picked = tf.slice(grid, [0, 1], [2, 1]).reshape([2]);
const same: tf.Tensor = tf.equal(picked, 'b');
const filled = tf.fill([3], 'z');
const {indices, values, shape} = tf.string.stringSplit(words, ' ');
const buckets = tf.string.stringToHashBucketFast(values, 10);
const replaced = tf.string.staticRegexReplace(words, ' +', '_', true);
const {nGrams, nGramsSplits} = tf.string.stringNGrams(['a', 'b', 'c'], tf.tensor1d([0, 3], 'int32'), '|', [2], '<', '>', 1,
                                                       false);
async function read(): Promise<void> {
  const bytes = await words.bytes();
  const all = await grid.data<'string'>();
  console.log(first, bytes, all, tf.memory().numBytes);
}
void read();
tf.dispose([words, scalar, grid, picked, same, filled, indices, values, shape, buckets, replaced, nGrams, nGramsSplits]);
