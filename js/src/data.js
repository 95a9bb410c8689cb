// tf.data (tfjs-data/src/dataset.ts, iterators/lazy_iterator.ts): lazy datasets of
// Tensors, numbers, arrays and nested objects of them, for fitDataset/evaluateDataset.
// As in tfjs, stages dispose what they consume (map's inputs, skipped and filtered
// elements, the rows a batch stacks); what toArray()/iterator() hand out is the
// caller's to dispose. shuffle(n, seed) draws the same order as tfjs for the same seed.
import {tidy} from './engine.js';
import {ops} from './ops.js';
import {alea} from './random.js';
import {Tensor, dispose, tensor} from './tensor.js';

// ---- helpers (tfjs-data/src/util/deep_map.ts, deep_clone.ts) ----------------------

function isIterable(obj) {
  return obj != null && !ArrayBuffer.isView(obj) &&
      (Array.isArray(obj) || (typeof obj === 'object' && !(obj instanceof Tensor) && !(obj instanceof Promise)));
}

function canTensorify(obj) {
  return obj == null || (typeof obj !== 'object' && typeof obj !== 'function') || Array.isArray(obj) ||
      obj instanceof Tensor || (ArrayBuffer.isView(obj) && !(obj instanceof DataView));
}

function tensorsIn(container, out = new Set()) {
  if (container instanceof Tensor) {
    out.add(container);
  } else if (isIterable(container)) {
    for (const k in container) tensorsIn(container[k], out);
  }
  return out;
}

function deepClone(item) {
  if (item instanceof Tensor) return item.clone();
  if (isIterable(item)) {
    const out = Array.isArray(item) ? [] : {};
    for (const k in item) out[k] = deepClone(item[k]);
    return out;
  }
  return item;
}

function holdsTensorsOrObjects(x) {
  if (x instanceof Tensor) return true;
  if (Array.isArray(x)) return x.some(holdsTensorsOrObjects);
  return isIterable(x);
}

/** Zips rows of the same structure into one structure whose leaves are batched (tfjs's deepBatchConcat). */
function deepBatch(rows) {
  const example = rows[0];
  // Beyond tfjs: an array holding Tensors or objects (e.g. [xs, ys]) is batched element by element.
  const structured = Array.isArray(example) && holdsTensorsOrObjects(example);
  if (canTensorify(example) && !structured) {
    if (example instanceof Tensor) return ops.stack(rows);
    return tensor(rows);
  }
  const out = Array.isArray(example) ? [] : {};
  for (const k in example) out[k] = deepBatch(rows.map(r => r[k]));
  return out;
}

const nowString = () => String(typeof performance !== 'undefined' ? performance.now() : Date.now());

// ---- iterators --------------------------------------------------------------------

const DONE = Object.freeze({value: null, done: true});

/** An iterator whose async next() calls run one after another (serialNext). */
export class LazyIterator {
  constructor() {
    this._last = Promise.resolve();
  }

  next() {
    const result = this._last.then(() => this.serialNext());
    this._last = result.catch(() => {});
    return result;
  }

  async toArray() {
    const result = [];
    for (let x = await this.next(); !x.done; x = await this.next()) result.push(x.value);
    return result;
  }
}

class ArrayIterator extends LazyIterator {
  constructor(items) {
    super();
    this.items = items;
    this.trav = 0;
  }

  async serialNext() {
    if (this.trav >= this.items.length) return DONE;
    return {value: deepClone(this.items[this.trav++]), done: false};
  }
}

class FunctionCallIterator extends LazyIterator {
  constructor(nextFn) {
    super();
    this.nextFn = nextFn;
    this.finished = false;
  }

  async serialNext() {
    if (this.finished) return DONE;
    let result;
    try {
      result = await this.nextFn();
    } catch (e) {
      e.message = `Error thrown while iterating through a dataset: ${e.message}`;
      throw e;
    }
    if (result == null || typeof result !== 'object' || !('done' in result || 'value' in result)) {
      throw new Error('Error thrown while iterating through a dataset: a generator must produce {value, done} ' +
                      `results, got ${result}`);
    }
    if (result.done) {
      this.finished = true;
      return DONE;
    }
    return {value: result.value, done: false};
  }
}

