// tf.Tensor and the tensor creation functions (tfjs-core/src/tensor.ts, ops/tensor*.ts).
//
// A Tensor wraps an engine handle. Values cross the boundary as typed-array views
// of the WASM heap: written once at creation, copied out by dataSync().
//
// String tensors (dtype 'string') hold their values in JS, as tfjs-backend-cpu does:
// one Uint8Array of UTF-8 bytes per element, in a StringValues that tensors which
// alias it (reshape, clone, expandDims, squeeze, a tf.Variable) share. They have no
// engine handle: an op that needs one fails with an Error naming the string dtype
// (see `handle` below, and ops.js's run(), which names the op and argument as tfjs).
// complex64 tensors hold two float32 engine tensors, their real and imaginary parts
// (`_parts`, see Tensor._complex), and no handle either. A tensor the engine's fast path
// made (tf.tensor, a one-output predict: bindings.cc wl_tensor_new, wl_predict_one) holds the engine tensor's
// address (`_address`) and gets a handle only when something needs one (`handle`): its
// dataSync() and dispose() need none, which is most of a tiny model's predict. So a Tensor
// holds exactly one of `_handle`, `_address`, `_parts` and `_strings`.
import {copyFromHeap, copyToHeap, getCore, heap64} from './core.js';
import {tensorToString} from './format.js';
import {assertNonNull, atEndOfJob, decodeString, flatten, getArrayFromDType, inferDtype, toTypedArray} from './util.js';

// The numeric dtypes (a string tensor's message lists them).
const DTYPES = ['float32', 'int32', 'bool', 'complex64 (through tf.complex)'];
const DTYPE_CODES = ['float32', 'int32', 'bool'];  // wl::DType's order

// tf.tidy scopes: every Tensor created while a scope is open belongs to it.
const scopes = [];

// Tensors dropped without dispose() have their memory freed when garbage collected
// (beyond tfjs): numBytes and numDataBuffers fall. numTensors still counts them, as
// tfjs counts every tensor not disposed: a leak stays visible, and the count does
// not move at moments the collector picks (a test comparing counts before and after
// some code would otherwise see earlier garbage vanish in between).
let collected = 0;
const finalizer = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(held => {
      if (held instanceof StringValues) {
        releaseStrings(held);
        collected++;
      } else if (held instanceof AddressCell) {
        if (held.address !== 0) {  // 0: disposed, or its handle (registered too) owns it now
          getCore()._wl_tensor_delete(held.address);
          collected++;
        }
      } else if (!held.isDeleted()) {  // dispose() leaves engine handles registered: unregister costs every call
        held.delete();
        collected++;
      }
    })
    : null;

// ---- string tensors' values ---------------------------------------------------------

// What tf.memory() adds for string tensors: live tensors, live value buffers and their bytes.
const stringStats = {tensors: 0, buffers: 0, bytes: 0};
// String tensors' ids: engine tensors number theirs from 1 in the engine; these start
// far above, so ids stay unique (tf.tensor_util.isTensorInList compares them).
let nextStringId = 2 ** 30;

/** @internal A string tensor's values (UTF-8 bytes per element), shared by the tensors that alias them. */
export class StringValues {
  constructor(bytes) {
    this.bytes = bytes;
    this.refs = 0;
    this.numBytes = bytes.reduce((n, b) => n + b.length, 0);
  }
}

// FinalizationRegistry.register costs 1.3–2.0 µs a call in Node 20 (an object alone: under
// 0.1 µs), as much as a tiny model's whole predict; and most tensors are disposed before
// the code that made them yields (tidy, predict + dataSync + dispose). So tensors are
// registered at the end of the current job, a microtask: one disposed by then never is.
// Nothing is lost: the collector's callbacks never run before the job ends either.
const registerLater = atEndOfJob(t => {
  if (t.isDisposed) return;
  if (t._address !== 0) t._cell = new AddressCell(t._address);
  finalizer.register(t, t._strings || t._cell || t._handle, t);
  t._registered = true;
});

/** What the collector gets for a fast-path tensor: its address while JS owns it, else 0. */
class AddressCell {
  constructor(address) {
    this.address = address;
  }
}

