// Custom training loops: variables, optimizers, gradients.
import * as tf from '@tensorflow/tfjs';

export function fitLine(): number {
  const a: tf.Variable = tf.variable(tf.scalar(Math.random()));
  const b = tf.variable(tf.scalar(Math.random()), true, 'b');
  const xs = tf.tensor1d([0, 1, 2, 3]);
  const ys = tf.tensor1d([1, 3, 5, 7]);
  const f = (x: tf.Tensor): tf.Tensor => a.mul(x).add(b);
  const loss = (pred: tf.Tensor, label: tf.Tensor): tf.Scalar => pred.sub(label).square().mean() as tf.Scalar;
  const optimizer: tf.Optimizer = tf.train.sgd(0.1);
  const adam: tf.AdamOptimizer = tf.train.adam(0.01, 0.9, 0.999);
  for (let i = 0; i < 10; i++) {
    const cost: tf.Scalar | null = optimizer.minimize(() => loss(f(xs), ys), true, [a, b]);
    cost?.dispose();
  }
  const {value, grads}: {value: tf.Scalar, grads: tf.NamedTensorMap} = tf.variableGrads(() => loss(f(xs), ys));
  adam.applyGradients(Object.entries(grads).map(([name, tensor]) => ({name, tensor})));
  const g = tf.grad((x: tf.Tensor) => x.square().sum());
  const dx: tf.Tensor = g(tf.tensor1d([1, 2]));
  const vg = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => x.mul(y).sum());
  const {value: v2, grads: gs} = vg([tf.ones([2]), tf.ones([2])]);
  const custom = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return {value: x.square(), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [dy.mul(saved[0]).mul(2)]};
  });
  const c = custom(tf.scalar(3));
  const kept = tf.tidy(() => tf.keep(tf.scalar(1)));
  const opts: tf.Optimizer[] = [tf.train.momentum(0.1, 0.9), tf.train.rmsprop(0.01), tf.train.adagrad(0.1),
                                tf.train.adadelta(), tf.train.adamax()];
  const cfg: tf.serialization.ConfigDict = opts[0].getConfig();
  void cfg;
  const lossVal: number = value.dataSync()[0];
  tf.dispose([value, dx, v2, ...gs, c, kept, xs, ys]);
  Object.values(grads).forEach(t => t.dispose());
  return lossVal + a.dataSync()[0];
}
