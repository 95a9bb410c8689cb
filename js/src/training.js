// The fit, evaluate and predict loops (tfjs-layers/src/engine/training_tensors.ts):
// epochs and batches in JS so the event loop runs between batches; each batch's
// forward, backward and update is one call into the engine.
import {fromVector, getCore} from './core.js';
import {Tensor, makeTensorFromFlat, scalar} from './tensor.js';

export class History {
  constructor() {
    this.epoch = [];
    this.history = {};
    this.params = {};
  }
}

/** Resolves on the next macrotask, so timers, I/O and rendering get their turn. */
export const nextMacrotask = (() => {
  if (typeof setImmediate === 'function') return () => new Promise(resolve => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const queue = [];
    channel.port1.onmessage = () => queue.shift()();
    return () => new Promise(resolve => {
      queue.push(resolve);
      channel.port2.postMessage(0);
    });
  }
  return () => new Promise(resolve => setTimeout(resolve, 0));
})();

const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

function checkPositiveInt(value, name) {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`fit: ${name} must be a positive integer, but got ${value}`);
  }
}

function shuffleInPlace(array) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
}

async function callCallbacks(callbacks, method, ...args) {
  for (const cb of callbacks) {
    if (cb != null && typeof cb[method] === 'function') await cb[method](...args);
  }
}

function vectorOf(handles) {
  const v = new (getCore().TensorVector)();
  handles.forEach(h => v.push_back(h));
  return v;
}

/** Rows [start, end) of every tensor (or rows at `indices`), as engine handles the caller deletes. */
function takeRows(tensors, indices) {
  const core = getCore();
  const idx = makeTensorFromFlat(indices, [indices.length], 'int32');
  try {
    return tensors.map(t => {
      const args = vectorOf([t.handle, idx.handle]);
      try {
        return fromVector(core.runOp('gather', args, '{"axis":0}'))[0];
      } finally {
        args.delete();
      }
    });
  } finally {
    idx.dispose();
  }
}

function range(start, end) {
  return Array.from({length: end - start}, (_, i) => start + i);
}

/** Runs `step(xHandles, yHandles)` over batches; returns the sample-weighted mean of its logs. */
function batchedMean(xs, ys, batchSize, indices, step) {
  const n = indices.length;
  let sums = null;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const whole = start === 0 && end === n && indices.every((v, i) => v === i) && n === xs[0].shape[0];
    const xb = whole ? xs.map(t => t.handle) : takeRows(xs, indices.slice(start, end));
    const yb = whole ? ys.map(t => t.handle) : takeRows(ys, indices.slice(start, end));
    const xv = vectorOf(xb), yv = vectorOf(yb);
    try {
      const logs = step(xv, yv);
      if (!sums) sums = new Array(logs.length).fill(0);
      logs.forEach((v, i) => { sums[i] += v * (end - start); });
    } finally {
      xv.delete();
      yv.delete();
      if (!whole) [...xb, ...yb].forEach(h => h.delete());
    }
  }
  return sums.map(s => s / n);
}

