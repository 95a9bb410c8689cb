// tf.image beyond resizing (issue 16): flips and colour conversions compose from
// engine ops (with gradients); cropAndResize, rotateWithOffset, transform and the
// non-max suppressions read the values and compute as tfjs's cpu kernels do (tfjs
// has no gradient for them either).
import {tidy} from './engine.js';
import {cvt} from './ops_extra.js';
import {extraOps} from './ops_extra.js';
import {ops} from './ops.js';
import {makeTensorFromFlat} from './tensor.js';
import {assert, clamp, getArrayFromDType, sizeFromShape} from './util.js';

const op = fn => (...args) => tidy(() => fn(...args));

function flipLeftRight(image) {
  const $image = cvt(image, 'image', 'flipLeftRight', 'float32');
  assert($image.rank === 4, () => `Error in flipLeftRight: image must be rank 4,but got rank ${$image.rank}.`);
  return ops.reverse($image, 2);
}

function rgbToGrayscale(image) {
  const $image = cvt(image, 'image', 'RGBToGrayscale');
  const lastDims = $image.shape[$image.rank - 1];
  assert($image.rank >= 2, () => `Error in RGBToGrayscale: images must be at least rank 2, but got rank ${$image.rank}.`);
  assert(lastDims === 3, () => 'Error in RGBToGrayscale: last dimension of an RGB image should be size 3, but ' +
                               `got size ${lastDims}.`);
  const origDtype = $image.dtype;
  const flt = ops.cast($image, 'float32');
  const rgbWeights = makeTensorFromFlat(new Float32Array([0.2989, 0.5870, 0.1140]), [3], 'float32');
  const equations = {2: 'ij,j->i', 3: 'ijk,k->ij', 4: 'ijkl,l->ijk', 5: 'ijklm,m->ijkl', 6: 'ijklmn,n->ijklm'};
  if (!($image.rank in equations)) throw new Error('Not a valid tensor rank.');
  const gray = ops.expandDims(ops.einsum(equations[$image.rank], flt, rgbWeights), -1);
  return ops.cast(gray, origDtype);
}

function grayscaleToRGB(image) {
  const $image = cvt(image, 'image', 'grayscaleToRGB');
  const lastDimsIdx = $image.rank - 1;
  const lastDims = $image.shape[lastDimsIdx];
  assert($image.rank >= 2, () => `Error in grayscaleToRGB: images must be at least rank 2, but got rank ${$image.rank}.`);
  assert(lastDims === 1, () => 'Error in grayscaleToRGB: last dimension of a grayscale image should be size 1, but ' +
                               `got size ${lastDims}.`);
  const reps = new Array($image.rank).fill(1);
  reps[lastDimsIdx] = 3;
  return ops.tile($image, reps);
}

function threshold(image, method = 'binary', inverted = false, threshValue = 0.5) {
  const $image = cvt(image, 'image', 'threshold');
  const totalPixelsInImage = $image.shape[0] * $image.shape[1];
  let $threshold = ops.mul(makeTensorFromFlat(new Float32Array([threshValue]), [1], 'float32'), 255);
  assert($image.rank === 3, () => `Error in threshold: image must be rank 3,but got rank ${$image.rank}.`);
  assert($image.shape[2] === 3 || $image.shape[2] === 1,
         () => `Error in threshold: image color channel must be equal to 3 or 1but got ${$image.shape[2]}.`);
  assert($image.dtype === 'int32' || $image.dtype === 'float32',
         () => `Error in dtype: image dtype must be int32 or float32,but got dtype ${$image.dtype}.`);
  assert(method === 'otsu' || method === 'binary', () => `Method must be binary or otsu, but was ${method}`);
  let grayscale;
  if ($image.shape[2] === 3) {
    const [r, g, b] = ops.split($image, [1, 1, 1], -1);
    grayscale = ops.add(ops.add(ops.mul(r, 0.2989), ops.mul(g, 0.5870)), ops.mul(b, 0.1140));
  } else {
    grayscale = $image;
  }
  if (method === 'otsu') {
    const histogram = extraOps.bincount(ops.cast(ops.round(grayscale), 'int32'),
                                        makeTensorFromFlat(new Float32Array(0), [0], 'float32'), 256);
    $threshold = otsu(histogram, totalPixelsInImage);
  }
  const condition = inverted ? ops.lessEqual(grayscale, $threshold) : ops.greater(grayscale, $threshold);
  return ops.cast(ops.mul(ops.cast(condition, 'float32'), 255), 'int32');
}

