// tf.backend_util: the shape/parameter helpers tfjs 4.22 exports for backend authors
// (conv/pool info objects, axis permutations, slice/segment/einsum bookkeeping, complex
// array packing, sparse error messages), plus three fused-activation helpers that
// compose existing ops. Pure JS: no engine calls except through the ops.
import {assert, computeStrides, decodeString, encodeString, isInt, nearestDivisor, sizeFromShape} from './util.js';
import {broadcast_util, upcastType} from './surface.js';  // eslint-disable-line camelcase
import {env} from './environment.js';
import {ops} from './ops.js';

// ---- constants ---------------------------------------------------------------------------
export const ERF_P = 0.3275911;
export const ERF_A1 = 0.254829592;
export const ERF_A2 = -0.284496736;
export const ERF_A3 = 1.421413741;
export const ERF_A4 = -1.453152027;
export const ERF_A5 = 1.061405429;
export const SELU_SCALEALPHA = 1.7580993408473768599402175208123;
export const SELU_SCALE = 1.0507009873554804934193349852946;
export const PARALLELIZE_THRESHOLD = 30;

// ---- conv_util -----------------------------------------------------------------------------
const triple = (p) => (typeof p === 'number' ? [p, p, p] : p.length === 2 ? [p[0], p[1], 1] : p);
const triple3 = (p) => (typeof p === 'number' ? [p, p, p] : p);
const effectiveSize = (size, dilation) => (dilation <= 1 ? size : size + (size - 1) * (dilation - 1));

function roundDim(value, mode) {
  if (!mode) return Math.trunc(value);
  if (mode === 'round') return Math.round(value);
  if (mode === 'ceil') return Math.ceil(value);
  if (mode === 'floor') return Math.floor(value);
  throw new Error(`Unknown roundingMode ${mode}`);
}

export function computeDefaultPad(inputShape, fieldSize, stride, dilation = 1) {
  const field = effectiveSize(fieldSize, dilation);
  return Math.floor((inputShape[0] * (stride - 1) - stride + field) / 2);
}

function padAndOut2D(pad, inH, inW, sH, sW, fH, fW, roundingMode, dataFormat) {
  if (typeof pad === 'number') {
    const padInfo = {top: pad, bottom: pad, left: pad, right: pad, type: pad === 0 ? 'VALID' : 'NUMBER'};
    // tfjs sizes both dims with the height's field and stride here.
    const out = (n) => roundDim((n - fH + 2 * pad) / sH + 1, roundingMode);
    return {padInfo, outHeight: out(inH), outWidth: out(inW)};
  }
  if (pad === 'same') {
    const outHeight = Math.ceil(inH / sH);
    const outWidth = Math.ceil(inW / sW);
    const alongH = Math.max(0, (outHeight - 1) * sH + fH - inH);
    const alongW = Math.max(0, (outWidth - 1) * sW + fW - inW);
    const top = Math.floor(alongH / 2);
    const left = Math.floor(alongW / 2);
    return {padInfo: {top, bottom: alongH - top, left, right: alongW - left, type: 'SAME'}, outHeight, outWidth};
  }
  if (pad === 'valid') {
    return {
      padInfo: {top: 0, bottom: 0, left: 0, right: 0, type: 'VALID'},
      outHeight: Math.ceil((inH - fH + 1) / sH), outWidth: Math.ceil((inW - fW + 1) / sW),
    };
  }
  if (typeof pad === 'object') {
    const [hAxis, wAxis] = dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
    const [top, bottom] = pad[hAxis];
    const [left, right] = pad[wAxis];
    const type = (top === 0 && bottom === 0 && left === 0 && right === 0) ? 'VALID' : 'EXPLICIT';
    return {
      padInfo: {top, bottom, left, right, type},
      outHeight: roundDim((inH - fH + top + bottom) / sH + 1, roundingMode),
      outWidth: roundDim((inW - fW + left + right) / sW + 1, roundingMode),
    };
  }
  throw Error(`Unknown padding parameter: ${pad}`);
}

function padAndOut3D(pad, inD, inH, inW, sD, sH, sW, fD, fH, fW, roundingMode) {
  if (pad === 'valid') pad = 0;
  if (typeof pad === 'number') {
    const padInfo = {top: pad, bottom: pad, left: pad, right: pad, front: pad, back: pad,
      type: pad === 0 ? 'VALID' : 'NUMBER'};
    const out = [0, 0, 0];
    const ins = [inD, inH, inW];
    const fs = [fD, fH, fW];
    const ss = [sD, sH, sW];
    // tfjs's default pad here uses the depth's field and stride.
    for (let i = 0; i < 3; i++) {
      if (ins[i] + 2 * pad >= fs[i]) out[i] = roundDim((ins[i] - fs[i] + 2 * pad) / ss[i] + 1, roundingMode);
    }
    return {padInfo, outDepth: out[0], outHeight: out[1], outWidth: out[2]};
  }
  if (pad === 'same') {
    const outDepth = Math.ceil(inD / sD);
    const outHeight = Math.ceil(inH / sH);
    const outWidth = Math.ceil(inW / sW);
    const alongD = (outDepth - 1) * sD + fD - inD;
    const alongH = (outHeight - 1) * sH + fH - inH;
    const alongW = (outWidth - 1) * sW + fW - inW;
    const front = Math.floor(alongD / 2);
    const top = Math.floor(alongH / 2);
    const left = Math.floor(alongW / 2);
    return {
      padInfo: {top, bottom: alongH - top, left, right: alongW - left, front, back: alongD - front, type: 'SAME'},
      outDepth, outHeight, outWidth,
    };
  }
  throw Error(`Unknown padding parameter: ${pad}`);
}

export function computeConv2DInfo(inShape, filterShape, strides, dilations, pad, roundingMode, depthwise = false,
    dataFormat = 'channelsLast') {
  let batchSize; let inHeight; let inWidth; let inChannels;
  if (dataFormat === 'channelsLast') [batchSize, inHeight, inWidth, inChannels] = inShape;
  else if (dataFormat === 'channelsFirst') [batchSize, inChannels, inHeight, inWidth] = inShape;
  else throw new Error(`Unknown dataFormat ${dataFormat}`);
  const [filterHeight, filterWidth, , filterChannels] = filterShape;
  const [strideHeight, strideWidth] = triple(strides);
  const [dilationHeight, dilationWidth] = triple(dilations);
  const effectiveFilterHeight = effectiveSize(filterHeight, dilationHeight);
  const effectiveFilterWidth = effectiveSize(filterWidth, dilationWidth);
  const {padInfo, outHeight, outWidth} = padAndOut2D(pad, inHeight, inWidth, strideHeight, strideWidth,
      effectiveFilterHeight, effectiveFilterWidth, roundingMode, dataFormat);
  const outChannels = depthwise ? filterChannels * inChannels : filterChannels;
  const outShape = dataFormat === 'channelsFirst' ? [batchSize, outChannels, outHeight, outWidth] :
    [batchSize, outHeight, outWidth, outChannels];
  return {
    batchSize, dataFormat, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, padInfo,
    strideHeight, strideWidth, filterHeight, filterWidth, effectiveFilterHeight, effectiveFilterWidth,
    dilationHeight, dilationWidth, inShape, outShape, filterShape,
  };
}

