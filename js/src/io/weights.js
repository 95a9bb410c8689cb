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

// Every float16 bit pattern's float32 value, built on first use (256 KB).
let f16Table = null;
function float16Table() {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; ++h) f16Table[h] = float16ToFloat32(h);
  }
  return f16Table;
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

// tfjs's checks (io_utils.ts decodeWeight), so a bad manifest fails with its message.
function checkQuantization(spec) {
  const q = spec.quantization;
  if (q.dtype === 'uint8' || q.dtype === 'uint16') {
    if (!('min' in q && 'scale' in q)) {
      throw new Error(`Weight ${spec.name} with quantization ${q.dtype} doesn't have corresponding metadata min and scale.`);
    }
  } else if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') {
      throw new Error(`Weight ${spec.name} is quantized with ${q.dtype} which only supports weights of type float32 not ${spec.dtype}.`);
    }
  } else {
    throw new Error(`Weight ${spec.name} has unknown quantization dtype ${q.dtype}. Supported quantization dtypes are: ` +
                    `'uint8', 'uint16', and 'float16'.`);
  }
}

export function byteLength(spec) {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    checkQuantization(spec);
    return n * (spec.quantization.dtype === 'uint8' ? 1 : 2);
  }
  if (!(spec.dtype in BYTES)) throw new Error(`Unsupported weight dtype '${spec.dtype}' for weight ${spec.name}`);
  return n * BYTES[spec.dtype];
}

