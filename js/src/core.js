// The loaded WebAssembly engine. The entry for each module format (js/entry/)
// registers how to fetch the .wasm bytes; ready() loads them once.
import createWasmLayersCore from '../../build/wasm/wasm-layers-core.js';

let core = null;
let loading = null;
let wasmLoader = null;

/** Called by an entry point: `loader()` resolves to the .wasm bytes. */
export function setWasmLoader(loader) {
  wasmLoader = loader;
}

/** Resolves once the engine is loaded; safe to call any number of times. */
export async function ready() {
  if (core) return;
  if (!loading) {
    loading = (async () => {
      if (!wasmLoader) throw new Error('no WebAssembly loader is registered');
      const wasmBinary = await wasmLoader();
      const module = await createWasmLayersCore({wasmBinary});
      module.setBackend('wasm');  // tf.getBackend()'s default; see index.js
      core = module;
    })();
  }
  try {
    await loading;
  } catch (e) {
    loading = null;  // a later ready() may retry
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
