// tf.util (tfjs-core/src/util_base.ts, util.ts, hash_util.ts): the helpers
// tfjs programs call (shuffle, assert, sizeFromShape, encodeString, ...), with
// tfjs's names, defaults and error messages. tests/node/util_env.test.mjs
// checks that every key of tfjs's tf.util is here. fingerPrint64/hexToLong
// return a small Long-like value (BigInt inside) instead of the `long` package.
import {ENV} from './environment.js';

export function shuffle(array) {
  let counter = array.length;
  while (counter > 0) {
    const index = (Math.random() * counter) | 0;
    counter--;
    swap(array, counter, index);
  }
}

export function shuffleCombo(array, array2) {
  if (array.length !== array2.length) {
    throw new Error(`Array sizes must match to be shuffled together First array length was ${array.length}` +
                    `Second array length was ${array2.length}`);
  }
  let counter = array.length;
  while (counter > 0) {
    const index = (Math.random() * counter) | 0;
    counter--;
    swap(array, counter, index);
    swap(array2, counter, index);
  }
}

export function clamp(min, x, max) {
  return Math.max(min, Math.min(x, max));
}

export function nearestLargerEven(val) {
  return val % 2 === 0 ? val : val + 1;
}

export function swap(object, left, right) {
  const temp = object[left];
  object[left] = object[right];
  object[right] = temp;
}

export function sum(arr) {
  let total = 0;
  for (let i = 0; i < arr.length; i++) total += arr[i];
  return total;
}

export function randUniform(a, b) {
  const r = Math.random();
  return (b * r) + (1 - r) * a;
}

export function distSquared(a, b) {
  let result = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Number(a[i]) - Number(b[i]);
    result += diff * diff;
  }
  return result;
}

export function assert(expr, msg) {
  if (!expr) throw new Error(typeof msg === 'string' ? msg : msg());
}

export function assertShapesMatch(shapeA, shapeB, errorMessagePrefix = '') {
  assert(arraysEqual(shapeA, shapeB), () => errorMessagePrefix + ` Shapes ${shapeA} and ${shapeB} must match`);
}

export function assertNonNull(a) {
  assert(a != null, () => 'The input to the tensor constructor must be a non-null value.');
}

export function sizeFromShape(shape) {
  if (shape.length === 0) return 1;
  let size = shape[0];
  for (let i = 1; i < shape.length; i++) size *= shape[i];
  return size;
}

export function isScalarShape(shape) {
  return shape.length === 0;
}

export function arraysEqualWithNull(n1, n2) {
  if (n1 === n2) return true;
  if (n1 == null || n2 == null || n1.length !== n2.length) return false;
  for (let i = 0; i < n1.length; i++) {
    if (n1[i] !== null && n2[i] !== null && n1[i] !== n2[i]) return false;
  }
  return true;
}

export function arraysEqual(n1, n2) {
  if (n1 === n2) return true;
  if (n1 == null || n2 == null || n1.length !== n2.length) return false;
  for (let i = 0; i < n1.length; i++) {
    if (n1[i] !== n2[i]) return false;
  }
  return true;
}

export function isInt(a) {
  return a % 1 === 0;
}

export function tanh(x) {
  return Math.tanh(x);
}

export function sizeToSquarishShape(size) {
  const width = Math.ceil(Math.sqrt(size));
  return [width, Math.ceil(size / width)];
}

export function createShuffledIndices(n) {
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; ++i) indices[i] = i;
  shuffle(indices);
  return indices;
}

export function rightPad(a, size) {
  return size <= a.length ? a : a + ' '.repeat(size - a.length);
}

export function repeatedTry(checkFn, delayFn = () => 0, maxCounter, scheduleFn) {
  return new Promise((resolve, reject) => {
    let tryCount = 0;
    const tryFn = () => {
      if (checkFn()) {
        resolve();
        return;
      }
      tryCount++;
      const nextBackoff = delayFn(tryCount);
      if (maxCounter != null && tryCount >= maxCounter) {
        reject();
        return;
      }
      if (scheduleFn != null) {
        scheduleFn(tryFn, nextBackoff);
      } else {
        setTimeout(tryFn, nextBackoff);
      }
    };
    tryFn();
  });
}

