// tf.io, tf.loadLayersModel, model.save() and model.toJSON(): artifacts in tfjs's
// format (model.json + binary weights), through the handlers of handlers.js.
import {getCore} from '../core.js';
import {dispose} from '../tensor.js';
import {convertPythonicToTs, modelFromTopology, modelTopology} from '../serialization.js';
import * as handlers from './handlers.js';
import {checkTopology, checkWeightSpecs} from './validate.js';
import {decodeWeightValues, decodeWeights, encodeWeights} from './weights.js';

export const GENERATED_BY = 'TensorFlow.js tfjs-layers v4.22.0';

export const io = {
  http: handlers.http,
  browserHTTPRequest: handlers.http,
  fromMemory: handlers.fromMemory,
  fromMemorySync: handlers.fromMemory,
  withSaveHandler: handlers.withSaveHandler,
  withSaveHandlerSync: handlers.withSaveHandler,
  browserFiles: handlers.browserFiles,
  browserDownloads: handlers.browserDownloads,
  browserLocalStorage: handlers.browserLocalStorage,
  browserIndexedDB: handlers.browserIndexedDB,
  fileSystem: handlers.fileSystem,
  getLoadHandlers: (url, options) => [handlers.getLoadHandler(url, options)],
  getSaveHandlers: url => [handlers.getSaveHandler(url)],
  copyModel: handlers.copyModel,
  moveModel: handlers.moveModel,
  listModels: handlers.listModels,
  removeModel: handlers.removeModel,
  encodeWeights: async tensors => {
    const named = Array.isArray(tensors) ? tensors : Object.entries(tensors).map(([name, tensor]) => ({name, tensor}));
    return encodeWeights(named);
  },
  decodeWeights: (data, specs) => Object.fromEntries(decodeWeights(data, specs)),
};

function trainingConfigOf(model) {
  const args = model._compileArgs;
  if (!args) return null;
  // A function (a custom loss) is written by its name, as tfjs does.
  const pyLoss = l => (typeof l === 'string' ? l.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
      : (typeof l === 'function' ? (l.lossName ? pyLoss(l.lossName) : l.name) : l));
  const metricName = m => (typeof m === 'function' ? m.name : m);
  const metrics = args.metrics == null ? null
      : Array.isArray(args.metrics) ? args.metrics.map(metricName)
      : (typeof args.metrics === 'object' ? Object.fromEntries(Object.entries(args.metrics).map(
          ([k, v]) => [k, Array.isArray(v) ? v.map(metricName) : metricName(v)])) : metricName(args.metrics));
  const loss = Array.isArray(args.loss) ? args.loss.map(pyLoss)
      : (args.loss && typeof args.loss === 'object' ? Object.fromEntries(Object.entries(args.loss).map(([k, v]) => [k, pyLoss(v)]))
                                                    : pyLoss(args.loss));
  const {className, config} = JSON.parse(model.handle.optimizerJson());
  const optimizerConfig = {class_name: className, config};
  return {loss, metrics, optimizer_config: optimizerConfig};
}

/** model.save(): the model's artifacts through a handler or a URL. */
export async function saveModel(model, handlerOrURL, config = {}) {
  const handler = typeof handlerOrURL === 'string' ? handlers.getSaveHandler(handlerOrURL) : handlerOrURL;
  if (handler == null || typeof handler.save !== 'function') {
    throw new Error('LayersModel.save() cannot proceed because the IOHandler provided does not have the `save` ' +
                    'attribute defined.');
  }
  const weights = model.weights.filter(w => !config.trainableOnly || w.trainable);
  const tensors = model.getWeights();
  const byName = new Map(model.weights.map((w, i) => [w.name, tensors[i]]));
  let encoded;
  try {
    const named = weights.map(w => ({name: w.originalName, tensor: byName.get(w.name)}));
    if (config.includeOptimizer && model.optimizer && typeof model.optimizer.getWeights === 'function') {
      const optWeights = await model.optimizer.getWeights();
      named.push(...optWeights.map(w => ({name: w.name, tensor: w.tensor, group: 'optimizer'})));
      encoded = encodeWeights(named, config.quantize);
      dispose(optWeights.map(w => w.tensor));
    } else {
      encoded = encodeWeights(named, config.quantize);
    }
  } finally {
    dispose(tensors);
  }
  const artifacts = {modelTopology: modelTopology(model), format: 'layers-model', generatedBy: GENERATED_BY,
                     convertedBy: null, weightSpecs: encoded.specs, weightData: encoded.data};
  const training = trainingConfigOf(model);
  if (training) artifacts.trainingConfig = training;
  if (model._userDefinedMetadata) artifacts.userDefinedMetadata = model._userDefinedMetadata;
  return handler.save(artifacts);
}

