// Loading a whole model: tf.loadLayersModel, tf.models.modelFromJSON and the
// artifacts -> model glue. Sits above io/ (artifacts, handlers, weights) and
// serialization.js (Keras JSON -> layers); nothing below imports it, so there is
// no cycle. Saving goes the other way, from models.js (model.save()) into io/.
import {copyBytesToHeap, copyToHeap, getCore, heapView, vectorOf} from './core.js';
import {makeTensorFromFlat} from './tensor.js';
import {checkTopology, checkWeightSpecs, decodeWeightValues, loadForModel, loadHandlerOf} from './io/index.js';
import {convertPythonicToTs, modelFromTopology} from './serialization.js';

const shapeStr = shape => `[${shape.join(',')}]`;

// Writes the decoded values (name -> {values, shape}) straight into the model's
// weight storage: no tensor per weight and no second copy. Every name and shape
// is checked before anything is written, so a bad file changes nothing.
function loadNamedWeights(model, weights, strict) {
  // One crossing for every weight's name, shape and dtype (a handle per weight was
  // ~20% of loading MobileNetV2), in model.weights' order.
  const modelWeights = JSON.parse(model.handle.weightInfo());
  const names = new Set(modelWeights.map(w => w.name));
  // Keras 2 (tf.keras) names a recurrent layer's weights in its cell's scope
  // (gru/gru_cell/kernel, bidirectional/forward_lstm/lstm_cell/bias); tfjs and this
  // engine name them in the layer's (gru/kernel), so such a name maps to that one.
  for (const key of [...weights.keys()]) {
    if (names.has(key)) continue;
    const alias = key.replace(/^(.*)\/[A-Za-z0-9_]*cell(_\d+)?\/(kernel|recurrent_kernel|bias)$/, '$1/$3');
    if (alias !== key && names.has(alias) && !weights.has(alias)) {
      weights.set(alias, weights.get(key));
      weights.delete(key);
    }
  }
  // Keras 3 saves a LoRA layer's kernel with its adaptation merged in and no LoRA
  // factors, and its load sets them to zero: so here, where a file has none.
  for (const w of modelWeights) {
    if (!weights.has(w.name) && /\/lora_(kernel|embeddings)_[ab]$/.test(w.name)) weights.set(w.name, {shape: w.shape, dtype: w.dtype, fill: view => view.fill(0)});
  }
  const missing = modelWeights.filter(w => !weights.has(w.name)).map(w => w.name);
  const unused = [...weights.keys()].filter(n => !names.has(n) && !n.startsWith('iter') && !/\/(m|v|rms|momentum|accumulator|accum_grad|accum_var|mg)$/.test(n));
  if (strict && unused.length) throw new Error(`Provided weight data has no target variable: ${unused[0]}`);
  if (strict && missing.length) {
    throw new Error(`${missing.length} of ${modelWeights.length} weights are not set: ${missing.join(', ')}`);
  }
  for (const w of modelWeights) {
    const v = weights.get(w.name);
    if (v && (v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i]))) {
      throw new Error(`Layer weight shape ${shapeStr(w.shape)} not compatible with provided weight shape ` +
                      `${shapeStr(v.shape)} (${w.name})`);
    }
    // As tfjs (Variable.assign): an int32 manifest entry must not reinterpret a float kernel's bits.
    if (v && v.dtype !== w.dtype) {
      throw new Error(`dtype of the new value (${v.dtype}) and previous value (${w.dtype}) must match ` +
                      `(weight ${w.name})`);
    }
  }
  // The values straight into each weight's memory (bindings.cc wl_weight_target).
  const core = getCore();
  if (core._wl_weights_begin(model.handle.address()) === 0) core.rethrowLastError();
  try {
    modelWeights.forEach((w, i) => {
      const v = weights.get(w.name), size = w.shape.reduce((a, b) => a * b, 1);
      if (!v || size === 0) return;
      const at = core._wl_weight_target(i) >>> 0;
      if (at === 0) core.rethrowLastError();
      if (v.pieces) {
        copyBytesToHeap(at, v.pieces);  // float32 / int32 bytes as stored
      } else if (v.encoded) {
        // quantized float32: the stored bytes at the end of the weight's memory, dequantized there
        const {kind, pieces, scale, min} = v.encoded;
        copyBytesToHeap(at + 4 * size - (kind === 0 ? size : 2 * size), pieces);
        if (core._wl_weight_dequantize(at, size, kind, scale == null ? 1 : scale, min == null ? 0 : min) === 0) {
          core.rethrowLastError();
        }
      } else if (v.fill) {
        v.fill(heapView(at, size, w.dtype === 'float32'));  // dequantized in place (int32)
      } else {
        copyToHeap(at, v.values, w.dtype === 'float32');
      }
      if (core._wl_weight_commit(i) === 0) core.rethrowLastError();  // a no-op where the memory is the host's
    });
  } finally {
    core._wl_weights_end();
  }
  if (core._wl_weights_constrain(model.handle.address()) === 0) core.rethrowLastError();
}