export function inferFromImplicitShape(shape, size) {
  let shapeProd = 1;
  let implicitIdx = -1;
  for (let i = 0; i < shape.length; ++i) {
    if (shape[i] >= 0) {
      shapeProd *= shape[i];
    } else if (shape[i] === -1) {
      if (implicitIdx !== -1) {
        throw Error(`Shapes can only have 1 implicit size. Found -1 at dim ${implicitIdx} and dim ${i}`);
      }
      implicitIdx = i;
    } else if (shape[i] < 0) {
      throw Error(`Shapes can not be < 0. Found ${shape[i]} at dim ${i}`);
    }
  }
  if (implicitIdx === -1) {
    if (size > 0 && size !== shapeProd) throw Error(`Size(${size}) must match the product of shape ${shape}`);
    return shape;
  }
  if (shapeProd === 0) throw Error(`Cannot infer the missing size in [${shape}] when there are 0 elements`);
  if (size % shapeProd !== 0) throw Error(`The implicit shape can't be a fractional number. Got ${size} / ${shapeProd}`);
  const newShape = shape.slice();
  newShape[implicitIdx] = size / shapeProd;
  return newShape;
}

export function parseAxisParam(axis, shape) {
  const rank = shape.length;
  axis = axis == null ? shape.map((s, i) => i) : [].concat(axis);
  assert(axis.every(ax => ax >= -rank && ax < rank),
         () => `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axis}`);
  assert(axis.every(ax => isInt(ax)), () => `All values in axis param must be integers but got axis ${axis}`);
  return axis.map(a => (a < 0 ? rank + a : a));
}

export function squeezeShape(shape, axis) {
  const newShape = [];
  const keptDims = [];
  const isEmptyArray = axis != null && Array.isArray(axis) && axis.length === 0;
  const axes = (axis == null || isEmptyArray) ? null : parseAxisParam(axis, shape).sort();
  let j = 0;
  for (let i = 0; i < shape.length; ++i) {
    if (axes != null) {
      if (axes[j] === i && shape[i] !== 1) throw new Error(`Can't squeeze axis ${i} since its dim '${shape[i]}' is not 1`);
      if ((axes[j] == null || axes[j] > i) && shape[i] === 1) {
        newShape.push(shape[i]);
        keptDims.push(i);
      }
      if (axes[j] <= i) j++;
    }
    if (shape[i] !== 1) {
      newShape.push(shape[i]);
      keptDims.push(i);
    }
  }
  return {newShape, keptDims};
}

export function getArrayFromDType(dtype, size) {
  if (dtype == null || dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  if (dtype === 'string') return new Array(size);
  throw new Error(`Unknown data type ${dtype}`);
}

export function getTypedArrayFromDType(dtype, size) {
  return getArrayFromDType(dtype, size);
}

export function checkConversionForErrors(vals, dtype) {
  for (let i = 0; i < vals.length; i++) {
    const num = vals[i];
    if (isNaN(num) || !isFinite(num)) throw Error(`A tensor of type ${dtype} being uploaded contains ${num}.`);
  }
}

export function isValidDtype(dtype) {
  return dtype === 'bool' || dtype === 'complex64' || dtype === 'float32' || dtype === 'int32' || dtype === 'string';
}

export function hasEncodingLoss(oldType, newType) {
  if (newType === 'complex64') return false;
  if (newType === 'float32' && oldType !== 'complex64') return false;
  if (newType === 'int32' && oldType !== 'float32' && oldType !== 'complex64') return false;
  if (newType === 'bool' && oldType === 'bool') return false;
  return true;
}

export function bytesPerElement(dtype) {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'complex64') return 8;
  if (dtype === 'bool') return 1;
  throw new Error(`Unknown dtype ${dtype}`);
}

