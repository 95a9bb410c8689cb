// tf.GraphModel, tf.loadGraphModel, tf.loadGraphModelSync, tf.registerOp,
// tf.deregisterOp: tfjs-converter 4.22's graph models (model.json with
// format 'graph-model': a TensorFlow GraphDef as JSON plus its weights) run on
// this package's ops. The structure follows tfjs-converter (executor/
// graph_model.ts, graph_executor.ts, model_analysis.ts, operation_mapper.ts),
// so the loading, naming, errors and memory behaviour are tfjs's: every
// intermediate tensor is disposed once its last consumer ran; only the outputs
// (and the model's weights) stay. Control flow (TensorFlow 1's Switch/Merge/
// Enter/Exit/NextIteration frames, TensorFlow 2's If/While over the graph's
// library functions) and hash tables run in executeAsync; TensorArray/TensorList
// ops run too (graph_lists.js).
import {ENV} from './environment.js';
import {LIST_EXECUTORS, disposeLists, newLists} from './graph_lists.js';
import {io} from './io/index.js';
import {closeScope, openScope} from './tensor.js';
import {
  EXECUTORS, OP_MAPPERS, attrParamValue, getBoolArrayParam, getBoolParam, getDtypeArrayParam,
  getDtypeParam, getNumberParam, getNumericArrayParam, getParamValue, getStringArrayParam, getStringParam, getTensor,
  getTensorShapeArrayParam, getTensorShapeParam, nameWithContextId, parseDtypeParam, parseNodeName, tf,
} from './graph_ops.js';

export const TFHUB_SEARCH_PARAM = '?tfjs-format=file';
export const DEFAULT_MODEL_NAME = 'model.json';

const isPromise = v => v != null && typeof v.then === 'function';

// ---- custom ops (tfjs-converter's custom_op/register.ts) -----------------------------

const CUSTOM_OPS = {};

/** tf.registerOp(name, opFunc): runs nodes of op `name` with opFunc(node) ({op, attrs, inputs}) -> Tensor(s). */
export function registerOp(name, opFunc) {
  CUSTOM_OPS[name] = {tfOpName: name, category: 'custom', inputs: [], attrs: [], customExecutor: opFunc};
}

export function deregisterOp(name) {
  delete CUSTOM_OPS[name];
}

/** What a custom op's function receives (tfjs's NodeValueImpl). */
class NodeValue {
  constructor(node, tensorMap) {
    this.node = node;
    this.tensorMap = tensorMap;
    this.op = node.op;
    this.inputs = node.inputNames.map(name => this.getInput(name));
    this.attrs = {};
    if (node.rawAttrs != null) {
      for (const key of Object.keys(node.rawAttrs)) this.attrs[key] = this.getAttr(key);
    }
  }

  getInput(name) {
    return getTensor(name, this.tensorMap);
  }

  getAttr(name, defaultValue) {
    const value = this.node.rawAttrs[name];
    const attrs = this.node.rawAttrs;
    if (value.tensor != null) return getTensor(name, this.tensorMap);
    if (value.i != null || value.f != null) return getNumberParam(attrs, name, defaultValue);
    if (value.s != null) return getStringParam(attrs, name, defaultValue);
    if (value.b != null) return getBoolParam(attrs, name, defaultValue);
    if (value.shape != null) return getTensorShapeParam(attrs, name, defaultValue);
    if (value.type != null) return getDtypeParam(attrs, name, defaultValue);
    if (value.list != null) {
      const l = value.list;
      if (l.i != null || l.f != null) return getNumericArrayParam(attrs, name, defaultValue);
      if (l.s != null) return getStringArrayParam(attrs, name, defaultValue);
      if (l.shape != null) return getTensorShapeArrayParam(attrs, name, defaultValue);
      if (l.b != null) return getBoolArrayParam(attrs, name, defaultValue);
      if (l.type != null) return getDtypeArrayParam(attrs, name, defaultValue);
    }
    return defaultValue;
  }
}

// ---- GraphDef -> graph (tfjs's OperationMapper.transformGraph) ------------------------

function mapNode(node) {
  if (node == null || typeof node !== 'object' || typeof node.name !== 'string' || typeof node.op !== 'string') {
    throw new Error(`Invalid graph-model node: each node needs a string name and op, got ${JSON.stringify(node)}`);
  }
  // As tfjs: an op nobody maps fails when it runs, not here (it may be outside what is run).
  const mapper = CUSTOM_OPS[node.op] || OP_MAPPERS[node.op] || {};
  const rawAttrs = node.attr == null ? {} : node.attr;
  const out = {
    name: node.name, op: node.op, category: mapper.category,
    inputNames: (node.input || []).map(input => (input.startsWith('^') ? input.slice(1) : input)),
    inputs: [], children: [], inputParams: {}, attrParams: {}, rawAttrs, outputs: mapper.outputs,
  };
  for (const param of mapper.inputs || []) {
    out.inputParams[param.name] = {type: param.type, inputIndexStart: param.start, inputIndexEnd: param.end};
  }
  for (const param of mapper.attrs || []) {
    let value;
    try {
      value = attrParamValue(rawAttrs, param);
    } catch (e) {
      throw new Error(`${e.message} for op: ${node.op}`);
    }
    out.attrParams[param.name] = {value, type: param.type};
  }
  return out;
}

const signatureEntries = entries => {
  const out = {};
  for (const key of Object.keys(entries || {})) out[entries[key].name] = key;
  return out;
};

function linkNodes(nodes) {
  for (const node of Object.values(nodes)) {
    node.inputNames.forEach((name, index) => {
      const [nodeName, , outputName] = parseNodeName(name);
      const inputNode = nodes[nodeName];
      if (inputNode == null) {
        throw new Error(`Node '${node.name}' (${node.op}) has input '${name}', but the graph has no node '${nodeName}'`);
      }
      if (inputNode.outputs != null) {
        const outputIndex = inputNode.outputs.indexOf(outputName);
        if (outputIndex !== -1) node.inputNames[index] = `${nodeName}:${outputIndex}`;
      }
      node.inputs.push(inputNode);
      inputNode.children.push(node);
    });
  }
}

function transformGraph(graph, signature = {}) {
  if (graph == null || typeof graph !== 'object' || !Array.isArray(graph.node)) {
    throw new Error('The graph model\'s modelTopology must be a GraphDef object with a `node` array');
  }
  const placeholders = [], weights = [], initNodes = [];
  const nodes = {};
  for (const node of graph.node) {
    const mapped = nodes[node.name] = mapNode(node);
    if (node.op.startsWith('Placeholder')) placeholders.push(mapped);
    else if (node.op === 'Const') weights.push(mapped);
    else if (node.input == null || node.input.length === 0) initNodes.push(mapped);
  }
  const inputNodeNameToKey = signature != null ? signatureEntries(signature.inputs) : {};
  const outputNodeNameToKey = signature != null ? signatureEntries(signature.outputs) : {};
  linkNodes(nodes);
  let inputs = [];
  const outputs = [];
  if (Object.keys(outputNodeNameToKey).length === 0) {
    for (const node of Object.values(nodes)) if (node.children.length === 0) outputs.push(node);
  } else {
    for (const name of Object.keys(outputNodeNameToKey)) {
      const node = nodes[parseNodeName(name)[0]];
      if (node != null) {
        node.signatureKey = outputNodeNameToKey[name];
        outputs.push(node);
      }
    }
  }
  if (Object.keys(inputNodeNameToKey).length > 0) {
    for (const name of Object.keys(inputNodeNameToKey)) {
      const node = nodes[parseNodeName(name)[0]];
      if (node) {
        node.signatureKey = inputNodeNameToKey[name];
        inputs.push(node);
      }
    }
  } else {
    inputs = placeholders;
  }
  const functions = {};
  if (graph.library != null && graph.library.function != null) {
    for (const func of graph.library.function) functions[func.signature.name] = mapFunction(func);
  }
  const result = {nodes, inputs, outputs, weights, placeholders, signature, functions};
  if (initNodes.length > 0) result.initNodes = initNodes;
  return result;
}