// The saved optimizer state (moments, iterations) into the model's compiled optimizer, by name.
function setOptimizerWeights(model, names, entries) {
  const tensors = entries.map(e => makeTensorFromFlat(e.values, e.shape, e.dtype));
  const v = vectorOf(tensors.map(t => t.handle));
  try {
    model.handle.setOptimizerWeights(JSON.stringify(names), v);
  } finally {
    v.delete();
    tensors.forEach(t => t.dispose());
  }
}

/** tf.loadLayersModel(urlOrHandler, {strict, onProgress, weightPathPrefix, fetchFunc, requestInit}). */
export async function loadLayersModel(pathOrIOHandler, options = {}) {
  const handler = loadHandlerOf(pathOrIOHandler, options);
  const artifacts = await (typeof handler[loadForModel] === 'function' ? handler[loadForModel]() : handler.load());
  const strict = options.strict !== false;
  const pending = artifacts.weightData;
  if (!(pending instanceof Promise)) return modelFromArtifacts(artifacts, strict);
  // The weights are still arriving (handlers.js, loadForModel): build the model meanwhile
  // (it does not read them), then copy them in.
  pending.catch(() => {});  // awaited below, unless the build throws first
  const model = buildFromArtifacts(artifacts, strict);
  let weightData;
  try {
    weightData = await pending;
  } catch (e) {
    model.dispose();
    throw e;
  }
  return finishFromArtifacts(model, {...artifacts, weightData}, strict);
}

export function modelFromArtifacts(artifacts, strict = true) {
  return finishFromArtifacts(buildFromArtifacts(artifacts, strict), artifacts, strict);
}

// The model of the artifacts' topology; its weights, where the artifacts carry weight data
// (or a Promise of it), are not initialized: finishFromArtifacts sets them.
function buildFromArtifacts(artifacts, strict) {
  if (artifacts == null || typeof artifacts !== 'object') throw new Error('The model artifacts must be an object.');
  if (artifacts.modelTopology == null) throw new Error('The model artifacts have no modelTopology.');
  let topology = artifacts.modelTopology;
  if (typeof topology === 'string') {
    try {
      topology = JSON.parse(topology);
    } catch (e) {
      throw new Error(`Failed to parse the modelTopology JSON: ${e.message}`);
    }
  }
  // Structure first, so a malformed file names its bad field and nothing is built.
  checkTopology(topology);
  if (artifacts.weightData != null) checkWeightSpecs(artifacts.weightSpecs == null ? [] : artifacts.weightSpecs);
  // As tfjs: when every weight will be read from the artifacts, skip the initializers.
  const withWeights = artifacts.weightData != null && artifacts.weightSpecs != null;
  const core = getCore();
  core.setFastWeightInit(withWeights && strict);
  let model;
  try {
    model = modelFromTopology(topology);
  } finally {
    core.setFastWeightInit(false);
  }
  return model;
}

// Sets the built model's weights from the artifacts (disposing the model on an error), and its
// training config and metadata.
function finishFromArtifacts(model, artifacts, strict) {
  try {
    // As tfjs: the weights of group 'optimizer' (save's includeOptimizer) go to the
    // compiled optimizer, the others to the model.
    const specs = artifacts.weightSpecs || [];
    const optimizerNames = specs.filter(spec => spec.group === 'optimizer').map(spec => spec.name);
    let optimizerWeights = null;
    if (artifacts.weightData != null) {
      const decoded = decodeWeightValues(artifacts.weightData, specs);
      optimizerWeights = optimizerNames.map(name => decoded.get(name));
      optimizerNames.forEach(name => decoded.delete(name));
      loadNamedWeights(model, decoded, strict);
    }
    if (artifacts.trainingConfig != null) {
      const tc = artifacts.trainingConfig;
      const loss = convertPythonicToTs(tc.loss);
      const opt = tc.optimizer_config;
      const optimizer = opt ? {getClassName: () => opt.class_name, getConfig: () => convertPythonicToTs(opt.config)} : 'sgd';
      model.compile({optimizer, loss, metrics: tc.metrics || undefined, lossWeights: tc.loss_weights ?? undefined});
      if (optimizerWeights != null && optimizerWeights.length > 0) setOptimizerWeights(model, optimizerNames, optimizerWeights);
    }
    if (artifacts.userDefinedMetadata != null) model._userDefinedMetadata = artifacts.userDefinedMetadata;
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** tf.models.modelFromJSON(modelAndWeightsConfig | topology). */
export async function modelFromJSON(config) {
  const json = typeof config === 'string' ? JSON.parse(config) : config;
  if (json == null || typeof json !== 'object') throw new Error('modelFromJSON: expected a model topology object or JSON');
  if (json.modelTopology == null) return modelFromArtifacts({modelTopology: json});
  return modelFromArtifacts({modelTopology: json.modelTopology, trainingConfig: json.trainingConfig});
}