// The fast path's scratch (bindings.cc fastMeta): [id, size, dtype code, rank, values'
// address, needs commit, dims...] of the tensor a fast call made, as doubles; its index.
const FAST_DIMS = 6, FAST_RANK = 16;
let fastMetaIndex = -1;
function fastMeta() {
  if (fastMetaIndex < 0) fastMetaIndex = getCore()._wl_fast_meta() >>> 3;
  return fastMetaIndex;
}

/** @internal What `new Tensor()` takes for a string tensor: its values and shape. */
export class StringRef {
  constructor(values, shape) {
    this.values = values;
    this.shape = shape;
  }
}

function retainStrings(values) {
  if (values.refs++ === 0) {
    stringStats.buffers++;
    stringStats.bytes += values.numBytes;
  }
  stringStats.tensors++;
}

function releaseStrings(values) {
  stringStats.tensors--;
  if (--values.refs === 0) {
    stringStats.buffers--;
    stringStats.bytes -= values.numBytes;
  }
}

/** @internal A string tensor over `bytes` (Uint8Array per element, or strings, encoded here). */
export function makeStringTensor(values, shape) {
  const bytes = Array.from(values, v => (v instanceof Uint8Array ? v : new TextEncoder().encode(v)));
  return new Tensor(new StringRef(new StringValues(bytes), shape));
}

/** @internal tfjs's message for a string tensor given to an op that takes numeric tensors. */
export function notNumericError(argName, opName) {
  return new Error(`Argument '${argName}' passed to '${opName}' must be numeric tensor, but got string tensor`);
}

// ---- complex64 tensors -------------------------------------------------------------

// complex64 tensors alive (not disposed, not collected): tf.memory() counts each
// as one tensor, as tfjs does, though it holds two engine tensors (real, imag).
let liveComplex = 0;
// A collected complex64 tensor's two parts were counted as collected: it counts as one.
const complexFinalizer = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(() => { liveComplex--; collected--; })
    : null;

/** @internal */
export function openScope() {
  scopes.push(new Set());
}

/** @internal Closes the innermost scope, disposing its tensors except `keep`. */
export function closeScope(keep) {
  const scope = scopes.pop();
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.isDisposed) continue;
    if (keep.has(t) || t._kept) {
      if (parent && !t._kept) parent.add(t);
    } else {
      t.dispose();
    }
  }
}

export class Tensor {
  /**
   * @internal Wraps an engine handle, the address a fast-path call returned, or a StringRef;
   * use tf.tensor() to create tensors.
   */
  constructor(handle) {
    this._address = 0;
    this._cell = null;
    if (typeof handle === 'number') handle = this._initFromAddress(handle);
    if (handle instanceof StringRef) {
      this._handle = null;
      this._strings = handle.values;
      this.id = nextStringId++;
      this.shape = handle.shape.slice();
      this.size = sizeOf(this.shape);
      this.dtype = 'string';
      retainStrings(this._strings);
    } else if (handle !== null) {
      this._handle = handle;
      this._strings = null;
      this._setMeta(handle.meta(), 0, 4);  // [id, size, dtype code, rank, dims...]
    }
    this.isDisposed = false;
    this._kept = false;
    if (scopes.length) scopes[scopes.length - 1].add(this);
    this._registered = false;  // with the collector: see registerLater
    if (finalizer) registerLater(this);
  }

  /**
   * Fills this tensor from the meta the fast path left for the tensor at `address` and
   * returns null; beyond the fast meta's ranks, returns an ordinary handle for it instead.
   */
  _initFromAddress(address) {
    const core = getCore();
    const meta = heap64(), at = fastMeta(), rank = meta[at + 3];
    if (rank < 0) return core.adoptTensor(address);
    this._handle = null;
    this._address = address;
    this._strings = null;
    this._setMeta(meta, at, at + FAST_DIMS);
    return null;
  }

  /** id, size, dtype and shape from an engine meta array: [id, size, dtype code, rank] at `at`, dims at `dims`. */
  _setMeta(meta, at, dims) {
    this.id = meta[at];
    this.size = meta[at + 1];
    this.dtype = DTYPE_CODES[meta[at + 2]];
    const rank = meta[at + 3];
    const shape = new Array(rank);
    for (let i = 0; i < rank; ++i) shape[i] = meta[dims + i];
    this.shape = shape;
  }

