// tfjs 4.22 ops that run new engine kernels (issue 16): bitwiseAnd, dilation2d,
// maxPoolWithArgmax, tf.sparse.* and the ragged ops. Argument conversion and the
// op-level checks are tfjs's (same dtypes, defaults and messages); the kernels
// (cpp/kernels/reference/{morphology,sparse}.cc) compute, including the outputs
// whose shapes depend on the values, and report bad indices with tfjs's messages.
import {tidy} from './engine.js';
import {run} from './ops.js';
import {cvt} from './ops_extra.js';
import {Tensor} from './tensor.js';
import {arraysEqual, assert} from './util.js';

const op = fn => (...args) => tidy(() => fn(...args));

function bitwiseAnd(x, y) {
  const $x = cvt(x, 'x', 'bitwiseAnd');
  const $y = cvt(y, 'y', 'bitwiseAnd');
  if (!arraysEqual($x.shape, $y.shape)) {
    throw new Error(`BitwiseAnd: Tensors must have the same shape. x: ${$x.shape}, y: ${$y.shape}`);
  }
  if ($x.dtype !== 'int32' || $y.dtype !== 'int32') {
    throw new Error(`BitwiseAnd: Only supports 'int32' values in tensor, found type of x: ${$x.dtype} and type of ` +
                    `y: ${$y.dtype}`);
  }
  return run('bitwiseAnd', [$x, $y])[0];
}

function dilation2d(x, filter, strides, pad, dilations = [1, 1], dataFormat = 'NHWC') {
  const $x = cvt(x, 'x', 'dilation2d');
  const $filter = cvt(filter, 'filter', 'dilation2d');
  assert($x.rank === 3 || $x.rank === 4, () => `Error in dilation2d: input must be rank 3 or 4, but got rank ${$x.rank}.`);
  assert($filter.rank === 3, () => `Error in dilation2d: filter must be rank 3, but got rank ${$filter.rank}.`);
  assert(dataFormat === 'NHWC', () => `Error in dilation2d: Only NHWC is currently supported, but got dataFormat of ${
      dataFormat}`);
  const depth = $x.rank === 3 ? $x.shape[2] : $x.shape[3];
  assert(depth === $filter.shape[2], () => `Error in dilation2d:  input and filter must have the same depth: ${depth} vs ${
      $filter.shape[2]}`);
  return run('dilation2d', [$x, $filter], {strides, pad, dilations, dataFormat}, ['x', 'filter'])[0];
}

function maxPoolWithArgmax(x, filterSize, strides, pad, includeBatchInIndex = false) {
  const $x = cvt(x, 'x', 'maxPoolWithArgmax');
  const [result, indexes] = run('maxPoolWithArgmax', [$x], {filterSize, strides, pad, includeBatchInIndex});
  return {result, indexes};
}

// ---- tf.sparse ---------------------------------------------------------------------------

function sparseFillEmptyRows(indices, values, denseShape, defaultValue) {
  const $indices = cvt(indices, 'indices', 'sparseFillEmptyRows', 'int32');
  const $values = cvt(values, 'values', 'sparseFillEmptyRows');
  const $denseShape = cvt(denseShape, 'denseShape', 'sparseFillEmptyRows', 'int32');
  const $defaultValue = cvt(defaultValue, 'defaultValue', 'sparseFillEmptyRows', $values.dtype);
  if ($indices.rank !== 2) {
    throw new Error(`Indices should be Tensor2D but received shape
        ${$indices.shape}`);
  }
  if ($values.rank !== 1) throw new Error(`Values should be Tensor1D but received shape ${$values.shape}`);
  if ($denseShape.rank !== 1) throw new Error(`Dense shape should be Tensor1D but received shape ${$denseShape.shape}`);
  if ($defaultValue.rank !== 0) {
    throw new Error(`Default value should be a scalar but received shape ${$defaultValue.shape}`);
  }
  const [outputIndices, outputValues, emptyRowIndicator, reverseIndexMap] =
      run('sparseFillEmptyRows', [$indices, $values, $denseShape, $defaultValue]);
  return {outputIndices, outputValues, emptyRowIndicator, reverseIndexMap};
}