/** tfjs's Otsu threshold over a 256-bin histogram, op for op (float32 arithmetic as there). */
function otsu(histogram, total) {
  let bestThresh = makeTensorFromFlat(new Float32Array([-1]), [1], 'float32');
  let bestInBetVar = makeTensorFromFlat(new Float32Array([0]), [1], 'float32');
  for (let index = 0; index < histogram.size - 1; index++) {
    const classFirst = ops.slice(histogram, 0, index + 1);
    const classSecond = ops.slice(histogram, index + 1);
    const weightForeground = ops.div(ops.sum(classFirst), total);
    const weightBack = ops.div(ops.sum(classSecond), total);
    const meanFirst = ops.div(ops.sum(ops.mul(classFirst, ops.range(0, classFirst.size))), ops.sum(classFirst));
    const meanSecAdd = ops.add(ops.range(0, classSecond.size), ops.fill(classSecond.shape, classFirst.size));
    const meanSec = ops.div(ops.sum(ops.mul(classSecond, meanSecAdd)), ops.sum(classSecond));
    const diff = ops.sub(meanFirst, meanSec);
    const cInBetVar = ops.mul(ops.mul(ops.mul(weightForeground, weightBack), diff), diff);
    const condition = ops.greater(cInBetVar, bestInBetVar);
    bestInBetVar = ops.where(condition, cInBetVar, bestInBetVar);
    bestThresh = ops.where(condition, makeTensorFromFlat(new Float32Array([index]), [1], 'float32'), bestThresh);
  }
  return bestThresh;
}