  get rank() {
    return this.shape.length;
  }

  /**
   * tfjs's dataId: the object key of this tensor's data on its backend (what a
   * DataStorage is keyed by). One object per tensor, the same on every read, its
   * `id` the engine tensor's; tensors made by reshape/clone get their own.
   */
  get dataId() {
    if (this._dataId == null) Object.defineProperty(this, '_dataId', {value: {id: this.id}, configurable: true});
    return this._dataId;
  }

  /**
   * @internal A complex64 tensor that owns two float32 tensors of one shape (as
   * tfjs-backend-cpu stores one): its real and imaginary parts. The parts leave
   * the tidy scopes they were made in: they live and die with the complex tensor.
   */
  static _complex(real, imag) {
    const t = Object.create(Tensor.prototype);
    for (const part of [real, imag]) {
      for (const scope of scopes) scope.delete(part);
      part._kept = false;
    }
    t._handle = null;
    t._address = 0;
    t._cell = null;
    t._strings = null;
    t._parts = {real, imag};
    t.id = real.id;
    t.size = real.size;
    t.dtype = 'complex64';
    t.shape = real.shape.slice();
    t.isDisposed = false;
    t._kept = false;
    liveComplex++;
    if (scopes.length) scopes[scopes.length - 1].add(t);
    if (complexFinalizer) complexFinalizer.register(t, null, t);
    return t;
  }

  /**
   * @internal The live engine handle; throws if this tensor was disposed. This is
   * where every op reaches the engine, so a string tensor (which has no handle)
   * fails here when an op that needs numbers gets one (ops.js's run() names the op);
   * a complex64 tensor (two engine tensors) fails here too.
   */
  get handle() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
    if (this._parts) throw complexUnsupported('This operation');
    if (this._strings) {
      throw new Error(`This operation does not support string tensors: it needs a numeric tensor (${DTYPES.join(', ')}), ` +
                      `but got a string tensor of shape [${this.shape}]`);
    }
    return this._handle || this._adopt();
  }

  /** Moves a fast-path tensor into an ordinary handle (one crossing; its address is spent). */
  _adopt() {
    const handle = getCore().adoptTensor(this._address);
    if (this._cell !== null) this._cell.address = 0;  // the handle owns it now, and is what the collector frees
    this._cell = null;
    this._address = 0;
    this._handle = handle;
    if (finalizer && this._registered) finalizer.register(this, handle, this);  // else the pending one takes it
    return handle;
  }

  /** @internal The engine tensor's address (the fast path's argument), without adopting. */
  _engineAddress() {
    if (this._address !== 0) return this._address;
    const handle = this.handle;  // throws if disposed, string or complex
    return handle._address ?? (handle._address = handle.address());
  }

  /** @internal {real, imag}: a complex64 tensor's float32 parts (owned by it; do not dispose). */
  get complexParts() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
    return this._parts;
  }

  /** @internal Makes this string tensor (a tf.Variable) hold `other`'s values instead of its own. */
  _assignStrings(other) {
    const values = other.stringBytes && other._strings;
    retainStrings(values);
    releaseStrings(this.stringBytes && this._strings);
    this._strings = values;
    if (finalizer && this._registered) {  // else the pending registration takes the new values
      finalizer.unregister(this);
      finalizer.register(this, values, this);
    }
  }

  /** @internal A string tensor's values (Uint8Array per element); throws if it was disposed. */
  get stringBytes() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
    return this._strings.bytes;
  }

  dataSync() {
    if (this._parts) return interleave(this._parts.real.dataSync(), this._parts.imag.dataSync());
    if (this._strings) {
      try {
        return this.stringBytes.map(b => decodeString(b));
      } catch (e) {
        throw new Error('Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().');
      }
    }
    // Copied out of the heap: a view dies when the heap grows. On a backend whose
    // memory is not the host's, the engine reads into a staging buffer.
    let values;
    if (this._address !== 0 && this.size > 0) {
      const core = getCore();
      const at = core._wl_tensor_read(this._address) >>> 0;
      if (at === 0) core.rethrowLastError();
      values = copyFromHeap(at, this.size, this.dtype === 'float32');
    } else {
      values = this.handle.readView().slice();
    }
    return this.dtype === 'bool' ? Uint8Array.from(values) : values;
  }

  async data() {
    if (this._parts) {
      const {real, imag} = this.complexParts;
      const [re, im] = await Promise.all([real.data(), imag.data()]);
      return interleave(re, im);
    }
    if (this._strings) return this.dataSync();
    const handle = this.handle;
    if (handle.onHost()) return this.dataSync();
    const values = await readAsync(handle);
    return this.dtype === 'bool' ? Uint8Array.from(values) : values;
  }

  arraySync() {
    return toNestedArray(this.shape, this.dataSync(), this._parts ? 2 : 1);
  }

  async array() {
    return this.arraySync();
  }

  toString(verbose = false) {
    return tensorToString(this.dataSync(), this.shape, this.dtype, verbose);
  }

  print(verbose = false) {
    console.log(this.toString(verbose));
  }

  dispose() {
    if (this.isDisposed) return;
    if (this._parts) {
      if (complexFinalizer) complexFinalizer.unregister(this);
      liveComplex--;
      this._parts.real.dispose();
      this._parts.imag.dispose();
      this._parts = null;
      this.isDisposed = true;
      return;
    }
    if (this._strings) {
      if (finalizer) finalizer.unregister(this);
      releaseStrings(this._strings);
      this._strings = null;
    } else if (this._address !== 0) {
      getCore()._wl_tensor_delete(this._address);
      if (this._cell !== null) this._cell.address = 0;
      this._cell = null;
      this._address = 0;
    } else {
      this._handle.delete();
      this._handle = null;
    }
    this.isDisposed = true;
  }
}

