// The smaller parts of tfjs 4.22's public surface (issue 16): enums and constants,
// tf.op, the dtype helpers, tf.broadcast_util, tf.device_util, tf.tensor_util,
// tf.test_util, tfjs's CallbackList and callback-constructor registry, InputSpec,
// tf.serialization's classes and OptimizerConstructors.
import {Callback, CustomCallback, EarlyStopping} from './callbacks.js';
import {engine} from './engine.js';
import {env} from './environment.js';
import {
  AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer, AdamaxOptimizer, MomentumOptimizer, Optimizer, RMSPropOptimizer,
  SGDOptimizer, train,
} from './optimizers.js';
import {registerClass} from './serialization.js';
import {Tensor} from './tensor.js';
import {arraysEqual, encodeString, isTypedArray} from './util.js';

export {AdadeltaOptimizer, AdagradOptimizer, AdamOptimizer, AdamaxOptimizer, MomentumOptimizer, Optimizer,
        RMSPropOptimizer, SGDOptimizer, CustomCallback, EarlyStopping};

/** tfjs's Rank enum. */
export const Rank = Object.freeze({R0: 'R0', R1: 'R1', R2: 'R2', R3: 'R3', R4: 'R4', R5: 'R5', R6: 'R6'});

export const OP_SCOPE_SUFFIX = '__op';

/**
 * tf.op({name: fn}): fn as an op: tensors it makes in between are disposed when it
 * returns (the result is kept), as tfjs's op scope does.
 */
export function op(f) {
  const keys = f == null ? [] : Object.keys(f);
  if (keys.length !== 1) {
    throw new Error('Please provide an object with a single key (operation name) mapping to a function. Got an ' +
                    `object with ${keys.length} keys.`);
  }
  let opName = keys[0];
  const fn = f[opName];
  if (opName.endsWith('_')) opName = opName.substring(0, opName.length - 1);
  opName = opName + OP_SCOPE_SUFFIX;
  const f2 = (...args) => {
    const e = engine();
    e.startScope(opName);
    try {
      const result = fn(...args);
      if (result instanceof Promise) console.error('Cannot return a Promise inside of tidy.');
      e.endScope(result);
      return result;
    } catch (ex) {
      e.endScope(null);
      throw ex;
    }
  };
  Object.defineProperty(f2, 'name', {value: opName, configurable: true});
  return f2;
}

export function deprecationWarn(msg) {
  if (env().getBool('DEPRECATION_WARNINGS_ENABLED')) {
    console.warn(`${msg} You can disable deprecation warnings with tf.disableDeprecationWarnings().`);
  }
}

/** The smallest power of two >= value. */
export function enclosingPowerOfTwo(value) {
  return Math.floor(Math.pow(2, Math.ceil(Math.log(value) / Math.log(2.0))));
}

const UPCAST = {
  int32: {float32: 'float32', int32: 'int32', bool: 'int32', complex64: 'complex64'},
  bool: {float32: 'float32', int32: 'int32', bool: 'bool', complex64: 'complex64'},
  float32: {float32: 'float32', int32: 'float32', bool: 'float32', complex64: 'complex64'},
  complex64: {float32: 'complex64', int32: 'complex64', bool: 'complex64', complex64: 'complex64'},
};

export function upcastType(typeA, typeB) {
  if (typeA === 'string' || typeB === 'string') {
    if (typeA === 'string' && typeB === 'string') return 'string';
    throw new Error(`Can not upcast ${typeA} with ${typeB}`);
  }
  return UPCAST[typeA][typeB];
}

/** The dtype of a sum: int32 for bool. */
export function sumOutType(type) {
  return upcastType(type, 'int32');
}

// ---- tf.broadcast_util ---------------------------------------------------------------

function assertAndGetBroadcastShape(shapeA, shapeB) {
  const l = Math.max(shapeA.length, shapeB.length);
  const result = new Array(l);
  for (let i = 0; i < l; i++) {
    let a = shapeA[shapeA.length - i - 1];
    if (a == null) a = 1;
    let b = shapeB[shapeB.length - i - 1];
    if (b == null) b = 1;
    if (a === 1) {
      result[l - i - 1] = b;
    } else if (b === 1) {
      result[l - i - 1] = a;
    } else if (a !== b) {
      throw Error(`Operands could not be broadcast together with shapes ${shapeA} and ${shapeB}.`);
    } else {
      result[l - i - 1] = a;
    }
  }
  return result;
}