function sparseReshape(inputIndices, inputShape, newShape) {
  const $inputIndices = cvt(inputIndices, 'inputIndices', 'sparseReshape', 'int32');
  const $inputShape = cvt(inputShape, 'inputShape', 'sparseReshape', 'int32');
  const $newShape = cvt(newShape, 'newShape', 'sparseReshape', 'int32');
  if ($inputIndices.rank !== 2) {
    throw new Error(`Input indices should be Tensor2D but received shape
        ${$inputIndices.shape}`);
  }
  if ($inputShape.rank !== 1) throw new Error(`Input shape should be Tensor1D but received shape ${$inputShape.shape}`);
  if ($newShape.rank !== 1) throw new Error(`New shape should be Tensor1D but received shape ${$newShape.shape}`);
  const [outputIndices, outputShape] = run('sparseReshape', [$inputIndices, $inputShape, $newShape]);
  return {outputIndices, outputShape};
}

const sparseSegment = (name, indent) => (data, indices, segmentIds) => {
  const $data = cvt(data, 'data', name);
  const $indices = cvt(indices, 'indices', name, 'int32');
  const $segmentIds = cvt(segmentIds, 'segmentIds', name, 'int32');
  if ($data.rank < 1) throw new Error('Data should be at least 1 dimensional but received scalar');
  if ($indices.rank !== 1) {
    throw new Error(`Indices should be Tensor1D but received shape
${indent}${$indices.shape}`);
  }
  if ($segmentIds.rank !== 1) {
    throw new Error(`Segment ids should be Tensor1D but received shape
${indent}${$segmentIds.shape}`);
  }
  return run(name, [$data, $indices, $segmentIds])[0];
};

// ---- ragged ------------------------------------------------------------------------------

function raggedGather(paramsNestedSplits, paramsDenseValues, indices, outputRaggedRank) {
  const $splits = paramsNestedSplits.map((t, i) => cvt(t, `tensors${i}`, 'raggedGather', 'int32'));
  const $values = cvt(paramsDenseValues, 'paramsDenseValues', 'raggedGather');
  const $indices = cvt(indices, 'indices', 'raggedGather', 'int32');
  const result = run('raggedGather', [...$splits, $values, $indices], {outputRaggedRank});
  return {outputNestedSplits: result.slice(0, result.length - 1), outputDenseValues: result[result.length - 1]};
}

function raggedRange(starts, limits, deltas) {
  const $starts = cvt(starts, 'starts', 'raggedRange');
  const $limits = cvt(limits, 'limits', 'raggedRange', $starts.dtype);
  const $deltas = cvt(deltas, 'deltas', 'raggedRange', $starts.dtype);
  const [rtNestedSplits, rtDenseValues] = run('raggedRange', [$starts, $limits, $deltas]);
  return {rtNestedSplits, rtDenseValues};
}

function raggedTensorToTensor(shape, values, defaultValue, rowPartitionTensors, rowPartitionTypes) {
  const $shape = cvt(shape, 'shape', 'raggedTensorToTensor', 'int32');
  const $values = cvt(values, 'values', 'raggedTensorToTensor');
  const $defaultValue = cvt(defaultValue, 'defaultValue', 'raggedTensorToTensor', $values.dtype);
  const $partitions = rowPartitionTensors.map((t, i) => cvt(t, `tensors${i}`, 'raggedTensorToTensor', 'int32'));
  return run('raggedTensorToTensor', [$shape, $values, $defaultValue, ...$partitions], {rowPartitionTypes})[0];
}

export const sparseRaggedOps = {
  bitwiseAnd: op(bitwiseAnd), dilation2d: op(dilation2d), maxPoolWithArgmax: op(maxPoolWithArgmax),
  raggedGather: op(raggedGather), raggedRange: op(raggedRange), raggedTensorToTensor: op(raggedTensorToTensor),
};

export const sparse = {
  sparseFillEmptyRows: op(sparseFillEmptyRows), sparseReshape: op(sparseReshape),
  sparseSegmentMean: op(sparseSegment('sparseSegmentMean', '          ')),
  sparseSegmentSum: op(sparseSegment('sparseSegmentSum', '         ')),
};

Tensor.prototype.dilation2d = function(filter, strides, pad, dilations, dataFormat) {
  return sparseRaggedOps.dilation2d(this, filter, strides, pad, dilations, dataFormat);
};