function cropAndResize(image, boxes, boxInd, cropSize, method = 'bilinear', extrapolationValue = 0) {
  const $image = cvt(image, 'image', 'cropAndResize');
  const $boxes = cvt(boxes, 'boxes', 'cropAndResize', 'float32');
  const $boxInd = cvt(boxInd, 'boxInd', 'cropAndResize', 'int32');
  const numBoxes = $boxes.shape[0];
  assert($image.rank === 4, () => `Error in cropAndResize: image must be rank 4,but got rank ${$image.rank}.`);
  assert($boxes.rank === 2 && $boxes.shape[1] === 4,
         () => `Error in cropAndResize: boxes must be have size [${numBoxes},4] but had shape ${$boxes.shape}.`);
  assert($boxInd.rank === 1 && $boxInd.shape[0] === numBoxes,
         () => `Error in cropAndResize: boxInd must be have size [${numBoxes}] but had shape ${$boxes.shape}.`);
  assert(cropSize.length === 2,
         () => `Error in cropAndResize: cropSize must be of length 2, but got length ${cropSize.length}.`);
  assert(cropSize[0] >= 1 && cropSize[1] >= 1, () => `cropSize must be atleast [1,1], but was ${cropSize}`);
  assert(method === 'bilinear' || method === 'nearest', () => `method must be bilinear or nearest, but was ${method}`);
  const [batch, imageHeight, imageWidth, numChannels] = $image.shape;
  const [cropHeight, cropWidth] = cropSize;
  const outShape = [numBoxes, cropHeight, cropWidth, numChannels];
  const out = new Float32Array(sizeFromShape(outShape));
  const boxVals = $boxes.dataSync(), boxIndVals = $boxInd.dataSync(), imageVals = $image.dataSync();
  const inStride = [imageHeight * imageWidth * numChannels, imageWidth * numChannels, numChannels];
  const outStride = [cropHeight * cropWidth * numChannels, cropWidth * numChannels, numChannels];
  const fillPixel = (b, y, x) => {
    for (let c = 0; c < numChannels; c++) out[c + x * outStride[2] + y * outStride[1] + b * outStride[0]] = extrapolationValue;
  };
  for (let b = 0; b < numBoxes; b++) {
    const y1 = boxVals[b * 4], x1 = boxVals[b * 4 + 1], y2 = boxVals[b * 4 + 2], x2 = boxVals[b * 4 + 3];
    const bInd = boxIndVals[b];
    if (bInd >= batch) continue;
    const heightScale = cropHeight > 1 ? (y2 - y1) * (imageHeight - 1) / (cropHeight - 1) : 0;
    const widthScale = cropWidth > 1 ? (x2 - x1) * (imageWidth - 1) / (cropWidth - 1) : 0;
    for (let y = 0; y < cropHeight; y++) {
      const yInd = cropHeight > 1 ? y1 * (imageHeight - 1) + y * heightScale : 0.5 * (y1 + y2) * (imageHeight - 1);
      if (yInd < 0 || yInd > imageHeight - 1) {
        for (let x = 0; x < cropWidth; x++) fillPixel(b, y, x);
        continue;
      }
      for (let x = 0; x < cropWidth; x++) {
        const xInd = cropWidth > 1 ? x1 * (imageWidth - 1) + x * widthScale : 0.5 * (x1 + x2) * (imageWidth - 1);
        if (xInd < 0 || xInd > imageWidth - 1) {
          fillPixel(b, y, x);
          continue;
        }
        const at = (yy, xx, c) => imageVals[c + xx * inStride[2] + yy * inStride[1] + bInd * inStride[0]];
        for (let c = 0; c < numChannels; c++) {
          const o = c + x * outStride[2] + y * outStride[1] + b * outStride[0];
          if (method === 'bilinear') {
            const topInd = Math.floor(yInd), bottomInd = Math.ceil(yInd), yLerp = yInd - topInd;
            const leftInd = Math.floor(xInd), rightInd = Math.ceil(xInd), xLerp = xInd - leftInd;
            const top = at(topInd, leftInd, c) + (at(topInd, rightInd, c) - at(topInd, leftInd, c)) * xLerp;
            const bottom = at(bottomInd, leftInd, c) + (at(bottomInd, rightInd, c) - at(bottomInd, leftInd, c)) * xLerp;
            out[o] = top + (bottom - top) * yLerp;
          } else {
            out[o] = at(Math.round(yInd), Math.round(xInd), c);
          }
        }
      }
    }
  }
  return makeTensorFromFlat(out, outShape, 'float32');
}

function rotateWithOffset(image, radians, fillValue = 0, center = 0.5) {
  const $image = cvt(image, 'image', 'rotateWithOffset', 'float32');
  assert($image.rank === 4, () => `Error in rotateWithOffset: image must be rank 4,but got rank ${$image.rank}.`);
  const [batch, imageHeight, imageWidth, numChannels] = $image.shape;
  const centerX = imageWidth * (typeof center === 'number' ? center : center[0]);
  const centerY = imageHeight * (typeof center === 'number' ? center : center[1]);
  const sinFactor = Math.sin(radians), cosFactor = Math.cos(radians);
  const imageVals = $image.dataSync();
  const out = getArrayFromDType($image.dtype, $image.size);
  for (let batchIdx = 0; batchIdx < batch; batchIdx++) {
    const batchOffset = batchIdx * imageWidth * imageHeight * numChannels;
    for (let row = 0; row < imageHeight; row++) {
      for (let col = 0; col < imageWidth; col++) {
        for (let channel = 0; channel < numChannels; channel++) {
          const coordX = Math.round((col - centerX) * cosFactor - (row - centerY) * sinFactor + centerX);
          const coordY = Math.round((col - centerX) * sinFactor + (row - centerY) * cosFactor + centerY);
          let value = typeof fillValue === 'number' ? fillValue : (channel === 3 ? 255 : fillValue[channel]);
          if (coordX >= 0 && coordX < imageWidth && coordY >= 0 && coordY < imageHeight) {
            value = imageVals[batchOffset + coordY * imageWidth * numChannels + coordX * numChannels + channel];
          }
          out[batchOffset + row * imageWidth * numChannels + col * numChannels + channel] = value;
        }
      }
    }
  }
  return makeTensorFromFlat(out, $image.shape, $image.dtype);
}

