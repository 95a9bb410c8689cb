// The public API: what `import * as tf from 'wasm-layers'` exposes. Mirrors the
// names of @tensorflow/tfjs; see index.d.ts for the types.
import {getBackend as currentBackend} from './backends.js';
import {getCore, ready} from './core.js';

export {getThreadsCount, ready, setThreadsCount, setWasmLoader, setWasmPaths} from './core.js';
import {fitInWorker as fitInWorkerOn} from './worker_fit.js';
export {Tensor, TensorBuffer, buffer, tensor, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, scalar, memory, dispose} from './tensor.js';
export {Layer, LayerVariable, RNN, SymbolicTensor, layers} from './layers.js';
export {constraints, initializers, regularizers} from './initializers.js';
export {LayersModel, Sequential, input, model, sequential} from './models.js';
export {History} from './training.js';
export {train} from './optimizers.js';
export {io} from './io/index.js';
export {loadLayersModel} from './model_io.js';
export {GraphModel, deregisterOp, loadGraphModel, loadGraphModelSync, registerOp} from './graph_model.js';  // tfjs-converter
import {modelFromJSON} from './model_io.js';
export const models = {modelFromJSON};
export {data} from './data.js';
export {Callback, callbacks} from './callbacks.js';
export {Variable, customGrad, disposeVariables, engine, grad, grads, keep, tidy, valueAndGrad, valueAndGrads, variable,
        variableGrads} from './engine.js';
import {ops} from './ops.js';

export {fused} from './ops.js';
export {Reduction, losses} from './losses.js';
export {metrics} from './metrics.js';
export {util} from './util.js';
export {ENV, Environment, disableDeprecationWarnings, enableDebugMode, enableProdMode, env, setPlatform} from './environment.js';
export {nextFrame, profile, time} from './profile.js';
export {multinomial, randomGamma, randomStandardNormal, randomUniformInt} from './random.js';

// The rest of tfjs 4.22's surface (issue 16): see surface.js, ops_extra.js, image.js, linalg.js.
export {
  AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer, AdamaxOptimizer, CallbackList, CustomCallback, EarlyStopping,
  InputSpec, MomentumOptimizer, OP_SCOPE_SUFFIX, Optimizer, OptimizerConstructors, RMSPropOptimizer, Rank, SGDOptimizer,
  broadcast_util, deprecationWarn, device_util, enclosingPowerOfTwo, op, registerCallbackConstructor, serialization,
  sumOutType, tensor_util, test_util, upcastType,
} from './surface.js';
export {linalg, math, signal} from './linalg.js';
export {string} from './strings.js';
export * as backend_util from './backend_util.js';  // eslint-disable-line camelcase
export {complex, fft, ifft, imag, irfft, real, rfft, spectral} from './complex.js';  // complex64 (issue 16)
import {sparseRaggedOps} from './sparse_ragged.js';
export {sparse} from './sparse_ragged.js';
export const {bitwiseAnd, dilation2d, maxPoolWithArgmax, raggedGather, raggedRange, raggedTensorToTensor} =
    sparseRaggedOps;
export {browser} from './browser.js';
import {extraOps} from './ops_extra.js';
import {imageExtras} from './image.js';
Object.assign(ops.image, imageExtras);
import {layers as layerFactories} from './layers.js';
import {input as inputFactory} from './models.js';
layerFactories.input = inputFactory;  // tfjs's tf.layers.input is tf.input
import './layer_members.js';  // Layer/LayersModel/SymbolicTensor members tfjs declares public
import './layer_internals.js';  // losses, call hooks, inputSpec, compiled functions (issue 16)
import './data_sources.js';  // tf.data.func, csv, CSVDataset, TextLineDataset, File/URLDataSource
import './data_media.js';  // tf.data.webcam, microphone (browser media streams)
export const {
  batchToSpaceND, spaceToBatchND, depthToSpace, bincount, denseBincount, broadcastArgs, clone, cumprod, cosineWindow,
  euclideanNorm, movingAverage, diag, ensureShape, meshgrid, gatherND, scatterND, tensorScatterUpdate, unsortedSegmentSum,
  sparseToDense, searchSorted, lowerBound, upperBound, inTopKAsync, unique, whereAsync, booleanMaskAsync, setdiff1dAsync,
  pool, basicLSTMCell, multiRNNCell, rand, print, concat1d, concat2d, concat3d, concat4d, reverse1d, reverse2d, reverse3d,
  reverse4d, slice1d, slice2d, slice3d, slice4d, pad1d, pad2d, pad3d, pad4d, batchNorm2d, batchNorm3d, batchNorm4d,
} = extraOps;

export const {
  neg, abs, sign, square, sqrt, rsqrt, reciprocal, exp, expm1, log, log1p, round, floor, ceil, relu, relu6, elu,
  selu, sigmoid, logSigmoid, softplus, softsign, tanh, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh,
  atanh, erf, isNaN, isFinite, isInf, logicalNot, add, sub, mul, div, divNoNan, floorDiv, mod, pow, maximum, minimum,
  squaredDifference, atan2, equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalXor,
  leakyRelu, step, prelu, clipByValue, where, addN, cast, softmax, logSoftmax, dropout, sum, mean, max, min, prod,
  all, any, logSumExp, argMax, argMin, cumsum, moments, norm, reshape, broadcastTo, transpose, slice, stridedSlice,
  reverse, concat, stack, unstack, split, pad, mirrorPad, tile, gather, expandDims, squeeze, oneHot, topk, matMul, dot,
  outerProduct, einsum, fill, zeros, ones, zerosLike, onesLike, range, linspace, eye, randomNormal, truncatedNormal,
  randomUniform, conv1d, conv2d, conv3d, conv2dTranspose, conv3dTranspose, depthwiseConv2d, separableConv2d,
  maxPool, avgPool, maxPool3d, avgPool3d, batchNorm, localResponseNormalization, image,
} = ops;

// tfjs's keys for the packages whose API this one mirrors (core, layers, data,
// converter and the tfjs union), at the tfjs release it follows, plus this
// package's own. tfjs's backend packages are not part of it, so not listed.
const TFJS_VERSION = '4.22.0';
export const version = {'tfjs-core': TFJS_VERSION, 'tfjs-data': TFJS_VERSION, 'tfjs-layers': TFJS_VERSION,
                        'tfjs-converter': TFJS_VERSION, tfjs: TFJS_VERSION, 'wasm-layers': '0.1.0'};
export const version_core = TFJS_VERSION;  // eslint-disable-line camelcase
export const version_layers = TFJS_VERSION;  // eslint-disable-line camelcase
export const version_converter = TFJS_VERSION;  // eslint-disable-line camelcase

// Backends: the engine's one list (js/src/backends.js).
export {getBackend, setBackend, findBackend, removeBackend, registerBackend, backend, findBackendFactory, getKernel,
        getKernelsForBackend, registerKernel, unregisterKernel, registerGradient, unregisterGradient,
        copyRegisteredKernels, getGradient, KernelBackend, DataStorage} from './backends.js';

/** model.fit in a Web Worker, on the current backend (see worker_fit.js). */
export function fitInWorker(model, x, y, args, options) {
  return fitInWorkerOn(currentBackend(), model, x, y, args, options);
}
