// Script-tag bundle: <script src=".../wasm-layers.js"> defines the global `tf`;
// `await tf.ready()` before use. The .wasm is fetched from beside the script.
import {ready, setWasmLoader} from '../src/index.js';

export * from '../src/index.js';

const scriptUrl = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src
                                                                            : self.location.href;
setWasmLoader(async () => {
  const url = new URL('wasm-layers.wasm', scriptUrl);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return response.arrayBuffer();
});
ready().catch(() => {});