export function computeConv3DInfo(inShape, filterShape, strides, dilations, pad, depthwise = false,
    dataFormat = 'channelsLast', roundingMode) {
  let batchSize; let inDepth; let inHeight; let inWidth; let inChannels;
  if (dataFormat === 'channelsLast') [batchSize, inDepth, inHeight, inWidth, inChannels] = inShape;
  else if (dataFormat === 'channelsFirst') [batchSize, inChannels, inDepth, inHeight, inWidth] = inShape;
  else throw new Error(`Unknown dataFormat ${dataFormat}`);
  const [filterDepth, filterHeight, filterWidth, , filterChannels] = filterShape;
  const [strideDepth, strideHeight, strideWidth] = triple3(strides);
  const [dilationDepth, dilationHeight, dilationWidth] = triple3(dilations);
  const effectiveFilterDepth = effectiveSize(filterDepth, dilationDepth);
  const effectiveFilterHeight = effectiveSize(filterHeight, dilationHeight);
  const effectiveFilterWidth = effectiveSize(filterWidth, dilationWidth);
  const {padInfo, outDepth, outHeight, outWidth} = padAndOut3D(pad, inDepth, inHeight, inWidth, strideDepth,
      strideHeight, strideWidth, effectiveFilterDepth, effectiveFilterHeight, effectiveFilterWidth, roundingMode);
  const outChannels = depthwise ? filterChannels * inChannels : filterChannels;
  const outShape = dataFormat === 'channelsFirst' ? [batchSize, outChannels, outDepth, outHeight, outWidth] :
    [batchSize, outDepth, outHeight, outWidth, outChannels];
  return {
    batchSize, dataFormat, inDepth, inHeight, inWidth, inChannels, outDepth, outHeight, outWidth, outChannels,
    padInfo, strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth,
    effectiveFilterDepth, effectiveFilterHeight, effectiveFilterWidth, dilationDepth, dilationHeight,
    dilationWidth, inShape, outShape, filterShape,
  };
}

export function convertConv2DDataFormat(dataFormat) {
  if (dataFormat === 'NHWC') return 'channelsLast';
  if (dataFormat === 'NCHW') return 'channelsFirst';
  throw new Error(`Unknown dataFormat ${dataFormat}`);
}

export function computeDilation2DInfo(inputShape, filterShape, strides, pad, dataFormat = 'NHWC', dilations) {
  return computeConv2DInfo(inputShape, [...filterShape, inputShape[3]], strides, dilations, pad, null, null,
      convertConv2DDataFormat(dataFormat));
}

export function computePool2DInfo(inShape, filterSize, strides, dilations, pad, roundingMode,
    dataFormat = 'channelsLast') {
  const [fH, fW] = triple(filterSize);
  let channels;
  if (dataFormat === 'channelsLast') channels = inShape[3];
  else if (dataFormat === 'channelsFirst') channels = inShape[1];
  else throw new Error(`Unknown dataFormat ${dataFormat}`);
  return computeConv2DInfo(inShape, [fH, fW, channels, channels], strides, dilations, pad, roundingMode, false,
      dataFormat);
}

export function computePool3DInfo(inShape, filterSize, strides, dilations, pad, roundingMode, dataFormat = 'NDHWC') {
  const [fD, fH, fW] = triple3(filterSize);
  let channels; let format;
  if (dataFormat === 'NDHWC') [format, channels] = ['channelsLast', inShape[4]];
  else if (dataFormat === 'NCDHW') [format, channels] = ['channelsFirst', inShape[1]];
  else throw new Error(`Unknown dataFormat ${dataFormat}`);
  return computeConv3DInfo(inShape, [fD, fH, fW, channels, channels], strides, dilations, pad, false, format,
      roundingMode);
}

export function tupleValuesAreOne(param) {
  const [a, b, c] = triple(param);
  return a === 1 && b === 1 && c === 1;
}
export function eitherStridesOrDilationsAreOne(strides, dilations) {
  return tupleValuesAreOne(strides) || tupleValuesAreOne(dilations);
}
export function stridesOrDilationsArePositive(values) {
  return triple(values).every((v) => v > 0);
}

export function checkPadOnDimRoundingMode(opDesc, pad, dimRoundingMode) {
  if (dimRoundingMode == null) return;
  const msg = (v) => `Error in ${opDesc}: pad must be an integer when using dimRoundingMode ${dimRoundingMode} ` +
    `but got pad ${v}.`;
  if (typeof pad === 'string') throw Error(msg(pad));
  if (typeof pad === 'number') assert(isInt(pad), () => msg(pad));
  else if (typeof pad === 'object') pad.forEach((p) => p.forEach((v) => assert(isInt(v), () => msg(v))));
  else throw Error(`Error in ${opDesc}: Unknown padding parameter: ${pad}`);
}

// ---- axis_util -----------------------------------------------------------------------------
export function axesAreInnerMostDims(axes, rank) {
  for (let i = 0; i < axes.length; ++i) {
    if (axes[axes.length - i - 1] !== rank - 1 - i) return false;
  }
  return true;
}
export function combineLocations(outputLoc, reduceLoc, axes) {
  const loc = [];
  let o = 0; let r = 0;
  for (let dim = 0; dim < outputLoc.length + reduceLoc.length; dim++) {
    loc.push(axes.indexOf(dim) === -1 ? outputLoc[o++] : reduceLoc[r++]);
  }
  return loc;
}
export function computeOutAndReduceShapes(aShape, axes) {
  const outShape = aShape.filter((_, dim) => axes.indexOf(dim) === -1);
  return [outShape, axes.map((dim) => aShape[dim])];
}
export function expandShapeToKeepDim(shape, axes) {
  return combineLocations(shape, axes.map(() => 1), axes);
}
export function assertAxesAreInnerMostDims(msg, axes, rank) {
  assert(axesAreInnerMostDims(axes, rank),
      () => `${msg} supports only inner-most axes for now. Got axes ${axes} and rank-${rank} input.`);
}
export function getAxesPermutation(axes, rank) {
  if (axesAreInnerMostDims(axes, rank)) return null;
  const result = [];
  for (let i = 0; i < rank; ++i) if (axes.indexOf(i) === -1) result.push(i);
  axes.forEach((a) => result.push(a));
  return result;
}
export function getUndoAxesPermutation(axes) {
  return axes.map((axis, i) => [i, axis]).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
}
export function getInnerMostAxes(numAxes, rank) {
  const res = [];
  for (let i = rank - numAxes; i < rank; ++i) res.push(i);
  return res;
}

