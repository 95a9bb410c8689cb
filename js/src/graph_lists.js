// TensorArray (TensorFlow 1 loops) and TensorList (TensorFlow 2 loops) for graph
// models, as tfjs-converter 4.22 has them (executor/tensor_array.ts,
// tensor_list.ts, tensor_utils.ts and their cases in control_executor.ts). An
// array or list is held by the execution (ctx.lists) and named in the graph by
// its id tensor, a kept scalar; what it holds is kept until the execution ends.
import {tf} from './graph_ops.js';

function assertShapesMatchAllowUndefinedSize(shapeA, shapeB, prefix = '') {
  if (typeof shapeA === 'number' || typeof shapeB === 'number') return;
  const ok = shapeA.length === shapeB.length &&
      shapeA.every((d0, i) => d0 < 0 || shapeB[i] < 0 || d0 === shapeB[i]);
  if (!ok) throw new Error(`${prefix} Shapes ${shapeA} and ${shapeB} must match`);
}

const fullDefinedShape = shape => !(typeof shape === 'number' || shape.some(d => d < 0));

function mergeElementShape(a, b) {
  if (typeof a === 'number') return b;
  if (typeof b === 'number') return a;
  if (a.length !== b.length) throw new Error(`Incompatible ranks during merge: ${a} vs. ${b}`);
  return a.map((d0, i) => {
    const d1 = b[i];
    if (d0 >= 0 && d1 >= 0 && d0 !== d1) throw new Error(`Incompatible shape during merge: ${a} vs. ${b}`);
    return d0 >= 0 ? d0 : d1;
  });
}

function inferElementShape(listElementShape, tensors, elementShape) {
  let partial = mergeElementShape(listElementShape, elementShape);
  if (!fullDefinedShape(partial) && tensors.length === 0) {
    throw new Error(`Tried to calculate elements of an empty list with non-fully-defined elementShape: ${partial}`);
  }
  if (!fullDefinedShape(partial)) tensors.forEach(t => { partial = mergeElementShape(t.shape, partial); });
  if (!fullDefinedShape(partial)) throw new Error(`Non-fully-defined elementShape: ${partial}`);
  return partial;
}

const unkeep = t => { t._kept = false; };
const dtypeError = (a, b) => new Error(`Invalid data types; op elements ${a}, but list elements ${b}`);

class TensorArray {
  constructor(name, dtype, maxSize, elementShape, identicalElementShapes, dynamicSize, clearAfterRead) {
    Object.assign(this, {name, dtype, maxSize, elementShape, identicalElementShapes, dynamicSize, clearAfterRead});
    this.tensors = [];
    this.closed_ = false;
    this.idTensor = tf.keep(tf.scalar(0));
  }

  get id() { return this.idTensor.id; }

  clearAndClose(keepIds) {
    this.tensors.forEach(t => { if (keepIds == null || !keepIds.has(t.tensor.id)) t.tensor.dispose(); });
    this.tensors = [];
    this.closed_ = true;
    this.idTensor.dispose();
  }

  size() { return this.tensors.length; }

  read(index) {
    if (this.closed_) throw new Error(`TensorArray ${this.name} has already been closed.`);
    if (index < 0 || index >= this.size()) {
      throw new Error(`Tried to read from index ${index}, but array size is: ${this.size()}`);
    }
    const t = this.tensors[index];
    if (t.cleared) {
      throw new Error(`TensorArray ${this.name}: Could not read index ${index} twice because it was cleared after a ` +
                      'previous read (perhaps try setting clear_after_read = false?).');
    }
    if (this.clearAfterRead) t.cleared = true;
    t.read = true;
    return t.tensor;
  }

  readMany(indices) { return indices.map(i => this.read(i)); }

