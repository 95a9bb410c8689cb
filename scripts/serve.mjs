// A minimal static file server for the web demo and the browser tests (no dependencies).
// Usage: node scripts/serve.mjs [port] [host] [--isolated]   — serves the repository root.
import {createReadStream, statSync} from 'node:fs';
import {createServer} from 'node:http';
import {dirname, extname, join, normalize, sep} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.cjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.bin': 'application/octet-stream', '.png': 'image/png', '.map': 'application/json',
};

// `isolated`: serve with COOP/COEP, so pages are crossOriginIsolated (SharedArrayBuffer): the
// browser entries then load the threaded engine (dist/wasm-layers-mt.*) where it was built.
export function startServer(port = 0, host = '127.0.0.1', {isolated = false} = {}) {
  const isolation = isolated ? {'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp'}
                             : {};
  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, urlPath));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
                        'Cache-Control': 'no-store', ...isolation});
    createReadStream(file).pipe(res);
  });
  return new Promise(resolve => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter(a => a !== '--isolated');
  const port = Number(args[0] || process.env.PORT || 8080);
  const host = args[1] || '127.0.0.1';
  const server = await startServer(port, host, {isolated: process.argv.includes('--isolated')});
  const {port: actual} = server.address();
  console.log(`Serving the web demo at http://${host}:${actual}/web-demo/  (Ctrl+C to stop)`);
}