class MapIterator extends LazyIterator {
  constructor(upstream, transform) {
    super();
    this.upstream = upstream;
    this.transform = transform;
  }

  async serialNext() {
    const item = await this.upstream.next();
    if (item.done) return DONE;
    const inputs = tensorsIn(item.value);
    let mapped;
    try {
      mapped = await this.transform(item.value);
    } catch (e) {
      dispose([...inputs]);
      throw e;
    }
    const outputs = tensorsIn(mapped);
    for (const t of inputs) if (!outputs.has(t)) t.dispose();
    return {value: mapped, done: false};
  }
}

class FilterIterator extends LazyIterator {
  constructor(upstream, predicate) {
    super();
    this.upstream = upstream;
    this.predicate = predicate;
  }

  async serialNext() {
    for (;;) {
      const item = await this.upstream.next();
      if (item.done || this.predicate(item.value)) return item;
      dispose(item.value);
    }
  }
}

class TakeIterator extends LazyIterator {
  constructor(upstream, maxCount) {
    super();
    this.upstream = upstream;
    this.maxCount = maxCount;
    this.count = 0;
  }

  async serialNext() {
    if (this.count++ >= this.maxCount) return DONE;
    return this.upstream.next();
  }
}

class SkipIterator extends LazyIterator {
  constructor(upstream, maxCount) {
    super();
    this.upstream = upstream;
    this.maxCount = maxCount;
    this.count = 0;
  }

  async serialNext() {
    while (this.count++ < this.maxCount) {
      const skipped = await this.upstream.next();
      if (skipped.done) return skipped;
      dispose(skipped.value);
    }
    return this.upstream.next();
  }
}

class RowBatchIterator extends LazyIterator {
  constructor(upstream, batchSize, smallLastBatch) {
    super();
    this.upstream = upstream;
    this.batchSize = batchSize;
    this.smallLastBatch = smallLastBatch;
  }

  async serialNext() {
    const batch = [];
    while (batch.length < this.batchSize) {
      const item = await this.upstream.next();
      if (item.done) {
        if (this.smallLastBatch && batch.length > 0) return {value: batch, done: false};
        dispose(batch);
        return DONE;
      }
      batch.push(item.value);
    }
    return {value: batch, done: false};
  }
}

/** Iterates the iterators that `iterators` (an iterator of iterators) produces, one after another. */
class ChainedIterator extends LazyIterator {
  constructor(iterators) {
    super();
    this.moreIterators = iterators;
    this.iterator = null;
  }

  async serialNext() {
    for (;;) {
      if (this.iterator == null) {
        const r = await this.moreIterators.next();
        if (r.done) return DONE;
        this.iterator = r.value;
      }
      const item = await this.iterator.next();
      if (!item.done) return item;
      this.iterator = null;
    }
  }
}

class ZipIterator extends LazyIterator {
  constructor(iterators) {
    super();
    this.iterators = iterators;  // a structure (array/object, nested) of iterators
  }

  async serialNext() {
    let count = 0, done = 0;
    const results = [];
    const pull = s => {
      if (s instanceof LazyIterator || (s != null && typeof s.next === 'function')) {
        count++;
        const p = s.next().then(r => {
          if (r.done) done++;
          return r.value;
        });
        results.push(p);
        return p;
      }
      if (!isIterable(s)) throw new Error('Leaves of the structure passed to zip() must be Datasets, not primitives.');
      const out = Array.isArray(s) ? [] : {};
      for (const k in s) out[k] = pull(s[k]);
      return out;
    };
    const promised = pull(this.iterators);
    await Promise.all(results);
    const resolve = async s => {
      if (s instanceof Promise) return s;
      const out = Array.isArray(s) ? [] : {};
      for (const k in s) out[k] = await resolve(s[k]);
      return out;
    };
    const value = await resolve(promised);
    if (done > 0) {
      dispose(value);  // the shortest stream ended: the others' values are dropped
      return DONE;
    }
    return count === 0 ? DONE : {value, done: false};
  }
}

