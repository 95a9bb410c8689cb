// The backend list is the engine's (cpp/core/backend.h, BackendRegistry): one list
// that C++, this API and the tests read. tfjs's backend names: 'cpu' is the scalar
// reference backend (the oracle), 'wasm' the SIMD backend, which falls back to
// 'cpu' for kernels it lacks; each backend names the next in its fallback chain.
import {getCore, ready} from './core.js';

// tfjs's KernelBackend (tfjs-core/src/backends/backend.ts): the base class of JS
// backends, whose methods throw until a backend implements them. Backends here are
// engine objects; tf.backend() and tf.findBackend() return views of them that extend
// this class (so `instanceof tf.KernelBackend` holds, as in tfjs).
export const EPSILON_FLOAT32 = 1e-7;
export const EPSILON_FLOAT16 = 1e-4;

function notYetImplemented(kernelName) {
  throw new Error(`'${kernelName}' not yet implemented or not found in the registry. ` +
                  'This kernel may not be supported by the tfjs backend you have chosen');
}

export class KernelBackend {
  refCount(dataId) { return notYetImplemented('refCount'); }
  incRef(dataId) { return notYetImplemented('incRef'); }
  timerAvailable() { return true; }
  time(f) { return notYetImplemented('time'); }
  read(dataId) { return notYetImplemented('read'); }
  readSync(dataId) { return notYetImplemented('readSync'); }
  readToGPU(dataId, options) { return notYetImplemented('readToGPU'); }
  numDataIds() { return notYetImplemented('numDataIds'); }
  disposeData(dataId, force) { return notYetImplemented('disposeData'); }
  write(values, shape, dtype) { return notYetImplemented('write'); }
  move(dataId, values, shape, dtype, refCount) { return notYetImplemented('move'); }
  createTensorFromGPUData(values, shape, dtype) { return notYetImplemented('createTensorFromGPUData'); }
  memory() { return notYetImplemented('memory'); }
  floatPrecision() { return notYetImplemented('floatPrecision'); }
  epsilon() { return this.floatPrecision() === 32 ? EPSILON_FLOAT32 : EPSILON_FLOAT16; }
  dispose() { return notYetImplemented('dispose'); }
}

/**
 * tfjs's DataStorage: a backend's map from data ids (objects) to its records. get()
 * of an id it lacks asks the data mover to move that data here first.
 */
export class DataStorage {
  constructor(backend, dataMover) {
    this.backend = backend;
    this.dataMover = dataMover;
    this.data = new WeakMap();
    this.dataIdsCount = 0;
  }

  get(dataId) {
    if (!this.data.has(dataId)) this.dataMover.moveData(this.backend, dataId);
    return this.data.get(dataId);
  }

  set(dataId, value) {
    this.dataIdsCount++;
    this.data.set(dataId, value);
  }

  has(dataId) {
    return this.data.has(dataId);
  }

  delete(dataId) {
    this.dataIdsCount--;
    return this.data.delete(dataId);
  }

  numDataIds() {
    return this.dataIdsCount;
  }
}

/** What tf.findBackend / tf.engine().backend return: a view of one engine backend. */
export class KernelBackendInfo extends KernelBackend {
  constructor(info) {
    super();
    this.name = info.name;
    this.priority = info.priority;
    this.fallback = info.fallback || null;     // the next backend in its chain
    this.memoryName = info.memory;             // backends with the same memory share data without moves
    this.kernelNames = Array.from(info.kernels);
  }
  /** tfjs's KernelBackend.memory(): this backend's own memory figures. */
  memory() {
    const info = getCore().backendInfo(this.name);
    return {unreliable: false, numDataBuffers: info ? info.numBuffers : 0, numBytes: info ? info.numBytes : 0};
  }
  numDataIds() {
    return this.memory().numDataBuffers;
  }
  floatPrecision() {
    return 32;
  }
  epsilon() {
    return 1e-7;
  }
}

/** Registered backend names, highest priority first (tf.engine().backendNames()). */
export function backendNames() {
  return Array.from(getCore().backendNames());
}

export function getBackend() {
  return getCore().activeBackend();
}

export async function setBackend(name) {
  await ready();
  if (name === 'webgl' && !backendNames().includes('webgl')) {
    // Created on first use: a WebGL2 context (browsers and workers that have one).
    // Where it cannot be made, as tfjs: a warning, false, and the backend unchanged.
    const why = getCore().registerWebGLBackend();
    if (why) {
      console.warn(`Initialization of backend webgl failed: ${why}`);
      return false;
    }
  }
  const names = backendNames();
  if (!names.includes(name)) {
    throw new Error(`Backend name '${name}' not found in registry. Available backends: ${names.join(', ')}`);
  }
  getCore().setBackend(name);
  return true;
}