function mapCoord(coord, len, mode) {
  if (mode === 'reflect') {
    let c = coord;
    if (c < 0) {
      if (len <= 1) {
        c = 0;
      } else {
        const sz2 = 2 * len;
        if (c < sz2) c = sz2 * Math.trunc(-c / sz2) + c;
        c = c < -len ? c + sz2 : -c - 1;
      }
    } else if (c > len - 1) {
      if (len <= 1) {
        c = 0;
      } else {
        const sz2 = 2 * len;
        c -= sz2 * Math.trunc(c / sz2);
        if (c >= len) c = sz2 - c - 1;
      }
    }
    return clamp(0, c, len - 1);
  }
  if (mode === 'wrap') {
    let c = coord;
    if (c < 0) {
      if (len <= 1) c = 0;
      else c += len * (Math.trunc(-c / (len - 1)) + 1);
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else c -= len * Math.trunc(c / (len - 1));
    }
    return clamp(0, c, len - 1);
  }
  if (mode === 'nearest') return clamp(0, coord, len - 1);
  return coord;
}

/**
 * tf.image.transform. Every image of the batch is transformed (tfjs 4.22's cpu kernel
 * returns after the first, leaving the others at fillValue).
 */
function transform(image, transforms, interpolation = 'nearest', fillMode = 'constant', fillValue = 0, outputShape) {
  const $image = cvt(image, 'image', 'transform', 'float32');
  const $transforms = cvt(transforms, 'transforms', 'transform', 'float32');
  assert($image.rank === 4, () => `Error in transform: image must be rank 4,but got rank ${$image.rank}.`);
  assert($transforms.rank === 2 && ($transforms.shape[0] === $image.shape[0] || $transforms.shape[0] === 1) &&
         $transforms.shape[1] === 8, () => 'Error in transform: Input transform should be batch x 8 or 1 x 8');
  assert(outputShape == null || outputShape.length === 2,
         () => `Error in transform: outputShape must be [height, width] or null, but got ${outputShape}.`);
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new Error(`Error in Transform: Expect 'nearest' or 'bilinear', but got ${interpolation}`);
  }
  const [batch, imageHeight, imageWidth, numChannels] = $image.shape;
  const [outHeight, outWidth] = outputShape != null ? outputShape : [imageHeight, imageWidth];
  const outShape = [batch, outHeight, outWidth, numChannels];
  const out = getArrayFromDType($image.dtype, sizeFromShape(outShape)).fill(fillValue);
  const imageVals = $image.dataSync(), transformVals = $transforms.dataSync();
  const read = (b, y, x, c) => (0 <= y && y < imageHeight && 0 <= x && x < imageWidth
      ? imageVals[((b * imageHeight + y) * imageWidth + x) * numChannels + c] : fillValue);
  for (let b = 0; b < batch; ++b) {
    const t = $transforms.shape[0] === 1 ? transformVals : transformVals.subarray(b * 8, b * 8 + 8);
    for (let outY = 0; outY < outHeight; ++outY) {
      for (let outX = 0; outX < outWidth; ++outX) {
        const projection = t[6] * outX + t[7] * outY + 1;
        if (projection === 0) continue;
        const x = mapCoord((t[0] * outX + t[1] * outY + t[2]) / projection, imageWidth, fillMode);
        const y = mapCoord((t[3] * outX + t[4] * outY + t[5]) / projection, imageHeight, fillMode);
        for (let c = 0; c < numChannels; ++c) {
          let val;
          if (interpolation === 'nearest') {
            val = read(b, Math.round(y), Math.round(x), c);
          } else {
            const yFloor = Math.floor(y), xFloor = Math.floor(x), yCeil = yFloor + 1, xCeil = xFloor + 1;
            const vyFloor = (xCeil - x) * read(b, yFloor, xFloor, c) + (x - xFloor) * read(b, yFloor, xCeil, c);
            const vyCeil = (xCeil - x) * read(b, yCeil, xFloor, c) + (x - xFloor) * read(b, yCeil, xCeil, c);
            val = (yCeil - y) * vyFloor + (y - yFloor) * vyCeil;
          }
          out[((b * outHeight + outY) * outWidth + outX) * numChannels + c] = val;
        }
      }
    }
  }
  return makeTensorFromFlat(out, outShape, $image.dtype);
}