  write(index, tensor) {
    if (this.closed_) throw new Error(`TensorArray ${this.name} has already been closed.`);
    if (index < 0 || (!this.dynamicSize && index >= this.maxSize)) {
      throw new Error(`Tried to write to index ${index}, but array is not resizeable and size is: ${this.maxSize}`);
    }
    const t = this.tensors[index] || {};
    if (tensor.dtype !== this.dtype) {
      throw new Error(`TensorArray ${this.name}: Could not write to TensorArray index ${index}, because the value ` +
                      `dtype is ${tensor.dtype}, but TensorArray dtype is ${this.dtype}.`);
    }
    if (this.size() === 0 && (this.elementShape == null || this.elementShape.length === 0)) {
      this.elementShape = tensor.shape;
    }
    assertShapesMatchAllowUndefinedSize(this.elementShape, tensor.shape,
                                        `TensorArray ${this.name}: Could not write to TensorArray index ${index}.`);
    if (t.read) {
      throw new Error(`TensorArray ${this.name}: Could not write to TensorArray index ${index}, because it has already ` +
                      'been read.');
    }
    if (t.written) {
      throw new Error(`TensorArray ${this.name}: Could not write to TensorArray index ${index}, because it has already ` +
                      'been written.');
    }
    t.tensor = tf.keep(tensor);
    t.written = true;
    this.tensors[index] = t;
  }

  writeMany(indices, tensors) {
    if (indices.length !== tensors.length) {
      throw new Error(`TensorArray ${this.name}: could not write multiple tensors,because the index size: ` +
                      `${indices.length} is not the same as tensors size: ${tensors.length}.`);
    }
    indices.forEach((i, k) => this.write(i, tensors[k]));
  }

  gather(indices, dtype) {
    if (!!dtype && dtype !== this.dtype) {
      throw new Error(`TensorArray dtype is ${this.dtype} but gather requested dtype ${dtype}`);
    }
    indices = indices ? indices.slice(0, this.size()) : Array.from({length: this.size()}, (_, i) => i);
    if (indices.length === 0) return tf.tensor([], [0].concat(this.elementShape));
    const tensors = this.readMany(indices);
    assertShapesMatchAllowUndefinedSize(this.elementShape, tensors[0].shape, 'TensorArray shape mismatch: ');
    return tf.stack(tensors, 0);
  }

  concat(dtype) {
    if (!!dtype && dtype !== this.dtype) {
      throw new Error(`TensorArray dtype is ${this.dtype} but concat requested dtype ${dtype}`);
    }
    if (this.size() === 0) return tf.tensor([], [0].concat(this.elementShape));
    const tensors = this.readMany(Array.from({length: this.size()}, (_, i) => i));
    assertShapesMatchAllowUndefinedSize(this.elementShape, tensors[0].shape,
                                        `TensorArray shape mismatch: tensor array shape (${this.elementShape}) vs ` +
                                        `first tensor shape (${tensors[0].shape})`);
    return tf.concat(tensors, 0);
  }

  scatter(indices, tensor) {
    if (tensor.dtype !== this.dtype) throw new Error(`TensorArray dtype is ${this.dtype} but tensor has dtype ${tensor.dtype}`);
    if (indices.length !== tensor.shape[0]) {
      throw new Error(`Expected len(indices) == tensor.shape[0], but saw: ${indices.length} vs. ${tensor.shape[0]}`);
    }
    const maxIndex = Math.max(...indices);
    if (!this.dynamicSize && maxIndex >= this.maxSize) {
      throw new Error(`Max index must be < array size (${maxIndex}  vs. ${this.maxSize})`);
    }
    this.writeMany(indices, tf.unstack(tensor, 0));
  }

  split(length, tensor) {
    if (tensor.dtype !== this.dtype) throw new Error(`TensorArray dtype is ${this.dtype} but tensor has dtype ${tensor.dtype}`);
    const total = length.reduce((a, b) => a + b, 0);
    if (total !== tensor.shape[0]) {
      throw new Error(`Expected sum of lengths to be equal to tensor.shape[0], but sum of lengths is ${total}, and ` +
                      `tensor's shape is: ${tensor.shape}`);
    }
    if (!this.dynamicSize && length.length !== this.maxSize) {
      throw new Error(`TensorArray's size is not equal to the size of lengths (${this.maxSize} vs. ${length.length}), ` +
                      'and the TensorArray is not marked as dynamically resizeable');
    }
    const perRow = total === 0 ? 0 : tensor.size / total;
    const tensors = tf.tidy(() => {
      const flat = tf.reshape(tensor, [1, total, perRow]);
      let at = 0;
      return length.map(len => {
        const part = tf.reshape(tf.slice(flat, [0, at, 0], [1, len, perRow]), this.elementShape);
        at += len;
        return part;
      });
    });
    this.writeMany(length.map((_, i) => i), tensors);
  }
}

