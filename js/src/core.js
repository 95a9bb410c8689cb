// The loaded WebAssembly engine. The entry for each module format (js/entry/)
// registers how to fetch the .wasm bytes; ready() loads them once.
import createWasmLayersCore from '../../build/wasm/wasm-layers-core.js';

let core = null;
let loading = null;
let wasmLoader = null;     // the user's, from setWasmLoader()
let defaultLoader = null;  // the entry point's: (url or null, usePlatformFetch) => bytes or Response
let wasmPath = null;       // from setWasmPaths()
let usePlatformFetch = false;
let threadedLoader = null;  // the entry point's: () => the threaded engine's parts, or null where it is absent
let threaded = false;       // the loaded engine is the threaded one
let requestedThreads = null;  // from setThreadsCount() before ready()
const loadedListeners = [];

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

/**
 * Used by the entry points (js/entry/): how the threaded engine (wasm-layers-mt.{js,wasm,worker.js},
 * built with -DWL_THREADS=ON) is loaded where the platform runs it (Node; a browser page that is
 * crossOriginIsolated). `loader()` resolves to null when it is absent, else to
 * {factory, source, mainScriptUrlOrBlob, locateFile}: the Emscripten factory, the .wasm (bytes or
 * Response), the glue's own URL or path (each pool worker loads it) and the worker file's.
 */
export function setDefaultThreadedLoader(loader) {
  threadedLoader = loader;
}

/** Calls fn() once the engine is loaded (environment.js re-evaluates its flags then). */
export function onEngineLoaded(fn) {
  loadedListeners.push(fn);
}

/** Whether the loaded engine runs kernels on several threads (false before ready()). */
export function engineIsThreaded() {
  return threaded;
}

/**
 * tfjs-backend-wasm's setThreadsCount: the number of threads the kernels use (default: the
 * hardware concurrency, at most the threaded engine's pool + 1). Before tf.ready() it is kept
 * for then (1 loads the single-thread engine); the single-thread engine runs 1 and warns when
 * asked for more at load. After tf.ready() it applies at once; asking the single-thread engine
 * for more than 1 is an Error.
 */
export function setThreadsCount(numThreads) {
  if (!Number.isInteger(numThreads) || numThreads < 1) {
    throw new Error(`setThreadsCount() expects a positive integer, but got ${numThreads}`);
  }
  if (core) {
    core.setThreadsCount(numThreads);
  } else {
    requestedThreads = numThreads;
  }
}

/** tfjs-backend-wasm's getThreadsCount: the threads the kernels use; throws before tf.ready(). */
export function getThreadsCount() {
  if (!core) throw new Error('WASM backend not initialized.');
  return core.threadsCount();
}

/** @internal Whether this runs in Node (the one test of it in the library). */
export const isNodeRuntime = () => typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

/** Where the threaded engine can run: shared memory, and Node or a crossOriginIsolated page. */
export function platformRunsThreads() {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  return isNodeRuntime() || (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated === true);
}

function createModule(factory, source, extra) {
  let memory = null;
  return new Promise((resolve, reject) => {
    factory({
      ...extra,
      instantiateWasm(imports, receiveInstance) {
        instantiate(source, imports).then(r => {
          memory = findMemory(r.instance, imports);
          receiveInstance(r.instance, r.module);
        }, reject);
        return {};
      },
    }).then(module => {
      module.wlMemory = memory;
      armEngineErrors(module);
      resolve(module);
    }, reject);
  });
}

