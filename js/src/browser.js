// tf.browser (issue 16): pixels in and out of tensors, as tfjs 4.22 does it on its
// cpu backend (canvas 2D). Works in Node for {data: Uint8Array, width, height}
// pixel data; images, videos and canvases need a browser (or an OffscreenCanvas).
import {ops} from './ops.js';
import {Tensor, convertToTensor, makeTensorFromFlat} from './tensor.js';

let context2d = null;

export function fromPixels(pixels, numChannels = 3) {
  if (numChannels > 4) throw new Error('Cannot construct Tensor with more than 4 channels from pixels.');
  if (pixels == null) throw new Error('pixels passed to tf.browser.fromPixels() can not be null');
  const has = name => typeof globalThis[name] !== 'undefined' && pixels instanceof globalThis[name];
  const isPixelData = pixels.data instanceof Uint8Array;
  const isImageData = !isPixelData && has('ImageData');
  const isVideo = !isPixelData && !isImageData && has('HTMLVideoElement');
  const isImage = !isPixelData && !isImageData && !isVideo && has('HTMLImageElement');
  const isCanvasLike = !isPixelData && !isImageData && !isVideo && !isImage && pixels.getContext != null;
  const isImageBitmap = !isPixelData && !isImageData && !isVideo && !isImage && !isCanvasLike && has('ImageBitmap');
  if (!(isPixelData || isImageData || isVideo || isImage || isCanvasLike || isImageBitmap)) {
    throw new Error('pixels passed to tf.browser.fromPixels() must be either an HTMLVideoElement, HTMLImageElement, ' +
                    'HTMLCanvasElement, ImageData in browser, or OffscreenCanvas, ImageData in webworker or {data: ' +
                    `Uint32Array, width: number, height: number}, but was ${pixels.constructor.name}`);
  }
  if (isVideo && pixels.readyState < 2) {
    throw new Error('The video element has not loaded data yet. Please wait for `loadeddata` event on the <video> ' +
                    'element.');
  }
  const [width, height] = isVideo ? [pixels.videoWidth, pixels.videoHeight] : [pixels.width, pixels.height];
  let vals;
  if (isCanvasLike) {
    vals = pixels.getContext('2d').getImageData(0, 0, width, height).data;
  } else if (isImageData || isPixelData) {
    vals = pixels.data;
  } else {
    if (context2d == null) {
      if (typeof document === 'undefined') {
        if (typeof OffscreenCanvas === 'undefined') {
          throw new Error('Cannot parse input in current context. Reason: OffscreenCanvas Context2D rendering is not ' +
                          'supported.');
        }
        context2d = new OffscreenCanvas(1, 1).getContext('2d');
      } else {
        context2d = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
      }
    }
    context2d.canvas.width = width;
    context2d.canvas.height = height;
    context2d.drawImage(pixels, 0, 0, width, height);
    vals = context2d.getImageData(0, 0, width, height).data;
  }
  let values;
  if (numChannels === 4) {
    values = new Int32Array(vals);
  } else {
    const numPixels = width * height;
    values = new Int32Array(numPixels * numChannels);
    for (let i = 0; i < numPixels; i++) {
      for (let channel = 0; channel < numChannels; ++channel) values[i * numChannels + channel] = vals[i * 4 + channel];
    }
  }
  return makeTensorFromFlat(values, [height, width, numChannels], 'int32');
}

export async function fromPixelsAsync(pixels, numChannels = 3) {
  return fromPixels(pixels, numChannels);
}

function imageTensor(img, fn) {
  let $img = convertToTensor(img, 'img', fn);
  if (!(img instanceof Tensor)) {
    const original = $img;
    $img = ops.cast(original, 'int32');
    original.dispose();
  }
  try {
    if ($img.rank !== 2 && $img.rank !== 3) {
      throw new Error(`toPixels only supports rank 2 or 3 tensors, got rank ${$img.rank}.`);
    }
    const depth = $img.rank === 2 ? 1 : $img.shape[2];
    if (depth > 4 || depth === 2) throw new Error(`toPixels only supports depth of size 1, 3 or 4 but got ${depth}`);
    if ($img.dtype !== 'float32' && $img.dtype !== 'int32') {
      throw new Error(`Unsupported type for toPixels: ${$img.dtype}. Please use float32 or int32 tensors.`);
    }
  } catch (e) {
    if ($img !== img) $img.dispose();
    throw e;
  }
  return $img;
}

function rgbaBytes($img, data, alpha = 1) {
  const [height, width] = $img.shape.slice(0, 2);
  const depth = $img.rank === 2 ? 1 : $img.shape[2];
  const multiplier = $img.dtype === 'float32' ? 255 : 1;
  const bytes = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < height * width; ++i) {
    const rgba = [0, 0, 0, 255 * alpha];
    for (let d = 0; d < depth; d++) {
      const value = data[i * depth + d];
      if ($img.dtype === 'float32') {
        if (value < 0 || value > 1) {
          throw new Error(`Tensor values for a float32 Tensor must be in the range [0 - 1] but encountered ${value}.`);
        }
      } else if (value < 0 || value > 255) {
        throw new Error(`Tensor values for a int32 Tensor must be in the range [0 - 255] but encountered ${value}.`);
      }
      if (depth === 1) {
        rgba[0] = rgba[1] = rgba[2] = value * multiplier;
      } else {
        rgba[d] = value * multiplier;
      }
    }
    for (let c = 0; c < 4; c++) bytes[i * 4 + c] = Math.round(rgba[c]);
  }
  return bytes;
}

export async function toPixels(img, canvas) {
  const $img = imageTensor(img, 'toPixels');
  try {
    const bytes = rgbaBytes($img, await $img.data());
    if (canvas != null) {
      const [height, width] = $img.shape.slice(0, 2);
      canvas.width = width;
      canvas.height = height;
      canvas.getContext('2d').putImageData(new ImageData(bytes, width, height), 0, 0);
    }
    return bytes;
  } finally {
    if ($img !== img) $img.dispose();
  }
}

export function draw(image, canvas, options) {
  const $img = imageTensor(image, 'draw');
  try {
    const {contextOptions, imageOptions} = options || {};
    const alpha = (imageOptions && imageOptions.alpha) || 1;
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new Error(`Invalid alpha value ${alpha}. Alpha must be a number between 0 and 1 inclusive.`);
    }
    const contextType = (contextOptions && contextOptions.contextType) || '2d';
    if (contextType !== '2d') throw new Error(`Context type ${contextType} is not supported by the CPU backend.`);
    const ctx = canvas.getContext(contextType, (contextOptions && contextOptions.contextAttributes) || {});
    if (ctx == null) throw new Error(`Could not get the context with ${contextType} type.`);
    const bytes = rgbaBytes($img, $img.dataSync(), alpha);
    const [height, width] = $img.shape.slice(0, 2);
    canvas.width = width;
    canvas.height = height;
    ctx.putImageData(new ImageData(bytes, width, height), 0, 0);
  } finally {
    if ($img !== image) $img.dispose();
  }
}

export const browser = {fromPixels, fromPixelsAsync, toPixels, draw};