/** A library function (If/While branches and bodies) as a graph of its own (tfjs's mapFunction). */
function mapFunction(functionDef) {
  const nodes = {}, weights = [], inputs = [], outputs = [];
  for (const n of functionDef.nodeDef || []) {
    nodes[n.name] = mapNode(n);
    if (n.op === 'Const') weights.push(nodes[n.name]);
  }
  const sig = functionDef.signature;
  for (const arg of sig.inputArg || []) {
    const [nodeName] = parseNodeName(arg.name);
    const node = {name: nodeName, op: 'Placeholder', inputs: [], inputNames: [], category: 'graph', inputParams: {},
                  attrParams: {dtype: {value: parseDtypeParam(arg.type), type: 'dtype'}}, children: [],
                  signatureKey: arg.name};
    inputs.push(node);
    nodes[nodeName] = node;
  }
  linkNodes(nodes);
  const ret = functionDef.ret || {};
  for (const output of sig.outputArg || []) {
    const [nodeName, index] = parseNodeName(ret[output.name] || '');
    const node = nodes[nodeName];
    if (node != null) {
      node.defaultOutput = index;
      outputs.push(node);
    }
  }
  const signature = {
    methodName: sig.name,
    inputs: Object.fromEntries((sig.inputArg || []).map(a => [a.name, {name: a.name, dtype: a.type}])),
    outputs: Object.fromEntries((sig.outputArg || []).map(a => [a.name, {name: ret[a.name], dtype: a.type}])),
  };
  return {nodes, inputs, outputs, weights, placeholders: [], signature};
}

// ---- If/While (tfjs's control_executor.ts, the function-based forms) -------------------

function libraryFunction(ctx, name, node) {
  const fn = ctx.functionMap[name];
  if (fn == null) {
    throw new Error(`Node '${node.name}' (${node.op}) calls the function '${name}', which the graph's library does not ` +
                    'define');
  }
  return fn;
}

async function runIf(p, node, tensorMap, ctx) {
  const condValue = await p('cond').data();
  const branch = condValue[0] ? p('thenBranch') : p('elseBranch');
  return libraryFunction(ctx, branch, node).executeFunctionAsync(p('args'), ctx.lists);
}

async function runWhile(p, node, tensorMap, ctx) {
  const body = libraryFunction(ctx, p('body'), node), cond = libraryFunction(ctx, p('cond'), node);
  const args = p('args');
  const argIds = args.map(t => t.id);
  let condResult = await cond.executeFunctionAsync(args, ctx.lists);
  let condValue = await condResult[0].data();
  condResult.forEach(t => { if (!t.kept && argIds.indexOf(t.id) === -1) t.dispose(); });
  let result = args;
  while (condValue[0]) {
    const previous = result;
    result = await body.executeFunctionAsync(result, ctx.lists);
    const resultIds = result.map(t => t.id);
    previous.forEach(t => {
      if (!t.kept && argIds.indexOf(t.id) === -1 && resultIds.indexOf(t.id) === -1) t.dispose();
    });
    condResult = await cond.executeFunctionAsync(result, ctx.lists);
    condValue = await condResult[0].data();
    condResult.forEach(t => {
      if (!t.kept && argIds.indexOf(t.id) === -1 && resultIds.indexOf(t.id) === -1) t.dispose();
    });
  }
  return result;
}

Object.assign(EXECUTORS, {If: runIf, StatelessIf: runIf, While: runWhile, StatelessWhile: runWhile}, LIST_EXECUTORS);

// ---- TensorFlow 1 control flow: loop frames (tfjs's execution_context.ts) ------------

class ExecutionContext {
  constructor() {
    this.rootContext = {id: 0, frameName: '', iterationId: 0};
    this.contexts = [this.rootContext];
    this.lastId = 0;
    this.generateCurrentContextIds();
  }

  set currentContext(contexts) {
    if (this.contexts !== contexts) {
      this.contexts = contexts;
      this.generateCurrentContextIds();
    }
  }

  get currentContext() { return this.contexts; }

  get currentContextId() { return this._currentContextIds[0]; }

  get currentContextIds() { return this._currentContextIds; }

  generateCurrentContextIds() {
    const names = [];
    for (let i = 0; i < this.contexts.length - 1; i++) {
      names.push(this.contextIdForContexts(this.contexts.slice(0, this.contexts.length - i)));
    }
    names.push('');
    this._currentContextIds = names;
  }

  contextIdForContexts(contexts) {
    return contexts ? contexts.map(c => (c.id === 0 && c.iterationId === 0 ? '' : `${c.frameName}-${c.iterationId}`))
        .join('/') : '';
  }

  enterFrame(frameId) {
    this.lastId++;
    this.contexts = this.contexts.slice();
    this.contexts.push({id: this.lastId, frameName: frameId, iterationId: 0});
    this._currentContextIds.unshift(this.contextIdForContexts(this.contexts));
  }

  exitFrame() {
    if (this.contexts.length <= 1) throw new Error('Cannot exit frame, the context is empty');
    this.contexts = this.contexts.slice();
    this.contexts.splice(-1);
    this.currentContextIds.shift();
  }

  nextIteration() {
    if (this.contexts.length === 0) throw new Error('Cannot increase frame iteration, the context is empty');
    this.contexts = this.contexts.slice();
    this.lastId++;
    const context = {...this.contexts[this.contexts.length - 1]};
    context.iterationId += 1;
    context.id = this.lastId;
    this.contexts.splice(-1, 1, context);
    this._currentContextIds.splice(0, 1, this.contextIdForContexts(this.contexts));
  }
}

const nodeNameAndIndex = (name, frames) => {
  const [nodeName, index, outputName] = parseNodeName(name);
  return [nameWithContextId(nodeName, frames && frames.currentContextId), index, outputName];
};

const cloneTensor = t => (t.kept ? t : t.clone());

function needFrames(node, ctx) {
  if (ctx.frames == null) {
    throw new Error(`The op '${node.op}' (node '${node.name}') runs in model.executeAsync() only`);
  }
  return ctx.frames;
}