export async function fitLoop(model, xs, ys, args = {}) {
  const epochs = args.epochs == null ? 1 : args.epochs;
  const batchSize = args.batchSize == null ? 32 : args.batchSize;
  const shuffle = args.shuffle == null ? true : args.shuffle;
  const verbose = args.verbose == null ? 1 : args.verbose;
  const initialEpoch = args.initialEpoch == null ? 0 : args.initialEpoch;
  checkPositiveInt(epochs, 'epochs');
  checkPositiveInt(batchSize, 'batchSize');
  const callbacks = args.callbacks == null ? [] : (Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]);
  const handle = model.handle;
  {
    const xv = vectorOf(xs.map(t => t.handle)), yv = vectorOf(ys.map(t => t.handle));
    try {
      handle.checkData(xv, yv);  // tfjs's shape and sample-count errors, before anything runs
    } finally {
      xv.delete();
      yv.delete();
    }
  }
  if (!model.info.compiled) {
    throw new Error('You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).');
  }
  const names = model.metricsNames;
  const numSamples = xs[0].shape[0];
  let trainCount = numSamples, valData = null;
  if (args.validationData != null) {
    const [vx, vy] = args.validationData;
    valData = {xs: Array.isArray(vx) ? vx : [vx], ys: Array.isArray(vy) ? vy : [vy]};
  } else if (args.validationSplit != null && args.validationSplit > 0) {
    if (!(args.validationSplit < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${args.validationSplit}`);
    trainCount = Math.floor(numSamples * (1 - args.validationSplit));
    valData = {indices: range(trainCount, numSamples)};
  }
  const history = new History();
  history.params = {epochs, initialEpoch, samples: trainCount, steps: null, batchSize, verbose,
                    doValidation: valData != null,
                    metrics: valData ? [...names, ...names.map(n => `val_${n}`)] : names};
  model.stopTraining = false;
  for (const cb of callbacks) {
    if (cb != null && typeof cb.setModel === 'function') cb.setModel(model);
    if (cb != null && typeof cb.setParams === 'function') cb.setParams(history.params);
  }
  await callCallbacks(callbacks, 'onTrainBegin', {});
  for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
    await callCallbacks(callbacks, 'onEpochBegin', epoch, {});
    const started = Date.now();
    const order = range(0, trainCount);
    if (shuffle) shuffleInPlace(order);
    const sums = new Array(names.length).fill(0);
    let seen = 0;
    for (let start = 0, batch = 0; start < trainCount; start += batchSize, ++batch) {
      const end = Math.min(start + batchSize, trainCount);
      const size = end - start;
      await callCallbacks(callbacks, 'onBatchBegin', batch, {batch, size});
      const whole = start === 0 && end === numSamples && !shuffle;
      const xb = whole ? xs.map(t => t.handle) : takeRows(xs, order.slice(start, end));
      const yb = whole ? ys.map(t => t.handle) : takeRows(ys, order.slice(start, end));
      const xv = vectorOf(xb), yv = vectorOf(yb);
      let logs;
      try {
        logs = handle.trainOnBatch(xv, yv);
      } finally {
        xv.delete();
        yv.delete();
        if (!whole) [...xb, ...yb].forEach(h => h.delete());
      }
      logs.forEach((v, i) => { sums[i] += v * size; });
      seen += size;
      const batchLogs = {batch, size};
      names.forEach((n, i) => { batchLogs[n] = logs[i]; });
      await callCallbacks(callbacks, 'onBatchEnd', batch, batchLogs);
      await nextMacrotask();
      if (model.stopTraining) break;
    }
    const epochLogs = {};
    names.forEach((n, i) => { epochLogs[n] = sums[i] / seen; });
    if (valData) {
      const vxs = valData.xs || xs, vys = valData.ys || ys;
      const indices = valData.indices || range(0, vxs[0].shape[0]);
      const vbs = args.validationBatchSize || batchSize;
      const vals = batchedMean(vxs, vys, vbs, indices, (xv, yv) => handle.evaluateBatch(xv, yv));
      names.forEach((n, i) => { epochLogs[`val_${n}`] = vals[i]; });
    }
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(epochLogs)) (history.history[k] = history.history[k] || []).push(v);
    if (verbose >= 1 && isNode) {
      const parts = Object.entries(epochLogs).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(' ');
      console.log(`Epoch ${epoch + 1} / ${epochs}: ${Date.now() - started}ms ${parts}`);
    }
    await callCallbacks(callbacks, 'onEpochEnd', epoch, epochLogs);
    if (model.stopTraining) break;
  }
  await callCallbacks(callbacks, 'onTrainEnd', {});
  return history;
}

export function evaluateLoop(model, xs, ys, batchSize = 32) {
  checkPositiveInt(batchSize, 'batchSize');
  const handle = model.handle;
  const vals = batchedMean(xs, ys, batchSize, range(0, xs[0].shape[0]), (xv, yv) => handle.evaluateBatch(xv, yv));
  const out = vals.map(v => scalar(v));
  return out.length === 1 ? out[0] : out;
}

export function predictLoop(model, xs, batchSize = 32) {
  const handle = model.handle;
  const core = getCore();
  const n = xs[0].shape[0];
  if (!(batchSize >= n)) checkPositiveInt(batchSize, 'batchSize');
  if (batchSize >= n) {
    const xv = vectorOf(xs.map(t => t.handle));
    try {
      return fromVector(handle.predict(xv)).map(h => new Tensor(h));
    } finally {
      xv.delete();
    }
  }
  const parts = [];
  for (let start = 0; start < n; start += batchSize) {
    const xb = takeRows(xs, range(start, Math.min(start + batchSize, n)));
    const xv = vectorOf(xb);
    try {
      parts.push(fromVector(handle.predict(xv)));
    } finally {
      xv.delete();
      xb.forEach(h => h.delete());
    }
  }
  return parts[0].map((_, k) => {
    const v = vectorOf(parts.map(p => p[k]));
    try {
      return new Tensor(fromVector(core.runOp('concat', v, '{"axis":0}'))[0]);
    } finally {
      v.delete();
      parts.forEach(p => p[k].delete());
    }
  });
}