/** The backend registered under `name`, or null (as tfjs). */
export function findBackend(name) {
  const info = getCore().backendInfo(String(name));
  return info == null ? null : new KernelBackendInfo(info);
}

/**
 * tfjs registers a JavaScript KernelBackend here. This package's backends are C++
 * objects (kernels, memory, fallback chain: cpp/core/backend.h), so a JS backend
 * cannot be added: say so rather than accept it and run something else.
 */
export function registerBackend(name) {
  throw new Error(`tf.registerBackend('${name}'): backends of wasm-layers are engine (C++) objects; a JavaScript ` +
                  `KernelBackend cannot be registered. Registered backends: ${backendNames().join(', ')}`);
}

/** Removes a registered backend (not 'cpu', where every chain ends, nor the active one). */
export function removeBackend(name) {
  getCore().removeBackend(String(name));
}

/**
 * Counted data movement since the module loaded: moves between backend memories,
 * reads into and writes from the host on backends whose memory is not the host's,
 * and the kernel-state cache (packed weights) builds and hits.
 */
export function transferStats() {
  return getCore().transferStats();
}
/** The webgl backend's figures (textures, programs compiled, passes, renderer); {} before it exists. */
export function webglStats() {
  return getCore().webglStats();
}
/** @internal For tests: the WebGL2RenderingContext the webgl backend draws with (null before it exists). */
export function webglContext() {
  return getCore().wlWebGLContext || null;
}
/** @internal For tests: reads take the packed path (RGBA32UI, 4 values a texel) on any driver. */
export function webglForcePackedReads(on) {
  getCore().webglForcePackedReads(Boolean(on));
}
/** @internal Benchmarks: per-pass GPU times by kernel ("op#k@n count ms" lines), then cleared. */
export function webglProfile(on) {
  getCore().webglProfile(Boolean(on));
}
export function webglProfileReport() {
  return getCore().webglProfileReport();
}

/**
 * @internal For tests: registers a backend that keeps its data in its own memory
 * (host access throws) and completes reads asynchronously, running the 'cpu'
 * kernels except those in `omit` (which then fall back to 'cpu', with moves).
 */
export function registerTestBackend(name, {omit = []} = {}) {
  getCore().registerTestBackend(String(name), omit.join(','));
}

/** tf.backend(): the active backend (a view of the engine's). */
export function backend() {
  return findBackend(getBackend());
}

/** tf.findBackendFactory: a factory returning the backend, or null when none is registered under `name`. */
export function findBackendFactory(name) {
  return findBackend(name) == null ? null : () => findBackend(name);
}

/**
 * tf.getKernel: {kernelName, backendName} when the engine registered a kernel under
 * that name for that backend (its C++ kernels: 'MatMul', 'Conv2D', 'Softmax', ...,
 * with elementwise ops under 'Unary'/'Binary'), else undefined.
 */
export function getKernel(kernelName, backendName) {
  const b = findBackend(backendName);
  return b != null && b.kernelNames.includes(kernelName) ? {kernelName, backendName} : undefined;
}

/** tf.getKernelsForBackend: the engine's kernels of a backend, as {kernelName, backendName}. */
export function getKernelsForBackend(backendName) {
  const b = findBackend(backendName);
  return b == null ? [] : b.kernelNames.map(kernelName => ({kernelName, backendName}));
}

// Kernels and gradients are C++ here (cpp/kernels, the ops' gradient rules): a JS
// kernelFunc or gradFunc would never run, so registering one is an error, not a no-op.
function noJsKernels(api, what) {
  throw new Error(`tf.${api}: the kernels and gradients of wasm-layers are engine (C++) code; a JavaScript ${what} ` +
                  'cannot be registered. Use tf.customGrad for a custom gradient.');
}
export const registerKernel = config => noJsKernels('registerKernel', `kernel (${config && config.kernelName})`);
export const unregisterKernel = kernelName => noJsKernels('unregisterKernel', `kernel (${kernelName})`);
export const registerGradient = config => noJsKernels('registerGradient', `gradient (${config && config.kernelName})`);
export const unregisterGradient = kernelName => noJsKernels('unregisterGradient', `gradient (${kernelName})`);
/**
 * tf.getGradient: the gradient config registered in JS for a kernel, as tfjs's
 * registry keeps them. None is ever registered here (registerGradient refuses JS
 * gradients: the engine's ops carry their own), so every name gives undefined, as
 * tfjs answers for a kernel without a registered gradient.
 */
export function getGradient(kernelName) {
  return undefined;
}
export const copyRegisteredKernels = () => noJsKernels('copyRegisteredKernels', 'kernel');