Object.assign(EXECUTORS, {
  LoopCond: p => [cloneTensor(p('pred'))],
  Switch: async p => {
    const pred = p('pred');
    let data = p('data');
    if (!data.kept) data = cloneTensor(data);
    return (await pred.data())[0] ? [undefined, data] : [data, undefined];
  },
  Merge: (p, node, tensorMap, ctx) => {
    const frames = needFrames(node, ctx);
    const name = node.inputNames.find(n => getTensor(n, tensorMap, frames) !== undefined);
    return name ? [cloneTensor(getTensor(name, tensorMap, frames))] : undefined;
  },
  Enter: (p, node, tensorMap, ctx) => {
    const frames = needFrames(node, ctx);
    const frameId = p('frameName'), data = p('tensor');
    frames.enterFrame(frameId);
    return [cloneTensor(data)];
  },
  Exit: (p, node, tensorMap, ctx) => {
    const data = p('tensor');
    needFrames(node, ctx).exitFrame();
    return [cloneTensor(data)];
  },
  NextIteration: (p, node, tensorMap, ctx) => {
    const data = p('tensor');
    needFrames(node, ctx).nextIteration();
    return [cloneTensor(data)];
  },
});

const TF1_CONTROL_FLOW = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond']);

// ---- hash tables (tfjs's hash_table.ts, resource_manager.ts, hash_table_executor.ts) ---

class HashTable {
  constructor(keyDType, valueDType) {
    this.keyDType = keyDType;
    this.valueDType = valueDType;
    this.handle = tf.keep(tf.scalar(0));
    this.tensorMap = new Map();
  }

  get id() { return this.handle.id; }

  clearAndClose() {
    this.tensorMap.forEach(value => value.dispose());
    this.tensorMap.clear();
    this.handle.dispose();
  }

  size() { return this.tensorMap.size; }

  tensorSize() { return tf.scalar(this.size(), 'int32'); }

  async import(keys, values) {
    this.checkKeyAndValueTensor(keys, values);
    const $keys = await keys.data();
    this.tensorMap.forEach(value => value.dispose());
    this.tensorMap.clear();
    return tf.tidy(() => {
      const $values = tf.unstack(values);
      if ($keys.length !== $values.length) {
        throw new Error(`The number of elements doesn't match, keys has ${$keys.length} elements, the values has ` +
                        `${$values.length} elements.`);
      }
      for (let i = 0; i < $keys.length; i++) this.tensorMap.set($keys[i], tf.keep($values[i]));
      return this.handle;
    });
  }

  async find(keys, defaultValue) {
    this.checkKeyAndValueTensor(keys, defaultValue);
    const $keys = await keys.data();
    return tf.tidy(() => {
      const result = [];
      for (let i = 0; i < $keys.length; i++) {
        const value = this.tensorMap.get($keys[i]);
        result.push(value != null ? value : defaultValue);
      }
      return tf.stack(result);
    });
  }

  checkKeyAndValueTensor(key, value) {
    if (key.dtype !== this.keyDType) throw new Error(`Expect key dtype ${this.keyDType}, but got ${key.dtype}`);
    if (value.dtype !== this.valueDType) throw new Error(`Expect value dtype ${this.valueDType}, but got ${value.dtype}`);
  }
}

class ResourceManager {
  constructor() {
    this.hashTableNameToHandle = {};
    this.hashTableMap = {};
  }

  addHashTable(name, hashTable) {
    this.hashTableNameToHandle[name] = hashTable.handle;
    this.hashTableMap[hashTable.id] = hashTable;
  }

  getHashTableHandleByName(name) { return this.hashTableNameToHandle[name]; }

  getHashTableById(id) { return this.hashTableMap[id]; }

  dispose() {
    for (const key in this.hashTableMap) {
      this.hashTableMap[key].clearAndClose();
      delete this.hashTableMap[key];
    }
    for (const name in this.hashTableNameToHandle) {
      this.hashTableNameToHandle[name].dispose();
      delete this.hashTableNameToHandle[name];
    }
  }
}

function tableOf(p, node, ctx) {
  const [name] = parseNodeName(node.inputNames[0] || '');
  const handle = ctx.resourceManager.getHashTableHandleByName(name) || p('tableHandle');
  const table = handle && ctx.resourceManager.getHashTableById(handle.id);
  if (table == null) throw new Error(`Node '${node.name}' (${node.op}): its table handle names no hash table`);
  return table;
}

const tableImport = async (p, node, tensorMap, ctx) => [await tableOf(p, node, ctx).import(p('keys'), p('values'))];
const tableFind = async (p, node, tensorMap, ctx) => [await tableOf(p, node, ctx).find(p('keys'), p('defaultValue'))];
const tableSize = async (p, node, tensorMap, ctx) => [tableOf(p, node, ctx).tensorSize()];
const hashTable = async (p, node, tensorMap, ctx) => {
  const existing = ctx.resourceManager.getHashTableHandleByName(node.name);
  if (existing != null) return [existing];
  const table = new HashTable(p('keyDType'), p('valueDType'));
  ctx.resourceManager.addHashTable(node.name, table);
  return [table.handle];
};
Object.assign(EXECUTORS, {
  HashTable: hashTable, HashTableV2: hashTable, InitializeTable: tableImport, InitializeTableV2: tableImport,
  LookupTableImport: tableImport, LookupTableImportV2: tableImport, LookupTableFind: tableFind,
  LookupTableFindV2: tableFind, LookupTableSize: tableSize, LookupTableSizeV2: tableSize,
});

// ---- which nodes run, in which order (tfjs's model_analysis.ts) ---------------------

const CONTROL_FLOW_OPS = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'StatelessIf', 'StatelessWhile',
                                  'if', 'While']);
const DYNAMIC_SHAPE_OPS = new Set(['NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV5', 'Where']);
const HASH_TABLE_OPS = new Set(['HashTable', 'HashTableV2', 'LookupTableImport', 'LookupTableImportV2',
                                'LookupTableFind', 'LookupTableFindV2', 'LookupTableSize', 'LookupTableSizeV2']);
const isControlFlow = node => CONTROL_FLOW_OPS.has(node.op);

function getExecutionSubgraph(inputs, outputs, weightMap, initNodes = []) {
  const usedNodes = new Set();
  const missingInputs = [];
  let dynamicNode = null, syncInputs = null;
  const seen = new Set();
  const inputNodeNames = new Set(Object.keys(inputs).map(name => parseNodeName(name)[0]));
  const initNodeNames = new Set(initNodes.map(node => parseNodeName(node.name)[0]));
  const frontier = [...outputs];
  while (frontier.length > 0) {
    const node = frontier.pop();
    if (isControlFlow(node) || DYNAMIC_SHAPE_OPS.has(node.op) || HASH_TABLE_OPS.has(node.op)) {
      if (dynamicNode == null) {
        dynamicNode = node;
        syncInputs = dynamicNode.children.map(child => child.name).filter(name => usedNodes.has(name));
      }
    }
    usedNodes.add(node.name);
    if (weightMap[node.name] != null || inputNodeNames.has(node.name) || initNodeNames.has(node.name)) continue;
    if (node.inputs.length === 0) {
      missingInputs.push(node.name);
      continue;
    }
    for (const input of node.inputs) {
      if (seen.has(input.name)) continue;
      seen.add(input.name);
      frontier.push(input);
    }
  }
  return {inputs, outputs, usedNodes, missingInputs, dynamicNode, syncInputs};
}