// ---- non-max suppression (tfjs's non_max_suppression_impl) --------------------------------

function nmsSanityCheck(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma) {
  if (iouThreshold == null) iouThreshold = 0.5;
  if (scoreThreshold == null) scoreThreshold = Number.NEGATIVE_INFINITY;
  if (softNmsSigma == null) softNmsSigma = 0.0;
  const numBoxes = boxes.shape[0];
  maxOutputSize = Math.min(maxOutputSize, numBoxes);
  assert(0 <= iouThreshold && iouThreshold <= 1, () => `iouThreshold must be in [0, 1], but was '${iouThreshold}'`);
  assert(boxes.rank === 2, () => `boxes must be a 2D tensor, but was of rank '${boxes.rank}'`);
  assert(boxes.shape[1] === 4, () => `boxes must have 4 columns, but 2nd dimension was ${boxes.shape[1]}`);
  assert(scores.rank === 1, () => 'scores must be a 1D tensor');
  assert(scores.shape[0] === numBoxes,
         () => `scores has incompatible shape with boxes. Expected ${numBoxes}, but was ${scores.shape[0]}`);
  assert(0 <= softNmsSigma && softNmsSigma <= 1, () => `softNmsSigma must be in [0, 1], but was '${softNmsSigma}'`);
  return {maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma};
}

function intersectionOverUnion(boxes, i, j) {
  const a = boxes.subarray(i * 4, i * 4 + 4), b = boxes.subarray(j * 4, j * 4 + 4);
  const yminI = Math.min(a[0], a[2]), xminI = Math.min(a[1], a[3]);
  const ymaxI = Math.max(a[0], a[2]), xmaxI = Math.max(a[1], a[3]);
  const yminJ = Math.min(b[0], b[2]), xminJ = Math.min(b[1], b[3]);
  const ymaxJ = Math.max(b[0], b[2]), xmaxJ = Math.max(b[1], b[3]);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0.0;
  const iymin = Math.max(yminI, yminJ), ixmin = Math.max(xminI, xminJ);
  const iymax = Math.min(ymaxI, ymaxJ), ixmax = Math.min(xmaxI, xmaxJ);
  const inter = Math.max(iymax - iymin, 0.0) * Math.max(ixmax - ixmin, 0.0);
  return inter / (areaI + areaJ - inter);
}

const ascending = (c1, c2) => (c1.score - c2.score) || ((c1.score === c2.score) && (c2.boxIndex - c1.boxIndex));

function binaryInsert(arr, element) {
  let left = 0, right = arr.length, found = false;
  while (left < right) {
    const middle = left + ((right - left) >>> 1);
    const r = ascending(element, arr[middle]);
    if (r > 0) {
      left = middle + 1;
    } else {
      right = middle;
      found = !r;
    }
  }
  arr.splice(found ? left : left, 0, element);
}

function nmsImpl(boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma, padToMaxOutputSize) {
  const candidates = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > scoreThreshold) candidates.push({score: scores[i], boxIndex: i, suppressBeginIndex: 0});
  }
  candidates.sort(ascending);
  const scale = softNmsSigma > 0 ? (-0.5 / softNmsSigma) : 0.0;
  const selectedIndices = [], selectedScores = [];
  while (selectedIndices.length < maxOutputSize && candidates.length > 0) {
    const candidate = candidates.pop();
    const {score: originalScore, boxIndex, suppressBeginIndex} = candidate;
    if (originalScore < scoreThreshold) break;
    let ignoreCandidate = false;
    for (let j = selectedIndices.length - 1; j >= suppressBeginIndex; --j) {
      const iou = intersectionOverUnion(boxes, boxIndex, selectedIndices[j]);
      if (iou >= iouThreshold) {
        ignoreCandidate = true;
        break;
      }
      candidate.score = candidate.score * (iou <= iouThreshold ? Math.exp(scale * iou * iou) : 0.0);
      if (candidate.score <= scoreThreshold) break;
    }
    candidate.suppressBeginIndex = selectedIndices.length;
    if (!ignoreCandidate) {
      if (candidate.score === originalScore) {
        selectedIndices.push(boxIndex);
        selectedScores.push(candidate.score);
      } else if (candidate.score > scoreThreshold) {
        binaryInsert(candidates, candidate);
      }
    }
  }
  const validOutputs = selectedIndices.length;
  const elemsToPad = maxOutputSize - validOutputs;
  if (padToMaxOutputSize && elemsToPad > 0) {
    selectedIndices.push(...new Array(elemsToPad).fill(0));
    selectedScores.push(...new Array(elemsToPad).fill(0.0));
  }
  return {selectedIndices, selectedScores, validOutputs};
}

