// tf.io's helpers for custom handlers and weight loading (issue 16): tfjs 4.22's
// names, signatures and messages, over this package's weight codec (weights.js).
import {artifactsInfo} from './handlers.js';
import {concatBuffers, decodeWeights} from './weights.js';

/** tfjs's CompositeArrayBuffer: several ArrayBuffers read as one. */
export class CompositeArrayBuffer {
  constructor(buffers) {
    const list = buffers == null ? [] : (Array.isArray(buffers) ? buffers : [buffers]);
    this.buffer = concatBuffers(list.map(b => (ArrayBuffer.isView(b) ? b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) : b)));
    this.byteLength = this.buffer.byteLength;
  }

  slice(start = 0, end = this.byteLength) {
    return this.buffer.slice(start, end);
  }

  static join(buffers) {
    return new CompositeArrayBuffer(buffers).slice();
  }
}

export function concatenateArrayBuffers(buffers) {
  return CompositeArrayBuffer.join(buffers);
}

export function getModelArtifactsInfoForJSON(modelArtifacts) {
  if (modelArtifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('Expected JSON model topology, received ArrayBuffer.');
  }
  return artifactsInfo(modelArtifacts);
}

export function getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData) {
  const modelArtifacts = {modelTopology: modelJSON.modelTopology, format: modelJSON.format,
                          generatedBy: modelJSON.generatedBy, convertedBy: modelJSON.convertedBy};
  if (modelJSON.trainingConfig != null) modelArtifacts.trainingConfig = modelJSON.trainingConfig;
  if (modelJSON.weightsManifest != null) {
    if (!weightSpecs) throw new Error('modelJSON has weightsManifest but weightSpecs is null');
    if (!weightData) throw new Error('modelJSON has weightsManifest but weightData is null');
    modelArtifacts.weightSpecs = weightSpecs;
    modelArtifacts.weightData = weightData;
  }
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature']) {
    if (modelJSON[key] != null) modelArtifacts[key] = modelJSON[key];
  }
  return modelArtifacts;
}

export async function getModelArtifactsForJSON(modelJSON, loadWeights) {
  let weightSpecs, weightData;
  if (modelJSON.weightsManifest != null) [weightSpecs, weightData] = await loadWeights(modelJSON.weightsManifest);
  return getModelArtifactsForJSONSync(modelJSON, weightSpecs, weightData);
}

export function getWeightSpecs(weightsManifest) {
  const weightSpecs = [];
  for (const entry of weightsManifest) weightSpecs.push(...entry.weights);
  return weightSpecs;
}

export const isHTTPScheme = url => url.match(/^https?:\/\//) != null;

/**
 * tfjs's weightsLoaderFactory: a loader of the named weights (all when weightNames
 * is null) from a manifest, fetching only the groups that hold them.
 */
export function weightsLoaderFactory(fetchWeightsFunction) {
  return async (manifest, filePathPrefix = '', weightNames) => {
    const wanted = weightNames == null ? null : new Set(weightNames);
    const found = new Set();
    const groups = [];
    manifest.forEach((group, i) => {
      const hit = group.weights.some(w => wanted == null || wanted.has(w.name));
      group.weights.forEach(w => { if (wanted != null && wanted.has(w.name)) found.add(w.name); });
      if (hit) groups.push(i);
    });
    if (wanted != null && found.size !== wanted.size) {
      const weightsNotFound = [...wanted].filter(n => !found.has(n));
      const allManifestWeightNames = manifest.flatMap(g => g.weights.map(w => w.name));
      throw new Error(`Could not find weights in manifest with names: ${weightsNotFound.join(', ')}. \n` +
                      `Manifest JSON has weights with names: ${allManifestWeightNames.join(', ')}.`);
    }
    const urls = [];
    const counts = groups.map(i => {
      manifest[i].paths.forEach(p => urls.push(filePathPrefix + (!filePathPrefix.endsWith('/') ? '/' : '') + p));
      return manifest[i].paths.length;
    });
    const buffers = await fetchWeightsFunction(urls);
    const out = {};
    let at = 0;
    groups.forEach((i, k) => {
      const decoded = decodeWeights(buffers.slice(at, at + counts[k]), manifest[i].weights,
                                    `weight group ${i} (${manifest[i].paths.join(', ')})`);
      at += counts[k];
      for (const [name, t] of decoded) {
        if (wanted == null || wanted.has(name)) out[name] = t;
        else t.dispose();
      }
    });
    return out;
  };
}

/** tfjs's loadWeights: fetch() (with requestInit) as the weightsLoaderFactory's fetcher. */
export function loadWeights(manifest, filePathPrefix = '', weightNames, requestInit) {
  const fetchWeights = async urls => Promise.all(urls.map(async url => {
    const response = await fetch(url, requestInit);
    if (!response.ok) throw new Error(`Request for weight file ${url} failed with status code ${response.status}.`);
    return response.arrayBuffer();
  }));
  return weightsLoaderFactory(fetchWeights)(manifest, filePathPrefix, weightNames);
}

/** tfjs's decodeWeightsStream: reads a ReadableStream of the weight bytes, then decodes. */
export async function decodeWeightsStream(weightStream, specs) {
  const reader = weightStream.getReader();
  const chunks = [];
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    chunks.push(value instanceof ArrayBuffer ? value : value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  }
  return Object.fromEntries(decodeWeights(chunks, specs));
}
