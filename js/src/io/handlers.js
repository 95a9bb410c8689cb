// IO handlers with tfjs's URL schemes and factories (tfjs-core/src/io/*): each is
// {load(): Promise<ModelArtifacts>} and/or {save(artifacts): Promise<SaveResult>}.
// On-disk and in-storage formats are tfjs's, so models move freely between the two.
import {isNodeRuntime} from '../core.js';
import {nodeGet, nodeImport} from './node_get.js';
import {checkWeightsManifest} from './validate.js';
import {byteLength, concatBuffers, shard} from './weights.js';

const isNode = isNodeRuntime();

// A handler's load for tf.loadLayersModel alone, where it has one: the artifacts' weight
// data may then be views of the bytes as they arrived (any split: tfjs's WeightData is the
// bytes of its buffers in order), since the load copies them into the engine anyway; and it
// may be a Promise of them, still arriving, which the load awaits once it has built the model.
export const loadForModel = Symbol('wasm-layers.loadForModel');

export function artifactsInfo(artifacts) {
  const json = s => (s == null ? 0 : new TextEncoder().encode(JSON.stringify(s)).length);
  return {dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: json(artifacts.modelTopology),
          weightSpecsBytes: json(artifacts.weightSpecs),
          weightDataBytes: artifacts.weightData == null ? 0 : concatBuffers(artifacts.weightData).byteLength};
}

/** model.json's content for artifacts whose weights live in `paths`. */
function modelJson(artifacts, paths) {
  const out = {modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy,
               convertedBy: artifacts.convertedBy, weightsManifest: [{paths, weights: artifacts.weightSpecs}]};
  if (artifacts.trainingConfig != null) out.trainingConfig = artifacts.trainingConfig;
  // Graph models (tfjs-converter) carry these too.
  for (const key of ['userDefinedMetadata', 'signature', 'modelInitializer', 'initializerSignature']) {
    if (artifacts[key] != null) out[key] = artifacts[key];
  }
  return out;
}

function fromModelJson(json, weightSpecs, weightData) {
  // As tfjs: a model.json without a weightsManifest is a topology only (its
  // weights keep their initializers), not a file whose weights are all missing.
  if (json.weightsManifest == null) weightSpecs = weightData = undefined;
  return {modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
          convertedBy: json.convertedBy, weightSpecs, weightData, trainingConfig: json.trainingConfig,
          userDefinedMetadata: json.userDefinedMetadata, ...graphModelKeys(json)};
}

/** The keys a graph model's model.json adds (tfjs-converter), where present. */
const graphModelKeys = json => Object.fromEntries(['signature', 'modelInitializer', 'initializerSignature']
    .filter(key => json[key] != null).map(key => [key, json[key]]));

