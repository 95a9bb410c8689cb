// tf.* ops: thin wrappers that convert arguments and call the engine's op
// registry by name (runOp). Each is also a chainable Tensor method where tfjs
// has one. To add an op: register it in C++ (cpp/ops/*.cc), add its wrapper
// here, and its line to tests/node/ops_parity.test.mjs.
import {fromVector, getCore, vectorOf} from './core.js';
import {variable} from './engine.js';
import {profileOp} from './profile.js';
import {isStringLike, withStrings} from './strings.js';
import {Tensor, assertShape, complexUnsupported, makeTensorFromFlat, notNumericError, tensor} from './tensor.js';
import {expandEllipsis, inferDtype, makeZerosTypedArray} from './util.js';

// The ops whose arguments tfjs parses as one dtype ('op', or 'op.arg' for one argument):
// a string argument's message names that dtype instead of 'numeric'.
const PARSE_AS = {};
for (const op of ['avgPool', 'avgPool3d', 'ceil', 'conv2d', 'cos', 'cosh', 'depthToSpace', 'depthwiseConv2d', 'elu', 'floor',
                  'log', 'rsqrt', 'sigmoid', 'sin', 'softmax', 'sqrt', 'tan', 'tanh']) PARSE_AS[op] = 'float32';
for (const op of ['all', 'any', 'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'where.condition']) PARSE_AS[op] = 'bool';
for (const op of ['gather.indices', 'oneHot.indices']) PARSE_AS[op] = 'int32';

function stringArgError(name, op) {
  const as = PARSE_AS[`${op}.${name}`] || PARSE_AS[op];
  return as ? new Error(`Argument '${name}' passed to '${op}' must be ${as} tensor, but got string tensor`)
            : notNumericError(name, op);
}

/**
 * @internal Converts x to a Tensor; the returned `temp` flag says who disposes it.
 * Ops that reach here take numbers: a string tensor (or strings) fails with tfjs's
 * message, naming the argument and the op (strings.js routes the ops that take strings).
 */
function toTensor(x, name, op, dtype) {
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new Error(`Argument '${name}' passed to '${op}' is a disposed Tensor.`);
    if (x.dtype === 'string') throw stringArgError(name, op);
    return {t: x, temp: false};
  }
  if (isStringLike(x)) throw stringArgError(name, op);
  if (x == null || (typeof x !== 'number' && typeof x !== 'boolean' && !Array.isArray(x) && !ArrayBuffer.isView(x))) {
    throw new Error(`Argument '${name}' passed to '${op}' must be a Tensor or TensorLike, but got '${
        x === null ? 'null' : typeof x}'`);
  }
  return {t: tensor(x, undefined, dtype), temp: true};
}

// JSON has no NaN or Infinity (JSON.stringify writes null): they cross to the
// engine as {"$nonFinite": "NaN"}, which bindings/bindings.cc turns back.
const keepNonFinite = (key, value) =>
  typeof value === 'number' && !Number.isFinite(value) ? {$nonFinite: String(value)} : value;

/**
 * @internal The ops that accept complex64 tensors (complex.js fills it): op name ->
 * (input Tensors, attrs) => output Tensors. The engine holds float32 tensors only,
 * so every op reached with a complex64 input, or a cast to complex64, comes here;
 * any other op throws an Error naming it.
 */
export const complexHandlers = {};

function runComplex(op, tensors, attrs) {
  const handler = complexHandlers[op];
  if (!handler) throw complexUnsupported(op);
  return handler(tensors, attrs);
}

/** @internal Runs an engine op: inputs are Tensors or TensorLikes named in `names`. */
export function run(op, inputs, attrs = {}, names = ['x', 'y', 'z', 'w', 'v']) {
  const converted = inputs.map((x, i) => toTensor(x, names[i] || `inputs[${i}]`, op));
  if (converted.some(c => c.t.dtype === 'complex64') || (op === 'cast' && attrs.dtype === 'complex64')) {
    try {
      return runComplex(op, converted.map(c => c.t), attrs);
    } finally {
      converted.forEach(c => { if (c.temp) c.t.dispose(); });
    }
  }
  const v = vectorOf(converted.map(c => c.t.handle));
  try {
    return profileOp(op, converted.map(c => c.t),
                     () => fromVector(getCore().runOp(op, v, JSON.stringify(attrs, keepNonFinite))).map(h => new Tensor(h)));
  } finally {
    v.delete();
    converted.forEach(c => { if (c.temp) c.t.dispose(); });
  }
}

const one = (op, inputs, attrs, names) => run(op, inputs, attrs, names)[0];

// ---- elementwise ------------------------------------------------------------------

const UNARY = ['neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'expm1', 'log', 'log1p',
               'round', 'floor', 'ceil', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'logSigmoid', 'softplus',
               'softsign', 'tanh', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh',
               'atanh', 'erf', 'isNaN', 'isFinite', 'isInf', 'logicalNot'];
const BINARY = ['add', 'sub', 'mul', 'div', 'divNoNan', 'floorDiv', 'mod', 'pow', 'maximum', 'minimum',
                'squaredDifference', 'atan2', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
                'logicalAnd', 'logicalOr', 'logicalXor'];

export const ops = {};
for (const name of UNARY) ops[name] = x => one(name, [x]);
for (const name of BINARY) ops[name] = (a, b) => one(name, [a, b], {}, name === 'pow' ? ['base', 'exp'] : ['a', 'b']);

Object.assign(ops, {
  leakyRelu: (x, alpha = 0.2) => one('leakyRelu', [x], {alpha}),
  step: (x, alpha = 0) => one('step', [x], {alpha}),
  prelu: (x, alpha) => one('prelu', [x, alpha], {}, ['x', 'alpha']),
  clipByValue: (x, clipValueMin, clipValueMax) => one('clipByValue', [x], {clipValueMin, clipValueMax}),
  where: (condition, a, b) => one('where', [condition, a, b], {}, ['condition', 'a', 'b']),
  addN: tensors => {
    if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('addN: must pass an array of tensors');
    return one('addN', tensors, {}, tensors.map((_, i) => `tensors${i}`));  // tfjs's names
  },
  cast: (x, dtype) => {
    if (dtype === 'string') {
      toTensor(x, 'x', 'cast');  // a string x fails there first, as in tfjs
      throw new Error('Only strings can be casted to strings');
    }
    return one('cast', [x], {dtype});
  },
  softmax: (logits, dim = -1) => one('softmax', [logits], {dim}, ['logits']),
  logSoftmax: (logits, axis = -1) => one('logSoftmax', [logits], {axis}, ['logits']),
  // tfjs's dropout: scales kept units by 1 / (1 - rate); noiseShape broadcasts the mask.
  dropout: (x, rate, noiseShape, seed) => {
    if (isStringLike(x)) throw stringArgError('x', 'dropout');  // tfjs converts x first
    if (x instanceof Tensor && x.dtype !== 'float32') {
      throw new Error(`x has to be a floating point tensor since it's going to be scaled, but got a ${x.dtype} tensor instead.`);
    }
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be a float in the range [0, 1), but got ${rate}.`);
    if (rate === 0) return one('cast', [x], {dtype: 'float32'});
    const xt = x instanceof Tensor ? x : tensor(x);
    const shape = noiseShape || xt.shape;
    // As tfjs: floor(u + keepProb) / keepProb, in float32 (so a seed keeps tfjs's units).
    const keep = 1 - rate;
    const u = one('randomUniform', [], {shape, seed});
    const shifted = one('add', [u, keep]);
    const keepMask = one('floor', [shifted]);
    const scaled = one('div', [keepMask, keep]);
    const out = one('mul', [xt, scaled]);
    [u, shifted, keepMask, scaled].forEach(t => t.dispose());
    if (xt !== x) xt.dispose();
    return out;
  },
});

// ---- reductions --------------------------------------------------------------------

for (const name of ['sum', 'mean', 'max', 'min', 'prod', 'all', 'any', 'logSumExp']) {
  ops[name] = (x, axis = null, keepDims = false) => one(name, [x], {axis, keepDims});
}
Object.assign(ops, {
  argMax: (x, axis = 0) => one('argMax', [x], {axis}),
  argMin: (x, axis = 0) => one('argMin', [x], {axis}),
  cumsum: (x, axis = 0, exclusive = false, reverse = false) => one('cumsum', [x], {axis, exclusive, reverse}),
  moments: (x, axes = null, keepDims = false) => {
    const [mean, variance] = run('moments', [x], {axes, keepDims});
    return {mean, variance};
  },
  norm: (x, ord = 'euclidean', axis = null, keepDims = false) =>
      one('norm', [x], {ord: typeof ord === 'number' ? String(ord) : ord, axis, keepDims}),
});

// ---- shapes --------------------------------------------------------------------------

const listNames = (xs, name) => xs.map((_, i) => `${name}[${i}]`);
Object.assign(ops, {
  reshape: (x, shape) => one('reshape', [x], {shape}),
  broadcastTo: (x, shape) => one('broadcastTo', [x], {shape}),
  transpose: (x, perm) => one('transpose', [x], {perm}),
  slice: (x, begin, size) => one('slice', [x], {begin, size}),
  stridedSlice: (x, begin, end, strides, beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0,
                 shrinkAxisMask = 0) => {
    // The engine takes explicit specs: an ellipsis becomes full-range specs for the
    // dimensions it stands for (TensorFlow's semantics, as tfjs's slice_util).
    if (ellipsisMask) {
      let rank = 0;
      if (x instanceof Tensor) rank = x.rank;
      else for (let v = x; Array.isArray(v) || ArrayBuffer.isView(v); v = v[0]) rank++;
      ({begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask} =
           expandEllipsis(rank, begin, end, strides, {beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask}));
    }
    return one('stridedSlice', [x], {begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask});
  },
  reverse: (x, axis) => one('reverse', [x], {axis}),
  concat: (tensors, axis = 0) => {
    if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('concat: pass a non-empty array of tensors');
    return one('concat', tensors, {axis}, listNames(tensors, 'tensors'));
  },
  stack: (tensors, axis = 0) => {
    if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack: pass a non-empty array of tensors');
    return one('stack', tensors, {axis}, listNames(tensors, 'tensors'));
  },
  unstack: (x, axis = 0) => run('unstack', [x], {axis}),
  split: (x, numOrSizeSplits, axis = 0) => run('split', [x], {numOrSizeSplits, axis}),  // a number or sizes
  pad: (x, paddings, constantValue = 0) => one('pad', [x], {paddings, constantValue}),
  mirrorPad: (x, paddings, mode) => one('mirrorPad', [x], {paddings, mode}),
  tile: (x, reps) => one('tile', [x], {reps}),
  gather: (x, indices, axis = 0, batchDims = 0) => {
    if (isStringLike(indices)) throw stringArgError('indices', 'gather');
    const idx = indices instanceof Tensor ? indices : tensor(indices, undefined, 'int32');
    try {
      return one('gather', [x, idx], {axis, batchDims}, ['x', 'indices']);
    } finally {
      if (idx !== indices) idx.dispose();
    }
  },
  expandDims: (x, axis = 0) => one('expandDims', [x], {axis}),
  squeeze: (x, axis) => one('squeeze', [x], {axis}),
  oneHot: (indices, depth, onValue = 1, offValue = 0, dtype = 'int32') => {
    if (depth < 2) throw new Error(`Error in oneHot: depth must be >=2, but it is ${depth}`);
    if (indices instanceof Tensor && indices.dtype !== 'int32') {
      throw new Error(`Argument 'indices' passed to 'oneHot' must be int32 tensor, but got ${indices.dtype} tensor`);
    }
    if (isStringLike(indices)) throw stringArgError('indices', 'oneHot');
    const idx = indices instanceof Tensor ? indices : tensor(indices, undefined, 'int32');
    try {
      return one('oneHot', [idx], {depth, onValue, offValue, dtype}, ['indices']);
    } finally {
      if (idx !== indices) idx.dispose();
    }
  },
  topk: (x, k = 1, sorted = true) => {
    const [values, indices] = run('topk', [x], {k, sorted});
    return {values, indices};
  },
});

// ---- linear algebra ---------------------------------------------------------------

Object.assign(ops, {
  matMul: (a, b, transposeA = false, transposeB = false) =>
      one('matMul', [a, b], {transposeA, transposeB}, ['a', 'b']),
  dot: (t1, t2) => one('dot', [t1, t2], {}, ['t1', 't2']),
  outerProduct: (v1, v2) => one('outerProduct', [v1, v2], {}, ['v1', 'v2']),
  einsum: (equation, ...tensors) => one('einsum', tensors, {equation}, listNames(tensors, 'tensors')),
});

// ---- neural network ops (cpp/ops/conv.cc) ------------------------------------------

const pair = v => (Array.isArray(v) ? v : [v, v]);
const triple = v => (Array.isArray(v) ? v : [v, v, v]);
// As tfjs (checkPadOnDimRoundingMode): a rounding mode goes with an integer pad only,
// not 'same'/'valid' (where it would be ignored).
function roundedPad(op, pad, dimRoundingMode) {
  if (dimRoundingMode == null) return pad;
  const msg = v => `Error in ${op}: pad must be an integer when using dimRoundingMode ${dimRoundingMode} but got pad ${v}.`;
  if (typeof pad === 'string') throw new Error(msg(pad));
  if (typeof pad === 'number' && !Number.isInteger(pad)) throw new Error(msg(pad));
  if (Array.isArray(pad)) pad.flat().forEach(v => { if (!Number.isInteger(v)) throw new Error(msg(v)); });
  return pad;
}
Object.assign(ops, {
  conv1d: (x, filter, stride, pad, dataFormat = 'NWC', dilation = 1, dimRoundingMode) =>
      one('conv1d', [x, filter], {stride, pad: roundedPad('conv1d', pad, dimRoundingMode), dataFormat, dilation,
                                  dimRoundingMode}, ['x', 'filter']),
  conv2d: (x, filter, strides, pad, dataFormat = 'NHWC', dilations = [1, 1], dimRoundingMode) =>
      one('conv2d', [x, filter], {strides: pair(strides), pad: roundedPad('conv2d', pad, dimRoundingMode), dataFormat,
                                  dilations: pair(dilations), dimRoundingMode}, ['x', 'filter']),
  conv3d: (x, filter, strides, pad, dataFormat = 'NDHWC', dilations = [1, 1, 1]) =>
      one('conv3d', [x, filter], {strides: triple(strides), pad, dataFormat, dilations: triple(dilations)}, ['x', 'filter']),
  conv2dTranspose: (x, filter, outputShape, strides, pad, dimRoundingMode) =>
      one('conv2dTranspose', [x, filter], {outputShape, strides: pair(strides),
                                          pad: roundedPad('conv2dTranspose', pad, dimRoundingMode), dimRoundingMode},
          ['x', 'filter']),
  conv3dTranspose: (x, filter, outputShape, strides, pad) =>
      one('conv3dTranspose', [x, filter], {outputShape, strides: triple(strides), pad}, ['x', 'filter']),
  depthwiseConv2d: (x, filter, strides, pad, dataFormat = 'NHWC', dilations = [1, 1], dimRoundingMode) =>
      one('depthwiseConv2d', [x, filter], {strides: pair(strides), pad: roundedPad('depthwiseConv2d', pad, dimRoundingMode),
                                          dataFormat, dilations: pair(dilations), dimRoundingMode}, ['x', 'filter']),
  separableConv2d: (x, depthwiseFilter, pointwiseFilter, strides, pad, dilation = [1, 1], dataFormat = 'NHWC') =>
      one('separableConv2d', [x, depthwiseFilter, pointwiseFilter],
          {strides: pair(strides), pad, dilation: pair(dilation), dataFormat},
          ['x', 'depthwiseFilter', 'pointwiseFilter']),
  maxPool: (x, filterSize, strides, pad, dimRoundingMode) =>
      one('maxPool', [x], {filterSize: pair(filterSize), strides: pair(strides),
                           pad: roundedPad('maxPool', pad, dimRoundingMode), dimRoundingMode}),
  avgPool: (x, filterSize, strides, pad, dimRoundingMode) =>
      one('avgPool', [x], {filterSize: pair(filterSize), strides: pair(strides),
                           pad: roundedPad('avgPool', pad, dimRoundingMode), dimRoundingMode}),
  maxPool3d: (x, filterSize = [1, 1, 1], strides, pad, dimRoundingMode, dataFormat = 'NDHWC') =>
      one('maxPool3d', [x], {filterSize: triple(filterSize), strides: triple(strides == null ? filterSize : strides), pad,
                            dimRoundingMode, dataFormat}),
  avgPool3d: (x, filterSize = [1, 1, 1], strides, pad, dimRoundingMode, dataFormat = 'NDHWC') =>
      one('avgPool3d', [x], {filterSize: triple(filterSize), strides: triple(strides == null ? filterSize : strides), pad,
                            dimRoundingMode, dataFormat}),
  batchNorm: (x, mean, variance, offset, scale, varianceEpsilon = 0.001) => {
    const inputs = [x, mean, variance];
    if (offset != null) inputs.push(offset);
    if (scale != null) inputs.push(scale);
    return one('batchNorm', inputs, {hasOffset: offset != null, hasScale: scale != null, varianceEpsilon},
               ['x', 'mean', 'variance', offset != null ? 'offset' : 'scale', 'scale']);
  },
  localResponseNormalization: (x, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5) =>
      one('localResponseNormalization', [x], {depthRadius, bias, alpha, beta}),
});
ops.image = {
  resizeBilinear: (images, size, alignCorners = false, halfPixelCenters = false) =>
      one('resizeBilinear', [images], {size, alignCorners, halfPixelCenters}, ['images']),
  resizeNearestNeighbor: (images, size, alignCorners = false, halfPixelCenters = false) =>
      one('resizeNearestNeighbor', [images], {size, alignCorners, halfPixelCenters}, ['images']),
};

// ---- creation ------------------------------------------------------------------------

/**
 * tfjs's range (its cpu rangeImpl): each value is the previous one plus `step`,
 * stored in the dtype's array, so an int32 range with a fractional step
 * accumulates truncated values ([0, 1, 2, 3] for range(0, 5, 1.5, 'int32')).
 * Without `stop` (range(5)) the range is empty, as in tfjs.
 */
function range(start, stop, step = 1, dtype = 'float32') {
  if (step === 0) throw new Error('Cannot have a step of zero');
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1) || stop == null;
  const n = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  const values = makeZerosTypedArray(n, dtype);
  if (stop < start && step === 1) step = -1;  // the default step counts down a decreasing range
  if (n > 0) values[0] = start;
  for (let i = 1; i < n; i++) values[i] = values[i - 1] + step;
  return makeTensorFromFlat(values, [n], dtype);
}

const shapeOf = shape => {
  assertShape(shape);
  return shape;
};
Object.assign(ops, {
  fill: (shape, value, dtype) =>
      one('fill', [], {shape: shapeOf(shape), value: Number(value), dtype: dtype || inferDtype(value)}),
  zeros: (shape, dtype = 'float32') => one('fill', [], {shape: shapeOf(shape), value: 0, dtype}),
  ones: (shape, dtype = 'float32') => one('fill', [], {shape: shapeOf(shape), value: 1, dtype}),
  zerosLike: x => {
    const {t, temp} = toTensor(x, 'x', 'zerosLike');
    if (t.dtype === 'complex64') return runComplex('zerosLike', [t], {})[0];
    const out = one('fill', [], {shape: t.shape, value: 0, dtype: t.dtype});
    if (temp) t.dispose();
    return out;
  },
  onesLike: x => {
    const {t, temp} = toTensor(x, 'x', 'onesLike');
    if (t.dtype === 'complex64') return runComplex('onesLike', [t], {})[0];
    const out = one('fill', [], {shape: t.shape, value: 1, dtype: t.dtype});
    if (temp) t.dispose();
    return out;
  },
  range,
  linspace: (start, stop, num) => {
    if (num <= 0) throw new Error('The number of values should be positive.');
    return one('linspace', [], {start, stop, num});
  },
  eye: (numRows, numColumns, batchShape, dtype = 'float32') => {
    if (batchShape != null && batchShape.length > 3) {
      throw new Error(`eye() currently supports only 1D and 2D batchShapes, but received ${batchShape.length}D.`);
    }
    return one('eye', [], {numRows, numColumns: numColumns == null ? numRows : numColumns, batchShape, dtype});
  },
  randomNormal: (shape, mean = 0, stdDev = 1, dtype = 'float32', seed) =>
      one('randomNormal', [], {shape: shapeOf(shape), mean, stdDev, dtype, seed}),
  truncatedNormal: (shape, mean = 0, stdDev = 1, dtype = 'float32', seed) =>
      one('truncatedNormal', [], {shape: shapeOf(shape), mean, stdDev, dtype, seed}),
  randomUniform: (shape, minval = 0, maxval = 1, dtype = 'float32', seed) =>
      one('randomUniform', [], {shape: shapeOf(shape), minval, maxval, dtype, seed}),
});

// ---- string tensors: the ops tfjs also runs on them (strings.js) -------------------
withStrings(ops);

// ---- Tensor methods (chainable: x.add(y).relu().sum()) ----------------------------

const NOT_METHODS = new Set(['image', 'addN', 'concat', 'stack', 'fill', 'zeros', 'ones', 'range', 'linspace', 'eye',
                             'randomNormal', 'truncatedNormal', 'randomUniform', 'einsum', 'where', 'outerProduct']);
for (const [name, fn] of Object.entries(ops)) {
  if (NOT_METHODS.has(name)) continue;
  Tensor.prototype[name] = function(...args) { return fn(this, ...args); };
}
Object.assign(Tensor.prototype, {
  clone() { return this.dtype === 'complex64' ? runComplex('clone', [this], {})[0] : new Tensor(getCore().cloneTensor(this.handle)); },
  flatten() { return ops.reshape(this, [this.size]); },
  asScalar() { return ops.reshape(this, []); },
  as1D() { return ops.reshape(this, [this.size]); },
  as2D(rows, columns) { return ops.reshape(this, [rows, columns]); },
  as3D(rows, columns, depth) { return ops.reshape(this, [rows, columns, depth]); },
  as4D(rows, columns, depth, depth2) { return ops.reshape(this, [rows, columns, depth, depth2]); },
  asType(dtype) { return ops.cast(this, dtype); },
  toFloat() { return ops.cast(this, 'float32'); },
  toInt() { return ops.cast(this, 'int32'); },
  toBool() { return ops.cast(this, 'bool'); },
  reshapeAs(x) { return ops.reshape(this, x.shape); },
  broadcastTo(shape) { return ops.broadcastTo(this, shape); },
  variable(trainable = true, name, dtype) { return variable(this, trainable, name, dtype); },
});

// ---- tf.fused (cpp/ops/fused.cc): the product, + bias, then the activation; at
// inference the kernel applies bias and relu/relu6 as it stores its output.

function fusedTail(inputs, names, {bias, activation = 'linear', preluActivationWeights, leakyreluAlpha = 0.2}) {
  const attrs = {activation, leakyreluAlpha, hasBias: bias != null, hasPrelu: preluActivationWeights != null};
  if (bias != null) { inputs.push(bias); names.push('bias'); }
  if (preluActivationWeights != null) { inputs.push(preluActivationWeights); names.push('preluActivationWeights'); }
  return attrs;
}

export const fused = {
  matMul: ({a, b, transposeA = false, transposeB = false, ...rest}) => {
    const inputs = [a, b], names = ['a', 'b'];
    const attrs = fusedTail(inputs, names, rest);
    return one('fusedMatMul', inputs, {...attrs, transposeA, transposeB}, names);
  },
  conv2d: ({x, filter, strides, pad, dataFormat = 'NHWC', dilations = [1, 1], dimRoundingMode, ...rest}) => {
    const inputs = [x, filter], names = ['x', 'filter'];
    const attrs = fusedTail(inputs, names, rest);
    return one('fusedConv2d', inputs, {...attrs, strides: pair(strides), pad, dataFormat, dilations: pair(dilations),
                                       dimRoundingMode}, names);
  },
  depthwiseConv2d: ({x, filter, strides, pad, dataFormat = 'NHWC', dilations = [1, 1], dimRoundingMode, ...rest}) => {
    const inputs = [x, filter], names = ['x', 'filter'];
    const attrs = fusedTail(inputs, names, rest);
    return one('fusedDepthwiseConv2d', inputs, {...attrs, strides: pair(strides), pad, dataFormat,
                                                dilations: pair(dilations), dimRoundingMode}, names);
  },
};