function getNodesInTopologicalOrder(graph, executionInfo) {
  const {usedNodes, inputs} = executionInfo;
  const isUsed = node => usedNodes.has(typeof node === 'string' ? node : node.name);
  const unique = nodes => [...new Map(nodes.map(node => [node.name, node])).values()];
  const inputNodes = Object.keys(inputs).map(name => graph.nodes[parseNodeName(name)[0]]);
  const predefined = unique([...inputNodes, ...graph.weights, ...(graph.initNodes || [])]).filter(isUsed);
  const allNodes = unique([...predefined, ...Object.values(graph.nodes)]).filter(isUsed);
  const nameToNode = new Map(allNodes.map(node => [node.name, node]));
  const inCounts = {};
  for (const node of allNodes) {
    inCounts[node.name] = inCounts[node.name] || 0;
    for (const child of node.children) {
      if (!isUsed(child)) inCounts[child.name] = Number.POSITIVE_INFINITY;
      inCounts[child.name] = (inCounts[child.name] || 0) + 1;
    }
  }
  const frontier = Object.entries(inCounts).filter(([, n]) => n === 0).map(([name]) => name);
  const ordered = [...frontier];
  while (frontier.length > 0) {
    const node = nameToNode.get(frontier.pop());
    for (const child of node.children.filter(isUsed)) {
      if (--inCounts[child.name] === 0) {
        ordered.push(child.name);
        frontier.push(child.name);
      }
    }
  }
  const orderedNodes = ordered.map(name => nameToNode.get(name));
  // Only what the predefined nodes (inputs, weights, init nodes) reach can run.
  const orderedByName = new Map(orderedNodes.map(node => [node.name, node]));
  const stack = predefined.map(node => node.name);
  const reachable = new Set(stack);
  while (stack.length > 0) {
    const node = orderedByName.get(stack.pop());
    if (node == null) continue;
    for (const child of node.children) {
      if (!orderedByName.has(child.name) || reachable.has(child.name)) continue;
      reachable.add(child.name);
      stack.push(child.name);
    }
  }
  const result = orderedNodes.filter(node => reachable.has(node.name));
  const order = new Map(result.map((node, i) => [node.name, i]));
  const predefinedNames = new Set(predefined.map(node => node.name));
  for (const node of result) {
    if (predefinedNames.has(node.name)) continue;
    for (const input of node.inputs) {
      if (!order.has(input.name)) {
        throw new Error(`NodesExecutionOrderError: Input ${input.name} of node ${node.name} is unreachable.`);
      }
    }
  }
  return result;
}

/** node name -> the nodes whose tensors may be disposed once that node ran. */
function getNodeLiveUntilMap(orderedNodes) {
  const order = new Map(orderedNodes.map((node, i) => [node.name, i]));
  const INF = Number.MAX_SAFE_INTEGER;
  const selfLife = orderedNodes.map((node, i) => (isControlFlow(node) ? INF : i));
  const lifeOf = node => {
    const life = selfLife[order.get(node.name)];
    return life == null ? -1 : life;
  };
  const liveUntil = new Map();
  orderedNodes.forEach((node, i) => {
    const until = node.children.map(lifeOf).reduce((a, b) => Math.max(a, b), selfLife[i]);
    if (until === INF) return;
    const last = orderedNodes[until].name;
    if (!liveUntil.has(last)) liveUntil.set(last, []);
    liveUntil.get(last).push(node);
  });
  return liveUntil;
}

// ---- running one node (tfjs's operation_executor.ts) --------------------------------

function executeOp(node, tensorMap, ctx) {
  const p = name => getParamValue(name, node, tensorMap, ctx.frames);
  let value;
  if (node.category === 'custom') {
    const mapper = CUSTOM_OPS[node.op];
    if (!mapper || !mapper.customExecutor) throw new TypeError(`Custom op ${node.op} is not registered.`);
    // As a tidy around the op's function, except that a Promise keeps all it made (they may be pending inputs).
    openScope();
    try {
      value = mapper.customExecutor(new NodeValue(node, tensorMap));
    } catch (e) {
      closeScope(new Set());
      throw e;
    }
    closeScope(isPromise(value) ? {has: () => true} : new Set([].concat(value)));
  } else if (node.category == null) {
    throw new TypeError(`Unknown op '${node.op}'. File an issue at https://github.com/tensorflow/tfjs/issues so we ` +
                        'can add it, or register a custom execution with tf.registerOp() ' +
                        `(Tensorflow Op is not supported: ${node.op}, node '${node.name}')`);
  } else {
    const exec = EXECUTORS[node.op];
    if (exec == null) throw new Error(`The op '${node.op}' (node '${node.name}') has no executor`);
    if (node.category === 'dynamic' || node.category === 'control' || node.category === 'hash_table') {
      value = exec(p, node, tensorMap, ctx);
    } else {
      try {
        value = tf.tidy(() => exec(p, node, tensorMap));
      } catch (e) {
        if (!e.message.includes(`'${node.name}'`)) e.message = `${e.message} (node '${node.name}', op ${node.op})`;
        throw e;
      }
    }
  }
  if (isPromise(value)) return value.then(data => [].concat(data));
  return [].concat(value);
}

// ---- the executor (tfjs's graph_executor.ts, without control flow) -------------------

// tfjs-converter's flag: keep a copy of every node's tensors for model.getIntermediateTensors().
ENV.registerFlag('KEEP_INTERMEDIATE_TENSORS', () => false, debugValue => {
  if (debugValue) {
    console.warn('Keep intermediate tensors is ON. This will print the values of all intermediate tensors during ' +
                 'model inference. Not all models support this mode. For details, check e2e/benchmarks/ ' +
                 'model_config.js. This significantly impacts performance.');
  }
});

function keepIntermediates() {
  try {
    return ENV.getBool('KEEP_INTERMEDIATE_TENSORS');
  } catch (e) {
    return false;
  }
}

class GraphExecutor {
  constructor(graph, parent) {
    this.graph = graph;
    this.parent = parent;
    this.compiledMap = new Map();
    this._weightMap = {};
    this._weightIds = [];
    this._outputs = graph.outputs;
    this._inputs = graph.inputs;
    this._initNodes = graph.initNodes;
    this._signature = graph.signature;
    this._functions = graph.functions;
    this.keepIntermediateTensors = false;
    this.clonedTensorsMap = null;
    this._functionExecutorMap = {};
    for (const name of Object.keys(graph.functions || {})) {
      this._functionExecutorMap[name] = new GraphExecutor(graph.functions[name], this);
    }
  }

  get functionExecutorMap() { return this.parent ? this.parent.functionExecutorMap : this._functionExecutorMap; }

  get weightMap() { return this.parent ? this.parent.weightMap : this._weightMap; }

  set weightMap(weightMap) {
    this._weightIds = [].concat(...Object.keys(weightMap).map(key => weightMap[key].map(t => t.id)));
    this._weightMap = weightMap;
  }

  get weightIds() { return this.parent ? this.parent.weightIds : this._weightIds; }

  get functions() {
    return Object.fromEntries(Object.entries(this._functions || {}).map(([k, v]) => [k, v.signature]));
  }

  static describe(node) {
    return {name: node.name, shape: node.attrParams.shape ? node.attrParams.shape.value : undefined,
            dtype: node.attrParams.dtype ? node.attrParams.dtype.value : undefined};
  }