// A failed engine call keeps its Error in module.wlPendingError and returns a placeholder
// (bindings.cc guard(): nothing is thrown across the engine's C++ frames, whose cleanups a
// JavaScript exception would skip). This wraps every Embind function and class method so
// that it throws that Error once the call has returned, deleting the placeholder handle.
// A JavaScript exception that does cross the engine (a conversion of an argument inside
// C++ that throws) gets the engine's C stack pointer put back, which it would otherwise
// leave moved down.
function armEngineErrors(module) {
  // (Both exported by CMakeLists.txt; a glue without them only loses the stack repair.)
  const save = module.stackSave || (() => 0), restore = module.stackRestore || (() => {});
  const arm = fn => function (...args) {
    const sp = save();
    let result;
    try {
      result = fn.apply(this, args);
    } catch (e) {
      restore(sp);
      throw e;
    }
    const error = module.wlPendingError;
    if (error !== undefined) {
      module.wlPendingError = undefined;
      if (result != null && typeof result.delete === 'function') result.delete();
      throw error;
    }
    return result;
  };
  for (const name of Object.keys(module)) {
    const value = module[name];
    if (typeof value !== 'function') continue;
    // Embind's free functions carry argCount (one overload) or an overloadTable.
    if (typeof value.argCount === 'number' || value.overloadTable !== undefined) {
      module[name] = arm(value);
    } else if (value.prototype && typeof value.prototype.isAliasOf === 'function') {
      // An Embind class: its own methods (the handle methods delete, clone... are its base's).
      const proto = value.prototype;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, key);
        if (key !== 'constructor' && typeof d.value === 'function') proto[key] = arm(d.value);
      }
    }
  }
}

// The engine's WebAssembly.Memory: exported (single thread) or imported (threaded, shared),
// under whatever name the Emscripten version minified it to. heapF32/heapI32 read through it.
function findMemory(instance, imports) {
  const candidates = [...Object.values(instance.exports)];
  for (const ns of Object.values(imports)) if (ns && typeof ns === 'object') candidates.push(...Object.values(ns));
  return candidates.find(v => v instanceof WebAssembly.Memory) || null;
}

// On a page's main thread a kernel waits for its pool workers by spinning (browsers do not
// let the main thread Atomics.wait), as tfjs-backend-wasm's threaded build does; Emscripten
// warns about that wait once per page. It is the design, not a fault the user can act on.
function threadedPrintErr(text) {
  if (/^Blocking on the main thread is very dangerous/.test(text)) return;
  console.warn(text);
}

// The threaded engine, or null (absent, or not for this platform, or it failed to load:
// then the single-thread engine is used, with a warning saying why).
async function loadThreaded() {
  if (!threadedLoader || wasmLoader || wasmPath != null || requestedThreads === 1 || !platformRunsThreads()) return null;
  try {
    const parts = await threadedLoader();
    if (!parts) return null;
    const module = await createModule(parts.factory, parts.source,
                                      {mainScriptUrlOrBlob: parts.mainScriptUrlOrBlob, locateFile: parts.locateFile,
                                       printErr: threadedPrintErr});
    // Node: the pool's idle workers must not keep the process alive.
    const pthread = module.PThread;
    if (pthread && isNodeRuntime()) {
      for (const w of [...(pthread.unusedWorkers || []), ...(pthread.runningWorkers || [])]) {
        if (w && typeof w.unref === 'function') w.unref();
      }
    }
    // Built with clang < 15 (Debian's Emscripten 3.1.6) without CMake's WL_WASM_EH_TLS_FIX,
    // -pthread with -fwasm-exceptions loses the type of every C++ exception (a throw of
    // std::runtime_error reaches only catch (...)): errors would all read "Unknown C++
    // exception" and the engine's own catch clauses would not run. Such an engine is not used.
    let message = '';
    try {
      module.setThreadsCount(0);
    } catch (e) {
      message = e && e.message ? e.message : String(e);
    }
    if (!/between 1 and \d+, but got 0/.test(message)) {
      if (pthread && typeof pthread.terminateAllThreads === 'function') pthread.terminateAllThreads();
      throw new Error(`its C++ exceptions lose their type ("${message}"): rebuild it with scripts/build.sh ` +
                      'wasm-mt (CMake applies WL_WASM_EH_TLS_FIX for clang < 15)');
    }
    return module;
  } catch (e) {
    console.warn(`wasm-layers: the threaded engine did not load (${e && e.message ? e.message : e}); ` +
                 'using the single-thread one');
    return null;
  }
}

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
  try {
    return await WebAssembly.instantiate(source, imports);
  } catch (e) {
    if (RELAXED_SIMD_ENGINE && e instanceof WebAssembly.CompileError) {
      throw new Error('this wasm-layers engine was built with relaxed SIMD (scripts/build.sh wasm-relaxed), which this ' +
                      'runtime does not run: use Chromium 114+, Node 22+ or Node 20 with --experimental-wasm-relaxed-simd, ' +
                      `or the standard build (${e.message})`);
    }
    throw e;
  }
}