function parseModelJson(text, source) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Failed to parse model JSON of ${source}: ${e.message}`);
  }
  if (json == null || typeof json !== 'object' || json.modelTopology == null) {
    throw new Error(`The JSON from ${source} does not contain a modelTopology: is it a tfjs layers model.json?`);
  }
  checkWeightsManifest(json.weightsManifest);
  return json;
}

const manifestSpecs = json => (json.weightsManifest || []).flatMap(g => g.weights);

// ---- file:// (Node) --------------------------------------------------------------------

export function fileSystem(path) {
  if (!isNode) throw new Error('file:// is only available in Node.js');
  return {
    async save(artifacts) {
      const fs = await nodeImport('node:fs/promises');
      const {join} = await nodeImport('node:path');
      await fs.mkdir(path, {recursive: true});
      const data = artifacts.weightData == null ? new ArrayBuffer(0) : concatBuffers(artifacts.weightData);
      const shards = shard(data);
      const names = shards.length === 1 ? ['weights.bin'] : shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
      await fs.writeFile(join(path, 'model.json'), JSON.stringify(modelJson(artifacts, names)));
      for (let i = 0; i < shards.length; i++) await fs.writeFile(join(path, names[i]), new Uint8Array(shards[i]));
      return {modelArtifactsInfo: artifactsInfo(artifacts)};
    },
    async load() {
      const fs = await nodeImport('node:fs/promises');
      const {dirname, join} = await nodeImport('node:path');
      let file = path;
      try {
        if ((await fs.stat(path)).isDirectory()) file = join(path, 'model.json');
      } catch {
        throw new Error(`Path ${path} does not exist: loading failed`);
      }
      let text;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        throw new Error(`Cannot read model.json at ${file}: ${e.message}`);
      }
      const json = parseModelJson(text, file);
      const buffers = [];
      for (const group of json.weightsManifest || []) {
        for (const p of group.paths) {
          const weightFile = join(dirname(file), p);
          try {
            buffers.push(await readWhole(fs, weightFile));
          } catch (e) {
            throw new Error(`Weight file ${weightFile} listed in ${file} cannot be read: ${e.code || e.message}`);
          }
        }
      }
      return fromModelJson(json, manifestSpecs(json), buffers);
    },
  };
}

// A file into one ArrayBuffer of its size: fs.readFile reads in 512 KB pieces into a
// Buffer that then needs a copy of its own (a third of loading MobileNetV2 from disk).
async function readWhole(fs, file) {
  const fh = await fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const {bytesRead} = await fh.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) throw new Error(`the file ended after ${filled} of its ${size} bytes`);
      filled += bytesRead;
    }
    return bytes.buffer;
  } finally {
    await fh.close();
  }
}

// ---- http(s):// -------------------------------------------------------------------------

// Node's own fetch, as found when this module loaded: a fetch the user put in its place
// (a test's mock, a polyfill) is always the one called.
const builtinFetch = typeof globalThis.fetch === 'function' && isNode &&
    /undici/.test(Function.prototype.toString.call(globalThis.fetch)) ? globalThis.fetch : null;

export function http(path, options = {}) {
  const fetchFunc = options.fetchFunc || (typeof fetch === 'function' ? fetch.bind(globalThis) : null);
  if (!fetchFunc) throw new Error('http: no fetch() is available; pass options.fetchFunc');
  // GETs: node:http(s) in Node where nothing was asked of fetch (see node_get.js).
  const get = (url, pieces = false) => (options.fetchFunc == null && options.requestInit == null &&
                                         builtinFetch !== null && globalThis.fetch === builtinFetch
                                         ? nodeGet(url, {pieces}) : fetchFunc(url, options.requestInit));
  // forModel (loadLayersModel's own read, see loadForModel): each shard as the list of
  // chunks it arrived in where the GET gives them, and the weight data a Promise that
  // resolves once the bodies have arrived: every request is answered (status checked)
  // before it returns, and the model is built while the bytes come. Otherwise one
  // ArrayBuffer a shard, all read before it returns.
  const load = async forModel => {
    let response;
    try {
      response = await get(path);
    } catch (e) {
      throw new Error(`Request to ${path} failed: ${e.message}`);
    }
    if (!response.ok) {
      throw new Error(`Request to ${path} failed with status code ${response.status}. Please verify this URL points ` +
                      'to the model JSON of the model to load.');
    }
    const json = parseModelJson(await response.text(), path);
    const prefix = options.weightPathPrefix != null ? options.weightPathPrefix
                                                    : path.slice(0, path.lastIndexOf('/') + 1);
    // As tfjs: weightUrlConverter(fileName) names each shard's URL in place of the prefix.
    const paths = (json.weightsManifest || []).flatMap(g => g.paths);
    const urls = options.weightUrlConverter != null
        ? await Promise.all(paths.map(p => options.weightUrlConverter(p)))
        : paths.map(p => prefix + p);
    // All shards at once, as tfjs; the weight data stays a list of shards (tfjs's WeightData).
    let done = 0;
    const responses = await Promise.all(urls.map(async url => {
      let r;
      try {
        r = await get(url, forModel);
      } catch (e) {
        throw new Error(`Request for weight file ${url} failed: ${e.message}`);
      }
      if (!r.ok) throw new Error(`Request for weight file ${url} failed with status code ${r.status}.`);
      return r;
    }));
    const bodies = Promise.all(responses.map(async (r, i) => {
      let buffer;
      try {
        buffer = forModel && typeof r.pieces === 'function' ? await r.pieces() : await r.arrayBuffer();
      } catch (e) {
        throw new Error(`Request for weight file ${urls[i]} failed: ${e.message}`);
      }
      if (options.onProgress) options.onProgress(++done / urls.length);
      return buffer;
    }));
    if (forModel) return fromModelJson(json, manifestSpecs(json), bodies.then(buffers => buffers.flat()));
    return fromModelJson(json, manifestSpecs(json), await bodies);
  };
  return {
    load: () => load(false),
    [loadForModel]: () => load(true),
    async save(artifacts) {
      // As tfjs's http handler: a multipart POST of model.json and model.weights.bin.
      const form = new FormData();
      const json = modelJson(artifacts, ['./model.weights.bin']);
      form.append('model.json', new Blob([JSON.stringify(json)], {type: 'application/json'}), 'model.json');
      if (artifacts.weightData != null) {
        form.append('model.weights.bin', new Blob([concatBuffers(artifacts.weightData)], {type: 'application/octet-stream'}),
                    'model.weights.bin');
      }
      const init = {method: 'POST', ...(options.requestInit || {}), body: form};
      const response = await fetchFunc(path, init);
      if (!response.ok) throw new Error(`BrowserHTTPRequest.save() failed due to HTTP response status ${response.status}.`);
      return {modelArtifactsInfo: artifactsInfo(artifacts), responses: [response]};
    },
  };
}

// ---- memory and custom handlers ------------------------------------------------------

export function fromMemory(modelArtifacts, weightSpecs, weightData, trainingConfig) {
  const artifacts = arguments.length === 1 && modelArtifacts != null && modelArtifacts.modelTopology != null
      ? modelArtifacts
      : {modelTopology: modelArtifacts, weightSpecs, weightData, trainingConfig};
  return {async load() { return artifacts; }};
}

/** tf.io.fromMemorySync: the same, with a synchronous load() (tf.loadGraphModelSync needs one). */
export function fromMemorySync(modelArtifacts, weightSpecs, weightData, trainingConfig) {
  const artifacts = arguments.length === 1 && modelArtifacts != null && modelArtifacts.modelTopology != null
      ? modelArtifacts
      : {modelTopology: modelArtifacts, weightSpecs, weightData, trainingConfig};
  return {load: () => artifacts};
}

export function withSaveHandler(saveHandler) {
  if (typeof saveHandler !== 'function') throw new Error('withSaveHandler expects a function (artifacts) => SaveResult');
  return {save: saveHandler};
}

// ---- browser: files, downloads, localStorage, IndexedDB -----------------------------------

export function browserFiles(files) {
  if (!Array.isArray(files) || files.length < 1) throw new Error('browserFiles() expects [modelJsonFile, ...weightFiles]');
  return {
    async load() {
      const [jsonFile, ...weightFiles] = files;
      const json = parseModelJson(await jsonFile.text(), jsonFile.name);
      const byName = new Map(weightFiles.map(f => [f.name, f]));
      const buffers = [];
      for (const p of (json.weightsManifest || []).flatMap(g => g.paths)) {
        const base = p.split('/').pop();
        const f = byName.get(base);
        if (!f) throw new Error(`Weight file ${base} (listed in ${jsonFile.name}) was not provided to browserFiles()`);
        buffers.push(await f.arrayBuffer());
      }
      return fromModelJson(json, manifestSpecs(json), concatBuffers(buffers));
    },
  };
}

export function browserDownloads(prefix = 'model') {
  return {
    async save(artifacts) {
      if (typeof document === 'undefined') throw new Error('downloads:// is only available in browsers');
      const weightsName = `${prefix}.weights.bin`;
      const json = modelJson(artifacts, [`./${weightsName}`]);
      const click = (blob, name) => {
        const a = document.createElement('a');
        a.download = name;
        a.href = URL.createObjectURL(blob);
        a.dispatchEvent(new MouseEvent('click'));
      };
      click(new Blob([JSON.stringify(json)], {type: 'application/json'}), `${prefix}.json`);
      if (artifacts.weightData != null) click(new Blob([concatBuffers(artifacts.weightData)]), weightsName);
      return {modelArtifactsInfo: artifactsInfo(artifacts)};
    },
  };
}

const LS_PREFIX = 'tensorflowjs_models';
const lsKeys = path => ({info: `${LS_PREFIX}/${path}/info`, topology: `${LS_PREFIX}/${path}/model_topology`,
                         specs: `${LS_PREFIX}/${path}/weight_specs`, data: `${LS_PREFIX}/${path}/weight_data`,
                         metadata: `${LS_PREFIX}/${path}/model_metadata`});

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

export function browserLocalStorage(path) {
  if (typeof localStorage === 'undefined') throw new Error('localstorage:// is only available in browsers');
  const keys = lsKeys(path);
  return {
    async save(artifacts) {
      const info = artifactsInfo(artifacts);
      const metadata = {format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
                        userDefinedMetadata: artifacts.userDefinedMetadata, trainingConfig: artifacts.trainingConfig,
                        ...graphModelKeys(artifacts)};
      try {
        localStorage.setItem(keys.info, JSON.stringify(info));
        localStorage.setItem(keys.topology, JSON.stringify(artifacts.modelTopology));
        localStorage.setItem(keys.specs, JSON.stringify(artifacts.weightSpecs));
        localStorage.setItem(keys.data, toBase64(concatBuffers(artifacts.weightData || new ArrayBuffer(0))));
        localStorage.setItem(keys.metadata, JSON.stringify(metadata));
      } catch (e) {
        Object.values(keys).forEach(k => localStorage.removeItem(k));
        throw new Error(`Failed to save model '${path}' to local storage: size quota being exceeded is a possible ` +
                        `cause of this failure: modelTopologyBytes=${info.modelTopologyBytes}, weightSpecsBytes=` +
                        `${info.weightSpecsBytes}, weightDataBytes=${info.weightDataBytes}. (${e.message})`);
      }
      return {modelArtifactsInfo: info};
    },
    async load() {
      const info = localStorage.getItem(keys.info);
      if (info == null) throw new Error(`In local storage, there is no model with name '${path}'`);
      const metadata = JSON.parse(localStorage.getItem(keys.metadata) || '{}');
      return {modelTopology: JSON.parse(localStorage.getItem(keys.topology)), format: metadata.format,
              generatedBy: metadata.generatedBy, convertedBy: metadata.convertedBy,
              weightSpecs: JSON.parse(localStorage.getItem(keys.specs)),
              weightData: fromBase64(localStorage.getItem(keys.data)), trainingConfig: metadata.trainingConfig,
              userDefinedMetadata: metadata.userDefinedMetadata, ...graphModelKeys(metadata)};
    },
  };
}

const IDB_NAME = 'tensorflowjs', MODELS = 'models_store', INFO = 'model_info_store';

function openDb() {
  if (typeof indexedDB === 'undefined') throw new Error('indexeddb:// is only available in browsers');
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(IDB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, {keyPath: 'modelPath'});
      if (!db.objectStoreNames.contains(INFO)) db.createObjectStore(INFO, {keyPath: 'modelPath'});
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function idbRequest(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function browserIndexedDB(path) {
  return {
    async save(artifacts) {
      const db = await openDb();
      const info = artifactsInfo(artifacts);
      const stored = {...artifacts, weightData: concatBuffers(artifacts.weightData || new ArrayBuffer(0))};
      try {
        const tx = db.transaction([INFO, MODELS], 'readwrite');
        tx.objectStore(INFO).put({modelPath: path, modelArtifactsInfo: info});
        tx.objectStore(MODELS).put({modelPath: path, modelArtifacts: stored});
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
        });
      } catch (e) {
        throw new Error(`Failed to save model '${path}' to IndexedDB (a storage quota may be exceeded): ${e && e.message}`);
      } finally {
        db.close();
      }
      return {modelArtifactsInfo: info};
    },
    async load() {
      const db = await openDb();
      try {
        const rec = await idbRequest(db.transaction(MODELS, 'readonly').objectStore(MODELS).get(path));
        if (rec == null) throw new Error(`Cannot find model with path '${path}' in IndexedDB.`);
        return rec.modelArtifacts;
      } finally {
        db.close();
      }
    },
  };
}

// ---- routing by URL scheme and model management -------------------------------------

const SCHEMES = {
  'localstorage://': p => browserLocalStorage(p),
  'indexeddb://': p => browserIndexedDB(p),
  'downloads://': p => browserDownloads(p),
  'file://': p => fileSystem(p),
};

// tf.io.registerLoadRouter/registerSaveRouter: a router maps a URL to a handler or null.
const loadRouters = [];
const saveRouters = [];
export function registerLoadRouter(router) {
  loadRouters.push(router);
}
export function registerSaveRouter(router) {
  saveRouters.push(router);
}
/** The handlers the registered routers give for url (tfjs's IORouterRegistry.getHandlers). */
export function routedHandlers(url, options, save = false) {
  return (save ? saveRouters : loadRouters).map(r => r(url, options)).filter(h => h != null);
}

export function getLoadHandler(url, options) {
  const routed = routedHandlers(url, options);
  if (routed.length > 1) throw new Error(`Found more than one (${routed.length}) load handlers for URL '${url}'`);
  if (routed.length === 1) return routed[0];
  for (const [scheme, make] of Object.entries(SCHEMES)) {
    if (url.startsWith(scheme)) {
      if (scheme === 'downloads://') throw new Error('downloads:// can only save models');
      return make(url.slice(scheme.length));
    }
  }
  if (/^https?:\/\//.test(url) || !isNode) return http(url, options);
  throw new Error(`No load handler for URL '${url}'. Use file://, http(s)://, localstorage://, indexeddb:// or an IO handler.`);
}