class PrefetchIterator extends LazyIterator {
  constructor(upstream, bufferSize) {
    super();
    this.upstream = upstream;
    this.bufferSize = bufferSize;
    this.buffer = [];
  }

  refill() {
    while (this.buffer.length < this.bufferSize) this.buffer.push(this.upstream.next());
  }

  async serialNext() {
    this.refill();
    return this.buffer.shift();
  }
}

/** tfjs's ShuffleIterator: a window of upcoming elements, one drawn at random each step. */
class ShuffleIterator extends LazyIterator {
  constructor(upstream, windowSize, seed) {
    super();
    this.upstream = upstream;
    this.windowSize = windowSize;
    this.random = alea(seed || nowString());
    this.buffer = [];
    this.upstreamExhausted = false;
  }

  async refill() {
    while (this.buffer.length < this.windowSize) this.buffer.push(await this.upstream.next());
  }

  async serialNext() {
    if (!this.upstreamExhausted) await this.refill();
    while (this.buffer.length > 0) {
      const i = Math.floor(this.random() * this.buffer.length);
      const result = this.buffer[i];
      const last = this.buffer.pop();
      if (i < this.buffer.length) this.buffer[i] = last;
      if (result.done) {
        this.upstreamExhausted = true;
      } else {
        await this.refill();
        return result;
      }
    }
    return DONE;
  }
}

// ---- Dataset ----------------------------------------------------------------------

export class Dataset {
  constructor(iteratorFn, size = null) {
    this._iteratorFn = iteratorFn;
    this.size = size;
  }

  /** A fresh iterator: an object whose async next() gives {value, done}. */
  async iterator() {
    return this._iteratorFn();
  }

  batch(batchSize, smallLastBatch = true) {
    if (!(batchSize > 0)) throw new Error(`batchSize needs to be positive, but it is ${batchSize}`);
    let size;
    if (this.size === Infinity || this.size == null) {
      size = this.size;
    } else if (smallLastBatch) {
      size = Math.ceil(this.size / batchSize);
    } else {
      size = Math.floor(this.size / batchSize);
    }
    return new Dataset(async () => new MapIterator(
        new RowBatchIterator(await this.iterator(), batchSize, smallLastBatch), rows => {
          if (rows.length === 0) throw new Error('Can\'t make a batch of zero elements.');
          return tidy(() => deepBatch(rows));
        }), size);
  }

  concatenate(dataset) {
    let size;
    if (this.size === Infinity || dataset.size === Infinity) {
      size = Infinity;
    } else if (this.size != null && dataset.size != null) {
      size = this.size + dataset.size;
    } else {
      size = null;
    }
    return new Dataset(async () => {
      const first = await this.iterator(), second = await dataset.iterator();
      return new ChainedIterator(itemsIterator([first, second]));
    }, size);
  }

  filter(predicate) {
    const size = this.size === Infinity ? Infinity : null;
    return new Dataset(async () => new FilterIterator(await this.iterator(), x => tidy(() => predicate(x))), size);
  }

  async forEachAsync(f) {
    const it = new MapIterator(await this.iterator(), f);
    for (let x = await it.next(); !x.done; x = await it.next()) { /* drain */ }
  }

  map(transform) {
    return new Dataset(async () => new MapIterator(await this.iterator(), x => tidy(() => transform(x))), this.size);
  }

  mapAsync(transform) {
    return new Dataset(async () => new MapIterator(await this.iterator(), transform), this.size);
  }

  prefetch(bufferSize) {
    if (bufferSize == null) throw new RangeError('`Dataset.prefetch()` requires bufferSize to be specified.');
    if (!(bufferSize >= 1)) throw new RangeError('Can\'t create ring buffer of capacity < 1.');
    return new Dataset(async () => new PrefetchIterator(await this.iterator(), bufferSize), this.size);
  }

  repeat(count) {
    let size;
    if (this.size != null && count > 0) {
      size = this.size * count;
    } else if (count === 0) {
      size = 0;
    } else if (this.size != null && (count === undefined || count < 0)) {
      size = Infinity;
    } else {
      size = null;
    }
    return new Dataset(async () => {
      const iterators = new FunctionCallIterator(async () => ({value: await this.iterator(), done: false}));
      return new ChainedIterator(count == null || count < 0 ? iterators : new TakeIterator(iterators, count));
    }, size);
  }