// Set by js/build.mjs: true in the bundles of the relaxed-SIMD engine (dist-relaxed/).
const RELAXED_SIMD_ENGINE = typeof __WL_RELAXED_SIMD__ !== 'undefined' && __WL_RELAXED_SIMD__;


/** Resolves once the engine is loaded; safe to call any number of times. */
export async function ready() {
  if (core) return;
  if (!loading) {
    loading = (async () => {
      let module = await loadThreaded();
      threaded = module != null;
      if (!module) {
        let source;
        if (wasmLoader) source = await wasmLoader();
        else if (defaultLoader) source = await defaultLoader(wasmPath, usePlatformFetch);
        else throw new Error('no WebAssembly loader is registered');
        module = await createModule(createWasmLayersCore, source, {});
      }
      // The fast path reads the heap through it (heap64, copyFromHeap).
      if (!module.wlMemory) throw new Error("the engine's WebAssembly.Memory was not found among its exports or imports");
      module.setBackend('wasm');  // tf.getBackend()'s default; see index.js
      if (requestedThreads != null && requestedThreads !== module.threadsCount()) {
        try {
          module.setThreadsCount(requestedThreads);
        } catch (e) {
          console.warn(`wasm-layers: setThreadsCount(${requestedThreads}): ${e.message}; using ` +
                       `${module.threadsCount()}`);
        }
      }
      core = module;
      for (const fn of loadedListeners) fn();
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

// Views of the engine's heap for the fast path (js/src/tensor.js): remade when the memory
// grows (a grown ArrayBuffer detaches; a grown SharedArrayBuffer is a new object).
let heapBuffer = null, heapU8 = null, heapF32 = null, heapI32 = null, heapF64 = null;
function heapViews() {
  const buffer = core.wlMemory.buffer;
  if (buffer !== heapBuffer) {
    heapBuffer = buffer;
    heapU8 = new Uint8Array(buffer);
    heapF32 = new Float32Array(buffer);
    heapI32 = new Int32Array(buffer);
    heapF64 = new Float64Array(buffer);
  }
}

/** @internal Float64 view of the heap (current after any engine call). */
export function heap64() {
  heapViews();
  return heapF64;
}

/** @internal Writes `values` at `address` as float32 or int32 (a typed array's set() conversions). */
export function copyToHeap(address, values, isFloat) {
  heapViews();
  (isFloat ? heapF32 : heapI32).set(values, address >>> 2);
}

/** @internal `size` float32 or int32 values at `address`, as a view of the heap (valid until the next engine call). */
export function heapView(address, size, isFloat) {
  heapViews();
  const i = address >>> 2;
  return (isFloat ? heapF32 : heapI32).subarray(i, i + size);
}

/** @internal Writes byte arrays one after another from `address`. */
export function copyBytesToHeap(address, pieces) {
  heapViews();
  let at = address;
  for (const p of pieces) {
    heapU8.set(p, at);
    at += p.byteLength;
  }
}

/** @internal A copy of `size` values at `address`: float32 or int32 storage. */
export function copyFromHeap(address, size, isFloat) {
  heapViews();
  const i = address >>> 2;
  return isFloat ? heapF32.slice(i, i + size) : heapI32.slice(i, i + size);
}

/** An Embind TensorVector of engine handles; the caller deletes it. */
export function vectorOf(handles) {
  const v = new (getCore().TensorVector)();
  for (const h of handles) v.push_back(h);
  return v;
}

/** Moves the handles out of an Embind vector into an array, freeing the vector. */
export function fromVector(vector) {
  const out = [];
  for (let i = 0, n = vector.size(); i < n; i++) out.push(vector.get(i));
  vector.delete();
  return out;
}
