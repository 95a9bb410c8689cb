// Script-tag bundle: <script src=".../wasm-layers.js"> defines the global `tf`;
// `await tf.ready()` before use. The .wasm is fetched from beside the script, or
// from where tf.setWasmPaths() says (call it before tf.ready()).
import {setDefaultWasmLoader} from '../src/core.js';
import {setDefaultWorkerUrl} from '../src/worker_fit.js';
import {fetchLoader} from './fetch_loader.js';

export * from '../src/index.js';

// In a worker (importScripts), self.location is the worker's own script.
const scriptUrl = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src
                                                                            : self.location.href;
setDefaultWasmLoader(fetchLoader(() => new URL('wasm-layers.wasm', scriptUrl)));
setDefaultWorkerUrl(() => new URL('wasm-layers-worker.js', scriptUrl));