function getBroadcastDims(inShape, outShape) {
  const inRank = inShape.length;
  const dims = [];
  for (let i = 0; i < inRank; i++) {
    const dim = inRank - 1 - i;
    const a = inShape[dim] || 1;
    const b = outShape[outShape.length - 1 - i] || 1;
    if (b > 1 && a === 1) dims.unshift(dim);
  }
  return dims;
}

function getReductionAxes(inShape, outShape) {
  const result = [];
  for (let i = 0; i < outShape.length; i++) {
    const inDim = inShape[inShape.length - i - 1];
    const outAxis = outShape.length - i - 1;
    const outDim = outShape[outAxis];
    if (inDim == null || (inDim === 1 && outDim > 1)) result.unshift(outAxis);
  }
  return result;
}

export const broadcast_util = {assertAndGetBroadcastShape, getBroadcastDims, getReductionAxes};  // eslint-disable-line camelcase

// ---- tf.device_util ------------------------------------------------------------------

let mobileOverride;
export const device_util = {  // eslint-disable-line camelcase
  isBrowser: () => (typeof window !== 'undefined' && window.document != null) ||
      (typeof WorkerGlobalScope !== 'undefined'),  // eslint-disable-line no-undef
  isMobile(nav) {
    if (mobileOverride !== undefined) return mobileOverride;
    if (nav == null) {
      if (typeof navigator === 'undefined' || navigator == null) return false;
      nav = navigator;
    }
    if (nav.product === 'ReactNative') return true;
    const a = nav.userAgent || nav.vendor || (typeof window !== 'undefined' ? window.opera : '');
    if (!a) return nav.userAgentData != null && nav.userAgentData.mobile;
    return /Android|webOS|iPhone|iPad|iPod|BlackBerry|IEMobile|Opera Mini|Mobile|mobile/i.test(a);
  },
  mockIsMobile(value) {
    mobileOverride = value;
  },
};

// ---- tf.tensor_util ------------------------------------------------------------------

function getTensorsInContainer(result) {
  const list = [];
  const walk = (c, seen) => {
    if (c == null) return;
    if (c instanceof Tensor) {
      list.push(c);
      return;
    }
    if (typeof c !== 'object' || isTypedArray(c) || seen.has(c)) return;
    seen.add(c);
    for (const k in c) walk(c[k], seen);
  };
  walk(result, new Set());
  return list;
}

export const tensor_util = {  // eslint-disable-line camelcase
  assertTypesMatch(a, b) {
    if (a.dtype !== b.dtype) {
      throw new Error(`The dtypes of the first(${a.dtype}) and second(${b.dtype}) input must match`);
    }
  },
  getTensorsInContainer,
  isTensorInList: (tensor, tensorList) => tensorList.some(x => x.id === tensor.id),
  makeTypesMatch(a, b) {
    if (a.dtype === b.dtype) return [a, b];
    const dtype = upcastType(a.dtype, b.dtype);
    return [a.cast(dtype), b.cast(dtype)];
  },
};

// ---- tf.test_util (tfjs's assertions for tests; they throw Errors) --------------------

const TEST_EPSILON_FLOAT32 = 1e-3;
const TEST_EPSILON_FLOAT16 = 1e-1;
const valuesOf = v => {
  if (v instanceof Tensor) return Array.from(v.dataSync());
  if (isTypedArray(v)) return Array.from(v);
  if (Array.isArray(v)) return v.flat(Infinity);
  return [v];
};
const shapeOf = v => {
  if (v instanceof Tensor) return v.shape;
  const shape = [];
  for (let x = v; Array.isArray(x) || isTypedArray(x); x = x[0]) shape.push(x.length);
  return shape;
};
function expectArraysPredicate(actual, expected, predicate) {
  let checkClassType = true;
  if (isTypedArray(actual) || isTypedArray(expected)) checkClassType = false;
  if (isTypedArray(actual) && isTypedArray(expected)) checkClassType = true;
  if (checkClassType) {
    const aType = actual.constructor.name, bType = expected.constructor.name;
    if (aType !== bType) throw new Error(`Arrays are of different type. Actual: ${aType}. Expected: ${bType}`);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const actualShape = shapeOf(actual), expectedShape = shapeOf(expected);
    if (!arraysEqual(actualShape, expectedShape)) {
      throw new Error(`Arrays have different shapes. Actual: [${actualShape}]. Expected: [${expectedShape}]`);
    }
  }
  const a = valuesOf(actual), e = valuesOf(expected);
  if (a.length !== e.length) {
    throw new Error(`Arrays have different lengths actual: ${a.length} vs expected: ${e.length}.\n` +
                    `Actual:   ${a}.\nExpected: ${e}.`);
  }
  for (let i = 0; i < e.length; ++i) {
    if (!predicate(a[i], e[i])) {
      throw new Error(`Arrays differ: actual[${i}] = ${a[i]}, expected[${i}] = ${e[i]}.\n` +
                      `Actual:   ${a}.\nExpected: ${e}.`);
    }
  }
}
function areClose(a, e, epsilon) {
  if (!isFinite(a) && !isFinite(e)) return true;
  return !(isNaN(a) || isNaN(e) || Math.abs(a - e) > epsilon);
}
const testEpsilon = () => TEST_EPSILON_FLOAT32;  // float32 backends only

