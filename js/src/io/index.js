// tf.io: artifacts in tfjs's format (model.json + binary weights), through the
// handlers of handlers.js. A leaf: it knows artifacts, handlers and weights, not
// models; model.save() (models.js) and tf.loadLayersModel (model_io.js) build on it.
import * as handlers from './handlers.js';
import * as extras from './extras.js';
import {decodeWeights, encodeWeights} from './weights.js';

/** As tfjs: [] where no handler serves the URL (the routed one, else the scheme's). */
function orEmpty(make) {
  try {
    return [make()];
  } catch (e) {
    if (/^No (load|save) handler for URL/.test(e.message)) return [];
    throw e;
  }
}

export {checkTopology, checkWeightSpecs} from './validate.js';
export {decodeWeightValues, encodeWeights} from './weights.js';
export {loadForModel} from './handlers.js';

export const GENERATED_BY = 'TensorFlow.js tfjs-layers v4.22.0';

export const io = {
  http: handlers.http,
  browserHTTPRequest: handlers.http,
  fromMemory: handlers.fromMemory,
  fromMemorySync: handlers.fromMemorySync,
  withSaveHandler: handlers.withSaveHandler,
  withSaveHandlerSync: handlers.withSaveHandler,
  browserFiles: handlers.browserFiles,
  browserDownloads: handlers.browserDownloads,
  browserLocalStorage: handlers.browserLocalStorage,
  browserIndexedDB: handlers.browserIndexedDB,
  fileSystem: handlers.fileSystem,
  getLoadHandlers: (url, options) => orEmpty(() => handlers.getLoadHandler(url, options)),
  getSaveHandlers: url => orEmpty(() => handlers.getSaveHandler(url)),
  registerLoadRouter: handlers.registerLoadRouter,
  registerSaveRouter: handlers.registerSaveRouter,
  ...extras,
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

/** The handler model.save() writes through: the one given, or the one a URL names. */
export function saveHandlerOf(handlerOrURL) {
  const handler = typeof handlerOrURL === 'string' ? handlers.getSaveHandler(handlerOrURL) : handlerOrURL;
  if (handler == null || typeof handler.save !== 'function') {
    throw new Error('LayersModel.save() cannot proceed because the IOHandler provided does not have the `save` ' +
                    'attribute defined.');
  }
  return handler;
}

/**
 * Saves a model's artifacts through handler: its Keras JSON topology, its weights
 * encoded by encodeWeights ({specs, data}), the trainingConfig (or null) and the
 * user-defined metadata (or undefined).
 */
export async function writeModelArtifacts(handler, {modelTopology, weights, trainingConfig, userDefinedMetadata}) {
  const artifacts = {modelTopology, format: 'layers-model', generatedBy: GENERATED_BY,
                     convertedBy: null, weightSpecs: weights.specs, weightData: weights.data};
  if (trainingConfig) artifacts.trainingConfig = trainingConfig;
  if (userDefinedMetadata) artifacts.userDefinedMetadata = userDefinedMetadata;
  return handler.save(artifacts);
}

/** The handler tf.loadLayersModel reads through: the one given, or the one a URL names. */
export function loadHandlerOf(pathOrIOHandler, options) {
  const handler = typeof pathOrIOHandler === 'string' ? handlers.getLoadHandler(pathOrIOHandler, options) : pathOrIOHandler;
  if (handler == null || typeof handler.load !== 'function') {
    throw new Error('Cannot proceed with model loading because the IOHandler provided does not have the `load` method ' +
                    'implemented.');
  }
  return handler;
}