  get inputs() { return this._inputs.map(GraphExecutor.describe); }

  get outputs() { return this._outputs.map(GraphExecutor.describe); }

  get inputNodes() { return this._inputs.map(node => node.signatureKey || node.name); }

  get outputNodes() {
    return this._outputs.map(node => {
      const name = node.signatureKey || node.name;
      return node.defaultOutput ? `${name}:${node.defaultOutput}` : name;
    });
  }

  compile(inputs, outputs, sync) {
    const info = getExecutionSubgraph(inputs, outputs, this.weightMap, this._initNodes);
    const {missingInputs, dynamicNode, syncInputs} = info;
    if (sync && dynamicNode != null) {
      throw new Error(`This execution contains the node '${dynamicNode.name}', which has the dynamic op ` +
                      `'${dynamicNode.op}'. Please use model.executeAsync() instead. Alternatively, to avoid the ` +
                      `dynamic ops, specify the inputs [${syncInputs}]`);
    }
    // Loops (NextIteration feeds Merge) have no topological order: tfjs's stack executor runs them.
    if (!sync && [...info.usedNodes].some(name => TF1_CONTROL_FLOW.has(this.graph.nodes[name].op))) {
      return {frames: true, info, dynamicNode};
    }
    if (missingInputs.length > 0) {
      throw new Error(`Cannot compute the outputs [${outputs.map(n => n.name)}] from the provided inputs ` +
                      `[${Object.keys(inputs)}]. Missing the following inputs: [${missingInputs}]`);
    }
    const orderedNodes = getNodesInTopologicalOrder(this.graph, info);
    return {orderedNodes, nodeLiveUntilMap: getNodeLiveUntilMap(orderedNodes), dynamicNode};
  }

  prepare(inputs, outputs, sync, isFunctionExecution = false) {
    if (!isFunctionExecution) {
      inputs = this.mapInputs(inputs);
      this.checkInputs(inputs);
      this.checkInputShapeAndType(inputs);
      outputs = this.mapOutputs(outputs);
      this.checkOutputs(outputs);
    }
    const inputNodes = Object.keys(inputs).sort().map(name => this.graph.nodes[parseNodeName(name)[0]]);
    const outputNodeNames = outputs.map(name => parseNodeName(name)[0]);
    let outputNodes = outputNodeNames.map(name => this.graph.nodes[name]);
    if (outputNodes.length === 0) outputNodes = this._outputs;
    const key = `${sync ? 's' : 'a'}|${inputNodes.map(n => n.name).sort().join(',')}--` +
                `${outputNodes.map(n => n.name).sort().join(',')}`;
    let compilation = this.compiledMap.get(key);
    if (compilation == null) {
      compilation = this.compile(inputs, outputNodes, sync);
      this.compiledMap.set(key, compilation);
    }
    return {inputs, outputs, compilation, outputNodeNameSet: new Set(outputNodeNames)};
  }

  startTensorsMap(inputs) {
    this.keepIntermediateTensors = keepIntermediates();
    const tensorsMap = {...this.weightMap};
    if (this.keepIntermediateTensors) this.clonedTensorsMap = this.cloneTensorMap(this.weightMap);
    for (const name of Object.keys(inputs)) {
      const [nodeName, index] = parseNodeName(name);
      const tensors = [];
      tensors[index] = inputs[name];
      tensorsMap[nodeName] = tensors;
      if (this.keepIntermediateTensors) this.clonedTensorsMap[nodeName] = this.cloneTensorList(tensors);
    }
    return tensorsMap;
  }

  afterNode(node, tensors, tensorsMap, tensorsToKeep, outputNodeNameSet, liveUntilNodes) {
    tensorsMap[node.name] = tensors;
    if (this.keepIntermediateTensors) this.clonedTensorsMap[node.name] = this.cloneTensorList(tensors);
    if (isControlFlow(node) || liveUntilNodes == null) return;
    for (const toDispose of liveUntilNodes) {
      if (isControlFlow(toDispose) || outputNodeNameSet.has(toDispose.name)) continue;
      for (const t of tensorsMap[toDispose.name] || []) {
        if (!t || t.kept || tensorsToKeep.has(t.id)) continue;
        t.dispose();
      }
    }
  }

  execute(inputs, outputs) {
    this.disposeIntermediateTensors();
    const prepared = this.prepare(inputs, outputs, true);
    const {orderedNodes, nodeLiveUntilMap} = prepared.compilation;
    return tf.tidy(() => {
      const tensorsMap = this.startTensorsMap(prepared.inputs);
      const tensorsToKeep = frozenIds(tensorsMap);
      for (const node of orderedNodes) {
        if (tensorsMap[node.name]) continue;
        if (node.category === 'control' || node.category === 'hash_table') {
          throw new Error(`The execution of the op '${node.op}' returned a promise. Please use model.executeAsync() ` +
                          'instead.');
        }
        const tensors = executeOp(node, tensorsMap, {...this.context(), lists: newLists()});
        if (isPromise(tensors)) {
          throw new Error(`The execution of the op '${node.op}' returned a promise. Please use model.executeAsync() ` +
                          'instead.');
        }
        this.afterNode(node, tensors, tensorsMap, tensorsToKeep, prepared.outputNodeNameSet,
                       nodeLiveUntilMap.get(node.name));
      }
      return prepared.outputs.map(name => getTensor(name, tensorsMap));
    });
  }

  get resourceManager() { return this.parent ? this.parent.resourceManager : this._resourceManager; }

  set resourceManager(manager) { this._resourceManager = manager; }

  context() {
    return {functionMap: this.functionExecutorMap, resourceManager: this.resourceManager};
  }

  /** Runs this library function's graph on `inputs` (its arguments, in order). */
  async executeFunctionAsync(inputs, lists) {
    const mapped = {};
    inputs.forEach((t, i) => { mapped[this.inputs[i].name] = t; });
    return this.executeAsync(mapped, this.outputNodes, true, lists);
  }

  async executeAsync(inputs, outputs, isFunctionExecution = false, lists = null) {
    this.disposeIntermediateTensors();
    const prepared = this.prepare(inputs, outputs, false, isFunctionExecution);
    // TensorArrays/TensorLists live for one execution, shared with the functions it calls.
    const ctx = {...this.context(), lists: lists || newLists()};
    const ownsLists = lists == null;
    if (prepared.compilation.frames) return this.executeWithFrames(prepared, ctx, ownsLists);
    const {orderedNodes, nodeLiveUntilMap, dynamicNode} = prepared.compilation;
    const tensorsMap = this.startTensorsMap(prepared.inputs);
    const tensorsToKeep = frozenIds(tensorsMap);
    try {
      for (const node of orderedNodes) {
        if (tensorsMap[node.name]) continue;
        let tensors = executeOp(node, tensorsMap, ctx);
        if (isPromise(tensors)) tensors = await tensors;
        this.afterNode(node, tensors, tensorsMap, tensorsToKeep, prepared.outputNodeNameSet,
                       nodeLiveUntilMap.get(node.name));
      }
    } catch (e) {
      const keep = new Set([...tensorsToKeep, ...this.weightIds]);
      disposeAllBut(tensorsMap, keep);
      if (ownsLists) disposeLists(ctx.lists, keep);
      throw e;
    }
    if (dynamicNode == null && !isFunctionExecution) {
      console.warn('This model execution did not contain any nodes with control flow or dynamic output shapes. ' +
                   'You can use model.execute() instead.');
    }
    const results = prepared.outputs.map(name => getTensor(name, tensorsMap));
    const keepIds = new Set([...results.filter(Boolean).map(t => t.id),
                             ...Object.keys(prepared.inputs).map(name => prepared.inputs[name].id), ...this.weightIds]);
    disposeAllBut(tensorsMap, keepIds);
    if (ownsLists) disposeLists(ctx.lists, keepIds);
    return results;
  }

