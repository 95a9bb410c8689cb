// CommonJS entry (Node): require('wasm-layers'), then `await tf.ready()`.
import * as fs from 'node:fs';
import {readFile} from 'node:fs/promises';
import * as module from 'node:module';
import {join} from 'node:path';
import * as url from 'node:url';
import {pathToFileURL} from 'node:url';

import {ready, setDefaultThreadedLoader, setDefaultWasmLoader} from '../src/core.js';
import {nodeLoader} from './node_loader.js';
import {nodeThreadedLoader} from './threaded_loader.js';

export * from '../src/index.js';

// eslint-disable-next-line no-undef
setDefaultWasmLoader(nodeLoader(() => pathToFileURL(join(__dirname, 'wasm-layers.wasm')), async () => ({readFile})));
// eslint-disable-next-line no-undef
setDefaultThreadedLoader(nodeThreadedLoader(name => pathToFileURL(join(__dirname, name)), async () => ({fs, module, url})));
// Start loading now (unless tf.setWasmPaths() or tf.setWasmLoader() comes first, in
// this tick); a failure surfaces from the user's `await tf.ready()`.
Promise.resolve().then(() => ready()).catch(() => {});