/** @internal The Error an op throws when given a complex64 tensor it does not support. */
export function complexUnsupported(op) {
  return new Error(`${op} does not support complex64 tensors (they work with tf.complex, tf.real, tf.imag, ` +
                   'the spectral ops fft/ifft/rfft/irfft, add, sub, mul, abs, cast, reshape, expandDims, squeeze, ' +
                   'concat, stack, clone, zerosLike and onesLike)');
}

/** tfjs's layout of complex values: [re0, im0, re1, im1, ...]. */
function interleave(re, im) {
  const out = new Float32Array(re.length * 2);
  for (let i = 0; i < re.length; i++) {
    out[2 * i] = re[i];
    out[2 * i + 1] = im[i];
  }
  return out;
}

/** tfjs's toNestedArray: `width` values per element (2 for complex64: the last axis holds re, im pairs). */
function toNestedArray(shape, values, width = 1) {
  if (shape.length === 0) return values[0];
  if (values.length === 0) return [];  // tfjs: any empty tensor is []
  const build = (offset, dim) => {
    const n = shape[dim] * (dim === shape.length - 1 ? width : 1);
    if (dim === shape.length - 1) return Array.from(values.slice(offset, offset + n));
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1) * width;
    const out = [];
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}

function isTypedArray(v) {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * Shape of nested arrays. Unlike tfjs (which checks only in DEBUG mode and
 * otherwise builds a corrupt tensor), ragged arrays are always an error. For
 * dtype 'string', typed arrays are values (an element's bytes), as in tfjs.
 */
function inferShape(values, dtype) {
  const isArray = v => Array.isArray(v) || (isTypedArray(v) && dtype !== 'string');
  if (isTypedArray(values)) return dtype === 'string' ? [] : [values.length];
  if (!Array.isArray(values)) return [];
  const shape = [];
  let first = values;
  while (isArray(first)) {
    shape.push(first.length);
    first = first[0];
  }
  checkShape(values, shape, [], isArray);
  return shape;
}

function checkShape(val, shape, indices, isArray) {
  if (!isArray(val)) {
    if (indices.length !== shape.length) {
      throw new Error(`Element arr[${indices.join('][')}] is a primitive, but should be an array/TypedArray of ` +
                      `${shape[indices.length]} elements`);
    }
    return;
  }
  if (shape.length <= indices.length) {
    throw new Error(`Element arr[${indices.join('][')}] should be a primitive, but is an array of ${val.length} ` +
                    'elements');
  }
  if (val.length !== shape[indices.length]) {
    throw new Error(`Element arr[${indices.join('][')}] should have ${shape[indices.length]} elements, but has ` +
                    `${val.length} elements`);
  }
  for (let i = 0; i < val.length; ++i) checkShape(val[i], shape, indices.concat(i), isArray);
}

function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * @internal Writes flat values into an engine tensor: into its own bytes when it
 * lives in host memory, else through a staging view the engine then commits to
 * the tensor's memory. The view is taken after allocation (creating the tensor
 * may have grown the heap) and written at once.
 */
export function writeValues(handle, flat) {
  handle.writeView().set(flat);
  handle.commit();
}

/**
 * @internal Reads an engine tensor's values without blocking on a backend that
 * completes reads asynchronously: start the read, then poll (each poll pumps the
 * backends' deferred reads) on later macrotasks, as tfjs polls a WebGL fence.
 */
export async function readAsync(handle) {
  const core = getCore();
  const ticket = core.readAsyncStart(handle);
  const start = performance.now();
  while (!core.readAsyncPoll(ticket)) {
    // A WebGL fence signals only between tasks, so each poll waits for the next one:
    // a message (soon) for the first few ms, where most reads complete, then
    // setTimeout(0) (4 ms once nested), so a long GPU job does not keep the thread busy.
    await (performance.now() - start < 8 ? nextTask() : new Promise(resolve => setTimeout(resolve, 0)));
  }
  return core.readAsyncTake(ticket);
}

// Resolves in the next task without setTimeout's clamp: a MessageChannel message
// (closed on arrival, so Node's event loop is not held open).
function nextTask() {
  if (typeof MessageChannel === 'undefined') return new Promise(resolve => setTimeout(resolve, 0));
  return new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** @internal Creates a tensor from flat values and a shape (checked by the caller). */
export function makeTensorFromFlat(flat, shape, dtype) {
  if (dtype === 'string') return makeStringTensor(flat, shape);
  if (dtype === 'bool') flat = Array.from(flat, v => (v ? 1 : 0));
  if (shape.length <= FAST_RANK) return new Tensor(newEngineTensor(flat, shape, dtype));
  const handle = getCore().createTensor(shape, dtype);
  writeValues(handle, flat);
  return new Tensor(handle);
}

// The fast path of tf.tensor() (bindings.cc wl_tensor_new): dims in through the scratch,
// values written straight into the engine's heap; no Embind wrapper or handle.
function newEngineTensor(flat, shape, dtype) {
  const core = getCore();
  const at = fastMeta();
  let meta = heap64();
  for (let i = 0; i < shape.length; ++i) meta[at + FAST_DIMS + i] = shape[i];
  const address = core._wl_tensor_new(DTYPE_CODES.indexOf(dtype), shape.length) >>> 0;
  if (address === 0) core.rethrowLastError();
  meta = heap64();  // the call may have grown the heap
  try {
    copyToHeap(meta[at + 4], flat, dtype === 'float32');
    if (meta[at + 5] === 1 && core._wl_tensor_commit(address) === 0) core.rethrowLastError();
  } catch (e) {
    core._wl_tensor_delete(address);
    throw e;
  }
  return address;
}

/** @internal tfjs's check of a shape argument (its message says "positive" for non-negative). */
export function assertShape(shape) {
  if (!Array.isArray(shape) || shape.some(d => !Number.isInteger(d) || d < 0)) {
    throw new Error(`Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  }
}

/** tfjs's makeTensor: values -> dtype (inferred as tfjs does), checked shape, tfjs's value conversion. */
function makeTensor(values, shape, dtype) {
  if (dtype == null) {
    dtype = inferDtype(values);
  } else if (dtype === 'complex64') {
    throw new Error('Cannot construct a complex64 tensor directly. Please use tf.complex(real, imag).');
  }
  if (!isTypedArray(values) && !Array.isArray(values) && typeof values !== 'number' && typeof values !== 'boolean' &&
      typeof values !== 'string') {
    throw new Error('values passed to tensor(values) must be a number/boolean/string or an array of ' +
                    'numbers/booleans/strings, or a TypedArray');
  }
  const inferredShape = inferShape(values, dtype);
  if (shape != null) {
    assertShape(shape);
    const providedSize = sizeOf(shape);
    const inferredSize = sizeOf(inferredShape);
    if (providedSize !== inferredSize) {
      throw new Error(`Based on the provided shape, [${shape}], the tensor should have ${providedSize} values ` +
                      `but has ${inferredSize}`);
    }
    for (let i = 0; i < inferredShape.length; ++i) {
      const flatDimsDontMatch =
          i === inferredShape.length - 1 ? inferredShape[i] !== sizeOf(shape.slice(i)) : true;
      if (inferredShape[i] !== shape[i] && flatDimsDontMatch) {
        throw new Error(`Error creating a new Tensor. Inferred shape (${inferredShape}) does not match the ` +
                        `provided shape (${shape}). `);
      }
    }
  } else {
    shape = inferredShape;
  }
  const flat = dtype === 'string' ? stringValues(values) :
      toTypedArray(isTypedArray(values) || Array.isArray(values) ? values : [values], dtype);
  if (flat.length !== sizeOf(shape)) {
    // tfjs would build a tensor with missing values here (e.g. an object among the numbers).
    throw new Error(`tensor(): the values hold ${flat.length} numbers, but shape [${shape}] needs ${sizeOf(shape)}`);
  }
  return makeTensorFromFlat(flat, shape, dtype);
}

/**
 * A string tensor's flat values, as tfjs makes them: strings (every value encoded
 * as UTF-8 when the first is a string: 1 becomes '1') or Uint8Arrays of bytes.
 * tfjs stores other values unencoded (a tensor that fails when read): an error here.
 */
function stringValues(values) {
  const flat = flatten(isTypedArray(values) || Array.isArray(values) ? values : [values], [], true);
  if (flat.length === 0 || typeof flat[0] === 'string') return flat.map(v => new TextEncoder().encode(v));
  if (flat.every(v => v instanceof Uint8Array)) return flat.map(v => v.slice());
  const bad = flat.find(v => !(v instanceof Uint8Array));
  throw new Error(`A string tensor's values must be strings or Uint8Arrays of bytes, but got ${
      bad === null ? 'null' : typeof bad} (${bad})`);
}

export function tensor(values, shape, dtype) {
  return makeTensor(values, shape, dtype);
}

export function scalar(value, dtype) {
  if (Array.isArray(value) || (isTypedArray(value) && dtype !== 'string')) {  // bytes make a string scalar
    throw new Error('Error creating a new Scalar: value must be a primitive (number|boolean|string)');
  }
  return makeTensor(value, [], dtype);
}

export function tensor1d(values, dtype) {
  assertNonNull(values);
  if (inferShape(values).length !== 1) throw new Error('tensor1d() requires values to be a flat/TypedArray');
  return makeTensor(values, null, dtype);
}

const RANK_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six'];

/** tensor2d..tensor6d(values, shape?, dtype?): nested values of that rank, or flat values with a shape. */
function makeRankN(rank) {
  const name = `tensor${rank}d`;
  const flatWords = rank === 2 ? 'a flat/TypedArray' : 'a flat array';
  return (values, shape, dtype) => {
    assertNonNull(values);
    if (shape != null && shape.length !== rank) throw new Error(`${name}() requires shape to have ${RANK_WORDS[rank]} numbers`);
    const inferred = inferShape(values, dtype);
    if (inferred.length !== rank && inferred.length !== 1) {
      throw new Error(`${name}() requires values to be number${'[]'.repeat(rank)} or flat/TypedArray`);
    }
    if (inferred.length === 1 && shape == null) {
      throw new Error(`${name}() requires shape to be provided when \`values\` are ${flatWords}`);
    }
    return makeTensor(values, shape, dtype);
  };
}

