// ES module entry (Node and browsers): loads the .wasm that sits next to this
// bundle, then initializes with top-level await, so `import * as tf` is ready.
import {ready, setWasmLoader} from '../src/index.js';

export * from '../src/index.js';

setWasmLoader(async () => {
  const url = new URL('./wasm-layers.wasm', import.meta.url);
  if (typeof process !== 'undefined' && process.versions && process.versions.node && url.protocol === 'file:') {
    // Node's fetch() cannot read file: URLs; read the bytes ourselves.
    const fs = await import('node:fs/promises');
    return fs.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return response.arrayBuffer();
});

await ready();
