// String tensors in ops (issue 16): the ops tfjs runs on dtype 'string' (those
// whose inputs it converts as 'string_or_numeric': reshape, slice, concat, stack,
// tile, the comparisons...), and tf.string (tfjs-backend-cpu's StaticRegexReplace,
// StringNGrams, StringSplit, StringToHashBucketFast kernels, in JS as there).
//
// String values live in JS (tensor.js). An op that only moves elements runs the
// engine's op on an int32 tensor of element indices of the same shape, then takes
// the strings at the indices it returns: the engine checks the arguments and works
// out the shapes, so strings follow the same rules as numbers.
import {StringRef, Tensor, makeStringTensor, makeTensorFromFlat, tensor} from './tensor.js';
import {fingerPrint64, inferDtype, sizeFromShape} from './util.js';

/** @internal Whether x is a string tensor or a TensorLike tfjs would make one of. */
export function isStringLike(x) {
  if (x instanceof Tensor) return x.dtype === 'string';
  if (x == null || (typeof x !== 'string' && !Array.isArray(x))) return false;
  return inferDtype(x) === 'string';
}

/**
 * tfjs's convertToTensor for an argument parsed as `parseAs` ('string',
 * 'string_or_numeric', 'numeric', or a dtype): {t, temp} (temp: made here).
 */
function convertArg(x, argName, opName, parseAs = 'string_or_numeric') {
  let t;
  let temp = false;
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new Error(`Argument '${argName}' passed to '${opName}' is a disposed Tensor.`);
    t = x;
  } else {
    if (x == null || (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string' && !Array.isArray(x) &&
                      !ArrayBuffer.isView(x))) {
      throw new Error(`Argument '${argName}' passed to '${opName}' must be a Tensor or TensorLike, but got '${
          x == null ? 'null' : x.constructor.name}'`);
    }
    let dtype = inferDtype(x);
    if (dtype !== 'string' && ['bool', 'int32', 'float32'].includes(parseAs)) dtype = parseAs;
    assertDtype(parseAs, dtype, argName, opName);
    t = tensor(x, undefined, dtype);
    temp = true;
  }
  assertDtype(parseAs, t.dtype, argName, opName);
  return {t, temp};
}

function assertDtype(expected, actual, argName, opName) {
  if (expected === 'string_or_numeric') return;
  if ((expected !== 'numeric' && expected !== actual) || (expected === 'numeric' && actual === 'string')) {
    throw new Error(`Argument '${argName}' passed to '${opName}' must be ${expected} tensor, but got ${actual} tensor`);
  }
}

/** Runs fn over converted arguments, disposing the ones made here. */
function withArgs(specs, fn) {
  const made = [];
  try {
    const ts = specs.map(([x, name, op, parseAs]) => {
      const {t, temp} = convertArg(x, name, op, parseAs);
      if (temp) made.push(t);
      return t;
    });
    return fn(...ts);
  } finally {
    made.forEach(t => t.dispose());
  }
}

/**
 * @internal Runs `compute` (engine ops) on int32 index tensors standing for the string
 * tensors `inputs` (numbered through all inputs), and returns string tensors of the
 * strings at the indices its result holds (one tensor, or an array).
 */
export function viaIndices(inputs, compute) {
  const bytes = [];
  const indices = [];
  try {
    for (const t of inputs) {
      const idx = new Int32Array(t.size);
      const src = t.stringBytes;
      for (let i = 0; i < idx.length; i++) {
        idx[i] = bytes.length;
        bytes.push(src[i]);
      }
      indices.push(makeTensorFromFlat(idx, t.shape, 'int32'));
    }
    const take = out => {
      const picked = Array.from(out.dataSync(), i => bytes[i]);
      const shape = out.shape;
      out.dispose();
      return makeStringTensor(picked, shape);
    };
    const out = compute(indices);
    return Array.isArray(out) ? out.map(take) : take(out);
  } finally {
    indices.forEach(t => t.dispose());
  }
}

/** A tensor sharing x's strings with the shape `compute` gives x's index tensor (reshape, expandDims...). */
function aliasVia(x, compute) {
  const idx = makeTensorFromFlat(new Int32Array(x.size), x.shape, 'int32');
  let shape;
  try {
    const out = compute(idx);
    shape = out.shape;
    if (out !== idx) out.dispose();
  } finally {
    idx.dispose();
  }
  return new Tensor(new StringRef(x._strings, shape));
}