export const tensor2d = makeRankN(2);
export const tensor3d = makeRankN(3);
export const tensor4d = makeRankN(4);
export const tensor5d = makeRankN(5);
export const tensor6d = makeRankN(6);

/** tf.buffer: a mutable TensorBuffer in JS memory; toTensor() copies it in. */
export class TensorBuffer {
  constructor(shape, dtype = 'float32', values) {
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.values = values || getArrayFromDType(dtype, this.size);
    if (this.values.length !== this.size) {
      throw new Error(`Length of values '${this.values.length}' does not match the size inferred by the shape '${this.size}'.`);
    }
    this.strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  }

  locToIndex(locs) {
    if (locs.length !== this.shape.length) {
      throw new Error(`The number of provided coordinates (${locs.length}) must match the rank (${this.shape.length})`);
    }
    let index = 0;
    locs.forEach((l, i) => {
      if (l < 0 || l >= this.shape[i]) throw new Error(`Requested out of range element at ${locs}. Buffer shape=${this.shape}`);
      index += l * this.strides[i];
    });
    return index;
  }

  set(value, ...locs) { this.values[this.locToIndex(locs)] = value; }
  get(...locs) { return this.values[this.locToIndex(locs)]; }
  toTensor() { return makeTensorFromFlat(this.values, this.shape, this.dtype); }
}