const shapeStr = shape => `[${shape.join(',')}]`;

// Writes the decoded values (name -> {values, shape}) straight into the model's
// weight storage: no tensor per weight and no second copy. Every name and shape
// is checked before anything is written, so a bad file changes nothing.
function loadNamedWeights(model, weights, strict) {
  const modelWeights = model.weights;
  const names = new Set(modelWeights.map(w => w.originalName));
  const missing = modelWeights.filter(w => !weights.has(w.originalName)).map(w => w.originalName);
  const unused = [...weights.keys()].filter(n => !names.has(n) && !n.startsWith('iter') && !/\/(m|v|rms|momentum|accumulator|accum_grad|accum_var|mg)$/.test(n));
  if (strict && unused.length) throw new Error(`Provided weight data has no target variable: ${unused[0]}`);
  if (strict && missing.length) {
    throw new Error(`${missing.length} of ${modelWeights.length} weights are not set: ${missing.join(', ')}`);
  }
  for (const w of modelWeights) {
    const v = weights.get(w.originalName);
    if (v && (v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i]))) {
      throw new Error(`Layer weight shape ${shapeStr(w.shape)} not compatible with provided weight shape ` +
                      `${shapeStr(v.shape)} (${w.name})`);
    }
    // As tfjs (Variable.assign): an int32 manifest entry must not reinterpret a float kernel's bits.
    if (v && v.dtype !== (w.dtype || 'float32')) {
      throw new Error(`dtype of the new value (${v.dtype}) and previous value (${w.dtype || 'float32'}) must match ` +
                      `(weight ${w.name})`);
    }
  }
  const current = model.getWeights();  // handles sharing the weights' storage
  try {
    modelWeights.forEach((w, i) => {
      const v = weights.get(w.originalName);
      if (v) current[i].handle.view().set(v.values);  // a fresh view: no engine call between
    });
  } finally {
    dispose(current);
  }
}

/** tf.loadLayersModel(urlOrHandler, {strict, onProgress, weightPathPrefix, fetchFunc, requestInit}). */
export async function loadLayersModel(pathOrIOHandler, options = {}) {
  const handler = typeof pathOrIOHandler === 'string' ? handlers.getLoadHandler(pathOrIOHandler, options) : pathOrIOHandler;
  if (handler == null || typeof handler.load !== 'function') {
    throw new Error('Cannot proceed with model loading because the IOHandler provided does not have the `load` method ' +
                    'implemented.');
  }
  const artifacts = await handler.load();
  return modelFromArtifacts(artifacts, options.strict !== false);
}

export function modelFromArtifacts(artifacts, strict = true) {
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
  try {
    if (artifacts.weightData != null) {
      loadNamedWeights(model, decodeWeightValues(artifacts.weightData, artifacts.weightSpecs || []), strict);
    }
    if (artifacts.trainingConfig != null) {
      const tc = artifacts.trainingConfig;
      const loss = convertPythonicToTs(tc.loss);
      const opt = tc.optimizer_config;
      const optimizer = opt ? {getClassName: () => opt.class_name, getConfig: () => convertPythonicToTs(opt.config)} : 'sgd';
      model.compile({optimizer, loss, metrics: tc.metrics || undefined});
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