  /** tfjs's executeWithControlFlow: a work stack, each node run once all its inputs (one, for Merge) have values. */
  async executeWithFrames(prepared, outerCtx, ownsLists) {
    const {inputs, outputs, outputNodeNameSet, compilation: {info}} = prepared;
    const frames = new ExecutionContext();
    const ctx = {...outerCtx, frames};
    const names = Object.keys(inputs);
    const inputNodes = names.map(name => this.graph.nodes[parseNodeName(name)[0]]);
    const outputNodes = info.outputs;
    const stack = [...inputNodes, ...this.graph.weights, ...(this._initNodes || [])]
        .map(node => ({node, contexts: frames.currentContext}));
    const tensorsMap = this.startTensorsMap(inputs);
    const tensorsToKeep = frozenIds(tensorsMap);
    const consumers = {};
    const added = {};
    try {
      while (stack.length > 0) {
        const promises = this.processStack(stack, ctx, tensorsMap, added, tensorsToKeep, outputNodeNameSet, consumers,
                                           info.usedNodes);
        await Promise.all(promises);
      }
      const missing = outputNodes.filter(node => !isControlFlow(node) && !getTensor(node.name, tensorsMap, frames))
          .map(node => node.name);
      if (missing.length > 0) {
        throw new Error(`Cannot compute the outputs [${missing}] from the provided inputs [${names}]. Consider ` +
                        `providing the following inputs: [${info.missingInputs}]. `);
      }
    } catch (e) {
      const keep = new Set([...tensorsToKeep, ...this.weightIds]);
      disposeAllBut(tensorsMap, keep);
      if (ownsLists) disposeLists(ctx.lists, keep);
      throw e;
    }
    const results = outputs.map(name => getTensor(name, tensorsMap, frames));
    const keepIds = new Set([...results.filter(Boolean).map(t => t.id), ...names.map(name => inputs[name].id),
                             ...this.weightIds]);
    disposeAllBut(tensorsMap, keepIds);
    if (ownsLists) disposeLists(ctx.lists, keepIds);
    return results;
  }

  processStack(stack, ctx, tensorMap, added, tensorsToKeep, outputNodeNameSet, consumers, usedNodes) {
    const frames = ctx.frames;
    const promises = [];
    while (stack.length > 0) {
      const item = stack.pop();
      frames.currentContext = item.contexts;
      let nodeName = '';
      // A constant Enter's tensor belongs to the frame it enters from: it stays for the whole loop.
      if (item.node.op === 'Enter' && getParamValue('isConstant', item.node, tensorMap, frames)) {
        [nodeName] = nodeNameAndIndex(item.node.name, frames);
      }
      if (tensorMap[item.node.name] == null) {
        const tensors = executeOp(item.node, tensorMap, ctx);
        if (!nodeName) [nodeName] = nodeNameAndIndex(item.node.name, frames);
        const currentContext = frames.currentContext;
        const done = t => {
          tensorMap[nodeName] = t;
          if (this.keepIntermediateTensors) this.clonedTensorsMap[nodeName] = this.cloneTensorList(t);
          frames.currentContext = currentContext;
          this.checkTensorForDisposal(nodeName, item.node, tensorMap, frames, tensorsToKeep, outputNodeNameSet, consumers);
          this.processChildNodes(item.node, stack, frames, tensorMap, added, usedNodes);
          return t;
        };
        if (isPromise(tensors)) promises.push(tensors.then(done));
        else done(tensors);
      } else {
        this.processChildNodes(item.node, stack, frames, tensorMap, added, usedNodes);
      }
    }
    return promises;
  }

  processChildNodes(node, stack, frames, tensorMap, added, usedNodes) {
    for (const child of node.children) {
      const [nodeName] = nodeNameAndIndex(child.name, frames);
      if (added[nodeName] || !usedNodes.has(child.name)) continue;
      const ready = child.op === 'Merge' ? child.inputNames.some(name => !!getTensor(name, tensorMap, frames))
                                         : child.inputNames.every(name => !!getTensor(name, tensorMap, frames));
      if (ready) {
        added[nodeName] = true;
        stack.push({contexts: frames.currentContext, node: child});
      }
    }
  }

  checkTensorForDisposal(nodeName, node, tensorMap, frames, tensorsToKeep, outputNodeNameSet, consumers) {
    if (isControlFlow(node) || outputNodeNameSet.has(nodeName)) return;
    for (const t of tensorMap[nodeName] || []) {
      if (t == null) continue;
      consumers[t.id] = (consumers[t.id] || 0) + node.children.length;
    }
    for (const input of node.inputs) {
      if (isControlFlow(input)) continue;
      const tensors = tensorMap[nameWithContextId(input.name, frames.currentContextId)];
      if (tensors == null) continue;
      for (const t of tensors) {
        if (!t || t.kept || tensorsToKeep.has(t.id)) continue;
        const count = consumers[t.id];
        if (count === 1) {
          t.dispose();
          delete consumers[t.id];
        } else if (count != null) {
          consumers[t.id]--;
        }
      }
    }
  }

  cloneTensorList(tensors) {
    return tensors ? tensors.map(t => (t == null ? null : tf.keep(t.clone()))) : null;
  }

  cloneTensorMap(map) {
    return Object.fromEntries(Object.entries(map).map(([name, list]) => [name, this.cloneTensorList(list)]));
  }

  disposeIntermediateTensors() {
    if (!this.clonedTensorsMap) return;
    for (const list of Object.values(this.clonedTensorsMap)) {
      for (const t of list || []) if (t && !t.isDisposed) t.dispose();
    }
    this.clonedTensorsMap = null;
  }

  getIntermediateTensors() {
    return this.clonedTensorsMap;
  }

  dispose() {
    for (const key of Object.keys(this.weightMap)) this.weightMap[key].forEach(t => t.dispose());
  }

  checkInputShapeAndType(inputs) {
    for (const name of Object.keys(inputs)) {
      const input = inputs[name];
      const node = this.graph.nodes[parseNodeName(name)[0]];
      if (!(input instanceof tf.Tensor)) {
        throw new Error(`The value of dict['${node.name}'] provided in model.execute(dict) must be a tf.Tensor`);
      }
      if (node.attrParams.shape && node.attrParams.shape.value) {
        const shape = node.attrParams.shape.value;
        const match = shape.length === input.shape.length &&
            input.shape.every((dim, i) => shape[i] === -1 || shape[i] === dim);
        if (!match) {
          throw new Error(`The shape of dict['${node.name}'] provided in model.execute(dict) must be [${shape}], but ` +
                          `was [${input.shape}]`);
        }
      }
      if (node.attrParams.dtype && node.attrParams.dtype.value && input.dtype !== node.attrParams.dtype.value) {
        throw new Error(`The dtype of dict['${node.name}'] provided in model.execute(dict) must be ` +
                        `${node.attrParams.dtype.value}, but was ${input.dtype}`);
      }
    }
  }

