// tf.losses.* and tf.Reduction (tfjs-core/src/ops/losses/*.ts): each loss is
// composed from tf ops, so the tape differentiates it like any other op chain.
// softmaxCrossEntropy keeps tfjs's custom gradient (softmax - labels) for
// numerical stability. To add a loss: compose it here from ops, reduce it with
// computeWeightedLoss, and add a row to tests/node/losses_metrics.test.mjs.
import {getCore} from './core.js';
import {customGrad, keep, tidy} from './engine.js';
import {ops} from './ops.js';
import {convertToTensor, scalar} from './tensor.js';
import {assertShapesMatch} from './util.js';

/** tfjs's enum: a number-keyed reverse map as TypeScript emits it. */
export const Reduction = {};
['NONE', 'MEAN', 'SUM', 'SUM_BY_NONZERO_WEIGHTS'].forEach((name, i) => {
  Reduction[Reduction[name] = i] = name;
});

function optionalTensor(x, argName, functionName) {
  return x == null ? null : convertToTensor(x, argName, functionName);
}

export function computeWeightedLoss(losses, weights, reduction = Reduction.SUM_BY_NONZERO_WEIGHTS) {
  return tidy(() => {
    const $losses = convertToTensor(losses, 'losses', 'computeWeightedLoss');
    const $weights = optionalTensor(weights, 'weights', 'computeWeightedLoss');
    const weighted = $weights == null ? $losses : ops.mul($losses, $weights);
    if (reduction === Reduction.NONE) return weighted;
    if (reduction === Reduction.SUM) return ops.sum(weighted);
    if (reduction === Reduction.MEAN) {
      if ($weights == null) return ops.mean(weighted);
      const broadcastFactor = $losses.size / $weights.size;
      const result = ops.div(ops.sum(weighted), ops.sum($weights));
      return broadcastFactor > 1 ? ops.div(result, scalar(broadcastFactor)) : result;
    }
    if (reduction === Reduction.SUM_BY_NONZERO_WEIGHTS) {
      if ($weights == null) return ops.div(ops.sum(weighted), scalar($losses.size));
      const broadcastWeights = ops.mul($weights, ops.ones($losses.shape));
      const numNonZeros = ops.cast(ops.sum(ops.notEqual(broadcastWeights, scalar(0))), 'float32');
      return ops.div(ops.sum(weighted), numNonZeros);
    }
    throw new Error(`Unknown reduction: ${reduction}`);
  });
}

/** The shared frame of the label/prediction losses: convert, check shapes, reduce `perElement(labels, predictions)`. */
function pairLoss(name, labels, predictions, weights, reduction, perElement, names = ['labels', 'predictions']) {
  return tidy(() => {
    const $labels = convertToTensor(labels, names[0], name);
    const $predictions = convertToTensor(predictions, names[1], name);
    const $weights = optionalTensor(weights, 'weights', name);
    assertShapesMatch($labels.shape, $predictions.shape, `Error in ${name}: `);
    return computeWeightedLoss(perElement($labels, $predictions), $weights, reduction);
  });
}

const DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS;

export function absoluteDifference(labels, predictions, weights, reduction = DEFAULT) {
  return pairLoss('absoluteDifference', labels, predictions, weights, reduction, (l, p) => ops.abs(ops.sub(l, p)));
}

export function cosineDistance(labels, predictions, axis, weights, reduction = DEFAULT) {
  return pairLoss('cosineDistance', labels, predictions, weights, reduction,
                  (l, p) => ops.sub(scalar(1), ops.sum(ops.mul(l, p), axis, true)));
}

export function hingeLoss(labels, predictions, weights, reduction = DEFAULT) {
  return pairLoss('hingeLoss', labels, predictions, weights, reduction, (l, p) => {
    const one = scalar(1);
    const signed = ops.sub(ops.mul(scalar(2), l), one);  // binary labels to (-1, 1)
    return ops.relu(ops.sub(one, ops.mul(signed, p)));
  });
}

export function huberLoss(labels, predictions, weights, delta = 1.0, reduction = DEFAULT) {
  return pairLoss('huberLoss', labels, predictions, weights, reduction, (l, p) => {
    const deltaScalar = scalar(delta);
    const error = ops.abs(ops.sub(p, l));
    const quadratic = ops.minimum(error, deltaScalar);
    const linear = ops.sub(error, quadratic);
    return ops.add(ops.mul(scalar(0.5), ops.square(quadratic)), ops.mul(deltaScalar, linear));
  });
}

