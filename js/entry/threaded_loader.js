// How the entries load the threaded engine (build/wasm-mt: wasm-layers-mt.{js,wasm,worker.js}
// in dist/, optional). Its glue is not bundled: every worker of its pool loads the glue
// again by URL (browsers) or path (Node), so it stays a file beside the bundle.
// Each loader resolves to null where the files are absent (then the single-thread
// engine loads, silently), else to the parts core.js's setDefaultThreadedLoader names.

const EXPORT_NAME = 'createWasmLayersCoreMt';
const workerFileOf = worker => path => (path.endsWith('.worker.js') ? worker : path);

/**
 * Node: `urlOf(name)` is the file: URL of a dist file; `nodeModules()` resolves to
 * {fs: node:fs, module: node:module, url: node:url}. The glue is CommonJS with Node
 * support (worker_threads), required from its file.
 */
export function nodeThreadedLoader(urlOf, nodeModules) {
  return async () => {
    const {fs, module, url} = await nodeModules();
    const [glue, wasm, worker] = ['wasm-layers-mt.js', 'wasm-layers-mt.wasm', 'wasm-layers-mt.worker.js']
        .map(name => url.fileURLToPath(urlOf(name)));
    if (![glue, wasm, worker].every(f => fs.existsSync(f))) return null;
    const factory = module.createRequire(glue)(glue);
    return {factory, source: await fs.promises.readFile(wasm), mainScriptUrlOrBlob: glue,
            locateFile: workerFileOf(worker)};
  };
}

// Runs the glue as a classic script (a <script> element in a page, importScripts in a
// classic worker) and returns the factory it defines.
async function classicScript(url) {
  if (typeof globalThis[EXPORT_NAME] !== 'function') {
    if (typeof importScripts === 'function') {
      importScripts(url);  // eslint-disable-line no-undef
    } else if (typeof document !== 'undefined') {
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = url;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${url}`));
        document.head.appendChild(s);
      });
    }
  }
  if (typeof globalThis[EXPORT_NAME] !== 'function') throw new Error(`${url} did not define ${EXPORT_NAME}`);
  return globalThis[EXPORT_NAME];
}

/** Browsers (crossOriginIsolated pages): `urlOf(name)` is the URL of a file beside the bundle. */
export function browserThreadedLoader(urlOf) {
  return async () => {
    const source = await fetch(urlOf('wasm-layers-mt.wasm'), {credentials: 'same-origin'}).catch(() => null);
    if (!source || !source.ok) return null;
    const glue = urlOf('wasm-layers-mt.js').href;
    return {factory: await classicScript(glue), source, mainScriptUrlOrBlob: glue,
            locateFile: workerFileOf(urlOf('wasm-layers-mt.worker.js').href)};
  };
}
