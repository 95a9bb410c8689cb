// tfjs 4.22 ops that compose from the engine's ops (issue 16): their gradients come
// from the tape through the ops they are made of. Ops whose output shape depends on
// the values (unique, whereAsync, setdiff1dAsync...) read the values, as tfjs does,
// and have no gradient there either. Argument checks and messages are tfjs's.
import {getCore} from './core.js';
import {customGrad, tidy} from './engine.js';
import {ops, run} from './ops.js';
import {broadcast_util as broadcastUtil} from './surface.js';
import {aliasStrings, isStringLike, viaIndices} from './strings.js';
import {
  Tensor, TensorBuffer, assertShape, complexUnsupported, convertToTensor, makeTensorFromFlat, notNumericError, tensor,
} from './tensor.js';
import {arraysEqual, arraysEqualWithNull, assert, assertShapesMatch, getArrayFromDType, inferDtype, sizeFromShape} from './util.js';

/**
 * tfjs's convertToTensor with its parse dtype: TensorLikes become `dtype` tensors.
 * Without one (tfjs's 'numeric'), strings are refused; 'string_or_numeric' takes both.
 * No complex64 but where allowed.
 */
export function cvt(x, name, fn, dtype, allowComplex = false) {
  const anyDtype = dtype === 'string_or_numeric';
  if (anyDtype) dtype = null;
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new Error(`Argument '${name}' passed to '${fn}' is a disposed Tensor.`);
    if (x.dtype === 'complex64' && !allowComplex) throw complexUnsupported(fn);
    if (dtype != null && x.dtype !== dtype) {
      throw new Error(`Argument '${name}' passed to '${fn}' must be ${dtype} tensor, but got ${x.dtype} tensor`);
    }
    if (x.dtype === 'string' && dtype == null && !anyDtype) throw notNumericError(name, fn);
    return x;
  }
  if (isStringLike(x)) {
    if (dtype != null && dtype !== 'string') {
      throw new Error(`Argument '${name}' passed to '${fn}' must be ${dtype} tensor, but got string tensor`);
    }
    if (dtype == null && !anyDtype) throw notNumericError(name, fn);
    return tensor(x, undefined, 'string');
  }
  if (dtype === 'string') {
    throw new Error(`Argument '${name}' passed to '${fn}' must be string tensor, but got ${inferDtype(x)} tensor`);
  }
  if (dtype != null && x != null &&
      (Array.isArray(x) || typeof x === 'number' || typeof x === 'boolean' || ArrayBuffer.isView(x))) {
    return tensor(x, undefined, dtype);
  }
  return convertToTensor(x, name, fn);
}

/** An op: runs in a tidy scope, so what it converts or makes in between is freed. */
const op = fn => (...args) => tidy(() => fn(...args));
const INT32_MAX = 2147483648;

// ---- batchToSpaceND, spaceToBatchND, depthToSpace --------------------------------------

function batchToSpaceND(x, blockShape, crops) {
  const $x = cvt(x, 'x', 'batchToSpaceND');
  const prod = blockShape.reduce((a, b) => a * b);
  assert($x.rank >= 1 + blockShape.length,
         () => `input rank is ${$x.rank} but should be > than blockShape.length ${blockShape.length}`);
  assert(crops.length === blockShape.length,
         () => `crops.length is ${crops.length} but should be equal to blockShape.length  ${blockShape.length}`);
  assert($x.shape[0] % prod === 0,
         () => `input tensor batch is ${$x.shape[0]} but is not divisible by the product of the elements of ` +
             `blockShape ${blockShape.join(' * ')} === ${prod}`);
  const M = blockShape.length;
  const batch = $x.shape[0] / prod;
  const spatial = $x.shape.slice(1, 1 + M), rest = $x.shape.slice(1 + M);
  // [b1..bM, batch, d1..dM, rest] -> [batch, d1, b1, ..., dM, bM, rest]
  const reshaped = ops.reshape($x, [...blockShape, batch, ...spatial, ...rest]);
  const perm = [M];
  for (let i = 0; i < M; i++) perm.push(M + 1 + i, i);
  for (let i = 0; i < rest.length; i++) perm.push(2 * M + 1 + i);
  const permuted = ops.transpose(reshaped, perm);
  const full = spatial.map((d, i) => d * blockShape[i]);
  const merged = ops.reshape(permuted, [batch, ...full, ...rest]);
  const begin = [0, ...crops.map(c => c[0]), ...rest.map(() => 0)];
  const size = [batch, ...full.map((d, i) => d - crops[i][0] - crops[i][1]), ...rest];
  return ops.slice(merged, begin, size);
}

function spaceToBatchND(x, blockShape, paddings) {
  const $x = cvt(x, 'x', 'spaceToBatchND');
  assert($x.rank >= 1 + blockShape.length,
         () => `input rank ${$x.rank} should be > than [blockShape] ${blockShape.length}`);
  assert(paddings.length === blockShape.length,
         () => `paddings.shape[0] ${paddings.length} must be equal to [blockShape] ${blockShape.length}`);
  assert($x.shape.reduce((a, b, i) => {
    if (i > 0 && i <= blockShape.length) {
      return a && ((b + paddings[i - 1][0] + paddings[i - 1][1]) % blockShape[i - 1] === 0);
    }
    return a;
  }, true), () => `input spatial dimensions ${$x.shape.slice(1)} with paddings ${paddings.toString()} must be ` +
      `divisible by blockShapes ${blockShape.toString()}`);
  const M = blockShape.length;
  const rest = $x.shape.slice(1 + M);
  const padded = ops.pad($x, [[0, 0], ...paddings, ...rest.map(() => [0, 0])]);
  const batch = $x.shape[0];
  const outer = padded.shape.slice(1, 1 + M).map((d, i) => d / blockShape[i]);
  // [batch, p1/b1, b1, ..., pM/bM, bM, rest] -> [b1..bM, batch, p1/b1..pM/bM, rest]
  const split = [batch];
  outer.forEach((d, i) => split.push(d, blockShape[i]));
  const reshaped = ops.reshape(padded, [...split, ...rest]);
  const perm = [];
  for (let i = 0; i < M; i++) perm.push(2 + 2 * i);
  perm.push(0);
  for (let i = 0; i < M; i++) perm.push(1 + 2 * i);
  for (let i = 0; i < rest.length; i++) perm.push(1 + 2 * M + i);
  const permuted = ops.transpose(reshaped, perm);
  const prod = blockShape.reduce((a, b) => a * b, 1);
  return ops.reshape(permuted, [batch * prod, ...outer, ...rest]);
}