  mapInputs(inputs) {
    const result = {};
    for (const inputName in inputs) {
      const t = this._signature && this._signature.inputs && this._signature.inputs[inputName];
      result[t != null ? t.name : inputName] = inputs[inputName];
    }
    return result;
  }

  checkInputs(inputs) {
    const notInGraph = Object.keys(inputs).filter(name => this.graph.nodes[parseNodeName(name)[0]] == null);
    if (notInGraph.length > 0) {
      throw new Error(`The dict provided in model.execute(dict) has keys: [${notInGraph}] that are not part of graph`);
    }
  }

  mapOutputs(outputs) {
    return outputs.map(name => {
      const t = this._signature && this._signature.outputs && this._signature.outputs[name];
      return t != null ? t.name : name;
    });
  }

  checkOutputs(outputs) {
    for (const name of outputs) {
      if (!this.graph.nodes[parseNodeName(name)[0]]) throw new Error(`The output '${name}' is not found in the graph`);
    }
  }
}

function frozenIds(tensorsMap) {
  const ids = new Set();
  for (const list of Object.values(tensorsMap)) for (const t of list) if (t) ids.add(t.id);
  return ids;
}

function disposeAllBut(tensorsMap, keepIds) {
  for (const list of Object.values(tensorsMap)) {
    for (const t of list) if (t && !t.isDisposed && !t.kept && !keepIds.has(t.id)) t.dispose();
  }
}

// ---- the model -------------------------------------------------------------------------

function getTFHubUrl(modelUrl) {
  if (!modelUrl.endsWith('/')) modelUrl = `${modelUrl}/`;
  return `${modelUrl}${DEFAULT_MODEL_NAME}${TFHUB_SEARCH_PARAM}`;
}

/** tf.GraphModel: a TensorFlow graph (tfjs-converter's format) run for inference. */
export class GraphModel {
  constructor(modelUrl, loadOptions = {}, tfio = io) {
    this.modelUrl = modelUrl;
    this.loadOptions = loadOptions == null ? {} : loadOptions;
    this.version = 'n/a';
    this.io = tfio;
    this.resourceIdToCapturedInput = null;
    this.resourceManager = new ResourceManager();
  }

  get modelVersion() { return this.version; }

  get inputNodes() { return this.executor.inputNodes; }

  get outputNodes() { return this.executor.outputNodes; }

  get inputs() { return this.executor.inputs; }

  get outputs() { return this.executor.outputs; }

  get weights() { return this.executor.weightMap; }

  get metadata() { return this.artifacts.userDefinedMetadata; }

  get modelSignature() { return this.signature; }

  get modelStructuredOutputKeys() { return this.structuredOutputKeys; }

  findIOHandler() {
    const path = this.modelUrl;
    if (path != null && path.load != null) {
      this.handler = path;
    } else if (this.loadOptions.requestInit != null) {
      this.handler = this.io.browserHTTPRequest(path, this.loadOptions);
    } else {
      const handlers = this.io.getLoadHandlers(path, this.loadOptions);
      if (handlers.length === 0) {
        handlers.push(this.io.browserHTTPRequest(path, this.loadOptions));
      } else if (handlers.length > 1) {
        throw new Error(`Found more than one (${handlers.length}) load handlers for URL '${[path]}'`);
      }
      this.handler = handlers[0];
    }
  }

  /** Loads the artifacts through the IO handler: a Promise<boolean>, or true for a synchronous handler. */
  load() {
    this.findIOHandler();
    if (this.handler.load == null) {
      throw new Error('Cannot proceed with model loading because the IOHandler provided does not have the `load` ' +
                      'method implemented.');
    }
    const loadResult = this.handler.load();
    if (isPromise(loadResult)) {
      return loadResult.then(artifacts => (artifacts.getWeightStream == null ? this.loadSync(artifacts)
                                                                               : this.loadStreaming(artifacts)));
    }
    return this.loadSync(loadResult);
  }