// ---- concat_util ---------------------------------------------------------------------------
export function assertParamsConsistent(shapes, axis) {
  const rank = shapes[0].length;
  shapes.forEach((shape, i) => assert(shape.length === rank,
      () => `Error in concat${rank}D: rank of tensors[${i}] must be the same as the rank of the rest (${rank})`));
  assert(axis >= 0 && axis < rank, () => `Error in concat${rank}D: axis must be between 0 and ${rank - 1}.`);
  const first = shapes[0];
  shapes.forEach((shape, i) => {
    for (let r = 0; r < rank; r++) {
      // tfjs names the tensor index (not the axis) as "axis" in this message.
      assert(r === axis || shape[r] === first[r], () => `Error in concat${rank}D: Shape of tensors[${i}] ` +
        `(${shape}) does not match the shape of the rest (${first}) along the non-concatenated axis ${i}.`);
    }
  });
}
export function computeOutShape(shapes, axis) {
  const out = shapes[0].slice();
  for (let i = 1; i < shapes.length; i++) out[axis] += shapes[i][axis];
  return out;
}

// ---- array_ops_util (batchToSpaceND / spaceToBatchND shapes) -------------------------------
export function getReshaped(inputShape, blockShape, prod, batchToSpace = true) {
  if (batchToSpace) return [...blockShape, inputShape[0] / prod, ...inputShape.slice(1)];
  const out = [inputShape[0]];
  for (let i = 0; i < blockShape.length; ++i) out.push(inputShape[i + 1] / blockShape[i], blockShape[i]);
  return out.concat(inputShape.slice(blockShape.length + 1));
}
export function getPermuted(reshapedRank, blockShapeRank, batchToSpace = true) {
  const permuted = [];
  if (batchToSpace) {
    permuted.push(blockShapeRank);
    for (let i = blockShapeRank + 1; i < reshapedRank; ++i) {
      permuted.push(i);
      if (i <= 2 * blockShapeRank) permuted.push(i - (blockShapeRank + 1));
    }
    return permuted;
  }
  const before = [];
  const after = [];
  for (let i = 1; i < reshapedRank; ++i) (i >= blockShapeRank * 2 + 1 || i % 2 === 1 ? after : before).push(i);
  return [...before, 0, ...after];
}
export function getReshapedPermuted(inputShape, blockShape, prod, batchToSpace = true) {
  const out = [batchToSpace ? inputShape[0] / prod : inputShape[0] * prod];
  for (let i = 1; i < inputShape.length; ++i) {
    if (i <= blockShape.length) {
      out.push(batchToSpace ? blockShape[i - 1] * inputShape[i] : inputShape[i] / blockShape[i - 1]);
    } else {
      out.push(inputShape[i]);
    }
  }
  return out;
}
export function getSliceBeginCoords(crops, blockShape) {
  const coords = [0];
  for (let i = 0; i < blockShape; ++i) coords.push(crops[i][0]);
  return coords;
}
export function getSliceSize(uncroppedShape, crops, blockShape) {
  const size = uncroppedShape.slice(0, 1);
  for (let i = 0; i < blockShape; ++i) size.push(uncroppedShape[i + 1] - crops[i][0] - crops[i][1]);
  return size;
}

// ---- gather_nd_util / scatter_nd_util --------------------------------------------------------
export function prepareAndValidate(tensor, indices) {
  const tensorRank = tensor.shape.length;
  const indicesRank = indices.shape.length;
  if (tensorRank < 1) {
    throw new Error(`tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${tensorRank}.`);
  }
  if (indicesRank < 1) {
    throw new Error(`tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${indicesRank}.`);
  }
  if (indices.dtype !== 'int32') {
    throw new Error(`tf.gatherND() expects the indices to be int32 type, but the dtype was ${indices.dtype}.`);
  }
  const sliceRank = indices.shape[indicesRank - 1];
  if (sliceRank > tensorRank) {
    throw new Error(`index innermost dimension length must be <= tensor rank; saw: ${sliceRank} vs. ${tensorRank}`);
  }
  if (sizeFromShape(tensor.shape) === 0) {
    throw new Error(`Requested more than 0 entries, but input is empty. Input shape: ${tensor.shape}.`);
  }
  let nResult = 1;
  for (let i = 0; i < indicesRank - 1; ++i) nResult *= indices.shape[i];
  const resultShape = indices.shape.slice(0, indicesRank - 1);
  let sliceSize = 1;
  for (let i = sliceRank; i < tensorRank; ++i) {
    sliceSize *= tensor.shape[i];
    resultShape.push(tensor.shape[i]);
  }
  const strides = [...computeStrides(tensor.shape).map((s) => s / sliceSize), 1].slice(0, sliceRank);
  return [resultShape, nResult, sliceSize, strides];
}

export function validateUpdateShape(shape, indices, updates) {
  const sliceDim = indices.rank > 1 ? indices.shape[indices.rank - 1] : 1;
  const batchDim = indices.rank > 1 ? indices.rank - 1 : 1;
  const shapeError = `Must have updates.shape = indices.shape[:batchDim] + shape[sliceDim:], got updates.shape: ` +
    `${updates.shape}, indices.shape: ${indices.shape}, shape: ${shape}, sliceDim: ${sliceDim}, and batchDim: ` +
    `${batchDim}.`;
  if (updates.rank < batchDim) throw new Error(`${shapeError} update.rank < ${batchDim}. `);
  if (shape.length < sliceDim + (updates.rank - batchDim)) {
    throw new Error(`${shapeError} Output shape length < ${sliceDim + (updates.rank - batchDim)}`);
  }
  if (updates.rank !== batchDim + shape.length - sliceDim) {
    throw new Error(`${shapeError} update.rank != ${batchDim + shape.length - sliceDim}`);
  }
  for (let d = 0; d < batchDim; ++d) {
    if (updates.shape[d] !== indices.shape[d]) {
      throw new Error(`${shapeError} updates.shape[${d}] (${updates.shape[d]}) != indices.shape[${d}] ` +
        `(${indices.shape[d]}).`);
    }
  }
  for (let d = 0; d < updates.rank - batchDim; ++d) {
    const u = d + batchDim;
    if (updates.shape[u] !== shape[d + sliceDim]) {
      // tfjs prints shape[d + batchDim] in this message (not the compared shape[d + sliceDim]).
      throw new Error(`${shapeError} updates.shape[${u}] (${updates.shape[u]}) != shape[${u}] (${shape[u]})`);
    }
  }
}

