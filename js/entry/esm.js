// ES module for Node (the "node" export condition), which also runs unbundled in
// browsers: in Node it reads the .wasm beside it (or where tf.setWasmPaths() says)
// from disk, elsewhere it fetches it. This module does not load the engine:
// dist/wasm-layers.mjs awaits tf.ready() on import; importing this one
// ('wasm-layers/lazy' in Node) leaves that to the caller.
import {isNodeRuntime, setDefaultThreadedLoader, setDefaultWasmLoader} from '../src/core.js';
import {setDefaultWorkerUrl} from '../src/worker_fit.js';
import {fetchLoader} from './fetch_loader.js';
import {nodeLoader} from './node_loader.js';
import {browserThreadedLoader, nodeThreadedLoader} from './threaded_loader.js';

export * from '../src/index.js';

const isNode = isNodeRuntime();
const defaultUrl = () => new URL('./wasm-layers.wasm', import.meta.url);
setDefaultWasmLoader(isNode ? nodeLoader(defaultUrl, () => import(/* webpackIgnore: true */ 'node:fs/promises'))
                            : fetchLoader(defaultUrl));
setDefaultWorkerUrl(() => new URL('./wasm-layers-worker.js', import.meta.url));
// The threaded engine where it was built (dist/wasm-layers-mt.*): Node, crossOriginIsolated pages.
const beside = name => new URL(`./${name}`, import.meta.url);
setDefaultThreadedLoader(isNode ? nodeThreadedLoader(beside, async () => ({
  fs: await import(/* webpackIgnore: true */ 'node:fs'),
  module: await import(/* webpackIgnore: true */ 'node:module'),
  url: await import(/* webpackIgnore: true */ 'node:url'),
})) : browserThreadedLoader(beside));