export const test_util = {  // eslint-disable-line camelcase
  TEST_EPSILON_FLOAT16,
  testEpsilon,
  expectArraysClose(actual, expected, epsilon) {
    if (epsilon == null) epsilon = testEpsilon();
    expectArraysPredicate(actual, expected, (a, b) => areClose(a, b, epsilon));
  },
  expectArraysEqual(actual, expected) {
    const exp = typeof expected === 'string' || typeof expected === 'number' || typeof expected === 'boolean'
        ? [expected] : expected;
    if (typeof actual === 'string' || typeof exp[0] === 'string') {
      return expectArraysPredicate(actual, exp, (a, b) => a == b);  // eslint-disable-line eqeqeq
    }
    return expectArraysPredicate(actual, expected, (a, b) => areClose(a, b, 0));
  },
  expectNumbersClose(a, e, epsilon) {
    if (epsilon == null) epsilon = testEpsilon();
    if (!areClose(a, e, epsilon)) throw new Error(`Numbers differ: actual === ${a}, expected === ${e}`);
  },
  expectPromiseToFail(fn, done) {
    fn().then(() => done.fail(), () => done());
  },
  expectValuesInRange(actual, low, high) {
    for (let i = 0; i < actual.length; i++) {
      if (actual[i] < low || actual[i] > high) {
        throw new Error(`Value out of range:${actual[i]} low: ${low}, high: ${high}`);
      }
    }
  },
  expectArrayBuffersEqual(actual, expected) {
    const a = new Float32Array(actual), e = new Float32Array(expected);
    if (a.length !== e.length) throw new Error(`Expected ArrayBuffer to be of length ${e.length}, but it was ${a.length}`);
    for (let i = 0; i < e.length; i++) {
      if (a[i] !== e[i]) throw new Error(`Expected ArrayBuffer value at ${i} to be ${e[i]} but got ${a[i]} instead`);
    }
  },
  encodeStrings(a) {
    for (let i = 0; i < a.length; i++) {
      const val = a[i];
      if (Array.isArray(val)) test_util.encodeStrings(val);
      else a[i] = encodeString(val);
    }
    return a;
  },
  /** A muted, looping <video> element playing `source` (browsers only). */
  async createVideoElement(source) {
    if (typeof document === 'undefined') throw new Error('createVideoElement needs a browser document');
    const video = document.createElement('video');
    if ('playsInline' in video) video.playsInline = true;
    video.muted = true;
    video.loop = true;
    video.style.position = 'fixed';
    video.style.left = '0px';
    video.style.top = '0px';
    video.preload = 'auto';
    video.appendChild(source);
    return new Promise(resolve => {
      video.addEventListener('loadeddata', () => resolve(video));
      video.load();
    });
  },
  async play(video) {
    await video.play();
    if ('requestVideoFrameCallback' in video) {
      await new Promise(resolve => { video.requestVideoFrameCallback(resolve); });
    }
  },
};

// ---- callbacks: tfjs's CallbackList and the callback-constructor registry -----------------

/** tfjs's CallbackList: calls each callback in order, awaiting each. */
export class CallbackList {
  constructor(callbacks, queueLength = 10) {
    this.callbacks = callbacks == null ? [] : callbacks;
    this.queueLength = queueLength;
  }

  append(callback) {
    this.callbacks.push(callback);
  }

  setParams(params) {
    for (const callback of this.callbacks) callback.setParams(params);
  }

