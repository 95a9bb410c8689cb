// tf.Tensor and the tensor creation functions (tfjs-core/src/tensor.ts, ops/tensor*.ts).
//
// A Tensor wraps an engine handle. Values cross the boundary as typed-array views
// of the WASM heap: written once at creation, copied out by dataSync().
import {getCore} from './core.js';
import {tensorToString} from './format.js';

const DTYPES = ['float32', 'int32', 'bool'];
const DTYPE_CODES = ['float32', 'int32', 'bool'];  // wl::DType's order

// tf.tidy scopes: every Tensor created while a scope is open belongs to it.
const scopes = [];

// Tensors dropped without dispose() are freed when garbage collected (beyond
// tfjs). tf.memory() still counts them until then: it reports what is held.
const finalizer = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(handle => { if (!handle.isDeleted()) handle.delete(); })
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
  /** @internal Wraps an engine handle; use tf.tensor() to create tensors. */
  constructor(handle) {
    this._handle = handle;
    const meta = handle.meta();  // [id, size, dtype code, rank, dims...]
    this.id = meta[0];
    this.size = meta[1];
    this.dtype = DTYPE_CODES[meta[2]];
    this.shape = Array.from(meta.subarray(4, 4 + meta[3]));
    this.isDisposed = false;
    this._kept = false;
    if (scopes.length) scopes[scopes.length - 1].add(this);
    if (finalizer) finalizer.register(this, handle, this);
  }

  get rank() {
    return this.shape.length;
  }

  /** @internal The live engine handle; throws if this tensor was disposed. */
  get handle() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
    return this._handle;
  }

  dataSync() {
    // slice() copies out of the heap: the view dies when the heap grows.
    const values = this.handle.view().slice();
    return this.dtype === 'bool' ? Uint8Array.from(values) : values;
  }

  async data() {
    return this.dataSync();
  }

  arraySync() {
    return toNestedArray(this.shape, this.dataSync());
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
    if (finalizer) finalizer.unregister(this);
    this._handle.delete();
    this._handle = null;
    this.isDisposed = true;
  }
}

