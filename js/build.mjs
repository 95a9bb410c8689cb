// Bundles js/ and the Emscripten glue into dist/: an ES module, a CommonJS
// module and a script-tag bundle (global `tf`), and copies the .wasm beside them.
import {build} from 'esbuild';
import {copyFileSync, mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, {recursive: true});
copyFileSync(join(root, 'build/wasm/wasm-layers-core.wasm'), join(dist, 'wasm-layers.wasm'));

const common = {bundle: true, logLevel: 'warning', target: 'es2022', legalComments: 'none'};
await Promise.all([
  build({...common, entryPoints: [join(root, 'js/entry/esm.js')], outfile: join(dist, 'wasm-layers.mjs'),
         format: 'esm', platform: 'neutral', external: ['node:*']}),
  build({...common, entryPoints: [join(root, 'js/entry/cjs.js')], outfile: join(dist, 'wasm-layers.cjs'),
         format: 'cjs', platform: 'node'}),
  build({...common, entryPoints: [join(root, 'js/entry/script.js')], outfile: join(dist, 'wasm-layers.js'),
         format: 'iife', globalName: 'tf', platform: 'browser'}),
]);
console.log('js: dist/wasm-layers.{mjs,cjs,js,wasm}');
