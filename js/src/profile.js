// tf.time, tf.profile and tf.nextFrame (tfjs-core/src/engine.ts, globals.ts,
// browser_util.ts). The engine is synchronous, so a kernel's time is the wall
// time of its call, as tfjs's cpu backend measures it. tf.profile records each
// op called through the JS op layer (tf.* ops and Tensor methods, see
// ops.js run()): name, shapes, time and the engine's memory after it. Work an
// engine call does inside itself (a model's predict or fit step) is measured in
// newBytes/newTensors/peakBytes at the profile's start and end but is not
// broken into kernels.
import {getCore} from './core.js';
import {now} from './util.js';

let activeProfile = null;

function engineMemory() {
  const m = getCore().memory();
  return {numBytes: m.numBytes, numTensors: m.numTensors};
}

/** @internal Called by ops.js run() around each op; a no-op unless tf.profile is running. */
export function profileOp(name, inputs, fn) {
  if (activeProfile == null) return fn();
  const before = engineMemory();
  const start = now();
  const outputs = fn();
  const kernelTimeMs = now() - start;
  const after = engineMemory();
  activeProfile.kernels.push({
    name,
    bytesAdded: after.numBytes - before.numBytes,
    totalBytesSnapshot: after.numBytes,
    tensorsAdded: after.numTensors - before.numTensors,
    totalTensorsSnapshot: after.numTensors,
    inputShapes: inputs.map(x => (x != null && x.shape != null ? x.shape.slice() : null)),
    outputShapes: outputs.map(t => t.shape.slice()),
    kernelTimeMs,
    extraInfo: '',
  });
  return outputs;
}

/**
 * tf.profile(f): runs f (sync or async) and reports {newBytes, newTensors,
 * peakBytes, kernels, kernelNames, result}, measured on the engine's memory.
 */
export async function profile(query) {
  if (activeProfile != null) throw new Error('tf.profile: a profile is already running (nested profiles are not supported)');
  const start = engineMemory();
  const info = {kernels: [], result: undefined};
  activeProfile = info;
  try {
    info.result = await query();
  } finally {
    activeProfile = null;
  }
  const end = engineMemory();
  info.newBytes = end.numBytes - start.numBytes;
  info.newTensors = end.numTensors - start.numTensors;
  info.peakBytes = Math.max(start.numBytes, end.numBytes, ...info.kernels.map(k => k.totalBytesSnapshot));
  info.kernelNames = Array.from(new Set(info.kernels.map(k => k.name)));
  return info;
}

/** tf.time(f): {kernelMs, wallMs}; kernelMs is f's run time (the engine runs kernels synchronously). */
export async function time(query) {
  const start = now();
  query();
  const kernelMs = now() - start;
  return {kernelMs, wallMs: now() - start};
}

/** Resolves on the next animation frame in a browser, or after a macrotask elsewhere (as tfjs). */
export function nextFrame() {
  return new Promise(resolve => {
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => resolve());
    } else if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