export function buffer(shape, dtype = 'float32', values) {
  assertShape(shape);
  return new TensorBuffer(shape, dtype || 'float32', values);
}

/** The engine's live tensors, data buffers and bytes (what it really holds). */
export function memory() {
  const m = getCore().memory();
  // A complex64 tensor holds two engine tensors but counts as one (as tfjs); its parts'
  // buffers and bytes count (what is held). String tensors add their own counts.
  const out = {numTensors: m.numTensors - liveComplex + stringStats.tensors + collected,
               numDataBuffers: m.numDataBuffers + stringStats.buffers, numBytes: m.numBytes + stringStats.bytes,
               unreliable: false};
  if (stringStats.tensors > 0) {
    // As tfjs says while string tensors live (it counts their UTF-8 bytes too).
    out.unreliable = true;
    out.reasons = ['Memory usage by string tensors is approximate (their UTF-8 bytes, not the JS objects holding them)'];
  }
  return out;
}

/** Disposes a tensor, or every tensor in an array or object. */
export function dispose(container) {
  if (container instanceof Tensor) {
    container.dispose();
  } else if (Array.isArray(container)) {
    container.forEach(dispose);
  } else if (container != null && typeof container === 'object' && typeof container.dispose !== 'function') {
    Object.values(container).forEach(dispose);
  }
}