/** @internal A new tensor sharing a string tensor's values (clone, tf.variable). */
export function aliasStrings(x, shape = x.shape) {
  x.stringBytes;  // eslint-disable-line no-unused-expressions -- throws if disposed
  return new Tensor(new StringRef(x._strings, shape));
}

/** tfjs's upcastType for a string and another dtype. */
function assertBothStrings(a, b) {
  if (a.dtype !== b.dtype) throw new Error(`Can not upcast ${a.dtype} with ${b.dtype}`);
}

function broadcastShape(a, b) {
  const out = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - i - 1] ?? 1, y = b[b.length - i - 1] ?? 1;
    if (x > 1 && y > 1 && x !== y) {
      throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`);
    }
    out.unshift(x === 1 ? y : x);
  }
  return out;
}

/** Flat positions into a tensor of shape `from` for each element of the broadcast shape `to`. */
function broadcastIndex(from, to) {
  const size = sizeFromShape(to);
  const out = new Int32Array(size);
  const offset = to.length - from.length;
  const fromStrides = from.map((_, i) => sizeFromShape(from.slice(i + 1)));
  const toStrides = to.map((_, i) => sizeFromShape(to.slice(i + 1)));
  for (let i = 0; i < size; i++) {
    let rest = i, pos = 0;
    for (let d = 0; d < to.length; d++) {
      const coord = Math.floor(rest / toStrides[d]);
      rest -= coord * toStrides[d];
      const fd = d - offset;
      if (fd >= 0 && from[fd] !== 1) pos += coord * fromStrides[fd];
    }
    out[i] = pos;
  }
  return out;
}

const COMPARE = {
  equal: (a, b) => a === b, notEqual: (a, b) => a !== b, less: (a, b) => a < b, lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b, greaterEqual: (a, b) => a >= b,
};

/**
 * Makes the ops tfjs runs on string tensors take them too (the numeric forms stay
 * for numbers): called by ops.js on its op table before Tensor methods are made.
 */
export function withStrings(ops) {
  const numeric = {...ops};
  const unary = (name, fn) => {
    ops[name] = (x, ...args) => (isStringLike(x) ? withArgs([[x, 'x', name]], t => fn(t, ...args)) : numeric[name](x, ...args));
  };
  unary('reshape', (x, shape) => aliasVia(x, i => numeric.reshape(i, shape)));
  unary('expandDims', (x, axis = 0) => aliasVia(x, i => numeric.expandDims(i, axis)));
  unary('squeeze', (x, axis) => aliasVia(x, i => numeric.squeeze(i, axis)));
  unary('slice', (x, begin, size) => viaIndices([x], ([i]) => numeric.slice(i, begin, size)));
  unary('stridedSlice', (x, ...args) => viaIndices([x], ([i]) => numeric.stridedSlice(i, ...args)));
  unary('tile', (x, reps) => viaIndices([x], ([i]) => numeric.tile(i, reps)));
  unary('unstack', (x, axis = 0) => viaIndices([x], ([i]) => numeric.unstack(i, axis)));

  const list = (name, fn) => {
    ops[name] = (tensors, ...args) => {
      if (!Array.isArray(tensors) || !tensors.some(isStringLike)) return numeric[name](tensors, ...args);
      return withArgs(tensors.map((t, i) => [t, `tensors[${i}]`, name]), (...ts) => {
        if (name === 'concat' && ts[0].dtype === 'complex64') {  // tfjs's concat checks this first
          throw new Error('Cannot concatenate complex64 tensors with a tensor with dtype string. ');
        }
        ts.forEach(t => assertBothStrings(ts[0], t));
        return fn(ts, ...args);
      });
    };
  };
  list('concat', (ts, axis = 0) => viaIndices(ts, idx => numeric.concat(idx, axis)));
  list('stack', (ts, axis = 0) => viaIndices(ts, idx => numeric.stack(idx, axis)));

  for (const [name, cmp] of Object.entries(COMPARE)) {
    ops[name] = (a, b) => {
      if (!isStringLike(a) && !isStringLike(b)) return numeric[name](a, b);
      return withArgs([[a, 'a', name], [b, 'b', name]], (ta, tb) => {
        assertBothStrings(ta, tb);
        const shape = broadcastShape(ta.shape, tb.shape);
        const av = ta.dataSync(), bv = tb.dataSync();
        const ia = broadcastIndex(ta.shape, shape), ib = broadcastIndex(tb.shape, shape);
        const out = new Uint8Array(ia.length);
        for (let i = 0; i < out.length; i++) out[i] = cmp(av[ia[i]], bv[ib[i]]) ? 1 : 0;
        return makeTensorFromFlat(out, shape, 'bool');
      });
    };
  }

  ops.fill = (shape, value, dtype) => {
    if (dtype === 'string' || (dtype == null && typeof value === 'string')) {
      if (typeof value !== 'string') throw new Error(`fill: a string tensor's value must be a string, but got ${typeof value}`);
      const filled = numeric.fill(shape, 0, 'int32');  // checks the shape
      const out = makeStringTensor(new Array(filled.size).fill(value), filled.shape);
      filled.dispose();
      return out;
    }
    return numeric.fill(shape, value, dtype);
  };
}