function depthToSpace(x, blockSize, dataFormat = 'NHWC') {
  const $x = cvt(x, 'x', 'depthToSpace', 'float32');
  const inputHeight = dataFormat === 'NHWC' ? $x.shape[1] : $x.shape[2];
  const inputWidth = dataFormat === 'NHWC' ? $x.shape[2] : $x.shape[3];
  const inputDepth = dataFormat === 'NHWC' ? $x.shape[3] : $x.shape[1];
  assert(blockSize > 1, () => `blockSize should be > 1 for depthToSpace, but was: ${blockSize}`);
  assert(inputHeight * blockSize >= 0, () => `Negative dimension size caused by overflow when multiplying
    ${inputHeight} and ${blockSize}  for depthToSpace with input shape
    ${$x.shape}`);
  assert(inputWidth * blockSize >= 0, () => `Negative dimension size caused by overflow when multiplying
    ${inputWidth} and ${blockSize} for depthToSpace with input shape
        ${$x.shape}`);
  assert((inputDepth % (blockSize * blockSize) === 0), () => `Dimension size must be evenly divisible by ${
      blockSize * blockSize} but is ${inputDepth} for depthToSpace with input shape ${$x.shape}`);
  const [b] = $x.shape, c = inputDepth / (blockSize * blockSize);
  if (dataFormat === 'NHWC') {
    const r = ops.reshape($x, [b, inputHeight, inputWidth, blockSize, blockSize, c]);
    return ops.reshape(ops.transpose(r, [0, 1, 3, 2, 4, 5]), [b, inputHeight * blockSize, inputWidth * blockSize, c]);
  }
  const r = ops.reshape($x, [b, blockSize, blockSize, c, inputHeight, inputWidth]);
  return ops.reshape(ops.transpose(r, [0, 3, 4, 1, 5, 2]), [b, c, inputHeight * blockSize, inputWidth * blockSize]);
}

// ---- counting ------------------------------------------------------------------------

function bincountValues(xVals, weightVals, size, dtype, binaryOutput) {
  const out = getArrayFromDType(dtype, size);
  for (let i = 0; i < xVals.length; i++) {
    const value = xVals[i];
    if (value < 0) throw new Error('Input x must be non-negative!');
    if (value >= size) continue;
    if (binaryOutput) out[value] = 1;
    else out[value] += weightVals.length > 0 ? weightVals[i] : 1;
  }
  return out;
}

function bincount(x, weights, size) {
  const $x = cvt(x, 'x', 'bincount');
  const $weights = cvt(weights, 'weights', 'bincount');
  assert($x.dtype === 'int32', () => `Error in bincount: input dtype must be int32, but got ${$x.dtype}`);
  assert(size >= 0, () => `size must be non-negative, but got ${size}.`);
  assert($weights.size === $x.size || $weights.size === 0, () => 'Error in bincount: weights must have the same size ' +
      `as input or0-length, but got input shape: ${$x.shape}, weights shape: ${$weights.shape}.`);
  const values = bincountValues($x.dataSync(), $weights.dataSync(), size, $weights.dtype, false);
  return makeTensorFromFlat(values, [size], $weights.dtype);
}

function denseBincount(x, weights, size, binaryOutput = false) {
  const $x = cvt(x, 'x', 'denseBincount');
  const $weights = cvt(weights, 'weights', 'denseBincount');
  assert($x.dtype === 'int32', () => `Error in denseBincount: input dtype must be int32, but got ${$x.dtype}`);
  assert($x.rank <= 2, () => `Error in denseBincount: input must be at most rank 2, but got rank ${$x.rank}.`);
  assert(size >= 0, () => `size must be non-negative, but got ${size}.`);
  assert($weights.size === $x.size || $weights.size === 0, () => 'Error in denseBincount: weights must have the same ' +
      `shape as x or 0-length, but got x shape: ${$x.shape}, weights shape: ${$weights.shape}.`);
  const xVals = $x.dataSync(), wVals = $weights.dataSync();
  if ($x.rank === 1) {
    return makeTensorFromFlat(bincountValues(xVals, wVals, size, $weights.dtype, binaryOutput), [size], $weights.dtype);
  }
  const [rows, cols] = $x.shape;
  const out = getArrayFromDType($weights.dtype, rows * size);
  for (let r = 0; r < rows; r++) {
    const row = bincountValues(xVals.subarray(r * cols, (r + 1) * cols),
                               wVals.length > 0 ? wVals.subarray(r * cols, (r + 1) * cols) : wVals, size,
                               $weights.dtype, binaryOutput);
    out.set(row, r * size);
  }
  return makeTensorFromFlat(out, [rows, size], $weights.dtype);
}

function broadcastArgs(s0, s1) {
  const shape1Input = cvt(s0, 's0', 'broadcastArgs', 'int32');
  const shape2Input = cvt(s1, 's1', 'broadcastArgs', 'int32');
  if (shape1Input.rank !== 1) {
    throw new Error(`broadcastArgs(): first input must be a vector (rank=1). Has rank ${shape1Input.rank}`);
  }
  if (shape2Input.rank !== 1) {
    throw new Error(`broadcastArgs(): second input must be a vector (rank=1). Has rank ${shape2Input.rank}`);
  }
  const shape = broadcastUtil.assertAndGetBroadcastShape(Array.from(shape1Input.dataSync()),
                                                        Array.from(shape2Input.dataSync()));
  return makeTensorFromFlat(Int32Array.from(shape), [shape.length], 'int32');
}

// ---- cumulative, windows, norms --------------------------------------------------------

function cumprod(x, axis = 0, exclusive = false, reverse = false) {
  const $x = cvt(x, 'x', 'cumprod');
  if (axis < 0) axis += $x.rank;
  if (!(axis >= 0 && axis < $x.rank)) {
    throw new Error(`Axis must be in the interval [${-$x.rank}, ${$x.rank}) but got ${axis}`);
  }
  const n = $x.shape[axis];
  let y = reverse ? ops.reverse($x, axis) : $x;
  const sliceAlong = (t, start, len) => {
    const begin = t.shape.map(() => 0), size = t.shape.slice();
    begin[axis] = start;
    size[axis] = len;
    return ops.slice(t, begin, size);
  };
  const onesAlong = len => {
    const shape = $x.shape.slice();
    shape[axis] = len;
    return ops.ones(shape, $x.dtype);
  };
  // A scan by doubling: after the step with shift s, y[i] is the product of x[i-2s+1..i].
  for (let shift = 1; shift < n; shift *= 2) {
    y = ops.mul(y, ops.concat([onesAlong(shift), sliceAlong(y, 0, n - shift)], axis));
  }
  if (exclusive && n > 0) y = ops.concat([onesAlong(1), sliceAlong(y, 0, n - 1)], axis);
  return reverse ? ops.reverse(y, axis) : y;
}