export function validateInput(updates, indices, shape) {
  if (indices.rank < 1) {
    throw new Error(`tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${indices.rank}.`);
  }
  if (updates.rank < 1) {
    throw new Error(`tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${updates.rank}.`);
  }
  if (indices.dtype !== 'int32') {
    throw new Error(`The dtype of 'indices' should be int32, but got dtype: ${indices.dtype}`);
  }
  if (shape.length < 1) throw new Error(`Output rank must be greater or equal to 1, but got shape: ${shape}`);
  validateUpdateShape(shape, indices, updates);
}

export function calculateShapes(updates, indices, shape) {
  const indicesRank = indices.shape.length;
  const sliceRank = indicesRank > 1 ? indices.shape[indicesRank - 1] : 1;
  let sliceSize = 1;
  for (let i = sliceRank; i < shape.length; ++i) sliceSize *= shape[i];
  const numUpdates = sizeFromShape(indices.shape) / (sliceRank < 1 ? 1 : sliceRank);
  const strides = [...computeStrides(shape.slice(0, sliceRank)), 1];
  return {sliceRank, numUpdates, sliceSize, strides, outputSize: sizeFromShape(shape)};
}

// ---- split / reduce / rotate -------------------------------------------------------------
export function prepareSplitSize(x, numOrSizeSplits, axis = 0) {
  const dim = x.shape[axis];
  if (typeof numOrSizeSplits === 'number') {
    assert(dim % numOrSizeSplits === 0, () => 'Number of splits must evenly divide the axis.');
    return new Array(numOrSizeSplits).fill(dim / numOrSizeSplits);
  }
  const negatives = numOrSizeSplits.filter((v) => v === -1).length;
  assert(negatives <= 1, () => 'There should be only one negative value in split array.');
  const negIndex = numOrSizeSplits.indexOf(-1);
  if (negIndex !== -1) {
    // Same fold as tfjs (first element seeds the sum, so it counts even if negative).
    const total = numOrSizeSplits.reduce((a, b) => (b > 0 ? a + b : a));
    numOrSizeSplits[negIndex] = dim - total;  // tfjs fills the -1 in place
  }
  assert(dim === numOrSizeSplits.reduce((a, b) => a + b),
      () => 'The sum of sizes must match the size of the axis dimension.');
  return numOrSizeSplits;
}

export function computeOptimalWindowSize(inSize) {
  return inSize <= PARALLELIZE_THRESHOLD ? inSize : nearestDivisor(inSize, Math.floor(Math.sqrt(inSize)));
}

export function getImageCenter(center, imageHeight, imageWidth) {
  return [imageWidth * (typeof center === 'number' ? center : center[0]),
    imageHeight * (typeof center === 'number' ? center : center[1])];
}

// ---- segment_util --------------------------------------------------------------------------
function segOpComputeOptimalWindowSize(inSize, numSegments) {
  if (inSize <= PARALLELIZE_THRESHOLD) return inSize;
  let res = nearestDivisor(inSize, Math.floor(Math.sqrt(inSize)));
  while (!(res > numSegments || res === inSize)) res = nearestDivisor(inSize, res + 1);
  return res;
}
function segmentOutShape(aShape, axis, numSegments) {
  return aShape.map((d, dim) => (dim === axis ? numSegments : d));
}
function collectGatherOpShapeInfo(x, indices, axis, batchDims) {
  const indicesRank = indices.shape.length;
  const xRank = x.shape.length;
  if (batchDims !== 0 && (batchDims < -indicesRank || batchDims > indicesRank)) {
    throw new Error(`Expect batchDims in the range of [-${indicesRank}, ${indicesRank}], but got ${batchDims}`);
  }
  if (batchDims < 0) batchDims += indicesRank;
  if (batchDims > xRank) throw new Error(`batchDims (${batchDims}) must be less than rank(x) (\n    ${xRank}).`);
  if (axis < batchDims) throw new Error(`batchDims (${batchDims}) must be less than or equal to axis (${axis}).`);
  for (let i = 0; i < batchDims; ++i) {
    if (x.shape[i] !== indices.shape[i]) {
      throw new Error(`x.shape[${i}]: ${x.shape[i]} should be equal to indices.shape[${i}]: ${indices.shape[i]}.`);
    }
  }
  const outputShape = [];
  let batchSize = 1; let outerSize = 1; let sliceSize = 1;
  for (let i = 0; i < batchDims; ++i) {
    outputShape.push(x.shape[i]);
    batchSize *= x.shape[i];
  }
  for (let i = batchDims; i < axis; i++) {
    outputShape.push(x.shape[i]);
    outerSize *= x.shape[i];
  }
  for (let i = batchDims; i < indicesRank; i++) outputShape.push(indices.shape[i]);
  for (let i = axis + 1; i < xRank; i++) {
    outputShape.push(x.shape[i]);
    sliceSize *= x.shape[i];
  }
  return {batchSize, sliceSize, outerSize, dimSize: x.shape[axis], outputShape};
}
export const segment_util = {  // eslint-disable-line camelcase
  collectGatherOpShapeInfo, computeOutShape: segmentOutShape, segOpComputeOptimalWindowSize,
};