// ---- tf.string ------------------------------------------------------------------------------

function staticRegexReplace(input, pattern, rewrite, replaceGlobal = true) {
  return withArgs([[input, 'input', 'staticRegexReplace', 'string']], x => {
    const re = new RegExp(pattern, replaceGlobal ? 'g' : '');
    return makeStringTensor(x.dataSync().map(s => s.replace(re, rewrite)), x.shape);
  });
}

/** tfjs-backend-cpu's StringNGramsOp, on the elements' bytes. */
function nGramsOf(data, splits, separator, nGramWidths, leftPad, rightPad, padWidth, preserveShort) {
  const enc = new TextEncoder();
  const sep = enc.encode(separator), lpad = enc.encode(leftPad), rpad = enc.encode(rightPad);
  const padOf = w => Math.min(padWidth < 0 ? w - 1 : padWidth, w - 1);
  const numNGrams = (length, w) => Math.max(0, length + 2 * padOf(w) - w + 1);
  const create = (splitIndex, output, start, count, w) => {
    for (let g = 0; g < count; g++) {
      const pad = padOf(w);
      const left = Math.max(0, pad - g);
      const right = Math.max(0, pad - (count - (g + 1)));
      const numTokens = w - (left + right);
      const dataStart = splitIndex + (left > 0 ? 0 : g - pad);
      const parts = [];
      for (let n = 0; n < left; n++) parts.push(lpad, sep);
      for (let n = 0; n < numTokens - 1; n++) parts.push(data[dataStart + n], sep);
      if (numTokens > 0) {
        parts.push(data[dataStart + numTokens - 1]);
        for (let n = 0; n < right; n++) parts.push(sep, rpad);
      } else {
        for (let n = 0; n < right - 1; n++) parts.push(rpad, sep);
        parts.push(rpad);
      }
      const gram = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        gram.set(p, o);
        o += p.length;
      }
      output[start + g] = gram;
    }
  };
  const inputSize = data.length;
  const splitsSize = splits.length;
  if (splitsSize > 0) {
    let prev = splits[0];
    if (prev !== 0) throw new Error(`First split value must be 0, got ${prev}`);
    for (let i = 1; i < splitsSize; i++) {
      if (!(splits[i] >= prev && splits[i] <= inputSize)) {
        throw new Error(`Invalid split value ${splits[i]}, must be in [${prev}, ${inputSize}]`);
      }
      prev = splits[i];
    }
    if (prev !== inputSize) throw new Error(`Last split value must be data size. Expected ${inputSize}, got ${prev}`);
  }
  const numBatch = splitsSize - 1;
  const outSplits = new Int32Array(Math.max(splitsSize, 0));
  if (inputSize === 0 || splitsSize === 0) return [[], outSplits];
  for (let i = 1; i <= numBatch; i++) {
    const length = splits[i] - splits[i - 1];
    let n = 0;
    nGramWidths.forEach(w => { n += numNGrams(length, w); });
    if (preserveShort && length > 0 && n === 0) n = 1;
    outSplits[i] = outSplits[i - 1] + n;
  }
  const grams = new Array(outSplits[numBatch]);
  for (let i = 0; i < numBatch; i++) {
    const splitIndex = splits[i];
    let start = outSplits[i];
    nGramWidths.forEach(w => {
      const n = numNGrams(splits[i + 1] - splits[i], w);
      create(splitIndex, grams, start, n, w);
      start += n;
    });
    if (preserveShort && start === outSplits[i]) {
      const length = splits[i + 1] - splits[i];
      if (length === 0) continue;
      create(splitIndex, grams, start, 1, length + 2 * padWidth);
    }
  }
  return [grams, outSplits];
}