export function getSaveHandler(url, options) {
  const routed = routedHandlers(url, options, true);
  if (routed.length > 1) {
    throw new Error(`Model.save() cannot proceed because multiple (${routed.length}) IO handlers were found for string ` +
                    `'${url}'`);
  }
  if (routed.length === 1) return routed[0];
  for (const [scheme, make] of Object.entries(SCHEMES)) {
    if (url.startsWith(scheme)) return make(url.slice(scheme.length));
  }
  if (/^https?:\/\//.test(url)) return http(url, options);
  throw new Error(`No save handler for URL '${url}'. Use file://, http(s)://, localstorage://, indexeddb://, downloads:// or an IO handler.`);
}

function splitUrl(url) {
  const m = /^(localstorage|indexeddb):\/\/(.*)$/.exec(url);
  if (!m) throw new Error(`Model management supports localstorage:// and indexeddb:// URLs, got '${url}'`);
  return {scheme: m[1], path: m[2]};
}

export async function listModels() {
  const out = {};
  if (typeof localStorage !== 'undefined') {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      const m = new RegExp(`^${LS_PREFIX}/(.*)/info$`).exec(k);
      if (m) out[`localstorage://${m[1]}`] = JSON.parse(localStorage.getItem(k));
    }
  }
  if (typeof indexedDB !== 'undefined') {
    const db = await openDb();
    try {
      const all = await idbRequest(db.transaction(INFO, 'readonly').objectStore(INFO).getAll());
      for (const rec of all) out[`indexeddb://${rec.modelPath}`] = rec.modelArtifactsInfo;
    } finally {
      db.close();
    }
  }
  return out;
}

