// The fit, evaluate and predict loops (tfjs-layers/src/engine/training.ts fitLoop):
// epochs and batches in JS so the event loop runs between batches; each batch's
// forward, backward and update is one call into the engine.
import {fromVector, getCore, isNodeRuntime, vectorOf} from './core.js';
import {Tensor, makeTensorFromFlat, readAsync, scalar} from './tensor.js';
import {callHooks} from './layers.js';
import {Callback, CustomCallback, createRegisteredCallbacks, nextMacrotask, standardizeCallbacks} from './callbacks.js';

export {nextMacrotask};

/** What fit() returns: the epochs run and each log's value per epoch (a callback, last in the list, as tfjs). */
export class History extends Callback {
  constructor() {
    super();
    this.epoch = [];
    this.history = {};
    this.params = {};
  }

  async onTrainBegin() {
    this.epoch = [];
    this.history = {};
  }

  async onEpochEnd(epoch, logs) {
    if (logs == null) logs = {};
    this.epoch.push(epoch);
    for (const key in logs) {
      if (this.history[key] == null) this.history[key] = [];
      this.history[key].push(logs[key]);
    }
  }

  /** tfjs awaits tensor-valued logs here; ours are numbers already. */
  async syncData() {}
}

const isNode = isNodeRuntime();

function checkPositiveInt(value, name) {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`fit: ${name} must be a positive integer, but got ${value}`);
  }
}

export function shuffleInPlace(array) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
}


/** Rows [start, end) of every tensor (or rows at `indices`), as engine handles the caller deletes. */
function takeRows(tensors, indices) {
  const core = getCore();
  const idx = makeTensorFromFlat(indices, [indices.length], 'int32');
  // Checked here on the host, so the gather need not check them where that is a
  // synchronous device read (webgl: two stalls a batch).
  let lo = 0, hi = -1;
  for (const i of indices) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  try {
    return tensors.map(t => {
      const args = vectorOf([t.handle, idx.handle]);
      const attrs = lo >= 0 && hi < t.shape[0] ? '{"axis":0,"indicesInRange":true}' : '{"axis":0}';
      try {
        return fromVector(core.runOp('gather', args, attrs))[0];
      } finally {
        args.delete();
      }
    });
  } finally {
    idx.dispose();
  }
}

