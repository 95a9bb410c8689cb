// A graph model (tfjs-converter) as tfjs programs use it.
import * as tf from '@tensorflow/tfjs';

async function run(url: string): Promise<void> {
  const model: tf.GraphModel = await tf.loadGraphModel(url, {fromTFHub: false, onProgress: (f: number) => console.log(f)});
  const names: string[] = model.inputNodes.concat(model.outputNodes);
  const shape = model.inputs[0].shape;
  const x = tf.zeros([1, 224, 224, 3]);
  const y = model.predict(x) as tf.Tensor;
  const z = model.execute({[model.inputNodes[0]]: x}, model.outputNodes[0]) as tf.Tensor;
  const w = await model.executeAsync([x]);
  const weights: tf.Tensor[] = model.weights['w'];
  console.log(names, shape, y.shape, z.shape, w, weights, model.modelVersion, model.metadata, model.modelSignature);
  await model.save('localstorage://graph');
  model.dispose();
  tf.registerOp('MyOp', node => tf.add(node.inputs[0], node.attrs['delta'] as number));
  tf.deregisterOp('MyOp');
}

function runSync(json: tf.io.ModelJSON, weights: ArrayBuffer): tf.Tensor | tf.Tensor[] {
  const model = tf.loadGraphModelSync([json, weights]);
  return model.execute(tf.ones([1, 4]));
}

console.log(run, runSync, tf.version_converter, tf.version['tfjs-converter']);