  skip(count) {
    let size;
    if (this.size != null && count >= 0 && this.size >= count) {
      size = this.size - count;
    } else if (this.size != null && (this.size < count || count === undefined || count < 0)) {
      size = 0;
    } else {
      size = null;
    }
    return new Dataset(async () => {
      const it = await this.iterator();
      return count == null || count < 0 ? it : new SkipIterator(it, count);
    }, size);
  }

  shuffle(bufferSize, seed, reshuffleEachIteration = true) {
    if (bufferSize == null || bufferSize < 0) {
      if (this.size == null) throw new RangeError('`Dataset.shuffle()` requires bufferSize to be specified.');
      throw new RangeError('`Dataset.shuffle()` requires bufferSize to be specified.  If your data fits in main ' +
                           'memory (for regular JS objects), and/or GPU memory (for `tf.Tensor`s), consider ' +
                           `setting bufferSize to the dataset size (${this.size} elements)`);
    }
    const random = alea(seed || nowString());
    let fixedSeed = null;
    return new Dataset(async () => {
      // The seed of each pass as tfjs draws it; without reshuffling every pass
      // reuses the first pass's seed (tfjs draws a new one each pass regardless).
      let seed2;
      if (!reshuffleEachIteration && fixedSeed != null) {
        seed2 = fixedSeed;
      } else {
        seed2 = random.int32();
        if (reshuffleEachIteration) seed2 += random.int32();
        fixedSeed = seed2;
      }
      return new ShuffleIterator(await this.iterator(), bufferSize, seed2.toString());
    }, this.size);
  }

  take(count) {
    let size;
    if (this.size != null && this.size > count) {
      size = count;
    } else if (this.size != null && this.size <= count) {
      size = this.size;
    } else {
      size = null;
    }
    return new Dataset(async () => {
      const it = await this.iterator();
      return count == null || count < 0 ? it : new TakeIterator(it, count);
    }, size);
  }

  async toArray() {
    if (this.size === Infinity) throw new Error('Can not convert infinite data stream to array.');
    return (await this.iterator()).toArray();
  }
}

function itemsIterator(items) {
  let i = 0;
  const it = new LazyIterator();
  it.serialNext = async () => (i < items.length ? {value: items[i++], done: false} : DONE);
  return it;
}

// ---- sources ----------------------------------------------------------------------

/** A dataset of the items of an array (Tensors are cloned as they are read, as tfjs). */
export function array(items) {
  if (!Array.isArray(items)) throw new Error(`tf.data.array() expects an array, got ${items}`);
  return new Dataset(async () => new ArrayIterator(items), items.length);
}

/** A dataset from a (sync or async) generator function, called afresh for each iteration. */
export function generator(generatorFn) {
  if (typeof generatorFn !== 'function') {
    throw new Error('tf.data.generator() expects a generator function (function* or async function*)');
  }
  return new Dataset(async () => {
    const gen = await generatorFn();
    if (gen == null || typeof gen.next !== 'function') {
      throw new Error('tf.data.generator(): the function must return an iterator (use function* or async function*)');
    }
    return new FunctionCallIterator(() => gen.next());
  });
}

/** Zips an array or object (possibly nested) of datasets into a dataset of arrays/objects; ends with the shortest. */
export function zip(datasets) {
  if (!isIterable(datasets)) throw new Error('The argument to zip() must be an object or array.');
  let size;
  for (const k in datasets) {
    const d = datasets[k];
    const n = d == null || d.size == null ? null : d.size;
    size = size === undefined ? n : (size == null || n == null ? null : Math.min(size, n));
  }
  return new Dataset(async () => {
    const toIterators = async s => {
      if (s instanceof Dataset) return s.iterator();
      if (!isIterable(s)) throw new Error('Leaves of the structure passed to zip() must be Datasets, not primitives.');
      const out = Array.isArray(s) ? [] : {};
      for (const k in s) out[k] = await toIterators(s[k]);
      return out;
    };
    return new ZipIterator(await toIterators(datasets));
  }, size);
}

export const data = {array, generator, zip, Dataset};