// Rows [start, end) of each tensor, as engine handles: a slice (no index tensor to
// upload, and every backend slices where the data lives).
function sliceRows(tensors, start, end) {
  const core = getCore();
  return tensors.map(t => {
    const args = vectorOf([t.handle]);
    try {
      const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
      const size = t.shape.map((d, i) => (i === 0 ? end - start : d));
      return fromVector(core.runOp('slice', args, JSON.stringify({begin, size})))[0];
    } finally {
      args.delete();
    }
  });
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
      const logs = step(xv, yv, indices.slice(start, end));
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

/** The callback list of a fit: [progress logger (verbose, Node)] + the user's + History, as tfjs orders them. */
export class CallbackList {
  constructor(callbacks) {
    this.callbacks = callbacks;
  }

  setModel(model) {
    for (const cb of this.callbacks) if (typeof cb.setModel === 'function') cb.setModel(model);
  }

  setParams(params) {
    for (const cb of this.callbacks) if (typeof cb.setParams === 'function') cb.setParams(params);
  }

  async call(method, ...args) {
    for (const cb of this.callbacks) {
      if (typeof cb[method] === 'function') await cb[method](...args);
    }
  }
}

/** 'auto' yields whenever this many ms have passed since the last yield (and at every epoch's end). */
export const AUTO_YIELD_EVERY_MS = 16;

/**
 * yieldEvery: 'auto' | 'batch' | 'epoch' | 'never' | milliseconds. With a number
 * (and 'auto'), onYield(epoch, batch, logs) callbacks run when the loop yields after a batch.
 */
export class Yielder {
  constructor(yieldEvery, callbacks) {
    const y = yieldEvery == null ? 'auto' : yieldEvery;
    if (!(['auto', 'batch', 'epoch', 'never'].includes(y) || (typeof y === 'number' && y >= 0))) {
      throw new Error(`yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds, but got ${y}`);
    }
    this.mode = y;
    this.ms = y === 'auto' ? AUTO_YIELD_EVERY_MS : (typeof y === 'number' ? y : null);
    this.yielders = callbacks.filter(c => typeof c.onYield === 'function');
    this.last = now();
  }

  async afterBatch(epoch, batch, logs) {
    if (this.mode === 'batch') {
      await this.yieldNow();
    } else if (this.ms != null && now() - this.last >= this.ms) {
      for (const cb of this.yielders) await cb.onYield(epoch, batch, logs);
      await this.yieldNow();
    }
  }

  async afterEpoch() {
    if (this.mode === 'epoch' || this.mode === 'auto') await this.yieldNow();
  }

  async yieldNow() {
    await nextMacrotask();
    this.last = now();
  }
}

const now = typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now() : () => Date.now();

// tfjs-node's number format in progress lines (tfjs-node/src/callbacks.ts).
function succinctNumber(x) {
  if (typeof x !== 'number') return String(x);
  const places = (!Number.isFinite(x) || x === 0 || x > 1 || x < -1) ? 2 : 2 - Math.floor(Math.log10(Math.abs(x)));
  return places > 4 ? x.toExponential(2) : x.toFixed(places);
}

function formatLogs(logs, maxLength) {
  let out = '';
  for (const key of Object.keys(logs).sort()) {
    if (key !== 'batch' && key !== 'size') out += `${key}=${succinctNumber(logs[key])} `;
  }
  if (maxLength != null && out.length > maxLength) out = out.slice(0, Math.max(0, maxLength - 3)) + '...';
  return out;
}

/** verbose >= 1 in Node: tfjs-node's ProgbarLogger (a live bar when stdout is a TTY). */
export class ProgbarLogger extends Callback {
  async onTrainBegin() {
    const {samples, batchSize, steps} = this.params;
    this.numBatches = samples != null ? Math.ceil(samples / batchSize) : (steps != null ? steps : 0);
    this.tty = isNode && process.stdout != null && process.stdout.isTTY === true;
  }

  async onEpochBegin(epoch) {
    console.log(`Epoch ${epoch + 1} / ${this.params.epochs}`);
    this.epochBegin = now();
    this.epochMillis = null;
    this.usPerStep = null;
    this.batches = 0;
    this.lastRender = -Infinity;
  }

  async onBatchEnd(batch, logs) {
    this.batches++;
    if (this.tty && now() - this.lastRender >= 50) {
      this.lastRender = now();
      this.render(logs);
    }
    if (batch === this.numBatches - 1) {
      this.epochMillis = now() - this.epochBegin;
      this.usPerStep = this.params.samples != null ? this.epochMillis / this.params.samples * 1e3
                                                   : this.epochMillis / this.batches * 1e3;
    }
  }

  render(logs) {
    const columns = process.stdout.columns || 80;
    const width = Math.max(10, Math.floor(0.5 * columns));
    const metrics = formatLogs(logs, Math.floor(columns * 0.5 - 12));
    let line;
    if (this.numBatches > 0) {
      const total = this.numBatches + 1;
      const ratio = Math.min(1, this.batches / total);
      const elapsed = now() - this.epochBegin;
      const eta = ratio > 0 ? (elapsed / ratio - elapsed) / 1000 : 0;
      const done = Math.round(width * ratio);
      line = `eta=${eta.toFixed(1)} ${'='.repeat(Math.max(0, done - 1))}${done > 0 ? '>' : ''}` +
             `${'-'.repeat(width - done)} ${metrics}`;
    } else {
      line = `${this.batches} batches ${metrics}`;
    }
    process.stdout.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
  }

  async onEpochEnd(epoch, logs) {
    if (this.epochMillis == null) {
      this.epochMillis = now() - this.epochBegin;
      this.usPerStep = this.epochMillis / Math.max(1, this.batches) * 1e3;
    }
    if (this.tty) process.stdout.write('\r\x1b[K');
    console.log(`${this.epochMillis.toFixed(0)}ms ${this.usPerStep.toFixed(0)}us/step - ${formatLogs(logs)}`);
  }
}

/** @internal The callbacks of one fit/fitDataset, configured as tfjs's configureCallbacks does. */
export function configureCallbacks(model, args, params) {
  const callbacks = standardizeCallbacks(args.callbacks, args.yieldEvery);
  const yielder = new Yielder(args.yieldEvery, callbacks);
  const history = new History();
  const all = [...(params.verbose >= 1 && isNode ? [new ProgbarLogger()] : []),
               ...createRegisteredCallbacks(params.verbose || 0), ...callbacks, history];
  const list = new CallbackList(all);
  list.setParams(params);
  list.setModel(model);
  model.history = history;
  return {list, history, yielder};
}

/**
 * @internal One training step on whole tensors (engine handles): the values named
 * by model.metricsNames. `weights`: per-output Float32Arrays of sample weights
 * for this batch (or null). The step leaves its logs on the backend as one
 * tensor, read here once per batch without blocking a backend that reads
 * asynchronously.
 */
export async function trainOnHandles(model, xHandles, yHandles, weights = null) {
  const r = trainOnHandlesDeferred(model, xHandles, yHandles, weights);
  if (r.values) return r.values;
  try {
    return Array.from(await readAsync(r.handle));
  } finally {
    r.handle.delete();
  }
}

// As trainOnHandles, without waiting for a device: {values} where the logs are on the
// host already, else {handle} (the logs tensor, left on the device for the caller to read).
function trainOnHandlesDeferred(model, xHandles, yHandles, weights) {
  if (callHooks.count > 0) model._assertNoInnerCallHooks();
  // A model whose layers carry JS loss functions (addLoss) trains in JS (layer_internals.js).
  if (model._needsHostTrain()) return {values: hostTrainOnHandles(model, xHandles, yHandles, weights)};
  const logs = trainStepHandles(model, xHandles, yHandles, weights);
  if (!logs.onHost()) return {handle: logs};
  try {
    return {values: Array.from(logs.readView())};
  } finally {
    logs.delete();
  }
}

// Whether any callback of the list sees per-batch logs (batch hooks, onYield): then
// every batch's logs are read as it ends. Else, on a device backend, fit reads them
// at the epoch's end (tfjs reads none per batch either), so no batch waits for the
// device to finish the one before it.
function needsBatchLogs(list, yielder) {
  if (yielder.yielders.some(cb => !(cb instanceof CustomCallback) || cb.yield != null)) return true;
  return list.callbacks.some(cb => (cb instanceof CustomCallback
    ? cb.batchBegin != null || cb.batchEnd != null
    : cb.onBatchBegin !== Callback.prototype.onBatchBegin || cb.onBatchEnd !== Callback.prototype.onBatchEnd));
}

function hostTrainOnHandles(model, xHandles, yHandles, weights) {
  const xs = xHandles.map(h => new Tensor(h.clone())), ys = yHandles.map(h => new Tensor(h.clone()));
  const sw = weights ? weights.map(w => (w ? makeTensorFromFlat(w, [w.length], 'float32') : null)) : [];
  try {
    return model._hostTrain(xs, ys, sw);
  } finally {
    for (const t of [...xs, ...ys, ...sw]) if (t != null) t.dispose();
  }
}

// fn(vector of per-output [batch] weight tensors), freed after; an output without weights
// (a classWeight or sampleWeight for some outputs only) weighs 1.
function withWeightTensors(weights, fn) {
  const n = weights.find(w => w != null).length;
  const wts = weights.map(w => makeTensorFromFlat(w || new Float32Array(n).fill(1), [n], 'float32'));
  const wv = vectorOf(wts.map(t => t.handle));
  try {
    return fn(wv);
  } finally {
    wv.delete();
    wts.forEach(t => t.dispose());
  }
}

// evaluateBatch with the rows idx of per-output sample weights (null: unweighted).
function evaluateStep(handle, weights) {
  if (weights == null || weights.every(w => w == null)) return (xv, yv) => handle.evaluateBatch(xv, yv);
  return (xv, yv, idx) => withWeightTensors(weights.map(w => (w ? Float32Array.from(idx, i => w[i]) : null)),
                                            wv => handle.evaluateBatchWeighted(xv, yv, wv));
}

function trainStepHandles(model, xHandles, yHandles, weights) {
  const xv = vectorOf(xHandles), yv = vectorOf(yHandles);
  try {
    if (!weights || weights.every(w => w == null)) return model.handle.trainOnBatch(xv, yv);
    return withWeightTensors(weights, wv => model.handle.trainOnBatchWeighted(xv, yv, wv));
  } finally {
    xv.delete();
    yv.delete();
  }
}

/** @internal tfjs's shape and sample-count errors for x and y (engine handles). */
export function checkData(model, xHandles, yHandles) {
  const xv = vectorOf(xHandles), yv = vectorOf(yHandles);
  try {
    model.handle.checkData(xv, yv);
  } finally {
    xv.delete();
    yv.delete();
  }
}

/**
 * tfjs's standardizeClassWeights: one Float32Array of per-sample weights per
 * output, from classWeight ({class: weight}, an array of them per output, or an
 * object keyed by output name) and the targets (argMax of one-hot rows, or the
 * class index itself for [n] / [n, 1] targets).
 */
export function sampleWeightsFromClassWeight(classWeight, ys, outputNames) {
  const perOutput = Array.isArray(classWeight) ? classWeight
      : (outputNames.length > 1 && outputNames.some(n => n in classWeight) ? outputNames.map(n => classWeight[n])
                                                                           : [classWeight]);
  return ys.map((y, k) => {
    const cw = perOutput[k];
    if (cw == null) return null;
    const values = y.dataSync();
    const n = y.shape[0];
    const width = y.rank > 1 ? y.shape[y.rank - 1] : 1;
    const weights = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let cls;
      if (width > 1) {
        cls = 0;
        for (let j = 1; j < width; j++) if (values[i * width + j] > values[i * width + cls]) cls = j;
      } else {
        cls = Math.round(values[i]);
      }
      if (!(cls in cw)) {
        throw new Error(`classWeight must contain all classes in the training data. The class ${cls} exists in the ` +
                        'data but not in classWeight');
      }
      weights[i] = cw[cls];
    }
    return weights;
  });
}

