// dist/wasm-layers-worker.js: the Web Worker behind tf.fitInWorker (js/src/worker_fit.js).
// It carries its own copy of the library, loads the .wasm the page names, rebuilds the
// model from its artifacts, runs fit, posts each callback's logs, and sends the
// trained weights back.
import {setDefaultWasmLoader} from '../src/core.js';
import * as tf from '../src/index.js';
import {fetchLoader} from './fetch_loader.js';

setDefaultWasmLoader(fetchLoader(() => new URL('wasm-layers.wasm', self.location.href)));

const unpack = x => (Array.isArray(x) ? x.map(unpack)
    : x.data && x.shape ? tf.tensor(x.data, x.shape, x.dtype)
    : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unpack(v)])));

let model = null;
self.onmessage = async ({data: msg}) => {
  if (msg.type === 'stop') {
    if (model) model.stopTraining = true;
    return;
  }
  if (msg.type !== 'fit') return;
  try {
    if (msg.wasmUrl) tf.setWasmPaths({'wasm-layers.wasm': msg.wasmUrl});
    await tf.ready();
    await tf.setBackend(msg.backend);
    model = await tf.loadLayersModel(tf.io.fromMemory(msg.artifacts));
    const args = {...msg.args};
    if (args.validationData) args.validationData = unpack(args.validationData);
    if (args.sampleWeight) args.sampleWeight = unpack(args.sampleWeight);
    const post = (name, fields) => self.postMessage({type: 'callback', name, ...fields});
    args.callbacks = {onBatchEnd: (index, logs) => post('onBatchEnd', {index, logs})};  // also carries Stop
    for (const name of msg.callbacks) {
      if (name === 'onTrainBegin' || name === 'onTrainEnd') args.callbacks[name] = logs => post(name, {logs});
      else if (name === 'onYield') args.callbacks[name] = (epoch, batch, logs) => post(name, {epoch, batch, logs});
      else if (name !== 'onBatchEnd') args.callbacks[name] = (index, logs) => post(name, {index, logs});
    }
    const history = await model.fit(unpack(msg.x), unpack(msg.y), args);
    let artifacts = null;
    await model.save(tf.io.withSaveHandler(async a => {
      artifacts = a;
      return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
    }));
    self.postMessage({type: 'done', weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData,
                      history: {epoch: history.epoch, history: history.history, params: history.params}},
                     [artifacts.weightData].flat().filter(b => b instanceof ArrayBuffer));
  } catch (e) {
    self.postMessage({type: 'error', message: e && e.message ? e.message : String(e)});
  }
};
