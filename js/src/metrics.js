// tf.metrics.* (tfjs-layers/src/exports_metrics.ts, metrics.ts, losses.ts):
// functions of (yTrue, yPred) that return a Tensor, composed from tf ops (so
// they can also serve as compile() metrics and be differentiated). To add one:
// compose it here and add a row to tests/node/losses_metrics.test.mjs.
import {tidy} from './engine.js';
import {ops} from './ops.js';
import {convertToTensor, scalar} from './tensor.js';

const EPSILON = 1e-7;  // tfjs-layers' backend epsilon()

/**
 * The metric `name`: fn on (yTrue, yPred) as tensors (TensorLikes are converted,
 * beyond tfjs). The function carries `name` as its .name, which is how tfjs
 * names a metric function passed to compile() in the logs.
 */
function metric(name, fn) {
  return {
    [name](yTrue, yPred) {
      return tidy(() => fn(convertToTensor(yTrue, 'yTrue', name), convertToTensor(yPred, 'yPred', name)));
    },
  }[name];
}

/** x / max(||x||, sqrt(eps)) along `axis` (tfjs-layers' l2Normalize). */
function l2Normalize(x, axis) {
  if (x.dtype !== 'float32') x = ops.cast(x, 'float32');
  const squareSum = ops.sum(ops.square(x), axis, true);
  const norm = ops.sqrt(ops.maximum(squareSum, ops.fill(squareSum.shape, EPSILON)));
  return ops.div(x, norm);
}

const countWhere = (a, b) => ops.cast(ops.sum(ops.logicalAnd(a, b)), 'float32');

/** tp / (tp + other), or 0 where the denominator is 0. */
function ratio(tp, other) {
  const denominator = ops.add(tp, other);
  return ops.cast(ops.where(ops.greater(denominator, 0), ops.div(tp, denominator), 0), 'float32');
}

export const meanSquaredError = metric('meanSquaredError', (yTrue, yPred) =>
  ops.mean(ops.square(ops.sub(yPred, yTrue)), -1));

export const meanAbsoluteError = metric('meanAbsoluteError', (yTrue, yPred) =>
  ops.mean(ops.abs(ops.sub(yPred, yTrue)), -1));

export const meanAbsolutePercentageError = metric('meanAbsolutePercentageError', (yTrue, yPred) => {
  const diff = ops.sub(yTrue, yPred);
  const clippedTrue = ops.clipByValue(ops.abs(yTrue), EPSILON, Number.MAX_VALUE);
  return ops.mul(100, ops.mean(ops.abs(ops.div(diff, clippedTrue)), -1));
});

export const binaryAccuracy = metric('binaryAccuracy', (yTrue, yPred) => {
  const threshold = ops.mul(0.5, ops.onesLike(yPred));
  const thresholded = ops.cast(ops.greater(yPred, threshold), yTrue.dtype);
  return ops.mean(ops.cast(ops.equal(yTrue, thresholded), 'float32'), -1);
});

export const binaryCrossentropy = metric('binaryCrossentropy', (yTrue, yPred) => {
  const clipped = ops.clipByValue(yPred, EPSILON, 1 - EPSILON);
  const logits = ops.log(ops.div(clipped, ops.sub(1, clipped)));
  // max(x, 0) - x * z + log(1 + exp(-|x|)), as sigmoidCrossEntropyWithLogits
  const perElement = ops.add(ops.sub(ops.relu(logits), ops.mul(logits, yTrue)),
                             ops.log1p(ops.exp(ops.neg(ops.abs(logits)))));
  return ops.mean(perElement, -1);
});

export const categoricalAccuracy = metric('categoricalAccuracy', (yTrue, yPred) =>
  ops.cast(ops.equal(ops.argMax(yTrue, -1), ops.argMax(yPred, -1)), 'float32'));

export const categoricalCrossentropy = metric('categoricalCrossentropy', (yTrue, yPred) => {
  const last = yPred.rank - 1;
  const scaled = ops.div(yPred, ops.sum(yPred, last, true));  // class probabilities of each sample sum to 1
  const clipped = ops.clipByValue(scaled, EPSILON, 1 - EPSILON);
  return ops.neg(ops.sum(ops.mul(ops.cast(yTrue, 'float32'), ops.log(clipped)), last));
});

export const cosineProximity = metric('cosineProximity', (yTrue, yPred) =>
  ops.neg(ops.sum(ops.mul(l2Normalize(yTrue, -1), l2Normalize(yPred, -1)), -1)));

export const precision = metric('precision', (yTrue, yPred) => {
  const tp = countWhere(ops.equal(yTrue, 1), ops.equal(yPred, 1));
  const fp = countWhere(ops.equal(yTrue, 0), ops.equal(yPred, 1));
  return ratio(tp, fp);
});

export const recall = metric('recall', (yTrue, yPred) => {
  const tp = countWhere(ops.equal(yTrue, 1), ops.equal(yPred, 1));
  const fn = countWhere(ops.equal(yTrue, 1), ops.equal(yPred, 0));
  return ratio(tp, fn);
});

export const r2Score = metric('r2Score', (yTrue, yPred) => {
  const sumSquaresResiduals = ops.sum(ops.square(ops.sub(yTrue, yPred)));
  const sumSquares = ops.sum(ops.square(ops.sub(yTrue, ops.mean(yTrue))));
  return ops.sub(scalar(1), ops.div(sumSquaresResiduals, sumSquares));
});

export const sparseCategoricalAccuracy = metric('sparseCategoricalAccuracy', (yTrue, yPred) => {
  if (yTrue.rank === yPred.rank) yTrue = ops.squeeze(yTrue, [yTrue.rank - 1]);
  let predicted = ops.argMax(yPred, -1);
  if (predicted.dtype !== yTrue.dtype) predicted = ops.cast(predicted, yTrue.dtype);
  return ops.cast(ops.equal(yTrue, predicted), 'float32');
});

/** An alias as tfjs exports it: its own function, so its .name (the name a compile() log uses) is the alias. */
const alias = (name, target) => ({[name]: (yTrue, yPred) => target(yTrue, yPred)})[name];

// tfjs exports MSE/mse and MAPE/mape; MAE/mae (aliases in tfjs's metricsMap)
// are added beside them, beyond tfjs's tf.metrics namespace.
export const metrics = {
  binaryAccuracy, binaryCrossentropy, categoricalAccuracy, categoricalCrossentropy, cosineProximity,
  meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, precision, r2Score, recall,
  sparseCategoricalAccuracy,
  MSE: alias('MSE', meanSquaredError), mse: alias('mse', meanSquaredError),
  MAE: alias('MAE', meanAbsoluteError), mae: alias('mae', meanAbsoluteError),
  MAPE: alias('MAPE', meanAbsolutePercentageError), mape: alias('mape', meanAbsolutePercentageError),
};
