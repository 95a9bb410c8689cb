// How the Node bundles get the .wasm: read from disk (beside the bundle by default,
// or the path or file: URL given to tf.setWasmPaths(), relative to the working
// directory), or fetched when the path is an http(s) URL or usePlatformFetch is set.

/** `defaultUrl()` is a file: URL; `fsPromises()` resolves to node:fs/promises. */
export function nodeLoader(defaultUrl, fsPromises) {
  return async (path, usePlatformFetch) => {
    if (path != null && (usePlatformFetch || /^https?:\/\//i.test(path))) {
      let response;
      try {
        response = await fetch(path);
      } catch (e) {
        throw new Error(`could not fetch ${path}: ${e && e.message ? e.message : e}`);
      }
      if (!response.ok) throw new Error(`could not fetch ${path} (HTTP ${response.status})`);
      return response;
    }
    const file = path == null ? defaultUrl() : /^file:/i.test(path) ? new URL(path) : path;
    const fs = await fsPromises();
    try {
      return await fs.readFile(file);
    } catch (e) {
      throw new Error(`could not read ${file}: ${e.message} — call tf.setWasmPaths('<folder>/') with the folder ` +
                      "that holds wasm-layers.wasm before tf.ready() (import 'wasm-layers/lazy' so that the " +
                      'import itself does not load it)');
    }
  };
}