  setModel(model) {
    for (const callback of this.callbacks) callback.setModel(model);
  }

  async onEpochBegin(epoch, logs) {
    for (const callback of this.callbacks) await callback.onEpochBegin(epoch, logs == null ? {} : logs);
  }

  async onEpochEnd(epoch, logs) {
    for (const callback of this.callbacks) await callback.onEpochEnd(epoch, logs == null ? {} : logs);
  }

  async onBatchBegin(batch, logs) {
    for (const callback of this.callbacks) await callback.onBatchBegin(batch, logs == null ? {} : logs);
  }

  async onBatchEnd(batch, logs) {
    for (const callback of this.callbacks) await callback.onBatchEnd(batch, logs == null ? {} : logs);
  }

  async onTrainBegin(logs) {
    for (const callback of this.callbacks) await callback.onTrainBegin(logs == null ? {} : logs);
  }

  async onTrainEnd(logs) {
    for (const callback of this.callbacks) await callback.onTrainEnd(logs == null ? {} : logs);
  }
}

export {registerCallbackConstructor} from './callbacks.js';

// ---- InputSpec -------------------------------------------------------------------------------

/** tfjs's InputSpec: what a layer expects of its input (rank, dtype, axes). */
export class InputSpec {
  constructor(args) {
    this.dtype = args.dtype;
    this.shape = args.shape;
    if (args.shape != null) this.ndim = args.shape.length;
    else this.ndim = args.ndim;
    this.maxNDim = args.maxNDim;
    this.minNDim = args.minNDim;
    this.axes = args.axes || {};
  }
}

// ---- tf.serialization ---------------------------------------------------------------------------

/** tfjs's Serializable: getClassName() is the class's static className; fromConfig calls `new cls(config)`. */
export class Serializable {
  getClassName() {
    return this.constructor.className;
  }

  static fromConfig(cls, config) {
    return new cls(config);
  }
}

/** tfjs's registry of serializable classes (a singleton); register() is tf.serialization.registerClass. */
export class SerializationMap {
  constructor() {
    this.classNameMap = {};
  }

  static getMap() {
    if (SerializationMap.instance == null) SerializationMap.instance = new SerializationMap();
    return SerializationMap.instance;
  }

  static register(cls) {
    registerSerializable(cls);
  }
}

function registerSerializable(cls, pkg, name) {
  if (cls == null || typeof cls.className !== 'string' || cls.className.length === 0) {
    throw new Error('Class being registered does not have the static className property defined.');
  }
  if (typeof cls.fromConfig !== 'function') {
    throw new Error('Class being registered does not have the static fromConfig() method defined.');
  }
  if (pkg != null && pkg.includes('>')) throw new Error('Package name cannot contain \'>\'.');
  if (name != null) cls.className = name;
  const registered = pkg != null ? `${pkg}>${cls.className}` : cls.className;
  registeredNames.set(cls, registered);
  SerializationMap.getMap().classNameMap[registered] = [cls, cls.fromConfig];
  registerClass(cls);
  return cls;
}

const registeredNames = new Map();

export const serialization = {
  registerClass: registerSerializable,
  getRegisteredName(cls) {
    return registeredNames.has(cls) ? registeredNames.get(cls) : cls.className;
  },
  Serializable,
  SerializationMap,
};

// ---- OptimizerConstructors -----------------------------------------------------------------------

export class OptimizerConstructors {
  static sgd(learningRate) { return train.sgd(learningRate); }
  static momentum(learningRate, momentum, useNesterov = false) {
    return train.momentum(learningRate, momentum, useNesterov);
  }
  static rmsprop(learningRate, decay = 0.9, momentum = 0.0, epsilon = null, centered = false) {
    return train.rmsprop(learningRate, decay, momentum, epsilon, centered);
  }
  static adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = null) {
    return train.adam(learningRate, beta1, beta2, epsilon);
  }
  static adadelta(learningRate = 0.001, rho = 0.95, epsilon = null) {
    return train.adadelta(learningRate, rho, epsilon);
  }
  static adamax(learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon = null, decay = 0.0) {
    return train.adamax(learningRate, beta1, beta2, epsilon, decay);
  }
  static adagrad(learningRate, initialAccumulatorValue = 0.1) {
    return train.adagrad(learningRate, initialAccumulatorValue);
  }
}

export {Callback};
