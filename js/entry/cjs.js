// CommonJS entry (Node): require('wasm-layers'), then `await tf.ready()`.
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';

import {ready, setWasmLoader} from '../src/index.js';

export * from '../src/index.js';

// eslint-disable-next-line no-undef
setWasmLoader(() => readFile(join(__dirname, 'wasm-layers.wasm')));
// Start loading now; a failure surfaces from the user's `await tf.ready()`.
ready().catch(() => {});