/** tfjs's signal window a - b cos(2 pi i / (N - 1)) (N + 1 for odd-length "periodic" use). */
export function cosineWindow(windowLength, a, b) {
  const even = 1 - windowLength % 2;
  const newValues = new Float32Array(windowLength);
  for (let i = 0; i < windowLength; ++i) {
    const cosArg = (2.0 * Math.PI * i) / (windowLength + even - 1);
    newValues[i] = a - b * Math.cos(cosArg);
  }
  return makeTensorFromFlat(newValues, [windowLength], 'float32');
}

const euclideanNorm = (x, axis = null, keepDims = false) =>
  ops.norm(cvt(x, 'x', 'euclideanNorm'), 'euclidean', axis, keepDims);

function movingAverage(v, x, decay, step, zeroDebias = true) {
  const $v = cvt(v, 'v', 'movingAverage');
  const $x = cvt(x, 'x', 'movingAverage');
  const $decay = cvt(decay, 'decay', 'movingAverage');
  if ($v.dtype !== $x.dtype) {
    throw new Error(`The dtypes of the first(${$v.dtype}) and second(${$x.dtype}) input must match`);
  }
  assert(arraysEqual($v.shape, $x.shape), () => 'Shape mismatch in v and x');
  const oneMinusDecay = ops.sub(1, $decay);
  let update = ops.mul(ops.sub($x, $v), oneMinusDecay);
  if (zeroDebias) {
    assert(step != null, () => 'When using zeroDebias: true, step is required.');
    const $step = cvt(step, 'step', 'movingAverage');
    update = ops.div(update, ops.sub(1, ops.pow($decay, $step)));
  }
  return ops.add($v, update);
}

// ---- diag, ensureShape, meshgrid --------------------------------------------------------

function diag(x) {
  const $x = cvt(x, 'x', 'diag');
  const n = $x.size;
  const flat = ops.reshape($x, [n]);
  const eye = ops.eye(n, n, undefined, $x.dtype === 'bool' ? 'int32' : $x.dtype);
  let out = ops.mul(eye, flat);
  if ($x.dtype === 'bool') out = ops.cast(out, 'bool');
  return ops.reshape(out, [...$x.shape, ...$x.shape]);
}

function ensureShape(x, shape) {
  const $x = cvt(x, 'x', 'ensureShape', 'string_or_numeric');
  if (!arraysEqualWithNull($x.shape, shape)) {
    throw new Error(`EnsureShape: Shape of tensor ${$x.shape} is not compatible with expected shape ${shape}`);
  }
  return x;
}

function meshgrid(x, y, {indexing = 'xy'} = {}) {
  if (indexing !== 'xy' && indexing !== 'ij') throw new TypeError(`${indexing} is not a valid third argument to meshgrid`);
  if (x === undefined) return [];
  let $x = cvt(x, 'x', 'meshgrid', x instanceof Tensor ? x.dtype : 'float32');
  if (y === undefined) return [$x];
  let $y = cvt(y, 'y', 'meshgrid', y instanceof Tensor ? y.dtype : 'float32');
  const w = $x.size, h = $y.size;
  if (indexing === 'xy') {
    $x = ops.reshape($x, [1, w]);
    $y = ops.reshape($y, [h, 1]);
    return [ops.mul(ops.ones([h, 1], $x.dtype), $x), ops.mul($y, ops.ones([1, w], $y.dtype))];
  }
  $x = ops.reshape($x, [w, 1]);
  $y = ops.reshape($y, [1, h]);
  return [ops.mul($x, ops.ones([1, h], $x.dtype)), ops.mul(ops.ones([w, 1], $y.dtype), $y)];
}

// ---- gather/scatter ---------------------------------------------------------------------

/** Row-major flat positions of the index tuples in the last axis of `indices` over `shape`'s first dims. */
function flatIndices($indices, shape) {
  const k = $indices.shape[$indices.rank - 1];
  const strides = [];
  for (let i = 0; i < k; i++) strides.push(sizeFromShape(shape.slice(i + 1, k)));
  return ops.sum(ops.mul($indices, makeTensorFromFlat(Int32Array.from(strides), [k], 'int32')), -1);
}

function gatherND(x, indices) {
  const $indices = cvt(indices, 'indices', 'gatherND', 'int32');
  const $x = cvt(x, 'x', 'gatherND', 'string_or_numeric');
  if ($x.dtype === 'string') return viaIndices([$x], ([ix]) => gatherND(ix, $indices));
  const tensorRank = $x.rank, indicesRank = $indices.rank;
  if (tensorRank < 1) {
    throw new Error(`tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${tensorRank}.`);
  }
  if (indicesRank < 1) {
    throw new Error(`tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${indicesRank}.`);
  }
  if ($indices.dtype !== 'int32') {
    throw new Error(`tf.gatherND() expects the indices to be int32 type, but the dtype was ${$indices.dtype}.`);
  }
  const k = $indices.shape[indicesRank - 1];
  if (k > tensorRank) {
    throw new Error(`index innermost dimension length must be <= tensor rank; saw: ${k} vs. ${tensorRank}`);
  }
  if ($x.size === 0) throw new Error(`Requested more than 0 entries, but input is empty. Input shape: ${$x.shape}.`);
  checkIndexBounds($indices, $x.shape, k, 'gatherND');
  const flat = flatIndices($indices, $x.shape);
  const xr = ops.reshape($x, [sizeFromShape($x.shape.slice(0, k)), ...$x.shape.slice(k)]);
  return ops.gather(xr, flat, 0);
}

function checkIndexBounds($indices, shape, k, fn) {
  const vals = $indices.dataSync();
  for (let i = 0; i < vals.length; i++) {
    const d = i % k;
    if (vals[i] < 0 || vals[i] >= shape[d]) {
      const tuple = Array.from(vals.subarray(i - d, i - d + k));
      throw new Error(`${fn}: index [${tuple}] is out of bounds for shape [${shape.slice(0, k)}]`);
    }
  }
}