/**
 * fit's sampleWeight (Keras's sample_weight; tfjs 4.22 throws 'sample weight is not
 * supported yet'): one weight per sample, [n] or [n, 1], multiplying that sample's loss.
 * A Tensor applies to every output; an array (one per output, null for none) or a
 * {outputName: Tensor} map to each its own. One Float32Array (or null) per output.
 */
export function sampleWeightsFromArg(sampleWeight, numSamples, outputNames, what = 'fit') {
  const perOutput = sampleWeight instanceof Tensor ? outputNames.map(() => sampleWeight)
      : Array.isArray(sampleWeight) ? sampleWeight
      : typeof sampleWeight === 'object' ? outputNames.map(n => sampleWeight[n])
      : null;
  if (perOutput == null || perOutput.length !== outputNames.length) {
    throw new Error(`${what}: sampleWeight must be a Tensor, an array of ${outputNames.length} Tensors (one per output) ` +
                    'or a {outputName: Tensor} map');
  }
  if (!Array.isArray(sampleWeight) && sampleWeight != null && !(sampleWeight instanceof Tensor)) {
    const unknown = Object.keys(sampleWeight).find(k => !outputNames.includes(k));
    if (unknown != null) throw new Error(`${what}: sampleWeight names '${unknown}', which is not an output (${outputNames.join(', ')})`);
  }
  return perOutput.map((w, k) => {
    if (w == null) return null;
    if (!(w instanceof Tensor)) throw new Error(`${what}: sampleWeight for output ${outputNames[k]} must be a Tensor`);
    const ok = (w.rank === 1 || (w.rank === 2 && w.shape[1] === 1)) && w.shape[0] === numSamples;
    if (!ok) {
      throw new Error(`${what}: sampleWeight for output ${outputNames[k]} must have shape [${numSamples}] or ` +
                      `[${numSamples}, 1] (one weight per sample), but has shape [${w.shape}]` +
                      (w.rank === 2 ? ' (per-timestep weights are not supported)' : ''));
    }
    if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new Error(`${what}: sampleWeight must be numeric, got ${w.dtype}`);
    return Float32Array.from(w.dataSync());
  });
}