/**
 * @internal Checks that `x` is a live Tensor, naming the argument otherwise; a
 * complex64 tensor only where `allowComplex`.
 */
export function assertTensor(x, argName, fnName, allowComplex = false) {
  if (!(x instanceof Tensor)) {
    throw new Error(`Argument '${argName}' passed to '${fnName}' must be a Tensor, but got ` +
                    `${x === null ? 'null' : typeof x}`);
  }
  if (x.isDisposed) throw new Error(`Argument '${argName}' passed to '${fnName}' is a disposed Tensor.`);
  if (x.dtype === 'complex64' && !allowComplex) throw complexUnsupported(fnName);
  return x;
}

/**
 * @internal assertTensor, for arguments that must hold numbers (model and layer inputs, weights):
 * no strings (tfjs's message), no complex64 (assertTensor's).
 */
export function assertNumericTensor(x, argName, fnName) {
  assertTensor(x, argName, fnName);
  if (x.dtype === 'string') throw notNumericError(argName, fnName);
  return x;
}

/**
 * @internal tfjs's convertToTensor (parsing as 'numeric'): Tensors pass through (complex64
 * ones only where `allowComplex`); TensorLikes become new tensors (callers run in a tidy);
 * strings are refused with tfjs's message.
 */
export function convertToTensor(x, argName, functionName, allowComplex = false) {
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new Error(`Argument '${argName}' passed to '${functionName}' is a disposed Tensor.`);
    if (x.dtype === 'complex64' && !allowComplex) throw complexUnsupported(functionName);
    if (x.dtype === 'string') throw notNumericError(argName, functionName);
    return x;
  }
  if (typeof x === 'string' || (Array.isArray(x) && inferDtype(x) === 'string')) throw notNumericError(argName, functionName);
  if (x == null || (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string' && !Array.isArray(x) &&
                    !ArrayBuffer.isView(x))) {
    const type = x == null ? 'null' : x.constructor.name;
    throw new Error(`Argument '${argName}' passed to '${functionName}' must be a Tensor or TensorLike, but got '${type}'`);
  }
  return makeTensor(x, null, undefined);
}