// ---- complex_util --------------------------------------------------------------------------
export function mergeRealAndImagArrays(real, imag) {
  if (real.length !== imag.length) {
    throw new Error(`Cannot merge real and imag arrays of different lengths. real:${real.length}, ` +
      `imag: ${imag.length}.`);
  }
  const out = new Float32Array(real.length * 2);
  for (let i = 0; i < real.length; i++) {
    out[2 * i] = real[i];
    out[2 * i + 1] = imag[i];
  }
  return out;
}
function strided(complex, start, len) {
  const real = new Float32Array(len);
  const imag = new Float32Array(len);
  for (let i = start; i < complex.length; i += 4) {
    real[Math.floor(i / 4)] = complex[i];
    imag[Math.floor(i / 4)] = complex[i + 1];
  }
  return {real, imag};
}
export function splitRealAndImagArrays(complex) {
  const real = new Float32Array(complex.length / 2);
  const imag = new Float32Array(complex.length / 2);
  for (let i = 0; i < complex.length; i += 2) {
    real[i / 2] = complex[i];
    imag[i / 2] = complex[i + 1];
  }
  return {real, imag};
}
export const complexWithEvenIndex = (complex) => strided(complex, 0, Math.ceil(complex.length / 4));
export const complexWithOddIndex = (complex) => strided(complex, 2, Math.floor(complex.length / 4));
export function getComplexWithIndex(complex, index) {
  return {real: complex[index * 2], imag: complex[index * 2 + 1]};
}
export function assignToTypedArray(data, real, imag, index) {
  data[index * 2] = real;
  data[index * 2 + 1] = imag;
}
export function exponents(n, inverse) {
  const real = new Float32Array(n / 2);
  const imag = new Float32Array(n / 2);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    const x = (inverse ? 2 : -2) * Math.PI * (i / n);
    real[i] = Math.cos(x);
    imag[i] = Math.sin(x);
  }
  return {real, imag};
}
export function exponent(k, n, inverse) {
  const x = (inverse ? 2 : -2) * Math.PI * (k / n);
  return {real: Math.cos(x), imag: Math.sin(x)};
}

// ---- sparse error-message getters ----------------------------------------------------------
export const getSparseFillEmptyRowsIndicesDenseShapeMismatch = (indicesLength) =>
  `Received SparseTensor with denseShape[0] = 0 but\n  indices.shape[0] = ${indicesLength}`;
export const getSparseFillEmptyRowsNegativeIndexErrorMessage = (index, value) =>
  `indices(${index}, 0) is invalid: ${value} < 0`;
export const getSparseFillEmptyRowsOutOfRangeIndexErrorMessage = (index, value, limit) =>
  `indices(${index}, 0) is invalid: ${value} >= ${limit}`;
export const getSparseReshapeMultipleNegativeOneOutputDimErrorMessage = (dim1, dim2) =>
  `only one output dimension may be -1, not both ${dim1} and ${dim2}`;
export const getSparseReshapeNegativeOutputDimErrorMessage = (dim, value) =>
  `size ${dim} must be non-negative, not ${value}`;
export const getSparseReshapeEmptyTensorZeroOutputDimErrorMessage = () =>
  'reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero';
export const getSparseReshapeInputOutputMultipleErrorMessage = (inputShape, outputShape) =>
  `Input to reshape is a SparseTensor with ${sizeFromShape(inputShape)}\n  dense values, but the requested ` +
  `shape requires a multiple of ${sizeFromShape(outputShape)}. inputShape=${inputShape} outputShape= ${outputShape}`;
export const getSparseReshapeInputOutputMismatchErrorMessage = (inputShape, outputShape) =>
  `Input to reshape is a tensor with ${sizeFromShape(inputShape)} dense values, but the requested shape has ` +
  `${sizeFromShape(outputShape)}. inputShape=${inputShape} outputShape=${outputShape}`;
export const getSparseSegmentReductionNegativeSegmentIdsErrorMessage = () => 'segment ids must be >= 0';
export const getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage = () => 'segment ids are not increasing';
export const getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage = (segmentId, outputRows) =>
  `Segment id ${segmentId} out of range [0, ${outputRows}), possibly because segmentIds input is not sorted.`;
export const getSparseSegmentReductionIndicesOutOfRangeErrorMessage = (index, indexValue, inputRows) =>
  `Bad: indices[${index}] == ${indexValue} out of range [0, ${inputRows})`;

// ---- ragged_to_dense_util ------------------------------------------------------------------
const ROW_PARTITION_NAMES = ['FIRST_DIM_SIZE', 'VALUE_ROWIDS', 'ROW_LENGTHS', 'ROW_SPLITS', 'ROW_LIMITS',
  'ROW_STARTS'];
// A TypeScript-style numeric enum: name -> index and index -> name.
export const RowPartitionType = {};
ROW_PARTITION_NAMES.forEach((name, i) => {
  RowPartitionType[RowPartitionType[name] = i] = name;
});

export function combineRaggedTensorToTensorShapes(raggedRank, shape, valueShape) {
  if (valueShape == null && shape == null) return [];
  let outputShape;
  if (shape == null) outputShape = new Array(raggedRank + valueShape.length).fill(-1);
  else outputShape = shape.slice();
  if (valueShape == null) return outputShape;
  if (raggedRank + valueShape.length !== outputShape.length) {
    throw new Error(`rt input.shape and shape=${shape} are incompatible: rt input.rank = ` +
      `${raggedRank + valueShape.length}, but shape.rank = ${outputShape.length}`);
  }
  for (let i = 1; i < valueShape.length; ++i) {
    const valueDim = valueShape[i];
    // tfjs indexes outputShape by the dim value found at the aligned position; kept as is.
    const index = outputShape[outputShape.length - valueShape.length + i];
    const outDim = outputShape[index];
    if (valueDim >= 0) {
      if (outDim >= 0) {
        if (outDim !== valueDim) {
          throw new Error(`rt input.shape and shape=${shape} are incompatible: rt input.shape[${i + raggedRank}] = ` +
            `${valueDim} but shape[${i + raggedRank}] = ${outDim}`);
        }
      } else {
        outputShape[index] = valueDim;
      }
    }
  }
  return outputShape;
}
export function getRowPartitionTypesHelper(rowPartitionTypeStrings) {
  const result = [];
  for (const s of rowPartitionTypeStrings) {
    const i = ROW_PARTITION_NAMES.indexOf(s);
    if (i === -1) break;
    result.push(i);
  }
  return result;
}
export function getRaggedRank(rowPartitionTypes) {
  if (rowPartitionTypes.length === 0) return 0;
  return rowPartitionTypes[0] === RowPartitionType.FIRST_DIM_SIZE ? rowPartitionTypes.length - 1 :
    rowPartitionTypes.length;
}
export function validateDefaultValueShape(defaultValueShape, valueShape) {
  if (defaultValueShape == null || valueShape == null) return;
  const dn = defaultValueShape.length;
  const vn = valueShape.length;
  if (dn >= vn) {
    throw new Error(`defaultValue.shape=${defaultValueShape} and ragged tensor flatValues.shape=${valueShape}, are ` +
      `incompatible: defaultValue.rank = ${dn} must be less than ragged tensor input flatValues.rank = ${vn})`);
  }
  for (let i = 0; i < Math.min(dn, vn - 1); ++i) {
    const d = defaultValueShape[i];
    const v = valueShape[i + 1];
    if (d >= 0 && v >= 0 && d !== 1 && d !== v) {
      throw new Error(`defaultValue.shape=${defaultValueShape}, and ragged tensor input flatValues.shape=` +
        `${valueShape} are incompatible: defaultValue.shape[${i - dn}] = ${d} but ragged tensor ` +
        `input.flatValues.shape[${i - dn}] = ${v}`);
    }
  }
}