/** [{name, tensor}] -> {specs, data (ArrayBuffer)}; quantize: 'uint8' | 'uint16' | 'float16' (float32 weights). */
export function encodeWeights(named, quantize) {
  const parts = [];
  const specs = [];
  for (const {name, tensor, group} of named) {
    const spec = {name, shape: tensor.shape.slice(), dtype: tensor.dtype};
    if (group != null) spec.group = group;  // as tfjs: 'optimizer' for a saved optimizer's weights
    if (tensor.dtype === 'string') {
      // As tfjs: each element's UTF-8 bytes after their length (uint32, little-endian).
      for (const b of tensor.stringBytes) parts.push(Uint32Array.of(b.length), b);
      specs.push(spec);
      continue;
    }
    const values = tensor.dataSync();
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

/**
 * ArrayBuffer(s) + specs -> Map name -> {values, shape, dtype}: typed arrays,
 * views into the data where it is aligned (no copy), dequantized otherwise.
 * Checks byte counts against the specs.
 */
export function decodeWeightValues(data, specs, source = 'the weight data') {
  const reader = shardReader(data);
  // A string weight's size is in its data: each element's byte count (uint32 LE) precedes its bytes.
  const u32 = at => {
    const {buffer, offset} = reader.bytes(at, 4);
    return new DataView(buffer, offset, 4).getUint32(0, true);
  };
  const stringBytes = (spec, start) => {
    let at = start;
    for (let i = 0, n = spec.shape.reduce((a, b) => a * b, 1); i < n; i++) {
      if (at + 4 > reader.byteLength) {
        throw new Error(`Weight data of ${source} has ${reader.byteLength} bytes, but the string weight ${spec.name} ` +
                        'runs past its end.');
      }
      at += 4 + u32(at);
    }
    return at - start;
  };
  const sizes = [];
  let expected = 0;
  for (const spec of specs) {
    sizes.push(spec.dtype === 'string' && !spec.quantization ? stringBytes(spec, expected) : byteLength(spec));
    expected += sizes[sizes.length - 1];
  }
  if (reader.byteLength !== expected) {
    throw new Error(`Weight data of ${source} has ${reader.byteLength} bytes, but the weights manifest describes ` +
                    `${expected} bytes (${specs.length} weights).`);
  }
  // A view needs its offset aligned to the element size; quantized neighbours may shift it.
  const typed = (Type, at, nBytes) => {
    const {buffer, offset} = reader.bytes(at, nBytes);
    return offset % Type.BYTES_PER_ELEMENT === 0 ? new Type(buffer, offset, nBytes / Type.BYTES_PER_ELEMENT)
                                                 : new Type(buffer.slice(offset, offset + nBytes));
  };
  const out = new Map();
  let at = 0;
  specs.forEach((spec, k) => {
    const nBytes = sizes[k];
    let values, dtype = spec.dtype;
    const q = spec.quantization;
    if (dtype === 'string' && !q) {
      values = [];
      for (let p = at; p < at + nBytes;) {
        const n = u32(p);
        const {buffer, offset} = reader.bytes(p + 4, n);
        values.push(new Uint8Array(buffer, offset, n).slice());
        p += 4 + n;
      }
    } else if (q) {
      // Dequantized on use: a load writes straight into the weight's memory (`fill`).
      out.set(spec.name, quantizedEntry(typed, reader.pieces(at, nBytes), at, nBytes, spec));
      at += nBytes;
      return;
    } else if (dtype === 'float32' || dtype === 'int32') {
      // Stored as the engine stores them: a load copies the bytes where they lie
      // (`pieces`, views of the shards); `values` joins a weight that spans shards
      // only when asked (a fresh 5 MB buffer per load was 13% of loading MobileNetV2).
      const Type = dtype === 'float32' ? Float32Array : Int32Array, from = at;
      out.set(spec.name, lazyEntry(spec, {pieces: reader.pieces(at, nBytes)}, () => typed(Type, from, nBytes)));
      at += nBytes;
      return;
    } else if (dtype === 'bool') {
      values = typed(Uint8Array, at, nBytes);
    } else {
      throw new Error(`Unsupported weight dtype '${dtype}' for weight ${spec.name}`);
    }
    at += nBytes;
    out.set(spec.name, {values, shape: spec.shape, dtype});
  });
  return out;
}

/** ArrayBuffer(s) + specs -> Map name -> Tensor (tf.io.decodeWeights). */
export function decodeWeights(data, specs, source = 'the weight data') {
  const out = new Map();
  try {
    for (const [name, {values, shape, dtype}] of decodeWeightValues(data, specs, source)) {
      out.set(name, makeTensorFromFlat(values, shape, dtype));
    }
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}

// A quantized weight: {shape, dtype, fill, encoded, values}; fill(out) dequantizes into
// `out`, values into a new array on first use. Plain loops (no per-element callback):
// dequantizing was most of a quantized model's load time. The same float64 arithmetic,
// stored as tfjs stores it. A float32 weight also carries `encoded` ({kind, pieces, scale,
// min}: the stored bytes where they lie), which a load hands to the engine to dequantize
// in the weight's own memory (bindings.cc wl_weight_dequantize).
function quantizedEntry(typed, pieces, at, nBytes, spec) {
  const q = spec.quantization, dtype = spec.dtype;
  const n = q.dtype === 'uint8' ? nBytes : nBytes / 2;
  const fill = out => {
    if (q.dtype === 'float16') {
      const h = typed(Uint16Array, at, nBytes), table = float16Table();
      for (let i = 0; i < n; ++i) out[i] = table[h[i]];
    } else {
      const u = q.dtype === 'uint8' ? typed(Uint8Array, at, nBytes) : typed(Uint16Array, at, nBytes);
      const scale = q.scale, min = q.min;
      if (dtype === 'int32') {
        for (let i = 0; i < n; ++i) out[i] = Math.round(u[i] * scale + min);
      } else {
        for (let i = 0; i < n; ++i) out[i] = u[i] * scale + min;
      }
    }
    return out;
  };
  const encoded = dtype === 'float32'
      ? {kind: ['uint8', 'uint16', 'float16'].indexOf(q.dtype), pieces, scale: q.scale, min: q.min} : null;
  return lazyEntry(spec, {fill, encoded}, () => fill(dtype === 'int32' ? new Int32Array(n) : new Float32Array(n)));
}

// {shape, dtype, ...own, values}: `values` made by make() on first use. A float32 or
// int32 weight's own is {pieces} (views of the shards where its bytes lie).
function lazyEntry(spec, own, make) {
  let values = null;
  return {
    shape: spec.shape,
    dtype: spec.dtype,
    ...own,
    get values() {
      if (values === null) values = make();
      return values;
    },
  };
}

// Byte ranges of one buffer or of a list of shards, without joining the shards:
// a range inside one shard is a view of it; one spanning shards is copied.
function shardReader(data) {
  const list = Array.isArray(data) ? data : [data];
  const shards = list.map(b => {
    if (b instanceof ArrayBuffer) return new Uint8Array(b);
    if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    throw new Error('Weight data must be an ArrayBuffer or an array of them');
  });
  const starts = [];
  let byteLength = 0;
  for (const s of shards) {
    starts.push(byteLength);
    byteLength += s.byteLength;
  }
  let k = 0;  // reads go forward, so the shard search resumes where it stopped
  return {
    byteLength,
    bytes(at, n) {
      if (n === 0) return {buffer: new ArrayBuffer(0), offset: 0};
      while (k > 0 && at < starts[k]) k--;
      while (k < shards.length - 1 && at >= starts[k] + shards[k].byteLength) k++;
      const s = shards[k], local = at - starts[k];
      if (local + n <= s.byteLength) return {buffer: s.buffer, offset: s.byteOffset + local};
      const copy = new Uint8Array(n);
      for (let filled = 0, j = k; filled < n; j++) {
        const from = j === k ? local : 0;
        const part = shards[j].subarray(from, Math.min(shards[j].byteLength, from + n - filled));
        copy.set(part, filled);
        filled += part.byteLength;
      }
      return {buffer: copy.buffer, offset: 0};
    },
    // The range as views of the shards it lies in, in order (no copy).
    pieces(at, n) {
      const out = [];
      let j = 0;
      while (j < shards.length - 1 && at >= starts[j] + shards[j].byteLength) j++;
      for (let left = n; left > 0; j++) {
        const from = Math.max(0, at - starts[j]), len = Math.min(shards[j].byteLength - from, left);
        out.push(shards[j].subarray(from, from + len));
        left -= len;
      }
      return out;
    },
  };
}

export function concatBuffers(data) {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  if (Array.isArray(data)) {
    const total = data.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of data) {
      out.set(b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at);
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