function toNestedArray(shape, values) {
  if (shape.length === 0) return values[0];
  const build = (offset, dim) => {
    const n = shape[dim];
    if (dim === shape.length - 1) return Array.from(values.subarray(offset, offset + n));
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out = [];
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}

function isTypedArray(v) {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Shape of nested arrays, checking that they are not ragged (tfjs's inferShape). */
function inferShape(values) {
  if (isTypedArray(values)) return [values.length];
  if (!Array.isArray(values)) return [];
  const shape = [];
  let first = values;
  while (Array.isArray(first) || isTypedArray(first)) {
    shape.push(first.length);
    first = first[0];
  }
  if (Array.isArray(values)) checkShape(values, shape, []);
  return shape;
}

function checkShape(val, shape, indices) {
  if (!(Array.isArray(val) || isTypedArray(val))) {
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
  for (let i = 0; i < val.length; ++i) checkShape(val[i], shape, indices.concat(i));
}

function flatten(values, out = []) {
  if (Array.isArray(values) || isTypedArray(values)) {
    for (let i = 0; i < values.length; ++i) flatten(values[i], out);
  } else {
    out.push(values);
  }
  return out;
}

function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** @internal Creates a tensor from flat values and a shape (checked by the caller). */
export function makeTensorFromFlat(flat, shape, dtype) {
  const handle = getCore().createTensor(shape, dtype);
  if (dtype === 'bool') flat = Array.from(flat, v => (v ? 1 : 0));
  // The view is taken after allocation: creating the tensor may have grown the heap.
  handle.view().set(flat);
  return new Tensor(handle);
}

function inferDtype(values) {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  let v = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

function makeTensor(values, shape, dtype, fnName = 'tensor') {
  if (values == null) throw new Error(`${fnName}(): values must be provided, got ${values}`);
  if (dtype == null) dtype = inferDtype(values);
  if (!DTYPES.includes(dtype)) {
    throw new Error(`${fnName}(): unsupported dtype '${dtype}'. Supported dtypes: ${DTYPES.join(', ')}`);
  }
  if (typeof values !== 'number' && typeof values !== 'boolean' && !Array.isArray(values) &&
      !isTypedArray(values)) {
    throw new Error(`${fnName}(): values passed must be a number, an array of numbers or a TypedArray, ` +
                    `but got ${Object.prototype.toString.call(values)}`);
  }
  const inferredShape = inferShape(values);
  if (shape != null) {
    if (!Array.isArray(shape) || shape.some(d => !Number.isInteger(d) || d < 0)) {
      throw new Error(`Tensor must have a shape comprised of non-negative integers, but got shape [${shape}].`);
    }
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
  const flat = typeof values === 'number' || typeof values === 'boolean' ? [Number(values)] : flatten(values);
  for (let i = 0; i < flat.length; ++i) {
    if (typeof flat[i] !== 'number' && typeof flat[i] !== 'boolean') {
      throw new Error(`${fnName}(): values must be numbers, but element ${i} is ${typeof flat[i]}`);
    }
  }
  return makeTensorFromFlat(flat, shape, dtype);
}

export function tensor(values, shape, dtype) {
  return makeTensor(values, shape, dtype, 'tensor');
}

export function scalar(value, dtype) {
  if (Array.isArray(value) || isTypedArray(value)) {
    throw new Error('Error creating a new Scalar: value must be a primitive (number|boolean|string)');
  }
  return makeTensor(value, [], dtype, 'scalar');
}

function makeRankN(rank, name) {
  return (values, shape, dtype) => {
    if (shape != null && (!Array.isArray(shape) || shape.length !== rank)) {
      throw new Error(`${name}() requires shape to have ${rank === 1 ? 'one number' : rank + ' numbers'}`);
    }
    const inferred = inferShape(values);
    if (inferred.length !== rank && inferred.length !== 1) {
      throw new Error(`${name}() requires values to be ${rank === 1 ? 'a flat array' : `number[]${'[]'.repeat(rank - 1)}`} or flat/TypedArray`);
    }
    if (inferred.length === 1 && rank !== 1 && shape == null) {
      throw new Error(`${name}() requires shape to be provided when \`values\` are a flat/TypedArray`);
    }
    return makeTensor(values, shape, dtype, name);
  };
}

export const tensor1d = makeRankN(1, 'tensor1d');
export const tensor2d = makeRankN(2, 'tensor2d');
export const tensor3d = makeRankN(3, 'tensor3d');
export const tensor4d = makeRankN(4, 'tensor4d');
export const tensor5d = makeRankN(5, 'tensor5d');
export const tensor6d = makeRankN(6, 'tensor6d');

/** tf.buffer: a mutable TensorBuffer in JS memory; toTensor() copies it in. */
export class TensorBuffer {
  constructor(shape, dtype = 'float32', values) {
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.values = values || (dtype === 'float32' ? new Float32Array(this.size) : new Int32Array(this.size));
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
  return new TensorBuffer(shape, dtype, values);
}

/** The engine's live tensors, data buffers and bytes (what it really holds). */
export function memory() {
  const m = getCore().memory();
  return {numTensors: m.numTensors, numDataBuffers: m.numDataBuffers, numBytes: m.numBytes, unreliable: false};
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

/** @internal Checks that `x` is a live Tensor, naming the argument otherwise. */
export function assertTensor(x, argName, fnName) {
  if (!(x instanceof Tensor)) {
    throw new Error(`Argument '${argName}' passed to '${fnName}' must be a Tensor, but got ` +
                    `${x === null ? 'null' : typeof x}`);
  }
  if (x.isDisposed) throw new Error(`Argument '${argName}' passed to '${fnName}' is a disposed Tensor.`);
  return x;
}
