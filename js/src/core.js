// The loaded WebAssembly engine. The entry for each module format (js/entry/)
// registers how to fetch the .wasm bytes; ready() loads them once.
import createWasmLayersCore from '../../build/wasm/wasm-layers-core.js';

let core = null;
let loading = null;
let wasmLoader = null;     // the user's, from setWasmLoader()
let defaultLoader = null;  // the entry point's: (url or null, usePlatformFetch) => bytes or Response
let wasmPath = null;       // from setWasmPaths()
let usePlatformFetch = false;

/** The name of the binary, the key of setWasmPaths()'s file map. */
export const WASM_FILE = 'wasm-layers.wasm';

/**
 * Replaces how the engine's .wasm is obtained: `loader()` resolves to its bytes
 * (ArrayBuffer, typed array) or to a fetch() Response (compiled while it
 * downloads when its Content-Type is application/wasm). Call before ready().
 */
export function setWasmLoader(loader) {
  if (typeof loader !== 'function') throw new Error(`setWasmLoader() expects a function, but got ${typeof loader}`);
  if (core || loading) throw new Error('The WebAssembly engine was already initialized: call setWasmLoader() before tf.ready() and before the first use of tf');
  wasmLoader = loader;
}

/** Used by the entry points (js/entry/): how the bundle fetches its .wasm by default. */
export function setDefaultWasmLoader(loader) {
  defaultLoader = loader;
}

/**
 * tfjs-backend-wasm's setWasmPaths: where to fetch the .wasm from. A string is a
 * prefix (a folder URL ending in '/', to which 'wasm-layers.wasm' is appended, as
 * tfjs does); an object maps 'wasm-layers.wasm' to its full URL or path.
 * Relative URLs resolve against the page (in Node: the working directory).
 * `usePlatformFetch` makes Node fetch() it (http(s) URLs) instead of reading a file.
 * Call before ready().
 */
export function setWasmPaths(prefixOrFileMap, platformFetch = false) {
  if (core || loading) {
    throw new Error('The WebAssembly engine was already initialized. Make sure you call `setWasmPaths()` before ' +
                    'you call `tf.ready()` or use tf (import \'wasm-layers/lazy\' to import without loading it)');
  }
  if (typeof prefixOrFileMap === 'string') {
    wasmPath = prefixOrFileMap + WASM_FILE;
  } else if (prefixOrFileMap != null && typeof prefixOrFileMap === 'object') {
    const keys = Object.keys(prefixOrFileMap);
    const unknown = keys.filter(k => k !== WASM_FILE);
    if (unknown.length > 0) {
      throw new Error(`setWasmPaths(): unknown binary name(s) ${unknown.join(', ')}; the only binary is '${WASM_FILE}'`);
    }
    if (typeof prefixOrFileMap[WASM_FILE] !== 'string') {
      throw new Error(`There were no entries found for the following binaries: ${WASM_FILE}. Please either call ` +
                      'setWasmPaths with a map providing a path for each binary, or with a string indicating the ' +
                      'directory where all the binaries can be found.');
    }
    wasmPath = prefixOrFileMap[WASM_FILE];
  } else {
    throw new Error(`setWasmPaths() expects a prefix string or a map {'${WASM_FILE}': url}, but got ${prefixOrFileMap}`);
  }
  usePlatformFetch = platformFetch === true;
}

/** The absolute URL of the .wasm this bundle loads (for tf.fitInWorker's worker); null if unknown. */
export function wasmUrlForWorkers() {
  if (wasmPath != null) return new URL(wasmPath, typeof location !== 'undefined' ? location.href : undefined).href;
  return defaultLoader && defaultLoader.defaultUrl ? defaultLoader.defaultUrl().href : null;
}

const isResponse = x => typeof Response !== 'undefined' && x instanceof Response;

/** Instantiates from a Response (streaming where the MIME type allows) or from bytes. */
async function instantiate(source, imports) {
  if (isResponse(source)) {
    if (!source.ok) throw new Error(`could not fetch ${source.url || WASM_FILE} (HTTP ${source.status})`);
    const type = (source.headers.get('Content-Type') || '').split(';')[0].trim().toLowerCase();
    if (type === 'application/wasm' && typeof WebAssembly.instantiateStreaming === 'function') {
      return WebAssembly.instantiateStreaming(source, imports);
    }
    source = await source.arrayBuffer();  // served with another type: compile from the bytes
  }
  return WebAssembly.instantiate(source, imports);
}


/** Resolves once the engine is loaded; safe to call any number of times. */
export async function ready() {
  if (core) return;
  if (!loading) {
    loading = (async () => {
      let source;
      if (wasmLoader) source = await wasmLoader();
      else if (defaultLoader) source = await defaultLoader(wasmPath, usePlatformFetch);
      else throw new Error('no WebAssembly loader is registered');
      const module = await new Promise((resolve, reject) => {
        createWasmLayersCore({
          instantiateWasm(imports, receiveInstance) {
            instantiate(source, imports).then(r => receiveInstance(r.instance, r.module), reject);
            return {};
          },
        }).then(resolve, reject);
      });
      module.setBackend('wasm');  // tf.getBackend()'s default; see index.js
      core = module;
    })();
  }
  try {
    await loading;
  } catch (e) {
    loading = null;  // a later ready() may retry (after setWasmPaths(), for instance)
    throw new Error(`wasm-layers: failed to load the WebAssembly engine: ${e && e.message ? e.message : e}`);
  }
}

export function isReady() {
  return core !== null;
}

/** The Embind module; throws a clear Error before ready() has resolved. */
export function getCore() {
  if (!core) {
    throw new Error('wasm-layers is not initialized yet: call `await tf.ready()` before using it');
  }
  return core;
}

/** Moves the handles out of an Embind vector into an array, freeing the vector. */
export function fromVector(vector) {
  const out = [];
  for (let i = 0, n = vector.size(); i < n; i++) out.push(vector.get(i));
  vector.delete();
  return out;
}