function validateUpdateShape(shape, indices, updates) {
  const sliceDim = (indices.rank > 1) ? indices.shape[indices.rank - 1] : 1;
  const batchDim = (indices.rank > 1) ? indices.rank - 1 : 1;
  const shapeError = 'Must have updates.shape = indices.shape[:batchDim] + ' +
      `shape[sliceDim:], got updates.shape: ${updates.shape}` +
      `, indices.shape: ${indices.shape}, shape: ${shape}` +
      `, sliceDim: ${sliceDim}, and batchDim: ${batchDim}.`;
  if (updates.rank < batchDim) throw new Error(shapeError + ` update.rank < ${batchDim}. `);
  if (shape.length < sliceDim + (updates.rank - batchDim)) {
    throw new Error(shapeError + ` Output shape length < ${sliceDim + (updates.rank - batchDim)}`);
  }
  if (updates.rank !== batchDim + shape.length - sliceDim) {
    throw new Error(shapeError + ` update.rank != ${batchDim + shape.length - sliceDim}`);
  }
  for (let d = 0; d < batchDim; ++d) {
    if (updates.shape[d] !== indices.shape[d]) {
      throw new Error(shapeError + ` updates.shape[${d}] (${updates.shape[d]}) != indices.shape[${d}] (${indices.shape[d]}).`);
    }
  }
  for (let d = 0; d < updates.rank - batchDim; ++d) {
    if (updates.shape[d + batchDim] !== shape[d + sliceDim]) {
      throw new Error(shapeError + ` updates.shape[${d + batchDim}] (${updates.shape[d + batchDim]}) != shape[${
          d + batchDim}] (${shape[d + batchDim]})`);
    }
  }
}

function validateScatterInput(updates, indices, shape) {
  if (indices.rank < 1) {
    throw new Error(`tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${indices.rank}.`);
  }
  if (updates.rank < 1) {
    throw new Error(`tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${updates.rank}.`);
  }
  if (indices.dtype !== 'int32') throw new Error(`The dtype of 'indices' should be int32, but got dtype: ${indices.dtype}`);
  if (shape.length < 1) throw new Error(`Output rank must be greater or equal to 1, but got shape: ${shape}`);
  validateUpdateShape(shape, indices, updates);
}

/** [numSegments, N] float32 one-hot rows: row s marks the positions whose id is s (others dropped). */
function segmentMatrix(ids, numSegments) {
  const segs = ops.range(0, numSegments, 1, 'int32');
  return ops.cast(ops.equal(ops.expandDims(segs, 1), ops.expandDims(ids, 0)), 'float32');
}

/** Sums rows of `x2` ([N, S]) into numSegments rows by id; the dtype of x2 is kept. */
function segmentSum2d(x2, ids, numSegments) {
  const summed = ops.matMul(segmentMatrix(ids, numSegments), x2.dtype === 'float32' ? x2 : ops.cast(x2, 'float32'));
  return x2.dtype === 'float32' ? summed : ops.cast(x2.dtype === 'int32' ? ops.round(summed) : summed, x2.dtype);
}

function scatterND(indices, updates, shape) {
  assertShape(shape);
  const $indices = cvt(indices, 'indices', 'scatterND', 'int32');
  const $updates = cvt(updates, 'updates', 'scatterND');
  validateScatterInput($updates, $indices, shape);
  return scatterSum($indices, $updates, shape);
}

function scatterSum($indices, $updates, shape) {
  const idx = $indices.rank > 1 ? $indices : ops.reshape($indices, [$indices.size, 1]);
  const k = idx.shape[idx.rank - 1];
  checkIndexBounds(idx, shape, k, 'scatterND');
  const n = sizeFromShape(idx.shape.slice(0, -1));
  const sliceSize = sizeFromShape(shape.slice(k));
  const flat = ops.reshape(flatIndices(idx, shape), [n]);
  const upd = ops.reshape($updates, [n, sliceSize]);
  const out = segmentSum2d(upd, flat, sizeFromShape(shape.slice(0, k)));
  return ops.reshape(out, shape);
}

function tensorScatterUpdate(tensor, indices, updates) {
  const $tensor = cvt(tensor, 'tensor', 'tensorScatterupdate');
  const $indices = cvt(indices, 'indices', 'tensorScatterupdate', 'int32');
  const $updates = cvt(updates, 'updates', 'tensorScatterupdate');
  validateScatterInput($updates, $indices, $tensor.shape);
  if ($tensor.dtype !== $updates.dtype) {
    throw new Error(`tensor and updates must have the same dtype, instead they are ${$tensor.dtype} and ${$updates.dtype}.`);
  }
  const counts = scatterSum($indices, ops.onesLike(ops.cast($updates, 'float32')), $tensor.shape);
  // A slice named more than once takes its last update (as tfjs's kernel writes them in order).
  const lastWins = dedupeLast($indices, $updates);
  const scattered = scatterSum(lastWins.indices, lastWins.updates, $tensor.shape);
  return ops.where(ops.greater(counts, 0), scattered, $tensor);
}

/** Keeps only the last of repeated index tuples (and its update). */
function dedupeLast($indices, $updates) {
  const idx = $indices.rank > 1 ? $indices : ops.reshape($indices, [$indices.size, 1]);
  const k = idx.shape[idx.rank - 1];
  const n = sizeFromShape(idx.shape.slice(0, -1));
  const vals = idx.dataSync();
  const last = new Map();
  for (let i = 0; i < n; i++) last.set(Array.from(vals.subarray(i * k, (i + 1) * k)).join(','), i);
  if (last.size === n) return {indices: $indices, updates: $updates};
  const keep = [...last.values()].sort((a, b) => a - b);
  const keepT = makeTensorFromFlat(Int32Array.from(keep), [keep.length], 'int32');
  const upd = ops.reshape($updates, [n, sizeFromShape($updates.shape.slice(idx.rank - 1))]);
  return {indices: ops.gather(ops.reshape(idx, [n, k]), keepT, 0),
          updates: ops.reshape(ops.gather(upd, keepT, 0), [keep.length, ...$updates.shape.slice(idx.rank - 1)])};
}

