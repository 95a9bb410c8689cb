// tf.fitInWorker(model, x, y, args): model.fit in a Web Worker, so that a long
// training run never blocks the page. The model travels through the save/load
// artifacts (topology, compile config, weights); the data as typed arrays; the
// worker (dist/wasm-layers-worker.js, which carries its own copy of this library and
// fetches the same .wasm) streams each callback's logs back, and at the end the
// trained weights are set on `model`. model.stopTraining = true stops it.
import {getCore, wasmUrlForWorkers} from './core.js';
import {io} from './io/index.js';
import {loadLayersModel} from './model_io.js';
import {Tensor} from './tensor.js';
import {History} from './training.js';

let defaultWorkerUrl = null;

/** Used by the entry points: where dist/wasm-layers-worker.js is. */
export function setDefaultWorkerUrl(fn) {
  defaultWorkerUrl = fn;
}

const CALLBACKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield'];
const PLAIN_ARGS = ['epochs', 'batchSize', 'verbose', 'validationSplit', 'shuffle', 'classWeight',
                    'initialEpoch', 'stepsPerEpoch', 'validationSteps', 'validationBatchSize', 'yieldEvery'];

function pack(x, what, transfer) {
  if (x instanceof Tensor) {
    const data = x.dataSync().slice();
    transfer.push(data.buffer);
    return {shape: x.shape, dtype: x.dtype, data};
  }
  if (Array.isArray(x)) return x.map(t => pack(t, what, transfer));
  if (x != null && typeof x === 'object' && Object.values(x).every(v => v instanceof Tensor)) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, pack(v, what, transfer)]));
  }
  throw new Error(`fitInWorker: ${what} must be a Tensor, an array of Tensors or a {name: Tensor} map`);
}

function callbackObjects(callbacks) {
  const list = callbacks == null ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
  for (const cb of list) {
    const plain = cb != null && typeof cb === 'object' && Object.getPrototypeOf(cb) === Object.prototype;
    if (!plain) {
      throw new Error('fitInWorker: callbacks must be plain objects of functions ({onEpochEnd(epoch, logs) {...}}); ' +
                      'Callback instances such as tf.callbacks.earlyStopping() cannot move to the worker');
    }
    for (const [name, fn] of Object.entries(cb)) {
      if (!CALLBACKS.includes(name)) throw new Error(`fitInWorker: unknown callback ${name} (expected one of ${CALLBACKS.join(', ')})`);
      if (typeof fn !== 'function') throw new Error(`fitInWorker: callback ${name} must be a function`);
    }
  }
  return list;
}

async function artifactsOf(model) {
  let artifacts = null;
  await model.save(io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  return artifacts;
}

/**
 * tf.fitInWorker without its first argument, `backend` (tf.getBackend(), given by index.js).
 * Trains `model` (compiled, with a built-in loss and metrics) as model.fit(x, y, args)
 * would, in a Web Worker. Resolves to a History; the trained weights are then on
 * `model`. The optimizer starts afresh in the worker on each call (its state, such as
 * Adam's moments, is not carried over). options.workerUrl: where wasm-layers-worker.js
 * is (default: beside this bundle); options.wasmUrl: the .wasm the worker loads
 * (default: the one this page loads, see tf.setWasmPaths).
 */
export async function fitInWorker(backend, model, x, y, args = {}, options = {}) {
  if (typeof Worker === 'undefined') throw new Error('fitInWorker needs Web Workers (a browser); in Node, call model.fit');
  if (model == null || typeof model.fit !== 'function' || typeof model.save !== 'function') {
    throw new Error('fitInWorker: the first argument must be a LayersModel');
  }
  if (!model._compileArgs) throw new Error('fitInWorker: compile the model before training it');
  const {loss, metrics} = model._compileArgs;
  const flat = v => (v == null ? [] : Array.isArray(v) ? v.flatMap(flat)
      : typeof v === 'object' ? Object.values(v).flatMap(flat) : [v]);
  if ([...flat(loss), ...flat(metrics)].some(f => typeof f === 'function')) {
    throw new Error('fitInWorker: a custom loss or metric function cannot move to the worker; use built-in names');
  }
  for (const key of Object.keys(args)) {
    if (![...PLAIN_ARGS, 'validationData', 'sampleWeight', 'callbacks'].includes(key)) throw new Error(`fitInWorker: unsupported fit argument ${key}`);
  }
  const callbacks = callbackObjects(args.callbacks);
  const workerUrl = options.workerUrl ?? (defaultWorkerUrl && defaultWorkerUrl());
  const wasmUrl = options.wasmUrl ?? wasmUrlForWorkers();
  if (!workerUrl) throw new Error('fitInWorker: no worker script is known for this bundle: pass options.workerUrl');
  getCore();  // the page's engine must be loaded (model.save needs it)

  const transfer = [];
  const message = {type: 'fit', wasmUrl: wasmUrl == null ? null : String(wasmUrl), backend,
                   artifacts: await artifactsOf(model), x: pack(x, 'x', transfer), y: pack(y, 'y', transfer),
                   args: Object.fromEntries(PLAIN_ARGS.filter(k => args[k] !== undefined).map(k => [k, args[k]])),
                   callbacks: [...new Set(callbacks.flatMap(cb => Object.keys(cb)))]};
  if (args.validationData != null) message.args.validationData = pack(args.validationData, 'validationData', transfer);
  if (args.sampleWeight != null) message.args.sampleWeight = pack(args.sampleWeight, 'sampleWeight', transfer);
  transfer.push(...[message.artifacts.weightData].flat().filter(b => b instanceof ArrayBuffer));

  model.stopTraining = false;
  const worker = new Worker(workerUrl);
  try {
    const result = await new Promise((resolve, reject) => {
      let chain = Promise.resolve();  // callbacks run in order, each awaited
      let stopSent = false;
      worker.onerror = e => reject(new Error(`fitInWorker: the worker failed: ${e.message || 'could not load ' + workerUrl}`));
      worker.onmessage = ({data: msg}) => {
        if (model.stopTraining && !stopSent) {
          stopSent = true;
          worker.postMessage({type: 'stop'});
        }
        if (msg.type === 'callback') {
          chain = chain.then(async () => {
            for (const cb of callbacks) {
              const fn = cb[msg.name];
              if (!fn) continue;
              if (msg.name === 'onTrainBegin' || msg.name === 'onTrainEnd') await fn(msg.logs);
              else if (msg.name === 'onYield') await fn(msg.epoch, msg.batch, msg.logs);
              else await fn(msg.index, msg.logs);
            }
            if (model.stopTraining && !stopSent) {
              stopSent = true;
              worker.postMessage({type: 'stop'});
            }
          }).catch(reject);
        } else if (msg.type === 'done') {
          chain.then(() => resolve(msg), reject);
        } else if (msg.type === 'error') {
          reject(new Error(`fitInWorker: ${msg.message}`));
        }
      };
      worker.postMessage(message, transfer);
    });
    const trained = await loadLayersModel(io.fromMemory({modelTopology: message.artifacts.modelTopology,
                                                         weightSpecs: result.weightSpecs, weightData: result.weightData}));
    try {
      model.setWeights(trained.getWeights());
    } finally {
      trained.dispose();
    }
    const history = new History();
    Object.assign(history, result.history);
    return history;
  } finally {
    worker.terminate();
  }
}