export function bytesFromStringArray(arr) {
  if (arr == null) return 0;
  let bytes = 0;
  arr.forEach(x => { bytes += x.length; });
  return bytes;
}

export function isString(value) {
  return typeof value === 'string' || value instanceof String;
}

export function isBoolean(value) {
  return typeof value === 'boolean';
}

export function isNumber(value) {
  return typeof value === 'number';
}

export function inferDtype(values) {
  if (Array.isArray(values)) return inferDtype(values[0]);
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  if (isNumber(values)) return 'float32';
  if (isString(values)) return 'string';
  if (isBoolean(values)) return 'bool';
  return 'float32';
}

export function isFunction(f) {
  return !!(f && f.constructor && f.call && f.apply);
}

export function nearestDivisor(size, start) {
  for (let i = start; i < size; ++i) {
    if (size % i === 0) return i;
  }
  return size;
}

export function computeStrides(shape) {
  const rank = shape.length;
  if (rank < 2) return [];
  const strides = new Array(rank - 1);
  strides[rank - 2] = shape[rank - 1];
  for (let i = rank - 3; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

function createNestedArray(offset, shape, a, isComplex = false) {
  const ret = [];
  if (shape.length === 1) {
    const d = shape[0] * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++) ret[i] = a[offset + i];
  } else {
    const d = shape[0];
    const rest = shape.slice(1);
    const len = rest.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++) ret[i] = createNestedArray(offset + i * len, rest, a, isComplex);
  }
  return ret;
}

export function toNestedArray(shape, a, isComplex = false) {
  if (shape.length === 0) return a[0];
  const size = shape.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
  if (size === 0) return [];
  if (size !== a.length) {
    throw new Error(`[${shape}] does not match the input size ${a.length}${isComplex ? ' for a complex tensor' : ''}.`);
  }
  return createNestedArray(0, shape, a, isComplex);
}

export function convertBackendValuesAndArrayBuffer(data, dtype) {
  if (Array.isArray(data)) return data;
  if (dtype === 'float32') return data instanceof Float32Array ? data : new Float32Array(data);
  if (dtype === 'int32') return data instanceof Int32Array ? data : new Int32Array(data);
  if (dtype === 'bool' || dtype === 'string') return Uint8Array.from(new Int32Array(data));
  throw new Error(`Unknown dtype ${dtype}`);
}

export function makeZerosTypedArray(size, dtype) {
  if (dtype == null || dtype === 'float32' || dtype === 'complex64') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  throw new Error(`Unknown data type ${dtype}`);
}

export function makeOnesTypedArray(size, dtype) {
  const array = makeZerosTypedArray(size, dtype);
  array.fill(1);
  return array;
}

export function makeZerosNestedTypedArray(shape, dtype) {
  const size = shape.reduce((prev, curr) => prev * curr, 1);
  if (dtype == null || dtype === 'float32') return toNestedArray(shape, new Float32Array(size));
  if (dtype === 'int32') return toNestedArray(shape, new Int32Array(size));
  if (dtype === 'bool') return toNestedArray(shape, new Uint8Array(size));
  throw new Error(`Unknown data type ${dtype}`);
}