function unsortedSegmentSum(x, segmentIds, numSegments) {
  const $x = cvt(x, 'x', 'unsortedSegmentSum');
  const $segmentIds = cvt(segmentIds, 'segmentIds', 'unsortedSegmentSum', 'int32');
  assert(Number.isInteger(numSegments), () => 'numSegments must be of dtype int');
  const ids = ops.reshape($segmentIds, [$segmentIds.size]);
  const n = $segmentIds.size;
  const inner = $x.shape.slice($segmentIds.rank);
  // As tfjs: a float32 result (its kernel multiplies by a float32 mask).
  const x2 = ops.reshape(ops.cast($x, 'float32'), [n, sizeFromShape(inner)]);
  return ops.reshape(segmentSum2d(x2, ids, numSegments), [numSegments, ...inner]);
}

function sparseToDense(sparseIndices, sparseValues, outputShape, defaultValue = 0) {
  const $sparseIndices = cvt(sparseIndices, 'sparseIndices', 'sparseToDense', 'int32');
  const $sparseValues = cvt(sparseValues, 'sparseValues', 'sparseToDense', 'string_or_numeric');
  const $defaultValue = cvt(defaultValue, 'defaultValue', 'sparseToDense', $sparseValues.dtype);
  if ($sparseIndices.dtype !== 'int32') {
    throw new Error(`tf.sparseToDense() expects the indices to be int32 type, but the dtype was ${$sparseIndices.dtype}.`);
  }
  if ($sparseIndices.rank > 2) {
    throw new Error(`sparseIndices should be a scalar, vector, or matrix, but got shape ${$sparseIndices.shape}.`);
  }
  const numElems = $sparseIndices.rank > 0 ? $sparseIndices.shape[0] : 1;
  const numDims = $sparseIndices.rank > 1 ? $sparseIndices.shape[1] : 1;
  if (outputShape.length !== numDims) {
    throw new Error(`outputShape has incorrect number of elements:, ${outputShape.length}, should be: ${numDims}.`);
  }
  const numValues = $sparseValues.size;
  if (!($sparseValues.rank === 0 || $sparseValues.rank === 1 && numValues === numElems)) {
    throw new Error(`sparseValues has incorrect shape ${$sparseValues.shape}, should be [] or [${numElems}]`);
  }
  if ($sparseValues.dtype !== $defaultValue.dtype) throw new Error('sparseValues.dtype must match defaultValues.dtype');
  const size = sizeFromShape(outputShape);
  const out = getArrayFromDType($sparseValues.dtype, size).fill($defaultValue.dataSync()[0]);
  const idx = $sparseIndices.dataSync(), vals = $sparseValues.dataSync();
  const strides = outputShape.map((_, i) => sizeFromShape(outputShape.slice(i + 1)));
  for (let i = 0; i < numElems; i++) {
    let flat = 0;
    for (let j = 0; j < numDims; j++) {
      const d = idx[i * numDims + j];
      if (d < 0 || d >= outputShape[j]) {
        throw new Error(`Invalid indices: ${Array.from(idx.subarray(i * numDims, (i + 1) * numDims))} does not index ` +
                        `into ${outputShape}`);
      }
      flat += d * strides[j];
    }
    out[flat] = vals[$sparseValues.rank === 0 ? 0 : i];
  }
  return makeTensorFromFlat(out, outputShape, $sparseValues.dtype);
}

// ---- searching ---------------------------------------------------------------------------

function searchSorted(sortedSequence, values, side = 'left') {
  const $sortedSequence = cvt(sortedSequence, 'sortedSequence', 'searchSorted');
  const $values = cvt(values, 'values', 'searchSorted');
  const sequenceSize = $sortedSequence.shape[$sortedSequence.shape.length - 1];
  const valuesSize = $values.shape[$values.shape.length - 1];
  if ($sortedSequence.rank < 1) throw new Error('Sorted input argument must be at least 2-dimensional');
  const seq2d = ops.reshape($sortedSequence, [$sortedSequence.size / sequenceSize, sequenceSize]);
  const values2d = ops.reshape($values, [$values.size / valuesSize, valuesSize]);
  if (seq2d.shape[0] !== values2d.shape[0]) {
    throw new Error('Leading dimension of \'sortedSequence\' and \'values\' must match.');
  }
  if (values2d.size >= INT32_MAX) throw new Error(`values tensor size must less than ${INT32_MAX}`);
  if (seq2d.shape[1] >= INT32_MAX) {
    throw new Error(`trailing dim_size must less than ${INT32_MAX} for int32 output type, was ${seq2d.shape[1]}`);
  }
  // The count of sequence entries below (left) or not above (right) each value.
  const cmp = side === 'left' ? ops.less : ops.lessEqual;
  const below = cmp(ops.expandDims(seq2d, 1), ops.expandDims(values2d, 2));
  return ops.sum(ops.cast(below, 'int32'), -1);  // [batch, values] (tfjs keeps a batch of 1 for 1-D input)
}

const lowerBound = (sortedSequence, values) => searchSorted(sortedSequence, values, 'left');
const upperBound = (sortedSequence, values) => searchSorted(sortedSequence, values, 'right');

async function inTopKAsync(predictions, targets, k = 1) {
  const $predictions = cvt(predictions, 'predictions', 'inTopK');
  const $targets = cvt(targets, 'targets', 'inTopK');
  try {
    assert($predictions.rank > 1, () => `inTopK() expects the predictions to be of rank 2 or higher, but got ${
        $predictions.rank}`);
    assert($predictions.rank - 1 === $targets.rank, () => 'predictions rank should be 1 larger than targets rank, but ' +
        `got predictions rank ${$predictions.rank} and targets rank ${$targets.rank}`);
    assertShapesMatch($predictions.shape.slice(0, $predictions.shape.length - 1), $targets.shape,
                      'predictions\'s shape should be align with the targets\' shape, except the last dimension.');
    const lastDim = $predictions.shape[$predictions.shape.length - 1];
    assert(k > 0 && k <= lastDim, () => `'k' passed to inTopK() must be > 0 && <= the predictions last dimension ` +
        `(${lastDim}), but got ${k}`);
    const predictionsVals = await $predictions.data();
    const targetsVals = await $targets.data();
    const [batch, size] = [predictionsVals.length / lastDim, lastDim];
    const precision = new Uint8Array(batch);
    for (let b = 0; b < batch; b++) {
      const offset = b * size;
      const vals = predictionsVals.subarray(offset, offset + size);
      const valAndInd = [];
      for (let i = 0; i < vals.length; i++) valAndInd.push({value: vals[i], index: i});
      valAndInd.sort((a, c) => c.value - a.value);
      precision[b] = 0;
      for (let i = 0; i < k; i++) {
        if (valAndInd[i].index === targetsVals[b]) {
          precision[b] = 1;
          break;
        }
      }
    }
    return makeTensorFromFlat(precision, $targets.shape, 'bool');
  } finally {
    if (predictions !== $predictions) $predictions.dispose();
    if (targets !== $targets) $targets.dispose();
  }
}

