// Bundles js/ and the Emscripten glue into dist/, and copies the .wasm beside them:
//   wasm-layers.mjs / .lazy.mjs                  ES module for Node (also runs unbundled in browsers)
//   wasm-layers.browser.mjs / .browser.lazy.mjs  ES module for browsers and bundlers: no Node imports
//   wasm-layers.cjs                              CommonJS (Node)
//   wasm-layers.js, wasm-layers.min.js (+ .map)  script-tag bundle (global `tf`)
//   wasm-layers-worker.js                        the worker behind tf.fitInWorker (script bundle inside)
//   wasm-layers-mt.{js,wasm,worker.js}           the threaded engine, when build/wasm-mt exists
// The .mjs files await tf.ready() on import (top-level await); each is a few lines
// that re-export its .lazy.mjs, which does not load the engine until tf.ready().
import {build} from 'esbuild';
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

// Another engine build bundles into its own folder (its glue must match its .wasm):
//   WL_WASM_BUILD=build/wasm-xnnpack WL_DIST=dist-xnnpack node js/build.mjs
// (scripts/build.sh wasm-xnnpack); such a folder ships no threaded engine.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmBuild = resolve(root, process.env.WL_WASM_BUILD || 'build/wasm');
const dist = resolve(root, process.env.WL_DIST || 'dist');
const mainEngine = wasmBuild === join(root, 'build/wasm');
mkdirSync(dist, {recursive: true});
copyFileSync(join(wasmBuild, 'wasm-layers-core.wasm'), join(dist, 'wasm-layers.wasm'));
// The threaded engine (optional: scripts/build.sh wasm-mt) is copied as it is, not bundled:
// its pool's workers load the glue by path or URL. Without that build, none is shipped.
for (const ext of ['js', 'wasm', 'worker.js']) {
  const from = join(root, `build/wasm-mt/wasm-layers-core-mt.${ext}`), to = join(dist, `wasm-layers-mt.${ext}`);
  if (!mainEngine || !existsSync(join(root, 'build/wasm-mt/wasm-layers-core-mt.wasm'))) rmSync(to, {force: true});
  else if (ext === 'js') writeFileSync(to, hoistHeapReads(readFileSync(from, 'utf8')));
  else copyFileSync(from, to);
}

// Under -pthread, Emscripten 3.1.x's glue reads the heap through GROWABLE_HEAP_U8(), whose
// check of the shared memory's buffer (a ~70 ns getter) it repeats for every byte of a
// std::string coming back from the engine: 11% of loading MobileNetV2 on the threaded
// engine. Within one such read no engine code runs and the string lies in memory that
// already exists, so one view taken before the loop serves it. Other glue (newer emsdk)
// lacks these texts and is copied as it is.
function hoistHeapReads(glue) {
  const edits = [
    ['var decodeStartPtr=value+4;for(var i=0;i<=length;++i){var currentBytePtr=value+4+i;if(i==length||GROWABLE_HEAP_U8()[currentBytePtr]==0){',
     'var decodeStartPtr=value+4;var heapU8=GROWABLE_HEAP_U8();for(var i=0;i<=length;++i){var currentBytePtr=value+4+i;if(i==length||heapU8[currentBytePtr]==0){'],
    ['function readLatin1String(ptr){var ret="";var c=ptr;while(GROWABLE_HEAP_U8()[c]){ret+=embind_charCodes[GROWABLE_HEAP_U8()[c++]]}return ret}',
     'function readLatin1String(ptr){var ret="";var c=ptr;var heapU8=GROWABLE_HEAP_U8();while(heapU8[c]){ret+=embind_charCodes[heapU8[c++]]}return ret}'],
  ];
  for (const [from, to] of edits) glue = glue.split(from).join(to);
  return glue;
}
// js/src/core.js imports build/wasm's glue; another build's glue replaces it.
const engineGlue = {
  name: 'engine-glue',
  setup(b) {
    b.onResolve({filter: /build\/wasm\/wasm-layers-core\.js$/}, () => ({path: join(wasmBuild, 'wasm-layers-core.js')}));
  },
};

const entry = name => join(root, 'js/entry', name);
const out = name => join(dist, name);
// The relaxed-SIMD engine (CMake's WL_RELAXED_SIMD) says so when a runtime cannot compile it.
const relaxed = /^WL_RELAXED_SIMD:BOOL=ON$/m.test(existsSync(join(wasmBuild, 'CMakeCache.txt')) ? readFileSync(join(wasmBuild, 'CMakeCache.txt'), 'utf8') : '');
const common = {bundle: true, logLevel: 'warning', target: 'es2022', legalComments: 'none', plugins: [engineGlue],
                define: {__WL_RELAXED_SIMD__: relaxed ? 'true' : 'false'}};
await Promise.all([
  build({...common, entryPoints: [entry('esm.js')], outfile: out('wasm-layers.lazy.mjs'),
         format: 'esm', platform: 'neutral', external: ['node:*']}),
  build({...common, entryPoints: [entry('browser.js')], outfile: out('wasm-layers.browser.lazy.mjs'),
         format: 'esm', platform: 'browser'}),
  build({...common, entryPoints: [entry('cjs.js')], outfile: out('wasm-layers.cjs'),
         format: 'cjs', platform: 'node'}),
  build({...common, entryPoints: [entry('script.js')], outfile: out('wasm-layers.js'),
         format: 'iife', globalName: 'tf', platform: 'browser'}),
  build({...common, entryPoints: [entry('script.js')], outfile: out('wasm-layers.min.js'),
         format: 'iife', globalName: 'tf', platform: 'browser', minify: true, sourcemap: 'linked',
         sourcesContent: true}),
  build({...common, entryPoints: [entry('worker.js')], outfile: out('wasm-layers-worker.js'),
         format: 'iife', platform: 'browser', minify: true}),
]);
for (const lazy of ['wasm-layers.lazy.mjs', 'wasm-layers.browser.lazy.mjs']) {
  const eager = lazy.replace('.lazy', '');
  writeFileSync(out(eager), `// Ready on import: loads the WebAssembly engine with top-level await. See ./${lazy}.\n` +
                            `export * from './${lazy}';\nimport {ready} from './${lazy}';\nawait ready();\n`);
}
console.log(`js: ${relative(root, dist)}/wasm-layers.{mjs,lazy.mjs,browser.mjs,browser.lazy.mjs,cjs,js,min.js,wasm}, wasm-layers-worker.js` +
            (existsSync(join(dist, 'wasm-layers-mt.wasm')) ? ', wasm-layers-mt.{js,wasm,worker.js}' : ''));
