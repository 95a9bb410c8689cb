// The http handler's GET in Node: node:http(s) instead of the global fetch(). Node's fetch
// (undici) spends a few ms of fixed work per request and copies a body twice (through a
// web stream, then into an ArrayBuffer); on a model served from 127.0.0.1 that was most of
// loadLayersModel's time (bench/run.mjs mobilenetv2-load). This reads a body once, into an
// ArrayBuffer of its Content-Length. Used only where nothing was asked of fetch (see
// handlers.js http()): browsers, a fetchFunc, a requestInit or tf.setPlatform keep fetch.
import {concatBuffers} from './weights.js';

const MAX_REDIRECTS = 20;  // as fetch
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const nodeImport = m => import(/* webpackIgnore: true */ m);

/**
 * A GET of an http(s) URL; resolves to what the handler reads of a fetch Response.
 * With {pieces: true} it also has pieces(): the body as the socket's chunks (views, no
 * copy), for a load that copies the bytes into the engine anyway: joining them was a
 * fresh, page-faulting 4 MB buffer per shard (a sixth of a MobileNetV2 load over http).
 */
export async function nodeGet(url, {pieces = false} = {}, redirects = 0, retried = false) {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`nodeGet: not an http(s) URL: ${url}`);
  }
  const lib = await nodeImport(target.protocol === 'https:' ? 'node:https' : 'node:http');
  let res;
  try {
    res = await new Promise((resolve, reject) => {
      const req = lib.get(target, resolve);
      req.on('error', e => reject(Object.assign(e, {reusedSocket: req.reusedSocket})));
    });
  } catch (e) {
    // A kept-alive connection the server closed as this request went out (Node's own advice:
    // retry a GET that failed so on a reused socket); the retry takes a fresh connection.
    if (e.reusedSocket && e.code === 'ECONNRESET' && !retried) return nodeGet(url, {pieces}, redirects, true);
    throw e;
  }
  if (REDIRECTS.has(res.statusCode) && res.headers.location) {
    res.resume();  // drop the redirect's body
    if (redirects >= MAX_REDIRECTS) throw new Error(`redirect count exceeded (${url})`);
    return nodeGet(new URL(res.headers.location, target).href, {pieces}, redirects + 1);
  }
  // Resolves once the headers are in, as fetch does; the body is read from then on (so a
  // caller can work while it arrives) and its readers wait for it.
  const encoding = res.headers['content-encoding'];
  const body = readBody(res, pieces).then(raw => (Array.isArray(raw) && isIdentity(encoding) ? raw
                                                  : decode(concatBuffers(raw), encoding, url)));
  body.catch(() => {});  // a body nobody reads may fail unobserved
  const whole = async () => concatBuffers(await body);
  const status = res.statusCode;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage || '',
    url: target.href,
    redirected: redirects > 0,
    headers: {get: name => headerValue(res.headers[String(name).toLowerCase()])},
    async arrayBuffer() { return whole(); },
    async text() { return new TextDecoder().decode(await whole()); },
    async json() { return JSON.parse(new TextDecoder().decode(await whole())); },
    ...(pieces ? {pieces: async () => {
      const b = await body;
      return Array.isArray(b) ? b : [new Uint8Array(b)];
    }} : {}),
  };
}

const isIdentity = encoding => ['identity', ''].includes(String(encoding || 'identity').trim().toLowerCase());

// What fetch undoes of a Content-Encoding (node:http leaves the bytes as sent).
async function decode(body, encoding, url) {
  if (isIdentity(encoding)) return body;
  const e = String(encoding).trim().toLowerCase();
  const zlib = await nodeImport('node:zlib');
  const unzip = {'gzip': zlib.gunzipSync, 'x-gzip': zlib.gunzipSync, 'deflate': zlib.inflateSync, 'br': zlib.brotliDecompressSync}[e];
  if (!unzip) throw new Error(`${url}: unsupported Content-Encoding '${encoding}'`);
  const out = unzip(new Uint8Array(body));
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
}

function headerValue(v) {
  if (v == null) return null;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// The body as its chunks (keepPieces), else into one ArrayBuffer: of Content-Length when
// given (one copy), else chunks joined.
function readBody(res, keepPieces) {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    const hasLength = Number.isSafeInteger(declared) && declared >= 0;
    let chunks = [];
    let bytes = null, filled = 0;
    if (hasLength && !keepPieces) bytes = new Uint8Array(declared);
    res.on('data', chunk => {
      if (bytes !== null && filled + chunk.length <= bytes.length) {
        bytes.set(chunk, filled);
      } else {
        if (bytes !== null) {  // more than declared: fall back to joining
          chunks.push(bytes.subarray(0, filled));
          bytes = null;
        }
        chunks.push(chunk);
      }
      filled += chunk.length;
    });
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the response was aborted')));
    res.on('end', () => {
      if (hasLength && filled < declared) {
        reject(new Error(`the response ended after ${filled} of its ${declared} bytes`));
      } else if (bytes !== null) {
        resolve(bytes.buffer);
      } else {
        resolve(keepPieces ? chunks : concatBuffers(chunks));
      }
      chunks = null;
    });
  });
}