// ---- value-dependent shapes: unique, whereAsync, booleanMaskAsync, setdiff1dAsync ---------

function unique(x, axis = 0) {
  const $x = cvt(x, 'x', 'unique', 'string_or_numeric');
  assert($x.rank > 0, () => 'The input tensor must be at least 1D');
  const $axis = axis < 0 ? axis + $x.rank : axis;
  if (!($axis >= 0 && $axis < $x.rank)) {
    throw new Error(`Axis must be in the interval [${-$x.rank}, ${$x.rank}) but got ${axis}`);
  }
  const values = $x.dataSync();
  const outer = sizeFromShape($x.shape.slice(0, $axis));
  const n = $x.shape[$axis];
  const inner = sizeFromShape($x.shape.slice($axis + 1));
  const seen = new Map();
  const firstOf = [];
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const parts = [];
    for (let o = 0; o < outer; o++) {
      const start = (o * n + i) * inner;
      for (let j = 0; j < inner; j++) parts.push(values[start + j]);
    }
    const key = $x.dtype === 'string' ? JSON.stringify(parts) : parts.join(',');
    if (seen.has(key)) {
      indices[i] = seen.get(key);
    } else {
      indices[i] = firstOf.length;
      seen.set(key, firstOf.length);
      firstOf.push(i);
    }
  }
  const outShape = $x.shape.slice();
  outShape[$axis] = firstOf.length;
  const out = getArrayFromDType($x.dtype, sizeFromShape(outShape));
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const i of firstOf) {
      const start = (o * n + i) * inner;
      for (let j = 0; j < inner; j++) out[p++] = values[start + j];
    }
  }
  return {values: makeTensorFromFlat(out, outShape, $x.dtype), indices: makeTensorFromFlat(indices, [n], 'int32')};
}

function whereCoordinates(shape, vals) {
  const rank = shape.length;
  const strides = shape.map((_, i) => sizeFromShape(shape.slice(i + 1)));
  const coords = [];
  for (let i = 0; i < vals.length; i++) {
    if (!vals[i]) continue;
    let rem = i;
    for (let d = 0; d < rank; d++) {
      coords.push(Math.floor(rem / strides[d]));
      rem %= strides[d];
    }
  }
  return makeTensorFromFlat(Int32Array.from(coords), [coords.length / Math.max(rank, 1) | 0, rank], 'int32');
}

async function whereAsync(condition) {
  const $condition = cvt(condition, 'condition', 'whereAsync', 'bool');
  try {
    return whereCoordinates($condition.shape, await $condition.data());
  } finally {
    if (condition !== $condition) $condition.dispose();
  }
}

async function booleanMaskAsync(tensor, mask, axis) {
  const $tensor = cvt(tensor, 'tensor', 'boolMask');
  const $mask = cvt(mask, 'mask', 'boolMask', 'bool');
  const temps = [];
  try {
    const axisFrom = axis == null ? 0 : axis;
    const maskDim = $mask.rank;
    const tensorShape = $tensor.shape;
    assert(maskDim > 0, () => 'mask cannot be scalar');
    assertShapesMatch(tensorShape.slice(axisFrom, axisFrom + maskDim), $mask.shape,
                      'mask\'s shape must match the first K dimensions of tensor\'s shape,');
    let leadingSize = 1;
    for (let i = axisFrom; i < axisFrom + maskDim; i++) leadingSize *= tensorShape[i];
    const targetTensorShape = tensorShape.slice(0, axisFrom).concat([leadingSize], tensorShape.slice(axisFrom + maskDim));
    const reshapedTensor = ops.reshape($tensor, targetTensorShape);
    temps.push(reshapedTensor);
    const maskValues = await $mask.data();
    const positions = [];
    for (let i = 0; i < maskValues.length; i++) if (maskValues[i]) positions.push(i);
    const indices = makeTensorFromFlat(Int32Array.from(positions), [positions.length], 'int32');
    temps.push(indices);
    return ops.gather(reshapedTensor, indices, axisFrom);
  } finally {
    temps.forEach(t => t.dispose());
    if (tensor !== $tensor) $tensor.dispose();
    if (mask !== $mask) $mask.dispose();
  }
}

async function setdiff1dAsync(x, y) {
  const $x = cvt(x, 'x', 'setdiff1d');
  const $y = cvt(y, 'y', 'setdiff1d');
  try {
    assert($x.dtype === $y.dtype, () => `x and y should have the same dtype, but got x (${$x.dtype}) and y (${$y.dtype}).`);
    assert($x.rank === 1, () => `x should be 1D tensor, but got x (${$x.shape}).`);
    assert($y.rank === 1, () => `y should be 1D tensor, but got y (${$y.shape}).`);
    const xVals = await $x.data();
    const ySet = new Set(await $y.data());
    const values = [], indices = [];
    for (let i = 0; i < xVals.length; i++) {
      if (!ySet.has(xVals[i])) {
        values.push(xVals[i]);
        indices.push(i);
      }
    }
    const buf = new TensorBuffer([values.length], $x.dtype);
    buf.values.set(values);
    return [buf.toTensor(), makeTensorFromFlat(Int32Array.from(indices), [indices.length], 'int32')];
  } finally {
    if (x !== $x) $x.dispose();
    if (y !== $y) $y.dispose();
  }
}

// ---- rank-specific forms -------------------------------------------------------------------