export function assertNonNegativeIntegerDimensions(shape) {
  shape.forEach(dimSize => {
    assert(Number.isInteger(dimSize) && dimSize >= 0,
           () => `Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  });
}

export function locToIndex(locs, rank, strides) {
  if (rank === 0) return 0;
  if (rank === 1) return locs[0];
  let index = locs[locs.length - 1];
  for (let i = 0; i < locs.length - 1; ++i) index += strides[i] * locs[i];
  return index;
}

export function indexToLoc(index, rank, strides) {
  if (rank === 0) return [];
  if (rank === 1) return [index];
  const locs = new Array(rank);
  for (let i = 0; i < locs.length - 1; ++i) {
    locs[i] = Math.floor(index / strides[i]);
    index -= locs[i] * strides[i];
  }
  locs[locs.length - 1] = index;
  return locs;
}

export function isPromise(object) {
  return object && object.then && typeof object.then === 'function';
}

// ---- util.ts: the platform-dependent part ----------------------------------------

/** The typed arrays tfjs accepts as tensor values: the platform's isTypedArray (tf.setPlatform). */
export function isTypedArray(a) {
  const platform = ENV.platform;
  if (platform != null && platform.isTypedArray != null) return platform.isTypedArray(a);
  return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array ||
         a instanceof Uint8ClampedArray;
}

export function flatten(arr, result = [], skipTypedArray = false) {
  if (result == null) result = [];
  if (typeof arr === 'boolean' || typeof arr === 'number' || typeof arr === 'string' || isPromise(arr) ||
      arr == null || (isTypedArray(arr) && skipTypedArray)) {
    result.push(arr);
  } else if (Array.isArray(arr) || isTypedArray(arr)) {
    for (let i = 0; i < arr.length; ++i) flatten(arr[i], result, skipTypedArray);
  } else {
    let maxIndex = -1;
    for (const key of Object.keys(arr)) {
      if (/^([1-9]+[0-9]*|0)$/.test(key)) maxIndex = Math.max(maxIndex, Number(key));
    }
    for (let i = 0; i <= maxIndex; i++) flatten(arr[i], result, skipTypedArray);
  }
  return result;
}

const noConversionNeeded = (a, dtype) => (a instanceof Float32Array && dtype === 'float32') ||
    (a instanceof Int32Array && dtype === 'int32') || (a instanceof Uint8Array && dtype === 'bool');

/** tfjs's conversion: Number() of each value (null -> 0), int32 wraps, bool is round(v) != 0. */
export function toTypedArray(a, dtype) {
  if (dtype === 'string') throw new Error('Cannot convert a string[] to a TypedArray');
  if (Array.isArray(a)) a = flatten(a);
  if (noConversionNeeded(a, dtype)) return a;
  if (dtype == null || dtype === 'float32' || dtype === 'complex64') return new Float32Array(a);
  if (dtype === 'int32') return new Int32Array(a);
  if (dtype === 'bool') {
    const bool = new Uint8Array(a.length);
    for (let i = 0; i < bool.length; ++i) {
      if (Math.round(a[i]) !== 0) bool[i] = 1;
    }
    return bool;
  }
  throw new Error(`Unknown data type ${dtype}`);
}

export function encodeString(s, encoding = 'utf-8') {
  encoding = encoding || 'utf-8';
  return ENV.platform.encode(s, encoding);
}

export function decodeString(bytes, encoding = 'utf-8') {
  encoding = encoding || 'utf-8';
  if (bytes.length === 0) return '';
  return ENV.platform.decode(bytes, encoding);
}

export function createScalarValue(value, dtype) {
  if (dtype === 'string') return encodeString(value);
  return toTypedArray([value], dtype);
}

/** Milliseconds, sub-millisecond precision where the platform has it (the platform's now()). */
export function now() {
  return ENV.platform.now();
}

/** The platform's fetch (tf.setPlatform). */
export function fetch(path, requestInits) {
  return ENV.platform.fetch(path, requestInits);
}

// ---- hash_util.ts: FarmHash's Fingerprint64, on 64-bit BigInts --------------------
//
// tfjs computes it with the `long` package (4.0, whose multiply runs in WebAssembly),
// and its results carry long.js's signedness, which the bucket ops see (a signed
// value's remainder is negative): every op keeps its left operand's flag, except
// that a product whose left operand is zero is long.js's signed ZERO. L64 tracks
// the bits and that flag, so fingerprints and buckets equal tfjs's bit for bit.

class L64 {
  constructor(bits, unsigned = true) {
    this.bits = BigInt.asUintN(64, bits);
    this.unsigned = unsigned;
  }
  add(x) { return new L64(this.bits + bitsOf(x), this.unsigned); }
  mul(x) { return this.bits === 0n ? SIGNED_ZERO : new L64(this.bits * bitsOf(x), this.unsigned); }
  xor(x) { return new L64(this.bits ^ bitsOf(x), this.unsigned); }
  or(x) { return new L64(this.bits | bitsOf(x), this.unsigned); }
  and(x) { return new L64(this.bits & bitsOf(x), this.unsigned); }
  shl(n) { return (n &= 63) === 0 ? this : new L64(this.bits << BigInt(n), this.unsigned); }
  shru(n) { return (n &= 63) === 0 ? this : new L64(this.bits >> BigInt(n), this.unsigned); }
}
const SIGNED_ZERO = new L64(0n, false);
const bitsOf = x => (x instanceof L64 ? x.bits : BigInt.asUintN(64, BigInt(Math.trunc(x))));

/** The subset of the `long` package's Long that callers of fingerPrint64/hexToLong use. */
class Long64 {
  constructor(bits, unsigned = true) {
    this.unsigned = unsigned;
    this.value = unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
    this.low = Number(BigInt.asIntN(32, bits));
    this.high = Number(BigInt.asIntN(32, BigInt.asUintN(64, bits) >> 32n));
  }
  toString(radix = 10) { return this.value.toString(radix); }
  toNumber() { return Number(this.value); }
  equals(other) {
    if (other instanceof Long64) {
      if (this.unsigned !== other.unsigned && this.high < 0 && other.high < 0) return false;
      return BigInt.asUintN(64, this.value) === BigInt.asUintN(64, other.value);
    }
    return BigInt(other) === this.value;
  }
  /** long.js's modulo (a signed value's remainder takes its sign), for a number divisor. */
  modulo(divisor) {
    const d = divisor instanceof Long64 ? divisor.value : BigInt(Math.trunc(divisor));
    return new Long64(this.value % (this.unsigned ? BigInt.asUintN(64, d) : d), this.unsigned);
  }
  getLowBitsUnsigned() { return this.low >>> 0; }
}

export function hexToLong(hex) {
  return new Long64(BigInt(`0x${hex}`));
}

const k0 = new L64(0xc3a5c85c97cb3127n);
const k1 = new L64(0xb492b66fbe98f273n);
const k2 = new L64(0x9ae16a3b2f90404fn);
const shiftMix = val => val.xor(val.shru(47));
const rotate64 = (val, shift) => (shift === 0 ? val : val.shru(shift).or(val.shl(64 - shift)));

function fetchBytes(s, offset, numBytes) {
  let v = 0n;
  for (let i = numBytes - 1; i >= 0; --i) v = (v << 8n) | BigInt(s[offset + i] ?? 0);
  return new L64(v);
}
const fetch64 = (s, offset) => fetchBytes(s, offset, 8);
const fetch32 = (s, offset) => fetchBytes(s, offset, 4);

function hashLen16(u, v, mul = new L64(0x9ddfea08eb382d69n)) {
  let a = u.xor(v).mul(mul);
  a = a.xor(a.shru(47));
  let b = v.xor(a).mul(mul);
  b = b.xor(b.shru(47));
  return b.mul(mul);
}

function weakHashLen32WithSeeds(w, x, y, z, a, b) {
  a = a.add(w);
  b = rotate64(b.add(a).add(z), 21);
  const c = a;
  a = a.add(x);
  a = a.add(y);
  b = b.add(rotate64(a, 44));
  return [a.add(z), b.add(c)];
}

const weakHashLen32WithSeedsStr = (s, offset, a, b) =>
  weakHashLen32WithSeeds(fetch64(s, offset), fetch64(s, offset + 8), fetch64(s, offset + 16), fetch64(s, offset + 24),
                         a, b);

function hashLen0to16(s, len) {
  if (len >= 8) {
    const mul = k2.add(len * 2);
    const a = fetch64(s, 0).add(k2);
    const b = fetch64(s, len - 8);
    const c = rotate64(b, 37).mul(mul).add(a);
    const d = rotate64(a, 25).add(b).mul(mul);
    return hashLen16(c, d, mul);
  }
  if (len >= 4) {
    const mul = k2.add(len * 2);
    const a = fetch32(s, 0);
    return hashLen16(a.shl(3).add(len), fetch32(s, len - 4), mul);
  }
  if (len > 0) {
    const a = s[0], b = s[len >> 1], c = s[len - 1];
    const y = a + (b << 8);
    const z = len + (c << 2);
    return shiftMix(k2.mul(y).xor(k0.mul(z))).mul(k2);
  }
  return k2;
}

function hashLen17to32(s, len) {
  const mul = k2.add(len * 2);
  const a = fetch64(s, 0).mul(k1);
  const b = fetch64(s, 8);
  const c = fetch64(s, len - 8).mul(mul);
  const d = fetch64(s, len - 16).mul(k2);
  return hashLen16(rotate64(a.add(b), 43).add(rotate64(c, 30)).add(d), a.add(rotate64(b.add(k2), 18)).add(c), mul);
}

function hashLen33to64(s, len) {
  const mul = k2.add(len * 2);
  const a = fetch64(s, 0).mul(k2);
  const b = fetch64(s, 8);
  const c = fetch64(s, len - 8).mul(mul);
  const d = fetch64(s, len - 16).mul(k2);
  const y = rotate64(a.add(b), 43).add(rotate64(c, 30)).add(d);
  const z = hashLen16(y, a.add(rotate64(b.add(k2), 18)).add(c), mul);
  const e = fetch64(s, 16).mul(mul);
  const f = fetch64(s, 24);
  const g = y.add(fetch64(s, len - 32)).mul(mul);
  const h = z.add(fetch64(s, len - 24)).mul(mul);
  return hashLen16(rotate64(e.add(f), 43).add(rotate64(g, 30)).add(h), e.add(rotate64(f.add(a), 18)).add(g), mul);
}

function fingerPrint64Value(s, len) {
  if (len <= 16) return hashLen0to16(s, len);
  if (len <= 32) return hashLen17to32(s, len);
  if (len <= 64) return hashLen33to64(s, len);
  // Over 64 bytes: loop over 64-byte chunks with 56 bytes of state (v, w, x, y, z).
  const seed = new L64(81n);
  let x = seed;
  let y = seed.mul(k1).add(113);
  let z = shiftMix(y.mul(k2).add(113)).mul(k2);
  let v = [new L64(0n), new L64(0n)];
  let w = [new L64(0n), new L64(0n)];
  x = x.mul(k2).add(fetch64(s, 0));
  let offset = 0;
  const end = ((len - 1) >> 6) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  do {
    x = rotate64(x.add(y).add(v[0]).add(fetch64(s, offset + 8)), 37).mul(k1);
    y = rotate64(y.add(v[1]).add(fetch64(s, offset + 48)), 42).mul(k1);
    x = x.xor(w[1]);
    y = y.add(v[0]).add(fetch64(s, offset + 40));
    z = rotate64(z.add(w[0]), 33).mul(k1);
    v = weakHashLen32WithSeedsStr(s, offset, v[1].mul(k1), x.add(w[0]));
    w = weakHashLen32WithSeedsStr(s, offset + 32, z.add(w[1]), y.add(fetch64(s, offset + 16)));
    [z, x] = [x, z];
    offset += 64;
  } while (offset !== end);
  const mul = k1.add(z.and(0xff).shl(1));
  offset = last64;
  w[0] = w[0].add((len - 1) & 63);
  v[0] = v[0].add(w[0]);
  w[0] = w[0].add(v[0]);
  x = rotate64(x.add(y).add(v[0]).add(fetch64(s, offset + 8)), 37).mul(mul);
  y = rotate64(y.add(v[1]).add(fetch64(s, offset + 48)), 42).mul(mul);
  x = x.xor(w[1].mul(9));
  y = y.add(v[0].mul(9).add(fetch64(s, offset + 40)));
  z = rotate64(z.add(w[0]), 33).mul(mul);
  v = weakHashLen32WithSeedsStr(s, offset, v[1].mul(mul), x.add(w[0]));
  w = weakHashLen32WithSeedsStr(s, offset + 32, z.add(w[1]), y.add(fetch64(s, offset + 16)));
  [z, x] = [x, z];
  return hashLen16(hashLen16(v[0], w[0], mul).add(shiftMix(y).mul(k0)).add(z), hashLen16(v[1], w[1], mul).add(x), mul);
}

/** FarmHash Fingerprint64 of the bytes `s` (a Uint8Array), as tfjs's string-hash ops use it (signedness included). */
export function fingerPrint64(s, len = s.length) {
  const r = fingerPrint64Value(s, len);
  return new Long64(r.bits, r.unsigned);
}

export const util = {
  arraysEqual, arraysEqualWithNull, assert, assertNonNegativeIntegerDimensions, assertNonNull, assertShapesMatch,
  bytesFromStringArray, bytesPerElement, checkConversionForErrors, clamp, computeStrides,
  convertBackendValuesAndArrayBuffer, createScalarValue, createShuffledIndices, decodeString, distSquared,
  encodeString, fetch, fingerPrint64, flatten, getArrayFromDType, getTypedArrayFromDType, hasEncodingLoss, hexToLong,
  indexToLoc, inferDtype, inferFromImplicitShape, isBoolean, isFunction, isInt, isNumber, isPromise, isScalarShape,
  isString, isTypedArray, isValidDtype, locToIndex, makeOnesTypedArray, makeZerosNestedTypedArray,
  makeZerosTypedArray, nearestDivisor, nearestLargerEven, now, parseAxisParam, randUniform, repeatedTry, rightPad,
  shuffle, shuffleCombo, sizeFromShape, sizeToSquarishShape, squeezeShape, sum, swap, tanh, toNestedArray,
  toTypedArray,
};

/**
 * StridedSlice's ellipsis (TensorFlow semantics) written out as full-range specs, so
 * the op gets no ellipsisMask: the ellipsis stands for as many dimensions as the
 * other specs (new axes aside) leave unnamed.
 */
export function expandEllipsis(rank, begin, end, strides, masks) {
  const {ellipsisMask} = masks;
  if (!ellipsisMask) return {begin, end, strides, ...masks};
  const e = 31 - Math.clz32(ellipsisMask & -ellipsisMask);  // the first ellipsis; TensorFlow allows one
  const n = begin.length;
  if (e >= n) return {begin, end, strides, ...masks, ellipsisMask: 0};  // trailing: the rest is full range anyway
  const bit = (m, j) => (m >> j) & 1;
  let named = 0;
  for (let j = 0; j < n; j++) if (j !== e && !bit(masks.newAxisMask, j)) named++;
  const covered = Math.max(0, rank - named);
  const out = {begin: [], end: [], strides: [], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0};
  const push = (b, en, st, bits) => {
    const k = out.begin.length;
    out.begin.push(b);
    out.end.push(en);
    out.strides.push(st);
    for (const m of ['beginMask', 'endMask', 'newAxisMask', 'shrinkAxisMask']) if (bits[m]) out[m] |= 1 << k;
  };
  for (let j = 0; j < n; j++) {
    if (j === e) {
      for (let c = 0; c < covered; c++) push(0, 0, 1, {beginMask: 1, endMask: 1});
    } else {
      push(begin[j], end[j], strides == null ? 1 : strides[j],
           {beginMask: bit(masks.beginMask, j), endMask: bit(masks.endMask, j), newAxisMask: bit(masks.newAxisMask, j),
            shrinkAxisMask: bit(masks.shrinkAxisMask, j)});
    }
  }
  return out;
}

/**
 * @internal A function that queues items and hands each to `each` at the end of the
 * current job (one microtask per batch). The tensors' and symbolic tensors' collector
 * registration: register() costs 1-2 us a call, and most are disposed before then.
 */
export function atEndOfJob(each) {
  const pending = [];
  const flush = () => {
    for (const x of pending) each(x);
    pending.length = 0;
  };
  return x => {
    if (pending.push(x) === 1) queueMicrotask(flush);
  };
}
