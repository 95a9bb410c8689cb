// How the browser bundles fetch the .wasm: a fetch() Response, so that core.js can
// compile it while it downloads (WebAssembly.instantiateStreaming) when it is served
// as application/wasm. Errors say what to do about the usual causes.
import {WASM_FILE} from '../src/core.js';

const pageProtocol = () => (typeof location !== 'undefined' ? location.protocol : '');

function hint(url) {
  if (url.protocol === 'file:' || pageProtocol() === 'file:') {
    return ' — browsers do not fetch file:// URLs: serve the page over http(s) instead of opening the file ' +
           '(for example `python3 -m http.server` in its folder, or `npm start` in the wasm-layers repository)';
  }
  return ` — put ${WASM_FILE} there, or say where it is with tf.setWasmPaths('<folder>/') before tf.ready() ` +
         "(import 'wasm-layers/lazy' so that the import itself does not load it)";
}

/** A loader for setDefaultWasmLoader: `defaultUrl()` is where the bundle expects the binary. */
export function fetchLoader(defaultUrl) {
  const loader = async path => {
    const base = typeof location !== 'undefined' ? location.href : undefined;
    const url = path != null ? new URL(path, base) : defaultUrl();
    let response;
    try {
      response = await fetch(url, {credentials: 'same-origin'});
    } catch (e) {
      throw new Error(`could not fetch ${url}: ${e && e.message ? e.message : e}${hint(url)}`);
    }
    if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})${hint(url)}`);
    return response;
  };
  loader.defaultUrl = defaultUrl;
  return loader;
}