export function logLoss(labels, predictions, weights, epsilon = 1e-7, reduction = DEFAULT) {
  return pairLoss('logLoss', labels, predictions, weights, reduction, (l, p) => {
    const one = scalar(1);
    const eps = scalar(epsilon);
    const l1 = ops.neg(ops.mul(l, ops.log(ops.add(p, eps))));
    const l2 = ops.mul(ops.sub(one, l), ops.log(ops.add(ops.sub(one, p), eps)));
    return ops.sub(l1, l2);
  });
}

export function meanSquaredError(labels, predictions, weights, reduction = DEFAULT) {
  return pairLoss('meanSquaredError', labels, predictions, weights, reduction, (l, p) => ops.squaredDifference(l, p));
}

/** max(x, 0) - x * z + log(1 + exp(-|x|)): stable for large |x| (x = logits, z = labels). */
function sigmoidCrossEntropyWithLogits(labels, logits) {
  return ops.add(ops.sub(ops.relu(logits), ops.mul(logits, labels)), ops.log1p(ops.exp(ops.neg(ops.abs(logits)))));
}

export function sigmoidCrossEntropy(multiClassLabels, logits, weights, labelSmoothing = 0, reduction = DEFAULT) {
  return pairLoss('sigmoidCrossEntropy', multiClassLabels, logits, weights, reduction, (labels, x) => {
    if (labelSmoothing > 0) {
      const s = scalar(labelSmoothing);
      labels = ops.add(ops.mul(labels, ops.sub(scalar(1), s)), ops.mul(scalar(0.5), s));
    }
    return sigmoidCrossEntropyWithLogits(labels, x);
  }, ['multiClassLabels', 'logits']);
}

// Tensors the custom gradient below reads at backward time. They are kept out
// of tidy scopes (the loss runs inside the caller's scopes, which close before
// the tape runs backward) and disposed once the gradient used them, or, if it
// never ran, by the next call made while no tape is recording.
const pendingSaved = new Set();

function releaseSaved(tensors) {
  tensors.forEach(t => { pendingSaved.delete(t); t.dispose(); });
}

/** -sum(labels * logSoftmax(logits)) over the last axis, with tfjs's gradient rule for both inputs. */
function softmaxCrossEntropyWithLogits(labels, logits) {
  const dim = logits.rank - 1;
  const recording = getCore().tapeActive();
  if (!recording && pendingSaved.size) releaseSaved([...pendingSaved]);
  const op = customGrad((labels, logits, save) => {
    const lse = ops.logSumExp(logits, [dim], true);
    const logResult = ops.sub(ops.cast(logits, 'float32'), lse);
    if (recording) {
      const saved = [keep(ops.cast(labels, 'float32')), keep(ops.exp(logResult))];
      saved.forEach(t => pendingSaved.add(t));
      save(saved);
    }
    const value = ops.sum(ops.neg(ops.mul(logResult, labels)), [dim]);
    const gradFunc = (dy, saved) => {
      const [floatLabels, probs] = saved;
      const dyShape = dy.shape.slice();
      dyShape.splice(dim, 0, 1);  // tfjs's expandShapeToKeepDim
      const dyKept = ops.reshape(dy, dyShape);
      const grads = [ops.mul(dyKept, ops.sub(floatLabels, probs)), ops.mul(dyKept, ops.sub(probs, floatLabels))];
      releaseSaved(saved);
      return grads;
    };
    return {value, gradFunc};
  });
  return op(labels, logits);
}

export function softmaxCrossEntropy(onehotLabels, logits, weights, labelSmoothing = 0, reduction = DEFAULT) {
  return pairLoss('softmaxCrossEntropy', onehotLabels, logits, weights, reduction, (labels, x) => {
    if (labelSmoothing > 0) {
      const s = scalar(labelSmoothing);
      labels = ops.add(ops.mul(labels, ops.sub(scalar(1), s)), ops.div(s, scalar(labels.shape[1])));
    }
    return softmaxCrossEntropyWithLogits(labels, x);
  }, ['onehotLabels', 'logits']);
}

export const losses = {
  absoluteDifference, computeWeightedLoss, cosineDistance, hingeLoss, huberLoss, logLoss, meanSquaredError,
  sigmoidCrossEntropy, softmaxCrossEntropy,
};