function nmsInputs(boxes, scores, fn) {
  return [cvt(boxes, 'boxes', fn, 'float32'), cvt(scores, 'scores', fn, 'float32')];
}

const indicesTensor = list => makeTensorFromFlat(Int32Array.from(list), [list.length], 'int32');

function nonMaxSuppression(boxes, scores, maxOutputSize, iouThreshold = 0.5, scoreThreshold = Number.NEGATIVE_INFINITY) {
  const [$boxes, $scores] = nmsInputs(boxes, scores, 'nonMaxSuppression');
  const p = nmsSanityCheck($boxes, $scores, maxOutputSize, iouThreshold, scoreThreshold);
  const r = nmsImpl($boxes.dataSync(), $scores.dataSync(), p.maxOutputSize, p.iouThreshold, p.scoreThreshold, 0, false);
  return indicesTensor(r.selectedIndices);
}

function nonMaxSuppressionWithScore(boxes, scores, maxOutputSize, iouThreshold = 0.5,
                                    scoreThreshold = Number.NEGATIVE_INFINITY, softNmsSigma = 0.0) {
  const [$boxes, $scores] = nmsInputs(boxes, scores, 'nonMaxSuppression');
  const p = nmsSanityCheck($boxes, $scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma);
  const r = nmsImpl($boxes.dataSync(), $scores.dataSync(), p.maxOutputSize, p.iouThreshold, p.scoreThreshold,
                    p.softNmsSigma, false);
  return {selectedIndices: indicesTensor(r.selectedIndices),
          selectedScores: makeTensorFromFlat(Float32Array.from(r.selectedScores), [r.selectedScores.length], 'float32')};
}

function nonMaxSuppressionPadded(boxes, scores, maxOutputSize, iouThreshold = 0.5,
                                 scoreThreshold = Number.NEGATIVE_INFINITY, padToMaxOutputSize = false) {
  const [$boxes, $scores] = nmsInputs(boxes, scores, 'nonMaxSuppression');
  const p = nmsSanityCheck($boxes, $scores, maxOutputSize, iouThreshold, scoreThreshold, null);
  const r = nmsImpl($boxes.dataSync(), $scores.dataSync(), p.maxOutputSize, p.iouThreshold, p.scoreThreshold, 0,
                    padToMaxOutputSize);
  return {selectedIndices: indicesTensor(r.selectedIndices),
          validOutputs: makeTensorFromFlat(new Int32Array([r.validOutputs]), [], 'int32')};
}

const async = fn => async (...args) => fn(...args);

export const imageExtras = {
  flipLeftRight: op(flipLeftRight),
  rgbToGrayscale: op(rgbToGrayscale),
  grayscaleToRGB: op(grayscaleToRGB),
  threshold: op(threshold),
  cropAndResize: op(cropAndResize),
  rotateWithOffset: op(rotateWithOffset),
  transform: op(transform),
  nonMaxSuppression: op(nonMaxSuppression),
  nonMaxSuppressionAsync: async(op(nonMaxSuppression)),
  nonMaxSuppressionWithScore: op(nonMaxSuppressionWithScore),
  nonMaxSuppressionWithScoreAsync: async(op(nonMaxSuppressionWithScore)),
  nonMaxSuppressionPadded: op(nonMaxSuppressionPadded),
  nonMaxSuppressionPaddedAsync: async(op(nonMaxSuppressionPadded)),
};