class TensorList {
  constructor(tensors, elementShape, elementDtype, maxNumElements = -1) {
    this.tensors = tensors;
    this.elementShape = elementShape;
    this.elementDtype = elementDtype;
    for (const t of tensors || []) {
      if (elementDtype !== t.dtype) throw dtypeError(elementDtype, t.dtype);
      assertShapesMatchAllowUndefinedSize(elementShape, t.shape, 'TensorList shape mismatch: ');
      tf.keep(t);
    }
    this.idTensor = tf.keep(tf.scalar(0));
    this.maxNumElements = maxNumElements;
  }

  get id() { return this.idTensor.id; }

  clearAndClose(keepIds) {
    this.tensors.forEach(t => { if (t != null && (keepIds == null || !keepIds.has(t.id))) t.dispose(); });
    this.tensors.length = 0;
    this.idTensor.dispose();
  }

  size() { return this.tensors.length; }

  stack(elementShape, elementDtype, numElements = -1) {
    if (elementDtype !== this.elementDtype) throw dtypeError(elementDtype, this.elementDtype);
    if (numElements !== -1 && this.tensors.length !== numElements) {
      throw new Error(`Operation expected a list with ${numElements} elements but got a list with ` +
                      `${this.tensors.length} elements.`);
    }
    assertShapesMatchAllowUndefinedSize(elementShape, this.elementShape, 'TensorList shape mismatch: ');
    const shape = inferElementShape(this.elementShape, this.tensors, elementShape);
    return tf.tidy(() => tf.stack(this.tensors.map(t => tf.reshape(t, shape)), 0));
  }

  popBack(elementShape, elementDtype) {
    if (elementDtype !== this.elementDtype) throw dtypeError(elementDtype, this.elementDtype);
    if (this.size() === 0) throw new Error('Trying to pop from an empty list.');
    const shape = inferElementShape(this.elementShape, this.tensors, elementShape);
    const t = this.tensors.pop();
    unkeep(t);
    assertShapesMatchAllowUndefinedSize(t.shape, elementShape, 'TensorList shape mismatch: ');
    return tf.reshape(t, shape);
  }

  pushBack(tensor) {
    if (tensor.dtype !== this.elementDtype) throw dtypeError(tensor.dtype, this.elementDtype);
    assertShapesMatchAllowUndefinedSize(tensor.shape, this.elementShape, 'TensorList shape mismatch: ');
    if (this.maxNumElements === this.size()) throw new Error('Trying to push element into a full list.');
    this.tensors.push(tf.keep(tensor));
  }

  resize(size) {
    if (size < 0) throw new Error(`TensorListResize expects size to be non-negative. Got: ${size}`);
    if (this.maxNumElements !== -1 && size > this.maxNumElements) {
      throw new Error(`TensorListResize input size ${size} is greater maxNumElement ${this.maxNumElements}.`);
    }
    const dest = new TensorList([], this.elementShape, this.elementDtype, this.maxNumElements);
    dest.tensors.length = size;
    for (let i = 0; i < Math.min(this.tensors.length, size); ++i) dest.tensors[i] = this.tensors[i];
    return dest;
  }

  getItem(index, elementShape, elementDtype) {
    if (elementDtype !== this.elementDtype) throw dtypeError(elementDtype, this.elementDtype);
    if (index < 0 || index > this.tensors.length) {
      throw new Error(`Trying to access element ${index} in a list with ${this.tensors.length} elements.`);
    }
    if (this.tensors[index] == null) throw new Error(`element at index ${index} is null.`);
    assertShapesMatchAllowUndefinedSize(this.tensors[index].shape, elementShape, 'TensorList shape mismatch: ');
    return tf.reshape(this.tensors[index], inferElementShape(this.elementShape, this.tensors, elementShape));
  }

  setItem(index, tensor) {
    if (tensor.dtype !== this.elementDtype) throw dtypeError(tensor.dtype, this.elementDtype);
    if (index < 0 || (this.maxNumElements !== -1 && index >= this.maxNumElements)) {
      throw new Error(`Trying to set element ${index} in a list with max ${this.maxNumElements} elements.`);
    }
    assertShapesMatchAllowUndefinedSize(this.elementShape, tensor.shape, 'TensorList shape mismatch: ');
    tf.keep(tensor);
    if (this.tensors[index] != null) unkeep(this.tensors[index]);
    this.tensors[index] = tensor;
  }

