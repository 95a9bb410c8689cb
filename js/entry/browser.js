// ES module for browsers and bundlers (the "browser" export condition): no Node
// imports. The .wasm is fetched from beside this file (bundlers that understand
// `new URL(..., import.meta.url)`, such as webpack and Vite, emit it as an asset),
// or from where tf.setWasmPaths() says. This module does not load the engine:
// dist/wasm-layers.browser.mjs awaits tf.ready() on import; importing this one
// ('wasm-layers/lazy') leaves that to the caller.
import {setDefaultThreadedLoader, setDefaultWasmLoader} from '../src/core.js';
import {setDefaultWorkerUrl} from '../src/worker_fit.js';
import {fetchLoader} from './fetch_loader.js';
import {browserThreadedLoader} from './threaded_loader.js';

export * from '../src/index.js';

setDefaultWasmLoader(fetchLoader(() => new URL('./wasm-layers.wasm', import.meta.url)));
setDefaultWorkerUrl(() => new URL('./wasm-layers-worker.js', import.meta.url));
// In a crossOriginIsolated page, the threaded engine when it is beside the bundle.
setDefaultThreadedLoader(browserThreadedLoader(name => new URL(`./${name}`, import.meta.url)));
