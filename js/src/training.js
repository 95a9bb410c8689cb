// The fit loop (tfjs-layers/src/engine/training_tensors.ts fitLoop): epochs and
// batches in JS so the event loop runs between batches; each batch's forward,
// backward and update is one call into the engine.
import {getCore} from './core.js';
import {makeTensorFromFlat} from './tensor.js';

export class History {
  constructor() {
    this.epoch = [];
    this.history = {};
    this.params = {};
  }
}

/** Resolves on the next macrotask, so timers, I/O and rendering get their turn. */
const nextMacrotask = (() => {
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

export async function fitLoop(model, x, y, args = {}) {
  const epochs = args.epochs == null ? 1 : args.epochs;
  const batchSize = args.batchSize == null ? 32 : args.batchSize;
  const shuffle = args.shuffle == null ? true : args.shuffle;
  const verbose = args.verbose == null ? 1 : args.verbose;
  const initialEpoch = args.initialEpoch == null ? 0 : args.initialEpoch;
  checkPositiveInt(epochs, 'epochs');
  checkPositiveInt(batchSize, 'batchSize');
  const callbacks = args.callbacks == null ? [] : (Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]);
  const modelHandle = model.handle;
  modelHandle.checkData(x.handle, y.handle);  // tfjs's shape and sample-count errors

  const numSamples = x.shape[0];
  const history = new History();
  history.params = {epochs, initialEpoch, samples: numSamples, steps: null, batchSize, verbose,
                    doValidation: false, metrics: ['loss']};
  history.history.loss = [];
  const core = getCore();
  model.stopTraining = false;
  await callCallbacks(callbacks, 'onTrainBegin', {});
  for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
    await callCallbacks(callbacks, 'onEpochBegin', epoch, {});
    const started = Date.now();
    const order = Array.from({length: numSamples}, (_, i) => i);
    if (shuffle) shuffleInPlace(order);
    let lossSum = 0;
    let seen = 0;
    for (let start = 0, batch = 0; start < numSamples; start += batchSize, ++batch) {
      const end = Math.min(start + batchSize, numSamples);
      await callCallbacks(callbacks, 'onBatchBegin', batch, {batch, size: end - start});
      const whole = start === 0 && end === numSamples && !shuffle;
      let xb = x.handle, yb = y.handle, idx = null;
      if (!whole) {
        idx = makeTensorFromFlat(order.slice(start, end), [end - start], 'int32');
        xb = core.gatherRows(x.handle, idx.handle);
        yb = core.gatherRows(y.handle, idx.handle);
      }
      let loss;
      try {
        loss = modelHandle.trainOnBatch(xb, yb);
      } finally {
        if (!whole) {
          xb.delete();
          yb.delete();
          idx.dispose();
        }
      }
      lossSum += loss * (end - start);
      seen += end - start;
      await callCallbacks(callbacks, 'onBatchEnd', batch, {batch, size: end - start, loss});
      await nextMacrotask();
      if (model.stopTraining) break;
    }
    const logs = {loss: lossSum / seen};
    history.epoch.push(epoch);
    history.history.loss.push(logs.loss);
    if (verbose >= 1 && isNode) {
      console.log(`Epoch ${epoch + 1} / ${epochs}: ${Date.now() - started}ms - loss=${logs.loss.toPrecision(4)}`);
    }
    await callCallbacks(callbacks, 'onEpochEnd', epoch, logs);
    if (model.stopTraining) break;
  }
  await callCallbacks(callbacks, 'onTrainEnd', {});
  return history;
}
