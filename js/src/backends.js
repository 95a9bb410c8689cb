// The backend list is the engine's (cpp/core/backend.h, BackendRegistry): one list
// that C++, this API and the tests read. tfjs's backend names: 'cpu' is the scalar
// reference backend (the oracle), 'wasm' the SIMD backend, which falls back to
// 'cpu' for kernels it lacks; each backend names the next in its fallback chain.
import {getCore, ready} from './core.js';

/** What tf.findBackend / tf.engine().backend return: a view of one engine backend. */
export class KernelBackendInfo {
  constructor(info) {
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

/**
 * @internal For tests: registers a backend that keeps its data in its own memory
 * (host access throws) and completes reads asynchronously, running the 'cpu'
 * kernels except those in `omit` (which then fall back to 'cpu', with moves).
 */
export function registerTestBackend(name, {omit = []} = {}) {
  getCore().registerTestBackend(String(name), omit.join(','));
}
