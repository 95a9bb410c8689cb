// Weight data as tfjs stores it (tfjs-core/src/io/io_utils.ts): one binary blob of
// concatenated little-endian values described by specs {name, shape, dtype,
// quantization?}; dequantized on load (uint8/uint16 with min/scale, float16).
import {makeTensorFromFlat} from '../tensor.js';

const BYTES = {float32: 4, int32: 4, bool: 1};
const SHARD_BYTES = 4 * 1024 * 1024;  // tfjs's default shard size

function float16ToFloat32(h) {
  const s = (h & 0x8000) >> 15, e = (h & 0x7C00) >> 10, f = h & 0x03FF;
  if (e === 0) return (s ? -1 : 1) * Math.pow(2, -14) * (f / 1024);
  if (e === 0x1F) return f ? NaN : (s ? -Infinity : Infinity);
  return (s ? -1 : 1) * Math.pow(2, e - 15) * (1 + f / 1024);
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
function float32ToFloat16(v) {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >> 16) & 0x8000;
  let exp = ((x >> 23) & 0xFF) - 127 + 15;
  let mant = x & 0x7FFFFF;
  if (((x >> 23) & 0xFF) === 0xFF) return sign | 0x7C00 | (mant ? 0x200 : 0);
  if (exp >= 0x1F) return sign | 0x7C00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant = (mant | 0x800000) >> (1 - exp);
    return sign | ((mant + 0x1000) >> 13);
  }
  const half = sign | (exp << 10) | (mant >> 13);
  return (mant & 0x1000) ? half + 1 : half;  // round to nearest
}

export function byteLength(spec) {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) return n * (spec.quantization.dtype === 'uint8' ? 1 : 2);
  if (!(spec.dtype in BYTES)) throw new Error(`Unsupported weight dtype '${spec.dtype}' for weight ${spec.name}`);
  return n * BYTES[spec.dtype];
}

/** [{name, tensor}] -> {specs, data (ArrayBuffer)}; quantize: 'uint8' | 'uint16' | 'float16' (float32 weights). */
export function encodeWeights(named, quantize) {
  const parts = [];
  const specs = [];
  for (const {name, tensor} of named) {
    const values = tensor.dataSync();
    const spec = {name, shape: tensor.shape.slice(), dtype: tensor.dtype};
    if (quantize && tensor.dtype === 'float32') {
      if (quantize === 'float16') {
        const q = new Uint16Array(values.length);
        for (let i = 0; i < values.length; i++) q[i] = float32ToFloat16(values[i]);
        spec.quantization = {dtype: 'float16'};
        parts.push(q);
      } else if (quantize === 'uint8' || quantize === 'uint16') {
        let min = Infinity, max = -Infinity;
        for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
        if (values.length === 0) min = max = 0;
        const levels = quantize === 'uint8' ? 255 : 65535;
        const scale = max > min ? (max - min) / levels : 1;
        const q = quantize === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
        for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
        spec.quantization = {dtype: quantize, min, scale};
        parts.push(q);
      } else {
        throw new Error(`save: unknown quantization '${quantize}'. Use 'uint8', 'uint16' or 'float16'.`);
      }
    } else if (tensor.dtype === 'bool') {
      parts.push(Uint8Array.from(values));
    } else {
      parts.push(values);
    }
    specs.push(spec);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return {specs, data: data.buffer};
}

/** ArrayBuffer(s) + specs -> Map name -> Tensor. Checks byte counts against the specs. */
export function decodeWeights(data, specs, source = 'the weight data') {
  const buffer = concatBuffers(data);
  const expected = specs.reduce((n, s) => n + byteLength(s), 0);
  if (buffer.byteLength !== expected) {
    throw new Error(`Weight data of ${source} has ${buffer.byteLength} bytes, but the weights manifest describes ` +
                    `${expected} bytes (${specs.length} weights).`);
  }
  const out = new Map();
  let at = 0;
  try {
    for (const spec of specs) {
      const nBytes = byteLength(spec);
      const slice = buffer.slice(at, at + nBytes);
      at += nBytes;
      let values, dtype = spec.dtype;
      const q = spec.quantization;
      if (q) {
        if (q.dtype === 'float16') {
          const u = new Uint16Array(slice);
          values = Float32Array.from(u, float16ToFloat32);
        } else {
          const u = q.dtype === 'uint8' ? new Uint8Array(slice) : new Uint16Array(slice);
          values = dtype === 'int32' ? Int32Array.from(u, v => Math.round(v * q.scale + q.min))
                                     : Float32Array.from(u, v => v * q.scale + q.min);
        }
      } else if (dtype === 'float32') {
        values = new Float32Array(slice);
      } else if (dtype === 'int32') {
        values = new Int32Array(slice);
      } else if (dtype === 'bool') {
        values = new Uint8Array(slice);
      } else {
        throw new Error(`Unsupported weight dtype '${dtype}' for weight ${spec.name}`);
      }
      out.set(spec.name, makeTensorFromFlat(values, spec.shape, dtype === 'bool' ? 'bool' : dtype));
    }
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}

export function concatBuffers(data) {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  if (Array.isArray(data)) {
    const total = data.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of data) {
      out.set(new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), at);
      at += b.byteLength;
    }
    return out.buffer;
  }
  throw new Error('Weight data must be an ArrayBuffer or an array of them');
}

/** Splits data into shards of at most `shardBytes` (tfjs's 4 MB default). */
export function shard(data, shardBytes = SHARD_BYTES) {
  const shards = [];
  for (let at = 0; at < data.byteLength || shards.length === 0; at += shardBytes) {
    shards.push(data.slice(at, Math.min(at + shardBytes, data.byteLength)));
  }
  return shards;
}