// Per output, the product of the class weights and the sample weights (either may be absent).
function combineWeights(a, b) {
  if (a == null) return b;
  if (b == null) return a;
  return a.map((w, k) => (w == null ? b[k] : b[k] == null ? w : w.map((v, i) => v * b[k][i])));
}

const isIdentity = (idx, n) => idx.length === n && idx.every((v, i) => v === i);

export async function fitLoop(model, xs, ys, args = {}) {
  if (args == null) args = {};
  const epochs = args.epochs == null ? 1 : args.epochs;
  const batchSize = args.batchSize == null ? 32 : args.batchSize;
  const shuffle = args.shuffle == null ? true : args.shuffle;
  const verbose = args.verbose == null ? 1 : args.verbose;
  const initialEpoch = args.initialEpoch == null ? 0 : args.initialEpoch;
  const stepsPerEpoch = args.stepsPerEpoch == null ? null : args.stepsPerEpoch;
  checkPositiveInt(epochs, 'epochs');
  checkPositiveInt(batchSize, 'batchSize');
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
    throw new Error(`fit: initialEpoch must be a non-negative integer, but got ${initialEpoch}`);
  }
  if (stepsPerEpoch != null) checkPositiveInt(stepsPerEpoch, 'stepsPerEpoch');
  const validationSteps = args.validationSteps == null ? null : args.validationSteps;
  if (validationSteps != null) {
    if (stepsPerEpoch == null) {
      throw new Error('Can only use `validationSteps` when doing step-wise training, i.e., `stepsPerEpoch` must be set.');
    }
    checkPositiveInt(validationSteps, 'validationSteps');
  }
  if (shuffle === 'batch') throw new Error('batch shuffling is not implemented yet');
  checkData(model, xs.map(t => t.handle), ys.map(t => t.handle));
  if (!model.info.compiled) {
    throw new Error('You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).');
  }
  const numSamples = xs[0].shape[0];
  const sampleWeights = combineWeights(
      args.classWeight != null ? sampleWeightsFromClassWeight(args.classWeight, ys, model.outputNames) : null,
      args.sampleWeight != null ? sampleWeightsFromArg(args.sampleWeight, numSamples, model.outputNames) : null);
  const names = model.metricsNames;
  let trainCount = numSamples, valData = null;
  if (args.validationData != null) {
    if (args.validationData.length === 3) {
      throw new Error('validationData including sample weights is not supported yet.');
    }
    const [vx, vy] = args.validationData;
    valData = {xs: toList(vx, model.inputNames), ys: toList(vy, model.outputNames)};
  } else if (args.validationSplit != null && args.validationSplit > 0) {
    if (!(args.validationSplit < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${args.validationSplit}`);
    trainCount = Math.floor(numSamples * (1 - args.validationSplit));
    valData = {indices: range(trainCount, numSamples)};
  }
  const params = {epochs, initialEpoch, samples: stepsPerEpoch != null ? null : trainCount, steps: stepsPerEpoch,
                  batchSize, verbose, doValidation: valData != null,
                  metrics: valData ? [...names, ...names.map(n => `val_${n}`)] : names};
  const {list, history, yielder} = configureCallbacks(model, args, params);
  await list.call('onTrainBegin', {});
  model.stopTraining = false;
  const order = range(0, trainCount);
  let cursor = trainCount;  // stepsPerEpoch: batches go on where the last epoch stopped
  // With validationSplit, as Keras: the split-off samples' sampleWeight weighs val_loss
  // (classWeight does not).
  const valWeights = valData && valData.indices && args.sampleWeight != null
      ? sampleWeightsFromArg(args.sampleWeight, numSamples, model.outputNames) : null;
  const validate = epochLogs => {
    const vxs = valData.xs || xs, vys = valData.ys || ys;
    const vbs = args.validationBatchSize || batchSize;
    let indices = valData.indices || range(0, vxs[0].shape[0]);
    // validationSteps: that many validation batches (Keras's validation_steps), the first ones.
    if (validationSteps != null) indices = indices.slice(0, validationSteps * vbs);
    const vals = batchedMean(vxs, vys, vbs, indices, evaluateStep(model.handle, valWeights));
    names.forEach((n, i) => { epochLogs[`val_${n}`] = vals[i]; });
  };
  const deferLogs = !needsBatchLogs(list, yielder);
  for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
    await list.call('onEpochBegin', epoch, {});
    const epochLogs = {};
    const pending = [];  // deferred logs: [logs handle, batch size]
    if (stepsPerEpoch == null && shuffle) shuffleInPlace(order);
    const numBatches = stepsPerEpoch != null ? stepsPerEpoch : Math.ceil(trainCount / batchSize);
    const totals = new Array(names.length).fill(0);
    let seen = 0;
    const readPending = async () => {
      try {
        while (pending.length) {
          const [handle, size] = pending[0];
          const outs = await readAsync(handle);
          names.forEach((n, i) => { totals[i] += outs[i] * size; });
          pending.shift();
          handle.delete();
        }
      } finally {
        pending.forEach(([handle]) => handle.delete());
        pending.length = 0;
      }
    };
    try {
      for (let batch = 0; batch < numBatches; ++batch) {
        const batchLogs = {};
        await list.call('onBatchBegin', batch, batchLogs);
        let idx;
        if (stepsPerEpoch != null) {
          if (cursor >= trainCount) {
            cursor = 0;
            if (shuffle) shuffleInPlace(order);
          }
          idx = order.slice(cursor, Math.min(cursor + batchSize, trainCount));
          cursor += idx.length;
        } else {
          idx = order.slice(batch * batchSize, Math.min((batch + 1) * batchSize, trainCount));
        }
        const size = idx.length;
        batchLogs.batch = batch;
        batchLogs.size = size;
        const whole = isIdentity(idx, numSamples);
        const xb = whole ? xs.map(t => t.handle) : takeRows(xs, idx);
        const yb = whole ? ys.map(t => t.handle) : takeRows(ys, idx);
        let outs;
        try {
          const batchWeights = sampleWeights && sampleWeights.map(w => (w ? Float32Array.from(idx, i => w[i]) : null));
          if (deferLogs) {
            const r = trainOnHandlesDeferred(model, xb, yb, batchWeights);
            if (r.handle) pending.push([r.handle, size]);
            outs = r.values;
            // A bounded backlog: a long epoch keeps at most 64 steps' logs on the device.
            if (pending.length >= 64) await readPending();
          } else {
            outs = await trainOnHandles(model, xb, yb, batchWeights);
          }
        } finally {
          if (!whole) [...xb, ...yb].forEach(h => h.delete());
        }
        if (outs) {
          names.forEach((n, i) => {
            batchLogs[n] = outs[i];
            totals[i] += outs[i] * size;
          });
        }
        seen += size;
        if (batch === numBatches - 1 && valData) {  // tfjs validates in the last batch
          await readPending();
          validate(epochLogs);
        }
        await list.call('onBatchEnd', batch, batchLogs);
        await yielder.afterBatch(epoch, batch, batchLogs);
        if (model.stopTraining) break;
      }
      await readPending();
    } finally {
      pending.forEach(([handle]) => handle.delete());
    }
    if (seen > 0) names.forEach((n, i) => { epochLogs[n] = totals[i] / seen; });
    await list.call('onEpochEnd', epoch, epochLogs);
    await yielder.afterEpoch();
    if (model.stopTraining) break;
  }
  await list.call('onTrainEnd', {});
  return history;
}

function toList(x, names) {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x)) return x;
  if (x != null && typeof x === 'object') {
    return names.map(n => {
      if (!(x[n] instanceof Tensor)) throw new Error(`validationData: no data provided for "${n}"`);
      return x[n];
    });
  }
  throw new Error(`validationData: expected [x, y] with Tensors, got ${x}`);
}

export function evaluateLoop(model, xs, ys, batchSize = 32, sampleWeight = null) {
  checkPositiveInt(batchSize, 'batchSize');
  if (callHooks.count > 0) model._assertNoInnerCallHooks();
  const n = xs[0].shape[0];
  const weights = sampleWeight == null ? null : sampleWeightsFromArg(sampleWeight, n, model.outputNames, 'evaluate');
  const vals = batchedMean(xs, ys, batchSize, range(0, n), evaluateStep(model.handle, weights));
  const out = vals.map(v => scalar(v));
  return out.length === 1 ? out[0] : out;
}

export function predictLoop(model, xs, batchSize = 32) {
  if (callHooks.count > 0) model._assertNoInnerCallHooks();
  const handle = model.handle;
  const core = getCore();
  const n = xs[0].shape[0];
  if (!(batchSize >= n)) checkPositiveInt(batchSize, 'batchSize');
  if (batchSize >= n) {
    // A model's output count never changes: asked once per handle (a crossing saved per call).
    if (handle._numOutputs === undefined) handle._numOutputs = handle.numOutputs();
    if (xs.length === 1 && handle._numOutputs === 1) {
      // The fast path (bindings.cc wl_predict_one): raw addresses, no Embind wrapper.
      const model = handle._address ?? (handle._address = handle.address());
      const out = core._wl_predict_one(model, xs[0]._engineAddress()) >>> 0;
      if (out === 0) core.rethrowLastError();
      return [new Tensor(out)];
    }
    const xv = vectorOf(xs.map(t => t.handle));
    try {
      return fromVector(handle.predict(xv)).map(h => new Tensor(h));
    } finally {
      xv.delete();
    }
  }
  const parts = [];
  for (let start = 0; start < n; start += batchSize) {
    const xb = sliceRows(xs, start, Math.min(start + batchSize, n));
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