export async function removeModel(url) {
  const {scheme, path} = splitUrl(url);
  if (scheme === 'localstorage') {
    const keys = lsKeys(path);
    const info = localStorage.getItem(keys.info);
    if (info == null) throw new Error(`Cannot find model at path '${path}'`);
    Object.values(keys).forEach(k => localStorage.removeItem(k));
    return JSON.parse(info);
  }
  const db = await openDb();
  try {
    const infoRec = await idbRequest(db.transaction(INFO, 'readonly').objectStore(INFO).get(path));
    if (infoRec == null) throw new Error(`Cannot find model with path '${path}' in IndexedDB.`);
    const tx = db.transaction([INFO, MODELS], 'readwrite');
    tx.objectStore(INFO).delete(path);
    tx.objectStore(MODELS).delete(path);
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    return infoRec.modelArtifactsInfo;
  } finally {
    db.close();
  }
}

export async function copyModel(sourceURL, destURL) {
  const artifacts = await getLoadHandler(sourceURL).load();
  return (await getSaveHandler(destURL).save(artifacts)).modelArtifactsInfo;
}

export async function moveModel(sourceURL, destURL) {
  const info = await copyModel(sourceURL, destURL);
  if (sourceURL !== destURL) await removeModel(sourceURL);
  return info;
}

export {byteLength};
