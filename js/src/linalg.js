// tf.linalg (bandPart, gramSchmidt, qr), tf.math.confusionMatrix and tf.signal's
// frame and windows (issue 16), composed from engine ops as tfjs composes them, so
// gradients come from the tape.
import {tidy} from './engine.js';
import {cosineWindow, cvt} from './ops_extra.js';
import {ops} from './ops.js';
import {makeTensorFromFlat} from './tensor.js';
import {assert} from './util.js';

const op = fn => (...args) => tidy(() => fn(...args));
const const2d = v => makeTensorFromFlat(new Float32Array([v]), [1, 1], 'float32');

function bandPart(a, numLower, numUpper) {
  const $a = cvt(a, 'a', 'bandPart');
  assert($a.rank >= 2, () => `bandPart(): Rank must be at least 2, got ${$a.rank}.`);
  const shape = $a.shape;
  const [M, N] = $a.shape.slice(-2);
  const bound = (n, size, what, label) => {
    if (typeof n === 'number') {
      assert(n % 1 === 0, () => `bandPart(): ${label} must be an integer, got ${n}.`);
      assert(n <= size, () => `bandPart(): ${label} (${n}) must not be greater than the number of ${what} (${size}).`);
      return makeTensorFromFlat(new Int32Array([n < 0 ? size : n]), [], 'int32');
    }
    assert(n.dtype === 'int32', () => `bandPart(): ${label}'s dtype must be an int32.`);
    return ops.where(ops.less(n, 0), makeTensorFromFlat(new Int32Array([size]), [], 'int32'), ops.minimum(n, size));
  };
  const $numLower = bound(numLower, M, 'rows', 'numLower');
  const $numUpper = bound(numUpper, N, 'columns', 'numUpper');
  const i = ops.reshape(ops.range(0, M, 1, 'int32'), [M, 1]);
  const j = ops.range(0, N, 1, 'int32');
  const ij = ops.sub(i, j);
  const inBand = ops.logicalAnd(ops.lessEqual(ij, $numLower), ops.greaterEqual(ij, ops.neg($numUpper)));
  const zero = ops.zeros([M, N], $a.dtype);
  const mats = ops.unstack(ops.reshape($a, [$a.size / (M * N), M, N]));
  return ops.reshape(ops.stack(mats.map(mat => ops.where(inBand, mat, zero))), shape);
}

function gramSchmidt(xs) {
  let inputIsTensor2D;
  if (Array.isArray(xs)) {
    inputIsTensor2D = false;
    assert(xs != null && xs.length > 0, () => 'Gram-Schmidt process: input must not be null, undefined, or empty');
    const dim = xs[0].shape[0];
    for (let i = 1; i < xs.length; ++i) {
      assert(xs[i].shape[0] === dim,
             () => `Gram-Schmidt: Non-unique lengths found in the input vectors: (${xs[i].shape[0]} vs. ${dim})`);
    }
  } else {
    inputIsTensor2D = true;
    xs = ops.split(xs, xs.shape[0], 0).map(x => ops.squeeze(x, [0]));
  }
  assert(xs.length <= xs[0].shape[0],
         () => `Gram-Schmidt: Number of vectors (${xs.length}) exceeds number of dimensions (${xs[0].shape[0]}).`);
  const ys = [];
  for (let i = 0; i < xs.length; ++i) {
    let x = xs[i];
    for (let j = 0; j < i; ++j) x = ops.sub(x, ops.mul(ops.sum(ops.mul(ys[j], x)), ys[j]));
    ys.push(ops.div(x, ops.norm(x, 'euclidean')));
  }
  return inputIsTensor2D ? ops.stack(ys, 0) : ys;
}