function rankForms() {
  const out = {};
  const concatN = axisDefault => (tensors, axis = axisDefault) => ops.concat(tensors, axis);
  out.concat1d = tensors => ops.concat(tensors, 0);
  out.concat2d = concatN(0);
  out.concat3d = concatN(0);
  out.concat4d = concatN(0);
  const reverseN = n => op((x, axis) => {
    const $x = cvt(x, 'x', 'reverse');
    assert($x.rank === n, () => `Error in reverse${n}D: x must be rank ${n} but got rank ${$x.rank}.`);
    return ops.reverse($x, n === 1 ? 0 : axis);
  });
  out.reverse1d = reverseN(1);
  out.reverse2d = reverseN(2);
  out.reverse3d = reverseN(3);
  out.reverse4d = reverseN(4);
  const sliceN = n => op((x, begin, size) => {
    const $x = cvt(x, 'x', `slice${n}d`);
    assert($x.rank === n, () => `slice${n}d expects a rank-${n} tensor, but got a rank-${$x.rank} tensor`);
    return n === 1 ? ops.slice($x, [begin], [size]) : ops.slice($x, begin, size);
  });
  out.slice1d = sliceN(1);
  out.slice2d = sliceN(2);
  out.slice3d = sliceN(3);
  out.slice4d = sliceN(4);
  out.pad1d = (x, paddings, constantValue = 0) => {
    assert(paddings.length === 2, () => 'Invalid number of paddings. Must be length of 2.');
    return ops.pad(x, [paddings], constantValue);
  };
  const padN = n => (x, paddings, constantValue = 0) => {
    assert(paddings.length === n && paddings.every(p => p.length === 2),
           () => `Invalid number of paddings. Must be length of ${n === 2 ? '2 each' : 2}.`);
    return ops.pad(x, paddings, constantValue);
  };
  out.pad2d = padN(2);
  out.pad3d = padN(3);
  out.pad4d = padN(4);
  const batchNormN = n => (x, mean, variance, offset, scale, varianceEpsilon) => tidy(() => {
    const $x = cvt(x, 'x', 'batchNorm');
    const $mean = cvt(mean, 'mean', 'batchNorm');
    const $variance = cvt(variance, 'variance', 'batchNorm');
    const $scale = scale != null ? cvt(scale, 'scale', 'batchNorm') : null;
    const $offset = offset != null ? cvt(offset, 'offset', 'batchNorm') : null;
    const name = `batchNorm${n}D`;
    assert($x.rank === n, () => `Error in ${name}: x must be rank ${n} but got rank ${$x.rank}.`);
    for (const [label, t] of [['mean', $mean], ['variance', $variance], ['scale', $scale], ['offset', $offset]]) {
      if (t == null) continue;
      assert(t.rank === n || t.rank === 1,
             () => `Error in ${name}: ${label} must be rank ${n} or rank 1 but got rank ${t.rank}.`);
    }
    return ops.batchNorm($x, $mean, $variance, $offset, $scale, varianceEpsilon);
  });
  out.batchNorm2d = batchNormN(2);
  out.batchNorm3d = batchNormN(3);
  out.batchNorm4d = batchNormN(4);
  return out;
}

// ---- pool --------------------------------------------------------------------------------

function pool(input, windowShape, poolingType, pad, dilations, strides, dimRoundingMode) {
  if (dilations == null) dilations = [1, 1];
  if (strides == null) strides = 1;
  if (pad === 0) pad = 'valid';
  const $x = cvt(input, 'x', 'maxPool');
  let x4D = $x;
  let reshapedTo4D = false;
  if ($x.rank === 3) {
    reshapedTo4D = true;
    x4D = ops.reshape($x, [1, $x.shape[0], $x.shape[1], $x.shape[2]]);
  }
  const pairOf = v => (Array.isArray(v) ? v : [v, v]);
  const [strideH, strideW] = pairOf(strides);
  const dilation = pairOf(dilations);
  assert((strideH === 1 && strideW === 1) || (dilation[0] === 1 && dilation[1] === 1),
         () => `Error in pool: Either strides or dilations must be 1. Got strides ${strides} and dilations '${dilations}'`);
  const filter = pairOf(windowShape);
  let basePadding;
  if (pad === 'same') {
    const dilated = filter.map((s, i) => s + (s - 1) * (dilation[i] - 1));
    const extra = dilated.map(s => s - 1);
    const start = extra.map(s => Math.floor(s / 2));
    basePadding = extra.map((s, i) => [start[i], s - start[i]]);
  } else {
    basePadding = [[0, 0], [0, 0]];
  }
  const isDilationOne = dilation[0] === 1 && dilation[1] === 1;
  // tfjs's requiredSpaceToBatchPaddings, including its use of the unpadded input sizes.
  const inputShape = [x4D.shape[1], x4D.shape[2]];
  const padStart = basePadding.map(b => b[0]);
  const origPadEnd = basePadding.map(b => b[1]);
  const fullInputShape = inputShape.concat(padStart, origPadEnd);
  const padEndExtra = dilation.map((b, i) => (b - fullInputShape[i] % b) % b);
  const padEnd = origPadEnd.map((s, i) => s + padEndExtra[i]);
  const adjustedPadding = dilation.map((_, i) => [padStart[i], padEnd[i]]);
  const adjustedCrops = dilation.map((_, i) => [0, padEndExtra[i]]);
  const convertedPad = isDilationOne ? pad : 'valid';
  const convertedX = isDilationOne ? x4D : spaceToBatchND(x4D, dilation, adjustedPadding);
  const y = poolingType === 'avg' ? ops.avgPool(convertedX, windowShape, strides, convertedPad, dimRoundingMode)
                                  : ops.maxPool(convertedX, windowShape, strides, convertedPad, dimRoundingMode);
  const res = isDilationOne ? y : batchToSpaceND(y, dilation, adjustedCrops);
  if (reshapedTo4D) return ops.reshape(res, [res.shape[1], res.shape[2], res.shape[3]]);
  return res;
}

// ---- RNN cells -----------------------------------------------------------------------------

function basicLSTMCell(forgetBias, lstmKernel, lstmBias, data, c, h) {
  const $forgetBias = cvt(forgetBias, 'forgetBias', 'basicLSTMCell');
  const $lstmKernel = cvt(lstmKernel, 'lstmKernel', 'basicLSTMCell');
  const $lstmBias = cvt(lstmBias, 'lstmBias', 'basicLSTMCell');
  const $data = cvt(data, 'data', 'basicLSTMCell');
  const $c = cvt(c, 'c', 'basicLSTMCell');
  const $h = cvt(h, 'h', 'basicLSTMCell');
  const combined = ops.concat([$data, $h], 1);
  const res = ops.add(ops.matMul(combined, $lstmKernel), $lstmBias);
  const batchSize = res.shape[0];
  const sliceCols = res.shape[1] / 4;
  const sliceSize = [batchSize, sliceCols];
  const i = ops.slice(res, [0, 0], sliceSize);
  const j = ops.slice(res, [0, sliceCols], sliceSize);
  const f = ops.slice(res, [0, sliceCols * 2], sliceSize);
  const o = ops.slice(res, [0, sliceCols * 3], sliceSize);
  const newC = ops.add(ops.mul(ops.sigmoid(i), ops.tanh(j)), ops.mul($c, ops.sigmoid(ops.add($forgetBias, f))));
  const newH = ops.mul(ops.tanh(newC), ops.sigmoid(o));
  return [newC, newH];
}