// ---- einsum_util ---------------------------------------------------------------------------
export function decodeEinsumEquation(equation, numTensors) {
  equation = equation.replace(/\s/g, '');
  const numArrows = equation.split('->').length - 1;
  if (numArrows < 1) throw new Error('Equations without an arrow are not supported.');
  if (numArrows > 1) throw new Error('Equation must contain exactly one arrow ("->").');
  const [inputString, outputString] = equation.split('->');
  assert(inputString.indexOf('...') === -1, () => 'The ellipsis notation ("...") is not supported yet.');
  const inputTerms = inputString.split(',');
  const numInputs = inputTerms.length;
  if (numTensors !== numInputs) throw new Error(`Expected ${numInputs} input tensors, received ${numTensors}`);
  if (numInputs > 2) throw new Error('Support for more than 2 input tensors is not implemented yet.');
  const allDims = [];
  for (const name of outputString) {
    if (!inputTerms.some((t) => t.indexOf(name) !== -1)) {
      throw new Error(`Output subscripts contain the label ${name} not present in the input subscripts.`);
    }
    if (allDims.indexOf(name) === -1) allDims.push(name);
  }
  for (const name of inputString) if (allDims.indexOf(name) === -1 && name !== ',') allDims.push(name);
  const idDims = inputTerms.map((term) => {
    if (new Set(term.split('')).size !== term.length) {
      throw new Error(`Found duplicate axes in input component ${term}. Support for duplicate axes in input is ` +
        'not implemented yet.');
    }
    return term.split('').map((c) => allDims.indexOf(c));
  });
  const summedDims = [];
  for (let i = outputString.length; i < allDims.length; ++i) summedDims.push(i);
  return {allDims, summedDims, idDims};
}
export function getEinsumPermutation(nDims, idDims) {
  const perm = new Array(nDims).fill(-1);
  idDims.forEach((d, i) => {
    perm[d] = i;
  });
  const expandDims = [];
  for (let i = 0; i < nDims; ++i) if (perm[i] === -1) expandDims.push(i);
  return {permutationIndices: perm.filter((d) => d !== -1), expandDims};
}
export function checkEinsumDimSizes(nDims, idDims, tensors) {
  const sizes = new Array(nDims);
  tensors.forEach((t, i) => {
    const shape = t.shape;
    idDims[i].forEach((dim, j) => {
      if (sizes[dim] === undefined) sizes[dim] = shape[j];
      else {
        assert(sizes[dim] === shape[j], () => `Expected dimension ${sizes[dim]} at axis ${j} of input shaped ` +
          `${JSON.stringify(shape)}, but got dimension ${shape[j]}`);
      }
    });
  });
}
export function getEinsumComputePath(summedDims, idDims) {
  const path = summedDims;  // tfjs returns (and extends) the caller's array
  if (summedDims.length === 0) path.push(-1);
  const steps = [];
  for (let i = 0; i < path.length + 1; ++i) steps.push([]);
  const done = [];
  path.forEach((dim, i) => {
    idDims.forEach((term, t) => {
      if ((term.length === 0 || term.indexOf(dim) !== -1 || dim === -1) && done.indexOf(t) === -1) {
        steps[i].push(t);
        done.push(t);
      }
    });
  });
  return {path, steps};
}
export function isIdentityPermutation(perm) {
  return perm.every((dim, i) => dim === i);
}

// ---- strings, logging, fused activations ----------------------------------------------------
export function fromUint8ToStringArray(vals) {
  try {
    return vals.map((v) => decodeString(v));
  } catch (err) {
    throw new Error(`Failed to decode encoded string bytes into utf-8, error: ${err}`);
  }
}
export function fromStringArrayToUint8(strings) {
  return strings.map((s) => encodeString(s));
}
const quiet = () => env().getBool('IS_TEST') || env().getBool('PROD');
export function warn(...msg) {
  if (!quiet()) console.warn(...msg);
}
export function log(...msg) {
  if (!quiet()) console.log(...msg);
}

export const shouldFuse = (gradientDepth, activation) => !(gradientDepth > 0) || activation === 'linear';
export function getFusedDyActivation(dy, y, activation) {
  if (activation == null || activation === 'linear') return dy;
  if (activation === 'relu') {
    const mask = ops.step(y);
    const out = ops.mul(dy, mask);
    mask.dispose();
    return out;
  }
  throw new Error(`Cannot compute gradient for fused activation ${activation}.`);
}
export function getFusedBiasGradient(bias, dyActivation) {
  const axes = broadcast_util.getReductionAxes(bias.shape, dyActivation.shape);
  if (axes.length === 0) return ops.reshape(dyActivation, bias.shape);
  const summed = ops.sum(dyActivation, axes);
  const out = ops.reshape(summed, bias.shape);
  summed.dispose();
  return out;
}
export function applyActivation(x, activation, preluActivationWeights, leakyreluAlpha) {
  switch (activation) {
    case 'linear': return x;
    case 'relu': return ops.relu(x);
    case 'elu': return ops.elu(x);
    case 'relu6': return ops.relu6(x);
    case 'prelu': return ops.prelu(x, preluActivationWeights);
    case 'leakyrelu': return ops.leakyRelu(x, leakyreluAlpha);
    case 'sigmoid': return ops.sigmoid(x);
    default: throw new Error(`Unknown fused activation ${activation}.`);
  }
}

// ---- slice_util (slice / stridedSlice parameter normalisation) -----------------------------
const NEW_AXIS = -2;
const SHRINK_AXIS = -1;
const clampTo = (lo, x, hi) => Math.max(lo, Math.min(x, hi));
const bit = (mask, i) => (mask & (1 << i)) !== 0;