/** Householder QR of one matrix, step for step as tfjs's qr2d. */
function qr2d(x, fullMatrices = false) {
  assert(x.shape.length === 2, () => `qr2d() requires a 2D Tensor, but got a ${x.shape.length}D Tensor.`);
  const m = x.shape[0], n = x.shape[1];
  let q = ops.eye(m);
  let r = x;
  const one2D = const2d(1);
  let w = one2D;
  const iters = m >= n ? n : m;
  for (let j = 0; j < iters; ++j) {
    const rjEnd1 = ops.slice(r, [j, j], [m - j, 1]);
    const normX = ops.norm(rjEnd1);
    const rjj = ops.slice(r, [j, j], [1, 1]);
    const s = ops.where(ops.greater(rjj, 0), const2d(-1), const2d(1));
    const u1 = ops.sub(rjj, ops.mul(s, normX));
    const wPre = ops.div(rjEnd1, u1);
    w = wPre.shape[0] === 1 ? one2D : ops.concat([one2D, ops.slice(wPre, [1, 0], [wPre.shape[0] - 1, wPre.shape[1]])], 0);
    const tau = ops.neg(ops.div(ops.matMul(s, u1), normX));
    const rjEndAll = ops.slice(r, [j, 0], [m - j, n]);
    const tauTimesW = ops.mul(tau, w);
    const wT = ops.transpose(w);
    const rTimesTau = ops.sub(rjEndAll, ops.matMul(tauTimesW, ops.matMul(wT, rjEndAll)));
    r = j === 0 ? rTimesTau : ops.concat([ops.slice(r, [0, 0], [j, n]), rTimesTau], 0);
    const tawTimesWT = ops.transpose(tauTimesW);
    const qAllJEnd = ops.slice(q, [0, j], [m, q.shape[1] - j]);
    const qTimesTau = ops.sub(qAllJEnd, ops.matMul(ops.matMul(qAllJEnd, w), tawTimesWT));
    q = j === 0 ? qTimesTau : ops.concat([ops.slice(q, [0, 0], [m, j]), qTimesTau], 1);
  }
  if (!fullMatrices && m > n) {
    q = ops.slice(q, [0, 0], [m, n]);
    r = ops.slice(r, [0, 0], [n, n]);
  }
  if (r === x) r = x.clone();
  return [q, r];
}

function qr(x, fullMatrices = false) {
  const $x = cvt(x, 'x', 'qr');
  assert($x.rank >= 2, () => `qr() requires input tensor to have a rank >= 2, but got rank ${$x.rank}`);
  if ($x.rank === 2) return qr2d($x, fullMatrices);
  const outerDimsProd = $x.shape.slice(0, $x.shape.length - 2).reduce((value, prev) => value * prev);
  const x2ds = ops.unstack(ops.reshape($x, [outerDimsProd, $x.shape[$x.shape.length - 2], $x.shape[$x.shape.length - 1]]), 0);
  const q2ds = [], r2ds = [];
  x2ds.forEach(x2d => {
    const [q2d, r2d] = qr2d(x2d, fullMatrices);
    q2ds.push(q2d);
    r2ds.push(r2d);
  });
  return [ops.reshape(ops.stack(q2ds, 0), $x.shape), ops.reshape(ops.stack(r2ds, 0), $x.shape)];
}

function confusionMatrix(labels, predictions, numClasses) {
  const $labels = cvt(labels, 'labels', 'confusionMatrix');
  const $predictions = cvt(predictions, 'predictions', 'confusionMatrix');
  assert(numClasses == null || numClasses > 0 && Number.isInteger(numClasses),
         () => `If provided, numClasses must be a positive integer, but got ${numClasses}`);
  assert($labels.rank === 1, () => `Expected the rank of labels to be 1, but got ${$labels.rank}`);
  assert($predictions.rank === 1, () => `Expected the rank of predictions to be 1, but got ${$predictions.rank}`);
  assert($labels.shape[0] === $predictions.shape[0], () => `Mismatch in the number of examples: ${$labels.shape[0]} vs. ` +
      `${$predictions.shape[0]}. Labels and predictions should have the same number of elements.`);
  assert(numClasses > 0 && Number.isInteger(numClasses),
         () => `numClasses is required to be a positive integer, but got ${numClasses}`);
  const oneHotLabels = ops.cast(ops.oneHot(ops.cast($labels, 'int32'), numClasses), 'float32');
  const oneHotPredictions = ops.cast(ops.oneHot(ops.cast($predictions, 'int32'), numClasses), 'float32');
  return ops.cast(ops.round(ops.matMul(ops.transpose(oneHotLabels), oneHotPredictions)), 'int32');
}

function frame(signal, frameLength, frameStep, padEnd = false, padValue = 0) {
  const $signal = cvt(signal, 'signal', 'frame', 'string_or_numeric');  // tfjs frames strings too (slice, concat)
  let start = 0;
  const output = [];
  while (start + frameLength <= $signal.size) {
    output.push(ops.slice($signal, start, frameLength));
    start += frameStep;
  }
  if (padEnd) {
    while (start < $signal.size) {
      const padLen = (start + frameLength) - $signal.size;
      output.push(ops.concat([ops.slice($signal, start, frameLength - padLen), ops.fill([padLen], padValue)]));
      start += frameStep;
    }
  }
  if (output.length === 0) return makeTensorFromFlat(new Float32Array(0), [0, frameLength], 'float32');
  return ops.reshape(ops.concat(output), [output.length, frameLength]);
}

export const linalg = {bandPart: op(bandPart), gramSchmidt: op(gramSchmidt), qr: op(qr)};
export const math = {confusionMatrix: op(confusionMatrix)};
export const signal = {
  frame: op(frame),
  hammingWindow: windowLength => cosineWindow(windowLength, 0.54, 0.46),
  hannWindow: windowLength => cosineWindow(windowLength, 0.5, 0.5),
};