function multiRNNCell(lstmCells, data, c, h) {
  const $data = cvt(data, 'data', 'multiRNNCell');
  const $c = c.map((t, i) => cvt(t, `c[${i}]`, 'multiRNNCell'));
  const $h = h.map((t, i) => cvt(t, `h[${i}]`, 'multiRNNCell'));
  let input = $data;
  const newC = [], newH = [];
  for (let i = 0; i < lstmCells.length; i++) {
    const output = lstmCells[i](input, $c[i], $h[i]);
    newC.push(output[0]);
    newH.push(output[1]);
    input = output[1];
  }
  return [newC, newH];
}

// ---- misc ----------------------------------------------------------------------------------

function rand(shape, randFunction, dtype) {
  assertShape(shape);
  const size = sizeFromShape(shape);
  let values;
  if (dtype == null || dtype === 'float32') values = new Float32Array(size);
  else if (dtype === 'int32') values = new Int32Array(size);
  else if (dtype === 'bool') values = new Uint8Array(size);
  else throw new Error(`Unknown data type ${dtype}`);
  for (let i = 0; i < size; i++) values[i] = randFunction();
  return makeTensorFromFlat(values, shape, dtype || 'float32');
}

function print(x, verbose = false) {
  cvt(x, 'x', 'print', 'string_or_numeric', true).print(verbose);
}

// A copy of the values (never an alias: variables change in place) whose gradient is
// the identity, as tfjs's Identity kernel has.
const copyWithGradient = customGrad(x => ({value: new Tensor(getCore().cloneTensor(x.handle)), gradFunc: dy => [dy]}));

function clone(x) {
  const $x = cvt(x, 'x', 'clone', 'string_or_numeric', true);
  if ($x.dtype === 'string') return aliasStrings($x);
  return $x.dtype === 'complex64' ? $x.clone() : copyWithGradient($x);
}

export const extraOps = {
  batchToSpaceND: op(batchToSpaceND), spaceToBatchND: op(spaceToBatchND), depthToSpace: op(depthToSpace),
  bincount: op(bincount), denseBincount: op(denseBincount), broadcastArgs: op(broadcastArgs), clone: op(clone),
  cumprod: op(cumprod), cosineWindow, euclideanNorm: op(euclideanNorm), movingAverage: op(movingAverage),
  diag: op(diag), ensureShape: op(ensureShape), meshgrid: op(meshgrid), gatherND: op(gatherND),
  scatterND: op(scatterND), tensorScatterUpdate: op(tensorScatterUpdate), unsortedSegmentSum: op(unsortedSegmentSum),
  sparseToDense: op(sparseToDense), searchSorted: op(searchSorted), lowerBound: op(lowerBound),
  upperBound: op(upperBound), inTopKAsync, unique: op(unique), whereAsync, booleanMaskAsync, setdiff1dAsync,
  pool: op(pool), basicLSTMCell: op(basicLSTMCell), multiRNNCell: op(multiRNNCell), rand, print,
  ...rankForms(),
};

// ---- Tensor methods and fields ---------------------------------------------------------------

const methods = {
  concat(x, axis) { return ops.concat([this, ...(x instanceof Tensor ? [x] : x)], axis); },
  stack(x, axis) { return ops.stack(x instanceof Tensor ? [this, x] : [this, ...x], axis); },
  where(condition, x) { return ops.where(condition, this, x); },
  unique(axis) { return extraOps.unique(this, axis); },
  unsortedSegmentSum(segmentIds, numSegments) { return extraOps.unsortedSegmentSum(this, segmentIds, numSegments); },
  cumprod(axis, exclusive, reverse) { return extraOps.cumprod(this, axis, exclusive, reverse); },
  euclideanNorm(axis, keepDims) { return extraOps.euclideanNorm(this, axis, keepDims); },
  batchToSpaceND(blockShape, crops) { return extraOps.batchToSpaceND(this, blockShape, crops); },
  spaceToBatchND(blockShape, paddings) { return extraOps.spaceToBatchND(this, blockShape, paddings); },
  depthToSpace(blockSize, dataFormat) { return extraOps.depthToSpace(this, blockSize, dataFormat); },
  pool(windowShape, poolingType, padding, dilationRate, strides, dimRoundingMode) {
    return extraOps.pool(this, windowShape, poolingType, padding, dilationRate, strides, dimRoundingMode);
  },
  resizeBilinear(size, alignCorners, halfPixelCenters) {
    return ops.image.resizeBilinear(this, size, alignCorners, halfPixelCenters);
  },
  resizeNearestNeighbor(size, alignCorners, halfPixelCenters) {
    return ops.image.resizeNearestNeighbor(this, size, alignCorners, halfPixelCenters);
  },
  clone() {
    if (this.dtype === 'string') return aliasStrings(this);
    return this.dtype === 'complex64' ? run('clone', [this])[0] : copyWithGradient(this);
  },
  as5D(rows, columns, depth, depth2, depth3) { return ops.reshape(this, [rows, columns, depth, depth2, depth3]); },
  bufferSync() { return new TensorBuffer(this.shape, this.dtype, this.dataSync()); },
  async buffer() { return new TensorBuffer(this.shape, this.dtype, await this.data()); },
  async bytes() {
    if (this.dtype === 'string') return this.stringBytes.map(b => b.slice());
    const data = await this.data();
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  },
  throwIfDisposed() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
  },
};
Object.assign(Tensor.prototype, methods);
Object.defineProperties(Tensor.prototype, {
  strides: {get() { return this.rank < 2 ? [] : this.shape.slice(1).map((_, i) => sizeFromShape(this.shape.slice(i + 1))); },
            configurable: true},
  rankType: {get() { return this.rank < 5 ? this.rank.toString() : 'higher'; }, configurable: true},
  kept: {get() { return this._kept; }, set(value) { this._kept = value; }, configurable: true},
});