  gather(indices, elementDtype, elementShape) {
    if (elementDtype !== this.elementDtype) throw dtypeError(elementDtype, this.elementDtype);
    assertShapesMatchAllowUndefinedSize(this.elementShape, elementShape, 'TensorList shape mismatch: ');
    indices = indices.slice(0, this.size());
    const shape = inferElementShape(this.elementShape, this.tensors, elementShape);
    if (indices.length === 0) return tf.tensor([], [0].concat(shape));
    return tf.tidy(() => tf.stack(indices.map(i => tf.reshape(this.tensors[i], shape)), 0));
  }

  concat(elementDtype, elementShape) {
    if (!!elementDtype && elementDtype !== this.elementDtype) {
      throw new Error(`TensorList dtype is ${this.elementDtype} but concat requested dtype ${elementDtype}`);
    }
    assertShapesMatchAllowUndefinedSize(this.elementShape, elementShape, 'TensorList shape mismatch: ');
    const shape = inferElementShape(this.elementShape, this.tensors, elementShape);
    if (this.size() === 0) return tf.tensor([], [0].concat(shape));
    return tf.tidy(() => tf.concat(this.tensors.map(t => tf.reshape(t, shape)), 0));
  }
}

function listFromTensor(tensor, elementShape, elementDtype) {
  if (tensor.shape.length < 1) throw new Error(`Tensor must be at least a vector, but saw shape: ${tensor.shape}`);
  if (tensor.dtype !== elementDtype) throw dtypeError(tensor.dtype, elementDtype);
  assertShapesMatchAllowUndefinedSize(tensor.shape.slice(1), elementShape, 'TensorList shape mismatch: ');
  return new TensorList(tf.unstack(tensor), elementShape, tensor.dtype);
}

function listScatter(tensor, indices, elementShape, numElements) {
  if (indices.length !== tensor.shape[0]) {
    throw new Error(`Expected len(indices) == tensor.shape[0], but saw: ${indices.length} vs. ${tensor.shape[0]}`);
  }
  const maxIndex = Math.max(...indices);
  if (numElements != null && numElements !== -1 && maxIndex >= numElements) {
    throw new Error(`Max index must be < array size (${maxIndex}  vs. ${numElements})`);
  }
  const list = new TensorList([], elementShape, tensor.dtype, numElements);
  const tensors = tf.unstack(tensor, 0);
  indices.forEach((value, i) => list.setItem(value, tensors[i]));
  return list;
}

function listSplit(tensor, length, elementShape) {
  const total = length.reduce((a, b) => a + b, 0);
  if (total !== tensor.shape[0]) {
    throw new Error(`Expected sum of lengths to be equal to tensor.shape[0], but sum of lengths is ${total}, and ` +
                    `tensor's shape is: ${tensor.shape}`);
  }
  const outShape = mergeElementShape(tensor.shape.slice(1), elementShape);
  const perRow = total === 0 ? 0 : tensor.size / total;
  const tensors = tf.tidy(() => {
    const flat = tf.reshape(tensor, [1, total, perRow]);
    let at = 0;
    return length.map(len => {
      const part = tf.reshape(tf.slice(flat, [0, at, 0], [1, len, perRow]), outShape);
      at += len;
      return part;
    });
  });
  const list = new TensorList([], elementShape, tensor.dtype, length.length);
  tensors.forEach((t, i) => list.setItem(i, t));
  return list;
}

/** The arrays and lists of one execution (shared with the If/While functions it runs). */
export function newLists() {
  return {arrays: {}, lists: {}};
}

/** At the end of an execution: frees what its arrays and lists hold, except keepIds. */
export function disposeLists(lists, keepIds) {
  for (const key in lists.arrays) lists.arrays[key].clearAndClose(keepIds);
  for (const key in lists.lists) lists.lists[key].clearAndClose(keepIds);
}

function arrayOf(ctx, p, node) {
  const id = p('tensorArrayId');
  const array = id && ctx.lists.arrays[id.id];
  if (array == null) throw new Error(`Node '${node.name}' (${node.op}): its handle names no TensorArray`);
  return array;
}

function listOf(ctx, p, node) {
  const id = p('tensorListId');
  const list = id && ctx.lists.lists[id.id];
  if (list == null) throw new Error(`Node '${node.name}' (${node.op}): its handle names no TensorList`);
  return list;
}