function assertParamsValid(input, begin, size) {
  const rank = input.shape.length;
  assert(rank === begin.length,
      () => `Error in slice${rank}D: Length of begin ${begin} must match the rank of the array (${rank}).`);
  assert(rank === size.length,
      () => `Error in slice${rank}D: Length of size ${size} must match the rank of the array (${rank}).`);
  for (let i = 0; i < rank; ++i) {
    assert(begin[i] + size[i] <= input.shape[i], () => `Error in slice${rank}D: begin[${i}] + size[${i}] ` +
      `(${begin[i] + size[i]}) would overflow input.shape[${i}] (${input.shape[i]})`);
  }
}
function maskToAxes(mask) {
  const axes = [];
  for (let axis = 0; mask > 0; axis++, mask /= 2) if (mask & 1) axes.push(axis);
  return axes;
}
function sliceOutShape(begin, end, strides) {
  return begin.map((b, axis) => Math.ceil((end[axis] - b) / strides[axis]));
}
function stridesWithElidedDims(strides, ellipsisInsertionIndex, numElidedAxes, inputShape) {
  const out = [...strides];
  while (out.length < inputShape.length) out.push(1);
  for (let i = 0; i < numElidedAxes; i++) {
    if (i === 0) out[ellipsisInsertionIndex] = 1;
    else {
      out.splice(ellipsisInsertionIndex, 0, 1);
      out.pop();
    }
  }
  return out;
}
const unnormalizeAxis = (at, numElided, axis) => (axis <= at ? axis : axis - (numElided - 1));
const isElided = (axis, at, numElided) => axis >= at && axis < at + numElided;
function startIndicesWithElidedDims(beginMask, at, numElided, originalBegin, inputShape) {
  return inputShape.map((_, axis) => {
    if (isElided(axis, at, numElided)) return 0;
    const orig = unnormalizeAxis(at, numElided, axis);
    return bit(beginMask, orig) ? 0 : originalBegin[orig];
  });
}
function stopIndicesWithElidedDims(endMask, at, numElided, originalEnd, inputShape) {
  return inputShape.map((size, axis) => {
    let v;
    if (isElided(axis, at, numElided)) v = Number.MAX_SAFE_INTEGER;
    else {
      const orig = unnormalizeAxis(at, numElided, axis);
      v = bit(endMask, orig) ? Number.MAX_SAFE_INTEGER : originalEnd[orig];
    }
    if (v < 0) v += size;
    return clampTo(0, v, size);
  });
}
function stridesForAxis(strides, axis, ellipsisMask) {
  const stride = strides[axis];
  return bit(ellipsisMask, axis) || stride == null ? 1 : stride;
}
function startForAxis(beginMask, startIndices, strides, inputShape, axis, ellipsisMask) {
  let start = startIndices[axis];
  const stride = strides[axis] || 1;
  if (bit(beginMask, axis) || bit(ellipsisMask, axis) || start == null) {
    start = stride > 0 ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  }
  const size = inputShape[axis];
  if (start < 0) start += size;
  return clampTo(0, start, size - 1);
}
function stopForAxis(endMask, stopIndices, strides, inputShape, axis, ellipsisMask) {
  let stop = stopIndices[axis];
  const stride = strides[axis] || 1;
  if (bit(endMask, axis) || bit(ellipsisMask, axis) || stop == null) {
    stop = stride > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  const size = inputShape[axis];
  if (stop < 0) stop += size;
  return stride > 0 ? clampTo(0, stop, size) : clampTo(-1, stop, size - 1);
}
function getNormalizedAxes(inputShape, ellipsisAxes, numInterpolatedAxes, begin, end, strides, beginMask, endMask,
    ellipsisMask) {
  const rank = inputShape.length;
  if (ellipsisAxes.length && numInterpolatedAxes > 0) {
    const at = ellipsisAxes[0];
    const n = numInterpolatedAxes + 1;
    return {
      begin: startIndicesWithElidedDims(beginMask, at, n, begin, inputShape),
      end: stopIndicesWithElidedDims(endMask, at, n, end, inputShape),
      strides: stridesWithElidedDims(strides, at, n, inputShape),
    };
  }
  const out = {begin: new Array(rank), end: new Array(rank), strides: new Array(rank)};
  for (let axis = 0; axis < rank; axis++) {
    out.begin[axis] = startForAxis(beginMask, begin, strides, inputShape, axis, ellipsisMask);
    out.end[axis] = stopForAxis(endMask, end, strides, inputShape, axis, ellipsisMask);
    out.strides[axis] = stridesForAxis(strides, axis, ellipsisMask);
  }
  return out;
}
function isSliceContinous(shape, begin, size) {
  let first = size.findIndex((s) => s > 1);
  if (first === -1) first = size.length;
  for (let i = first + 1; i < size.length; i++) if (begin[i] > 0 || size[i] !== shape[i]) return false;
  return true;
}
function computeFlatOffset(begin, strides) {
  let offset = begin.length > 0 ? begin[begin.length - 1] : 1;
  for (let i = 0; i < begin.length - 1; i++) offset += begin[i] * strides[i];
  return offset;
}
function parseSliceParams(x, begin, size) {
  const rank = x.shape.length;
  const padTo = (arr, fill) => arr.concat(new Array(Math.max(0, rank - arr.length)).fill(fill));
  const begin_ = typeof begin === 'number' ? padTo([begin], 0) : begin.length < rank ? padTo(begin, 0) : begin.slice();
  begin_.forEach((d) => assert(d !== -1, () => 'slice() does not support negative begin indexing.'));
  let size_;
  if (size == null) size_ = new Array(rank).fill(-1);
  else if (typeof size === 'number') size_ = padTo([size], -1);
  else size_ = size.length < rank ? padTo(size, -1) : size;
  size_ = size_.map((d, i) => {
    if (d >= 0) return d;
    assert(d === -1, () => `Negative size values should be exactly -1 but got ${d} for the slice() size at index ${i}.`);
    return x.shape[i] - begin_[i];
  });
  return [begin_, size_];
}

function buildDenseSpec(sparse, dense) {
  Object.assign(dense, {
    beginMask: 0, endMask: 0, shrinkAxisMask: 0, beginValid: sparse.begin != null, endValid: sparse.end != null,
    begin: new Array(dense.dims), end: new Array(dense.dims), strides: new Array(dense.dims),
    finalShapeGatherIndices: [], finalShapeGatherIndicesSparse: [], inputShapeGatherIndicesSparse: new Array(dense.dims),
  });
  let full = 0;
  for (let i = 0; i < sparse.dims; i++) {
    if (bit(sparse.ellipsisMask, i)) {
      const next = Math.min(dense.dims - (sparse.dims - i) + 1 + sparse.numAddAxisAfterEllipsis, dense.dims);
      for (; full < next; full++) {
        dense.begin[full] = 0;
        dense.end[full] = 0;
        dense.strides[full] = 1;
        dense.beginMask |= (1 << full);
        dense.endMask |= (1 << full);
        dense.finalShapeGatherIndices.push(full);
        dense.finalShapeGatherIndicesSparse.push(-1);
        dense.inputShapeGatherIndicesSparse[full] = i;
      }
    } else if (bit(sparse.newAxisMask, i)) {
      dense.finalShapeGatherIndices.push(NEW_AXIS);
      dense.finalShapeGatherIndicesSparse.push(-1);
    } else {
      if (full === dense.begin.length) {
        throw Error(`Index out of range using input dim ${full}; input has only ${dense.dims} dims, ` +
          `${dense.begin.length}.`);
      }
      if (sparse.begin != null) dense.begin[full] = sparse.begin[i];
      if (sparse.end != null) dense.end[full] = sparse.end[i];
      dense.strides[full] = sparse.strides[i];
      if (bit(sparse.beginMask, i)) dense.beginMask |= (1 << full);
      if (bit(sparse.endMask, i)) dense.endMask |= (1 << full);
      if (bit(sparse.shrinkAxisMask, i)) {
        dense.finalShapeGatherIndices.push(SHRINK_AXIS);
        dense.finalShapeGatherIndicesSparse.push(-1);
        dense.shrinkAxisMask |= (1 << full);
      } else {
        dense.finalShapeGatherIndices.push(full);
        dense.finalShapeGatherIndicesSparse.push(i);
      }
      dense.inputShapeGatherIndicesSparse[full] = i;
      full++;
    }
  }
}
function canonical(x, c, stride, dim, masks, validRange) {
  if (masks[c]) return stride > 0 ? validRange[c] : validRange[(c + 1) & 1];
  const fwd = x < 0 ? dim + x : x;
  return fwd < validRange[0] ? validRange[0] : fwd > validRange[1] ? validRange[1] : fwd;
}

function sliceInfo(xShape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask) {
  const stridesNonNull = strides == null ? new Array(begin.length).fill(1) : strides;
  if (ellipsisMask != null && (ellipsisMask & (ellipsisMask - 1)) !== 0) {
    throw new Error('Multiple ellipses in slice is not allowed.');
  }
  const sparse = {
    dims: stridesNonNull.length, numAddAxisAfterEllipsis: 0, begin: begin.slice(), end: end.slice(),
    strides: stridesNonNull.slice(), beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask,
  };
  let ellipsisSeen = false;
  for (let i = 0; i < sparse.dims; i++) {
    if (ellipsisSeen && bit(newAxisMask, i)) sparse.numAddAxisAfterEllipsis++;
    if (bit(ellipsisMask, i)) ellipsisSeen = true;
  }
  if (!ellipsisSeen) {
    sparse.ellipsisMask |= (1 << sparse.dims);
    sparse.dims++;
  }
  const dense = {dims: xShape.length, beginMask: 0, endMask: 0, beginValid: false, endValid: false};
  buildDenseSpec(sparse, dense);
  let isIdentity = true;
  let sliceDim0 = true;
  let isSimpleSlice = true;
  const processingShape = [];
  for (let i = 0; i < xShape.length; ++i) {
    const stride = dense.strides[i];
    if (stride === 0) throw Error(`strides[${i}] must be non-zero`);
    const shrinkI = bit(dense.shrinkAxisMask, i);
    const dimI = xShape[i];
    if (dimI === -1) {
      processingShape.push(shrinkI ? 1 : -1);
      continue;
    }
    const masks = [dense.beginMask & (1 << i), dense.endMask & (1 << i)];
    const validRange = [stride > 0 ? 0 : -1, stride > 0 ? dimI : dimI - 1];
    if (shrinkI && stride <= 0) throw Error('only stride 1 allowed on non-range indexing.');
    isSimpleSlice = isSimpleSlice && stride === 1;
    const bothMasked = bit(dense.beginMask, i) && bit(dense.endMask, i);
    if (dense.beginValid && dense.endValid) {
      if (shrinkI) {
        const fwd = dense.begin[i] < 0 ? dimI + dense.begin[i] : dense.begin[i];
        dense.begin[i] = fwd;
        dense.end[i] = fwd + 1;
        if (fwd < 0 || fwd >= dimI) throw Error(`slice index ${dense.begin[i]} of dimension ${i} out of bounds.`);
      } else {
        dense.begin[i] = canonical(dense.begin[i], 0, stride, dimI, masks, validRange);
        dense.end[i] = canonical(dense.end[i], 1, stride, dimI, masks, validRange);
      }
      const takeAll = stride === 1 && dense.begin[i] === 0 && dense.end[i] === dimI;
      isIdentity = isIdentity && takeAll;
      sliceDim0 = sliceDim0 && ((i === 0 && stride === 1) || takeAll);
    } else {
      isIdentity = isIdentity && stride === 1 && bothMasked;
      sliceDim0 = sliceDim0 && ((i === 0 && stride === 1) || bothMasked);
    }
    let interval;
    let known = false;
    if (dense.beginValid && dense.endValid) {
      interval = dense.end[i] - dense.begin[i];
      known = true;
    } else if (shrinkI) {
      interval = 1;
      known = true;
    } else if (bothMasked && dimI >= 0) {
      interval = stride < 0 ? -dimI : dimI;
      known = true;
    }
    if (!known) processingShape.push(-1);
    else if (interval === 0 || ((interval < 0) !== (stride < 0))) processingShape.push(0);
    else processingShape.push(Math.trunc(interval / stride) + (interval % stride !== 0 ? 1 : 0));
  }
  const finalShape = [];
  for (const g of dense.finalShapeGatherIndices) {
    if (g >= 0) finalShape.push(processingShape[g]);
    else if (g === NEW_AXIS) finalShape.push(1);
  }
  const finalShapeSparse = finalShape.filter((_, i) => dense.finalShapeGatherIndices[i] !== NEW_AXIS);
  return {finalShapeSparse, finalShape, isIdentity, sliceDim0, isSimpleSlice, begin: dense.begin, end: dense.end,
    strides: dense.strides};
}

export const slice_util = {  // eslint-disable-line camelcase
  assertParamsValid, computeFlatOffset, computeOutShape: sliceOutShape, getNormalizedAxes, isSliceContinous,
  maskToAxes, parseSliceParams, sliceInfo, startForAxis, startIndicesWithElidedDims, stopForAxis,
  stopIndicesWithElidedDims, stridesForAxis, stridesWithElidedDims,
};

// ---- re-exports ----------------------------------------------------------------------------
export const {assertAndGetBroadcastShape, getBroadcastDims, getReductionAxes} = broadcast_util;
export {upcastType};
