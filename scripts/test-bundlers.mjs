// Part of the packaging test (scripts/test-package.sh): in a folder where the packed
// tarball is installed (node_modules/wasm-layers), build a small browser app with
// esbuild, webpack and Vite (this repository's devDependencies; offline), serve each
// build (which must build without warnings) over HTTP and run it in Chromium: it must train the seed example and predict
// close to 9, with the .wasm compiled while it streams (application/wasm), and train
// one more epoch with tf.fitInWorker (the worker script found from the bundle).
// A fourth app imports 'wasm-layers/lazy', finds no .wasm beside its bundle, gets a
// clear error from tf.ready(), then recovers with tf.setWasmPaths().
// Usage: node scripts/test-bundlers.mjs <folder with node_modules/wasm-layers>
import assert from 'node:assert/strict';
import {copyFileSync, createReadStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {extname, join, normalize, sep} from 'node:path';

import * as esbuild from 'esbuild';
import {chromium} from 'playwright-core';
import * as vite from 'vite';
import webpack from 'webpack';

const app = process.argv[2];
if (!app) throw new Error('usage: node scripts/test-bundlers.mjs <app folder>');
const pkgDist = join(app, 'node_modules/wasm-layers/dist');

const SEED = `
const model = tf.sequential();
model.add(tf.layers.dense({units: 1, inputShape: [1]}));
model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
await model.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[1], [3], [5], [7]]), {epochs: 1000, verbose: 0});
// The worker script and the .wasm must be found from the bundle too: one more epoch in a Web Worker.
const before = model.predict(tf.tensor2d([[5]])).dataSync()[0];
await tf.fitInWorker(model, tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[1], [3], [5], [7]]), {epochs: 1});
const after = model.predict(tf.tensor2d([[5]])).dataSync()[0];
if (!(after !== before && Math.abs(after - before) < 0.1)) throw new Error('fitInWorker: ' + before + ' -> ' + after);
document.getElementById('prediction').textContent = String(after);
`;
// An app as a bundler user would write it today: ES modules (webpack reads "type" for .js files).
const pkgJson = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
writeFileSync(join(app, 'package.json'), JSON.stringify({...pkgJson, type: 'module'}, null, 2));
mkdirSync(join(app, 'src'), {recursive: true});
writeFileSync(join(app, 'src/main.js'), `import * as tf from 'wasm-layers';\n${SEED}`);
writeFileSync(join(app, 'src/lazy.js'), `import * as tf from 'wasm-layers/lazy';
let first = '';
try { await tf.ready(); } catch (e) { first = e.message; }
document.getElementById('first-error').textContent = first;
tf.setWasmPaths('/assets/wasm/');
await tf.ready();
${SEED}`);
const html = (script, module = true) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
</head><body><p id="first-error"></p><p id="prediction"></p>
<script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>\n`;

const builds = {
  async esbuild() {
    const out = join(app, 'out-esbuild');
    const options = {bundle: true, format: 'esm', platform: 'browser', absWorkingDir: app, logLevel: 'warning'};
    const result = await esbuild.build({...options, entryPoints: [join(app, 'src/main.js')], outdir: out});
    if (result.warnings.length) throw new Error(`esbuild warnings: ${JSON.stringify(result.warnings)}`);
    // esbuild leaves `new URL('./wasm-layers.wasm', import.meta.url)` alone: the .wasm and the
    // worker script go beside the bundle.
    copyFileSync(join(pkgDist, 'wasm-layers.wasm'), join(out, 'wasm-layers.wasm'));
    copyFileSync(join(pkgDist, 'wasm-layers-worker.js'), join(out, 'wasm-layers-worker.js'));
    writeFileSync(join(out, 'index.html'), html('main.js'));
    // The lazy app has no .wasm beside it: it must be told where it is.
    const lazyOut = join(app, 'out-esbuild-lazy');
    await esbuild.build({...options, entryPoints: [join(app, 'src/lazy.js')], outdir: lazyOut});
    writeFileSync(join(lazyOut, 'index.html'), html('lazy.js'));
    copyFileSync(join(pkgDist, 'wasm-layers-worker.js'), join(lazyOut, 'wasm-layers-worker.js'));
    mkdirSync(join(app, 'assets/wasm'), {recursive: true});
    copyFileSync(join(pkgDist, 'wasm-layers.wasm'), join(app, 'assets/wasm/wasm-layers.wasm'));
    return ['/out-esbuild/index.html', '/out-esbuild-lazy/index.html'];
  },
  async webpack() {
    const out = join(app, 'out-webpack');
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: app, entry: './src/main.js', target: 'web',
      output: {path: out, filename: 'main.js', publicPath: 'auto'},
      optimization: {minimize: false}, performance: {hints: false},
    }, (err, s) => (err ? reject(err) : resolve(s))));
    if (stats.hasErrors() || stats.hasWarnings()) throw new Error(stats.toString({all: false, errors: true, warnings: true}));
    writeFileSync(join(out, 'index.html'), html('main.js', false));
    return ['/out-webpack/index.html'];
  },
  async vite() {
    writeFileSync(join(app, 'index.html'), html('/src/main.js'));
    const warnings = [];
    const customLogger = vite.createLogger('warn');
    customLogger.warn = msg => warnings.push(msg);
    customLogger.warnOnce = msg => warnings.push(msg);
    await vite.build({root: app, base: './', configFile: false, logLevel: 'warn', customLogger,
                      build: {outDir: join(app, 'out-vite'), emptyOutDir: true}});
    if (warnings.length) throw new Error(`Vite warnings: ${warnings.join(' | ')}`);
    return ['/out-vite/index.html'];
  },
};

const jsBytes = dir => readdirSync(dir, {withFileTypes: true}).reduce((n, e) =>
  n + (e.isDirectory() ? jsBytes(join(dir, e.name)) : e.name.endsWith('.js') ? statSync(join(dir, e.name)).size : 0), 0);

const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm'};
const server = createServer((req, res) => {
  const file = normalize(join(app, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!file.startsWith(app + sep) || !statSync(file, {throwIfNoEntry: false})?.isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {'Content-Type': TYPES[extname(file)] || 'application/octet-stream'});
  createReadStream(file).pipe(res);
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});

let failed = 0;
try {
  const only = process.env.WL_BUNDLERS ? process.env.WL_BUNDLERS.split(',') : Object.keys(builds);
  for (const [name, buildApp] of Object.entries(builds).filter(([n]) => only.includes(n))) {
    let pages;
    try {
      pages = await buildApp();
    } catch (e) {
      console.error(`PACKAGE: ${name} build FAILED: ${e.message}`);
      failed++;
      continue;
    }
    for (const path of pages) {
      const label = `${name} app${path.includes('lazy') ? ' (wasm-layers/lazy + setWasmPaths)' : ''}`;
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', e => errors.push(e.message));
      page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
      await page.addInitScript(() => {
        const streaming = WebAssembly.instantiateStreaming;
        WebAssembly.instantiateStreaming = (...args) => { window.__streamed = true; return streaming(...args); };
      });
      try {
        await page.goto(base + path);
        await page.waitForFunction(() => document.getElementById('prediction').textContent !== '', null,
                                   {timeout: 30000});
        const value = Number(await page.textContent('#prediction'));
        // The lazy app's first tf.ready() fetches a .wasm that is not there, on purpose.
        const expected = path.includes('lazy') ? /status of 404/ : /^$/;
        assert.deepEqual(errors.filter(e => !expected.test(e)), []);
        assert.ok(Math.abs(value - 9) < 0.25, `prediction ${value} is not close to 9`);
        assert.equal(await page.evaluate(() => window.__streamed === true), true, 'instantiateStreaming was not used');
        if (path.includes('lazy')) {
          const first = await page.textContent('#first-error');
          assert.match(first, /HTTP 404.*setWasmPaths/, `first tf.ready() error: ${first}`);
        }
        const bytes = jsBytes(join(app, path.split('/')[1]));
        console.log(`PACKAGE: ${label} prediction ${value.toFixed(4)} ok (streamed .wasm; ${(bytes / 1024).toFixed(0)} KB of JS)`);
      } catch (e) {
        console.error(`PACKAGE: ${label} FAILED: ${e.message} ${errors.join(' | ')}`);
        failed++;
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