function stringNGrams(data, dataSplits, separator, nGramWidths, leftPad, rightPad, padWidth, preserveShortSequences) {
  return withArgs([[data, 'data', 'stringNGrams', 'string']], $data => {
    if ($data.shape.length !== 1) throw new Error(`Data must be a vector, saw: ${$data.shape}`);
    return withArgs([[dataSplits, 'dataSplits', 'stringNGrams', 'numeric']], $splits => {
      if ($splits.dtype !== 'int32') throw new Error('Data splits must be of datatype int32');
      const [grams, splits] = nGramsOf($data.stringBytes, $splits.dataSync(), separator, nGramWidths, leftPad, rightPad,
                                       padWidth, preserveShortSequences);
      return {nGrams: makeStringTensor(grams, [grams.length]),
              nGramsSplits: makeTensorFromFlat(splits, $splits.shape, 'int32')};
    });
  });
}

/** tfjs-backend-cpu's split: on bytes; each byte of `delimiters` splits (an empty one splits every byte). */
function splitBytes(str, delimiters, skipEmpty, result) {
  if (!str.length) return;
  if (delimiters.length === 0) {
    for (let i = 0; i < str.length; i++) result.push(str.subarray(i, i + 1));
    return;
  }
  let tokenStart = 0;
  for (let i = 0; i <= str.length; i++) {
    if (i === str.length || delimiters.indexOf(str[i]) !== -1) {
      const token = str.subarray(tokenStart, i);
      if (!skipEmpty || token.length !== 0) result.push(token);
      tokenStart = i + 1;
    }
  }
}

function stringSplit(input, delimiter, skipEmpty = true) {
  return withArgs([[input, 'input', 'stringSplit', 'string'], [delimiter, 'delimiter', 'stringSplit', 'string']],
                  ($input, $delimiter) => {
    if ($input.rank !== 1) throw new Error(`Input should be Tensor1D but received shape ${$input.shape}`);
    if ($delimiter.rank !== 0) throw new Error(`Delimiter should be a scalar but received shape ${$delimiter.shape}`);
    const delimiters = $delimiter.stringBytes[0];
    const tokens = [];
    const counts = $input.stringBytes.map(s => {
      const before = tokens.length;
      splitBytes(s, delimiters, skipEmpty, tokens);
      return tokens.length - before;
    });
    const indices = new Int32Array(tokens.length * 2);
    let c = 0;
    counts.forEach((n, i) => {
      for (let j = 0; j < n; j++, c++) {
        indices[2 * c] = i;
        indices[2 * c + 1] = j;
      }
    });
    return {
      indices: makeTensorFromFlat(indices, [tokens.length, 2], 'int32'),
      values: makeStringTensor(tokens.map(t => t.slice()), [tokens.length]),
      shape: makeTensorFromFlat(Int32Array.from([counts.length, Math.max(0, ...counts)]), [2], 'int32'),
    };
  });
}

function stringToHashBucketFast(input, numBuckets) {
  return withArgs([[input, 'input', 'stringToHashBucketFast', 'string']], x => {
    if (numBuckets <= 0) throw new Error('Number of buckets must be at least 1');
    // tfjs: fingerPrint64(bytes).modulo(numBuckets).getLowBitsUnsigned(), stored as int32 (a
    // fingerprint long.js holds as signed has a negative remainder: a large unsigned low word).
    const out = Int32Array.from(x.stringBytes, b => fingerPrint64(b).modulo(numBuckets).getLowBitsUnsigned());
    return makeTensorFromFlat(out, x.shape, 'int32');
  });
}

export const string = {staticRegexReplace, stringNGrams, stringSplit, stringToHashBucketFast};
