// CommonJS entry (Node): require('wasm-layers'), then `await tf.ready()`.
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

import {ready, setDefaultWasmLoader} from '../src/core.js';
import {nodeLoader} from './node_loader.js';

export * from '../src/index.js';

// eslint-disable-next-line no-undef
setDefaultWasmLoader(nodeLoader(() => pathToFileURL(join(__dirname, 'wasm-layers.wasm')), async () => ({readFile})));
// Start loading now (unless tf.setWasmPaths() or tf.setWasmLoader() comes first, in
// this tick); a failure surfaces from the user's `await tf.ready()`.
Promise.resolve().then(() => ready()).catch(() => {});