const addList = (ctx, list) => {
  ctx.lists.lists[list.id] = list;
  return [list.idTensor];
};

/** op -> (p, node, tensorMap, ctx) executors, as tfjs's control_executor.ts. */
export const LIST_EXECUTORS = {
  TensorArrayV3: (p, node, tensorMap, ctx) => {
    const array = new TensorArray(p('name'), p('dtype'), p('size'), p('elementShape'), p('identicalElementShapes'),
                                  p('dynamicSize'), p('clearAfterRead'));
    ctx.lists.arrays[array.id] = array;
    return [array.idTensor, tf.scalar(1.0)];
  },
  TensorArrayWriteV3: (p, node, tensorMap, ctx) => {
    const array = arrayOf(ctx, p, node);
    array.write(p('index'), p('tensor'));
    return [array.idTensor];
  },
  TensorArrayReadV3: (p, node, tensorMap, ctx) => [arrayOf(ctx, p, node).read(p('index'))],
  TensorArrayGatherV3: (p, node, tensorMap, ctx) => [arrayOf(ctx, p, node).gather(p('indices'), p('dtype'))],
  TensorArrayScatterV3: (p, node, tensorMap, ctx) => {
    const array = arrayOf(ctx, p, node);
    array.scatter(p('indices'), p('tensor'));
    return [array.idTensor];
  },
  TensorArrayConcatV3: (p, node, tensorMap, ctx) => [arrayOf(ctx, p, node).concat(p('dtype'))],
  TensorArraySplitV3: (p, node, tensorMap, ctx) => {
    const array = arrayOf(ctx, p, node);
    array.split(p('lengths'), p('tensor'));
    return [array.idTensor];
  },
  TensorArraySizeV3: (p, node, tensorMap, ctx) => [tf.scalar(arrayOf(ctx, p, node).size(), 'int32')],
  TensorArrayCloseV3: (p, node, tensorMap, ctx) => {
    const array = arrayOf(ctx, p, node);
    array.clearAndClose();
    return [array.idTensor];
  },
  TensorListSetItem: (p, node, tensorMap, ctx) => {
    const list = listOf(ctx, p, node);
    list.setItem(p('index'), p('tensor'));
    return [list.idTensor];
  },
  TensorListGetItem: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).getItem(p('index'), p('elementShape'),
                                                                                 p('elementDType'))],
  TensorListScatter: (p, node, tensorMap, ctx) => addList(ctx, listScatter(p('tensor'), p('indices'), p('elementShape'),
                                                                           p('numElements'))),
  TensorListScatterV2: (p, node, tensorMap, ctx) => addList(ctx, listScatter(p('tensor'), p('indices'), p('elementShape'),
                                                                             p('numElements'))),
  TensorListReserve: (p, node, tensorMap, ctx) => addList(ctx, new TensorList([], p('elementShape'), p('elementDType'), -1)),
  EmptyTensorList: (p, node, tensorMap, ctx) => addList(ctx, new TensorList([], p('elementShape'), p('elementDType'),
                                                                            p('maxNumElements'))),
  TensorListGather: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).gather(p('indices'), p('elementDType'),
                                                                              p('elementShape'))],
  TensorListStack: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).stack(p('elementShape'), p('elementDType'),
                                                                            p('numElements'))],
  TensorListFromTensor: (p, node, tensorMap, ctx) => addList(ctx, listFromTensor(p('tensor'), p('elementShape'),
                                                                                 p('elementDType'))),
  TensorListConcat: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).concat(p('dtype'), p('elementShape'))],
  TensorListConcatV2: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).concat(p('dtype'), p('elementShape'))],
  TensorListPushBack: (p, node, tensorMap, ctx) => {
    const list = listOf(ctx, p, node);
    list.pushBack(p('tensor'));
    return [list.idTensor];
  },
  TensorListPopBack: (p, node, tensorMap, ctx) => [listOf(ctx, p, node).popBack(p('elementShape'), p('elementDType'))],
  TensorListSplit: (p, node, tensorMap, ctx) => addList(ctx, listSplit(p('tensor'), p('lengths'), p('elementShape'))),
  TensorListLength: (p, node, tensorMap, ctx) => [tf.scalar(listOf(ctx, p, node).size(), 'int32')],
  TensorListResize: (p, node, tensorMap, ctx) => addList(ctx, listOf(ctx, p, node).resize(p('size'))),
};