  loadSync(artifacts) {
    checkArtifacts(artifacts);
    const weightMap = artifacts.weightData == null ? {}
        : this.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs || []);
    return this.loadWithWeightMap(artifacts, weightMap);
  }

  async loadStreaming(artifacts) {
    checkArtifacts(artifacts);
    const weightMap = await this.io.decodeWeightsStream(artifacts.getWeightStream(), artifacts.weightSpecs);
    return this.loadWithWeightMap(artifacts, weightMap);
  }

  loadWithWeightMap(artifacts, weightMap) {
    try {
      this.artifacts = artifacts;
      const graph = artifacts.modelTopology;
      let signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) {
        const metadata = artifacts.userDefinedMetadata;
        if (metadata.signature != null) signature = metadata.signature;
        if (metadata.structuredOutputKeys != null) this.structuredOutputKeys = metadata.structuredOutputKeys;
      }
      this.signature = signature;
      const versions = graph.versions || {};
      this.version = `${versions.producer}.${versions.minConsumer}`;
      this.executor = new GraphExecutor(transformGraph(graph, this.signature));
      this.executor.weightMap = Object.fromEntries(Object.keys(weightMap).map(key => [key, [weightMap[key]]]));
      this.executor.resourceManager = this.resourceManager;
      if (artifacts.modelInitializer != null && artifacts.modelInitializer.node != null) {
        this.initializer = new GraphExecutor(transformGraph(artifacts.modelInitializer));
        this.initializer._weightMap = this.executor.weightMap;
        this.initializer._weightIds = this.executor.weightIds;
        this.initializer.resourceManager = this.resourceManager;
        this.initializerSignature = artifacts.initializerSignature;
      }
    } catch (e) {
      tf.dispose(Object.values(weightMap));
      this.executor = undefined;
      throw e;
    }
    return true;
  }

  async save(handlerOrURL, config) {  // eslint-disable-line no-unused-vars
    if (typeof handlerOrURL === 'string') {
      const handlers = this.io.getSaveHandlers(handlerOrURL);
      if (handlers.length === 0) throw new Error(`Cannot find any save handlers for URL '${handlerOrURL}'`);
      if (handlers.length > 1) {
        throw new Error(`Found more than one (${handlers.length}) save handlers for URL '${handlerOrURL}'`);
      }
      handlerOrURL = handlers[0];
    }
    if (handlerOrURL == null || handlerOrURL.save == null) {
      throw new Error('GraphModel.save() cannot proceed because the IOHandler provided does not have the `save` ' +
                      'attribute defined.');
    }
    return handlerOrURL.save(this.artifacts);
  }

  addStructuredOutputNames(outputTensors) {
    if (this.structuredOutputKeys) {
      const list = outputTensors instanceof tf.Tensor ? [outputTensors] : outputTensors;
      const map = {};
      list.forEach((t, i) => { map[this.structuredOutputKeys[i]] = t; });
      return map;
    }
    return outputTensors;
  }

  predict(inputs, config) {  // eslint-disable-line no-unused-vars
    return this.addStructuredOutputNames(this.execute(inputs, this.outputNodes));
  }

  async predictAsync(inputs, config) {  // eslint-disable-line no-unused-vars
    return this.addStructuredOutputNames(await this.executeAsync(inputs, this.outputNodes));
  }

  normalizeInputs(inputs) {
    if (!(inputs instanceof tf.Tensor) && !Array.isArray(inputs)) {
      if (inputs == null || typeof inputs !== 'object') {
        throw new Error('GraphModel inputs must be a tf.Tensor, an array of them or a map of node names to them');
      }
      const signatureInputs = this.signature && this.signature.inputs;
      if (signatureInputs != null) {
        for (const input in signatureInputs) {
          const t = signatureInputs[input];
          if (t.resourceId != null) inputs[input] = this.resourceIdToCapturedInput[t.resourceId];
        }
      }
      return inputs;
    }
    inputs = Array.isArray(inputs) ? inputs : [inputs];
    const numCaptured = Object.keys(this.resourceIdToCapturedInput).length;
    if (inputs.length + numCaptured !== this.inputNodes.length) {
      throw new Error(`Input tensor count mismatch, the graph model has ${this.inputNodes.length - numCaptured} ` +
                      `non-resource placeholders, while there are ${inputs.length} input tensors provided.`);
    }
    let inputIndex = 0;
    return this.inputNodes.reduce((map, inputName) => {
      const sig = this.signature && this.signature.inputs && this.signature.inputs[inputName];
      const resourceId = sig && sig.resourceId;
      map[inputName] = resourceId != null ? this.resourceIdToCapturedInput[resourceId] : inputs[inputIndex++];
      return map;
    }, {});
  }

  normalizeOutputs(outputs) {
    outputs = outputs || this.outputNodes;
    return !Array.isArray(outputs) ? [outputs] : outputs;
  }

  executeInitializerGraph() {
    if (this.initializer == null) return [];
    return this.initializer.execute({}, this.initializerSignature == null ? []
                                                                          : Object.keys(this.initializerSignature.outputs));
  }

  async executeInitializerGraphAsync() {
    if (this.initializer == null) return [];
    return this.initializer.executeAsync(
        {}, this.initializerSignature == null ? [] : Object.keys(this.initializerSignature.outputs));
  }

  setResourceIdToCapturedInput(outputs) {
    this.resourceIdToCapturedInput = {};
    if (this.initializerSignature) {
      const names = Object.keys(this.initializerSignature.outputs);
      names.forEach((name, i) => {
        this.resourceIdToCapturedInput[this.initializerSignature.outputs[name].resourceId] = outputs[i];
      });
    }
  }

  checkLoaded() {
    if (this.executor == null) throw new Error('The GraphModel is not loaded: call load() (or tf.loadGraphModel) first');
  }

  execute(inputs, outputs) {
    this.checkLoaded();
    if (this.resourceIdToCapturedInput == null) this.setResourceIdToCapturedInput(this.executeInitializerGraph());
    const result = this.executor.execute(this.normalizeInputs(inputs), this.normalizeOutputs(outputs));
    return result.length > 1 ? result : result[0];
  }

  async executeAsync(inputs, outputs) {
    this.checkLoaded();
    if (this.resourceIdToCapturedInput == null) {
      this.setResourceIdToCapturedInput(await this.executeInitializerGraphAsync());
    }
    const result = await this.executor.executeAsync(this.normalizeInputs(inputs), this.normalizeOutputs(outputs));
    return result.length > 1 ? result : result[0];
  }

  getIntermediateTensors() {
    return this.executor.getIntermediateTensors();
  }

  disposeIntermediateTensors() {
    this.executor.disposeIntermediateTensors();
  }

  dispose() {
    if (this.executor == null) return;
    this.executor.disposeIntermediateTensors();
    this.executor.dispose();
    if (this.initializer && this.resourceIdToCapturedInput) tf.dispose(Object.values(this.resourceIdToCapturedInput));
    this.resourceManager.dispose();
  }
}

function checkArtifacts(artifacts) {
  if (artifacts == null || typeof artifacts !== 'object') throw new Error('The model artifacts must be an object.');
  let topology = artifacts.modelTopology;
  if (topology == null) throw new Error('The model artifacts have no modelTopology.');
  if (typeof topology === 'string') {
    try {
      topology = artifacts.modelTopology = JSON.parse(topology);
    } catch (e) {
      throw new Error(`Failed to parse the modelTopology JSON: ${e.message}`);
    }
  }
  if (!Array.isArray(topology.node)) {
    const hint = topology.class_name != null || topology.model_config != null
        ? ' (this looks like a layers model: load it with tf.loadLayersModel)' : '';
    throw new Error(`The graph model's modelTopology must be a GraphDef with a \`node\` array${hint}`);
  }
}

/** tf.loadGraphModel(modelUrl | IOHandler, {fromTFHub, weightPathPrefix, requestInit, onProgress, fetchFunc, ...}). */
export async function loadGraphModel(modelUrl, options = {}, tfio = io) {
  if (modelUrl == null) {
    throw new Error('modelUrl in loadGraphModel() cannot be null. Please provide a url or an IOHandler that loads ' +
                    'the model');
  }
  if (options == null) options = {};
  if (options.fromTFHub && typeof modelUrl === 'string') modelUrl = getTFHubUrl(modelUrl);
  const model = new GraphModel(modelUrl, options, tfio);
  await model.load();
  return model;
}

/** tf.loadGraphModelSync(IOHandlerSync | ModelArtifacts | [modelJSON, weightsArrayBuffer]). */
export function loadGraphModelSync(modelSource) {
  if (modelSource == null) {
    throw new Error('modelUrl in loadGraphModelSync() cannot be null. Please provide model artifacts or an IOHandler ' +
                    'that loads the model');
  }
  let ioHandler;
  if (modelSource instanceof Array) {
    const [modelJSON, weights] = modelSource;
    if (!modelJSON) throw new Error('modelJSON must be the first element of the array');
    if (!weights || !(weights instanceof ArrayBuffer)) {
      throw new Error('An ArrayBuffer of weights must be the second element of the array');
    }
    if (!('modelTopology' in modelJSON)) throw new Error('Model JSON is missing \'modelTopology\'');
    if (!('weightsManifest' in modelJSON)) throw new Error('Model JSON is missing \'weightsManifest\'');
    const weightSpecs = io.getWeightSpecs(modelJSON.weightsManifest);
    ioHandler = io.fromMemorySync(io.getModelArtifactsForJSONSync(modelJSON, weightSpecs, weights));
  } else if ('load' in modelSource) {
    ioHandler = modelSource;
  } else if ('modelTopology' in modelSource && 'weightSpecs' in modelSource && 'weightData' in modelSource) {
    ioHandler = io.fromMemorySync(modelSource);
  } else {
    throw new Error('Unknown model format');
  }
  const model = new GraphModel(ioHandler);
  const loaded = model.load();
  if (isPromise(loaded)) {
    loaded.catch(() => {});
    throw new Error('loadGraphModelSync() needs a synchronous IOHandler, but its load() returned a Promise: use ' +
                    'tf.loadGraphModel() for asynchronous handlers');
  }
  return model;
}
