// Models: tf.model() (functional), tf.sequential(), tf.input()
// (tfjs-layers/src/engine/training.ts, models.ts). A model is a Layer handle
// whose graph lives in the engine; training steps run there, one call per batch.
import {fromVector, getCore} from './core.js';
import {Layer, SymbolicTensor, callHooks, registerWrapper, runForEngine, wrapLayer} from './layers.js';
import {tidy} from './engine.js';
import {Tensor, assertNumericTensor, assertTensor, dispose} from './tensor.js';
import {Optimizer, optimizerFromHandle} from './optimizers.js';
import {evaluateDatasetLoop, fitDatasetLoop} from './dataset_training.js';
import {encodeWeights, saveHandlerOf, writeModelArtifacts} from './io/index.js';
import {modelTopology, trainingConfigOf} from './topology.js';
import {evaluateLoop, fitLoop, predictLoop, trainOnHandles} from './training.js';

function optimizerSpec(optimizer) {
  if (typeof optimizer === 'string') return optimizer;
  if (optimizer != null && typeof optimizer.getClassName === 'function') {
    return {className: optimizer.getClassName(), config: optimizer.getConfig()};
  }
  throw new Error(`compile: unknown optimizer ${JSON.stringify(optimizer)}. Pass a name such as 'sgd' ` +
                  'or a tf.train optimizer');
}

// compile()'s loss and metrics for the engine: names stay names; the user's
// functions (yTrue, yPred) => Tensor become {hostFn: k, name} entries, the engine
// calling fns[k] back during each train/evaluate step (on its tape, so custom
// losses are differentiated like built-in ones).
function lossSpec(loss, fns) {
  const one = l => {
    if (typeof l === 'string') return l;
    if (typeof l === 'function' && l.lossName) return l.lossName;  // tf.losses.* functions
    if (typeof l === 'function') return hostFnSpec(l, fns, 'customLoss');
    throw new Error(`compile: loss ${JSON.stringify(l)} is not supported: pass a loss name such as ` +
                    '\'meanSquaredError\' or a function (yTrue, yPred) => Tensor');
  };
  if (Array.isArray(loss)) return loss.map(one);
  if (loss != null && typeof loss === 'object') return Object.fromEntries(Object.entries(loss).map(([k, v]) => [k, one(v)]));
  return one(loss);
}

function metricsSpec(metrics, fns) {
  const one = m => (typeof m === 'function' ? hostFnSpec(m, fns, 'metric') : m);
  const list = ms => (Array.isArray(ms) ? ms.map(one) : one(ms));
  if (metrics != null && typeof metrics === 'object' && !Array.isArray(metrics)) {
    return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, list(v)]));
  }
  return list(metrics);
}

function hostFnSpec(fn, fns, fallbackName) {
  fns.push(fn);
  return {hostFn: fns.length - 1, name: fn.metricName || fn.name || fallbackName};
}

/** @internal The object the engine calls back for compile()'s functions (bindings: setHostFunctions). */
function hostFunctions(fns) {
  const core = getCore();
  return {
    hostFn: (k, slot) => runForEngine(() => {
      const yTrue = new Tensor(core.hostSlotInput(slot, 0)), yPred = new Tensor(core.hostSlotInput(slot, 1));
      try {
        const out = tidy(() => fns[k](yTrue, yPred));
        if (!(out instanceof Tensor)) {
          throw new Error(`The loss or metric function ${fns[k].name || ''} must return a Tensor, but it returned ${out}`);
        }
        core.hostSlotPush(slot, out.handle);
        if (out !== yTrue && out !== yPred) out.dispose();
      } finally {
        yTrue.dispose();
        yPred.dispose();
      }
    }, `The loss or metric function ${fns[k].name || ''}`),
  };
}

/**
 * @internal Normalizes x (a Tensor, an array, or an object keyed by name) to an
 * array in the order of `names` (an array, or a function giving it: only an
 * object needs the names, and reading them crosses into the engine).
 */
export function toTensorList(x, namesOrFn, what) {
  if (x instanceof Tensor) return [assertNumericTensor(x, 'x', what)];
  if (x instanceof SymbolicTensor) {
    throw new Error(`${what}: got a SymbolicTensor; pass concrete Tensors (SymbolicTensors only build models)`);
  }
  if (Array.isArray(x)) {
    x.forEach((t, i) => {
      if (t instanceof SymbolicTensor) {
        throw new Error(`${what}: got a SymbolicTensor; pass concrete Tensors (SymbolicTensors only build models)`);
      }
      assertNumericTensor(t, `${what}[${i}]`, what);
    });
    return x;
  }
  if (x != null && typeof x === 'object') {
    const names = typeof namesOrFn === 'function' ? namesOrFn() : namesOrFn;
    return names.map(n => {
      if (!(n in x)) throw new Error(`${what}: no data provided for "${n}". Need data for each key in: ${JSON.stringify(names)}`);
      return assertNumericTensor(x[n], `${what}.${n}`, what);
    });
  }
  throw new Error(`${what}: expected a Tensor, an array of Tensors or an object of Tensors, got ${x}`);
}

// model.save()'s weights, encoded ({specs, data}): the model's under their
// original names (trainableOnly: the trainable ones), then with includeOptimizer
// the optimizer's, in group 'optimizer'. Every tensor read here is freed here.
async function encodeModelWeights(model, config) {
  const weights = model.weights.filter(w => !config.trainableOnly || w.trainable);
  const tensors = model.getWeights();
  const byName = new Map(model.weights.map((w, i) => [w.name, tensors[i]]));
  let encoded;
  try {
    const named = weights.map(w => ({name: w.originalName, tensor: byName.get(w.name)}));
    if (config.includeOptimizer && model.optimizer && typeof model.optimizer.getWeights === 'function') {
      const optWeights = await model.optimizer.getWeights();
      named.push(...optWeights.map(w => ({name: w.name, tensor: w.tensor, group: 'optimizer'})));
      encoded = encodeWeights(named, config.quantize);
      dispose(optWeights.map(w => w.tensor));
    } else {
      encoded = encodeWeights(named, config.quantize);
    }
  } finally {
    dispose(tensors);
  }
  return encoded;
}

// A stateful recurrent layer's config, or a Bidirectional's around one.
const isStateful = c => c.stateful === true || (c.layer != null && c.layer.config != null && c.layer.config.stateful === true);

export class LayersModel extends Layer {
  /** @internal */
  _init(handle) {
    super._init(handle);
    this.isTraining = false;
    this.stopTraining = false;
    this.optimizer = null;
  }

  /** @internal */
  get info() {
    return JSON.parse(this.handle.infoJson());
  }

  get layers() {
    return fromVector(this.handle.layers()).map(wrapLayer);
  }

  /** tfjs: resets the states of every stateful layer (nested models included). */
  resetStates() {
    for (const layer of this.layers) {
      if (layer instanceof LayersModel) layer.resetStates();
      else if (typeof layer.resetStates === 'function' && isStateful(layer.getConfig())) layer.resetStates();
    }
  }

  /** The model's input and output SymbolicTensors (tfjs: build new models from them). */
  get inputs() {
    return this._cachedSymbols('inputs', () => fromVector(this.handle.inputSymbols()).map(h => new SymbolicTensor(h))).slice();
  }

  get outputs() {
    return this._cachedSymbols('outputs', () => fromVector(this.handle.outputSymbols()).map(h => new SymbolicTensor(h))).slice();
  }

  /** tfjs: the InputLayers and the layers making the outputs. */
  get inputLayers() {
    return this.inputs.map(t => t.sourceLayer);
  }

  get outputLayers() {
    return this.outputs.map(t => t.sourceLayer);
  }

  get inputNames() {
    return this.info.inputNames;
  }

  get outputNames() {
    return this.info.outputNames;
  }

  get metricsNames() {
    return this.info.metricsNames;
  }

  getLayer(nameOrIndex, index) {
    const all = this.layers;
    if (typeof nameOrIndex === 'number' || index != null) {
      const i = typeof nameOrIndex === 'number' ? nameOrIndex : index;
      if (i < 0 || i >= all.length) {
        throw new Error(`Was asked to retrieve layer at index ${i}, but model only has ${all.length} layer(s).`);
      }
      return all[i];
    }
    const found = all.find(l => l.name === nameOrIndex);
    if (!found) throw new Error(`No such layer: ${nameOrIndex}`);
    return found;
  }

  compile(args = {}) {
    if (args == null || typeof args !== 'object') throw new Error('compile: expected an object {optimizer, loss, metrics}');
    const fns = [];
    // Keras options this engine does not implement: an Error, not a compile that ignores them.
    for (const key of ['weightedMetrics', 'sampleWeightMode']) {
      if (args[key] != null) throw new Error(`compile: ${key} is not supported`);
    }
    const config = {loss: lossSpec(args.loss, fns)};
    if (args.metrics != null) config.metrics = metricsSpec(args.metrics, fns);
    if (args.lossWeights != null) config.lossWeights = args.lossWeights;  // checked by the engine
    this.handle.setHostFunctions(hostFunctions(fns), fns.length);
    if (args.optimizer instanceof Optimizer) {
      this.handle.compileWith(JSON.stringify(config), args.optimizer.handle);
      this._disposeOwnedOptimizer();
      this.optimizer = args.optimizer;
      this._compileArgs = {optimizer: args.optimizer, loss: args.loss, metrics: args.metrics, lossWeights: args.lossWeights};
      return;
    }
    config.optimizer = optimizerSpec(args.optimizer);
    this.handle.compile(JSON.stringify(config));
    // As tfjs: a name or config compiles to an Optimizer of the model's own (disposed with it).
    this._disposeOwnedOptimizer();
    this.optimizer = this._ownedOptimizer = optimizerFromHandle(this.handle.getOptimizer());
    this._compileArgs = {optimizer: args.optimizer, loss: args.loss, metrics: args.metrics, lossWeights: args.lossWeights};
  }

  predict(x, args = {}) {
    const xs = toTensorList(x, () => this.inputNames, 'predict');
    const outs = predictLoop(this, xs, args.batchSize);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** Outputs of the named layers ("name" or "name:i") for inputs x, without training. */
  execute(x, outputs) {
    const xs = toTensorList(x, () => this.inputNames, 'execute');
    if (callHooks.count > 0) this._assertNoInnerCallHooks();
    const names = (Array.isArray(outputs) ? outputs : [outputs]).map(o => (o instanceof SymbolicTensor ? o.sourceLayer.name : o));
    const v = new (getCore().TensorVector)();
    xs.forEach(t => v.push_back(t.handle));
    try {
      const out = fromVector(this.handle.executeTo(v, names)).map(h => new Tensor(h));
      return Array.isArray(outputs) ? out : out[0];
    } finally {
      v.delete();
    }
  }

  predictOnBatch(x) {
    const xs = toTensorList(x, () => this.inputNames, 'predictOnBatch');
    const outs = predictLoop(this, xs, Infinity);
    return outs.length === 1 ? outs[0] : outs;
  }

  async fit(x, y, args = {}) {
    if (this.isTraining) {
      throw new Error('Cannot start training because another fit() call is ongoing.');
    }
    const xs = toTensorList(x, () => this.inputNames, 'fit');
    const ys = toTensorList(y, () => this.outputNames, 'fit');
    this.isTraining = true;
    try {
      return await fitLoop(this, xs, ys, args);
    } finally {
      this.isTraining = false;
    }
  }

  async fitDataset(dataset, args = {}) {
    if (this.isTraining) {
      throw new Error('Cannot start training because another fit() call is ongoing.');
    }
    this.isTraining = true;
    try {
      return await fitDatasetLoop(this, dataset, args);
    } finally {
      this.isTraining = false;
    }
  }

  async evaluateDataset(dataset, args = {}) {
    return evaluateDatasetLoop(this, dataset, args);
  }

  evaluate(x, y, args = {}) {
    // As tfjs (whose batchSize defaults to 32, so steps always throws there): not silently every sample.
    if (args != null && args.steps != null) throw new Error('evaluate: steps is not supported; evaluateDataset({batches}) evaluates a number of batches');
    const xs = toTensorList(x, () => this.inputNames, 'evaluate');
    const ys = toTensorList(y, () => this.outputNames, 'evaluate');
    // sampleWeight weighs the loss as Keras's sample_weight (tfjs 4.22 accepts and ignores it).
    return evaluateLoop(this, xs, ys, args.batchSize, args.sampleWeight);
  }

  /** One training step; returns the loss (and metrics) as numbers, as tfjs. */
  async trainOnBatch(x, y) {
    const xs = toTensorList(x, () => this.inputNames, 'trainOnBatch');
    const ys = toTensorList(y, () => this.outputNames, 'trainOnBatch');
    // The logs stay on the backend until one read (trainOnHandles).
    const values = await trainOnHandles(this, xs.map(t => t.handle), ys.map(t => t.handle));
    return values.length === 1 ? values[0] : values;
  }

  /** @internal Whether training takes the host step (layer_internals.js: layers with addLoss() functions). */
  _needsHostTrain() {
    return false;
  }

  setWeights(weights) {
    if (!Array.isArray(weights)) throw new Error('setWeights: expected an array of Tensors');
    weights.forEach((w, i) => assertNumericTensor(w, `weights[${i}]`, 'setWeights'));
    const v = new (getCore().TensorVector)();
    weights.forEach(w => v.push_back(w.handle));
    try {
      this.handle.setModelWeights(v);
    } finally {
      v.delete();
    }
  }

  /** The learning rate of the model's optimizer (reduceLROnPlateau uses these). */
  getLearningRate() {
    const opt = this.handle.getOptimizer();
    try {
      return opt.learningRate();
    } finally {
      opt.delete();
    }
  }

  setLearningRate(lr) {
    const opt = this.handle.getOptimizer();
    try {
      opt.setLearningRate(lr);
    } finally {
      opt.delete();
    }
  }

  /** The topology as Keras JSON: a string (default) or the object. */
  toJSON(unused, returnString = true) {
    const topology = modelTopology(this);
    return returnString ? JSON.stringify(topology) : topology;
  }

  /** Saves through a handler or a URL (file://, http(s)://, localstorage://, indexeddb://, downloads://). */
  async save(handlerOrURL, config = {}) {
    const handler = saveHandlerOf(handlerOrURL);
    const weights = await encodeModelWeights(this, config);
    return writeModelArtifacts(handler, {modelTopology: this.toJSON(null, false), weights,
                                         trainingConfig: trainingConfigOf(this),
                                         userDefinedMetadata: this._userDefinedMetadata});
  }

  setUserDefinedMetadata(metadata) {
    this._userDefinedMetadata = metadata;
  }

  getUserDefinedMetadata() {
    return this._userDefinedMetadata;
  }

  summary(lineLength, positions, printFn = console.log) {
    printSummary(this, lineLength, positions, printFn);
  }

  /** @internal */
  _disposeOwnedOptimizer() {
    if (this._ownedOptimizer) this._ownedOptimizer.dispose();
    this._ownedOptimizer = null;
  }

  dispose() {
    if (this.isDisposed) return {refCountAfterDispose: 0, numDisposedVariables: 0};
    this._disposeOwnedOptimizer();
    const layersNow = this.layers;
    const numDisposedVariables = this.getWeightsCount();
    super.dispose();
    for (const l of layersNow) {
      if (l !== this) l.dispose();
    }
    return {refCountAfterDispose: 0, numDisposedVariables};
  }

  /** @internal */
  getWeightsCount() {
    const v = this.handle.weightVariables(0);  // counted, no handle per weight
    try {
      return v.size();
    } finally {
      v.delete();
    }
  }
}

export class Sequential extends LayersModel {
  /** @internal add()/pop() change the model's inputs and outputs: drop the kept ones. */
  _forgetEnds() {
    for (const key of ['inputs', 'outputs']) {
      const kept = this._symbolCache && this._symbolCache.get(key);
      if (kept) kept.forEach(t => t.dispose());
      if (kept) this._symbolCache.delete(key);
    }
  }

  add(layer) {
    if (!(layer instanceof Layer)) {
      throw new Error(`The added layer must be an instance of class Layer. Found: ${layer}`);
    }
    this.handle.add(layer.handle);
    this._forgetEnds();
    // tfjs sets a layer's `weights` option once it is built (here, by the add).
    if (layer.initialWeights != null && !layer._initialWeightsSet && layer.built) {
      layer._initialWeightsSet = true;
      layer.setWeights(layer.initialWeights);
    }
  }

  pop() {
    this.handle.pop();
    this._forgetEnds();
  }

  /** The added layers (tfjs's Sequential.layers leaves out the implicit InputLayer). */
  get layers() {
    return fromVector(this.handle.stack()).map(wrapLayer);
  }

  /**
   * @internal tfjs's checks before a Sequential model is built: throws `error` when it has
   * no layers. A Sequential with a layer has an input (add() requires the first layer's
   * input shape), and `inputs` is cached: no engine call on predict's path.
   */
  _assertNotEmpty(error) {
    if (this.inputs.length === 0) throw error();
  }
}
// Every use that builds a tfjs Sequential model throws on an empty one: compile, predict
// and summary tfjs's TypeError; fit, evaluate and trainOnBatch, as tfjs's Sequential, that
// it is not compiled (it cannot be).
const EMPTY = () => new TypeError('Sequential model cannot be built: model is empty. Add some layers first.');
const UNCOMPILED = () => new Error('The model needs to be compiled before being used.');
for (const [names, error] of [[['compile', 'predict', 'predictOnBatch', 'summary'], EMPTY],
                              [['evaluate', 'evaluateDataset', 'fit', 'fitDataset', 'trainOnBatch'], UNCOMPILED]]) {
  for (const name of names) {
    const method = LayersModel.prototype[name];
    // An async method stays async: its check rejects rather than throws.
    Sequential.prototype[name] = method.constructor.name === 'AsyncFunction'
        ? async function(...args) { this._assertNotEmpty(error); return method.apply(this, args); }
        : function(...args) { this._assertNotEmpty(error); return method.apply(this, args); };
  }
}

// Sequential's constructor cannot go through Layer's (it is created by its own factory).
function makeSequential(args = {}) {
  if (args == null || typeof args !== 'object') throw new Error('tf.sequential() expects an object {layers, name}');
  const handle = getCore().createSequential(JSON.stringify(args.name != null ? {name: args.name} : {}));
  const model = Object.create(Sequential.prototype);
  model._init(handle);
  for (const layer of args.layers || []) model.add(layer);
  return model;
}

registerWrapper('Model', LayersModel);
registerWrapper('Sequential', Sequential);

export function sequential(args) {
  return makeSequential(args);
}

export function model(args) {
  if (args == null || typeof args !== 'object') throw new Error('tf.model() expects an object {inputs, outputs, name}');
  const ins = Array.isArray(args.inputs) ? args.inputs : [args.inputs];
  const outs = Array.isArray(args.outputs) ? args.outputs : [args.outputs];
  [...ins, ...outs].forEach((s, i) => {
    if (!(s instanceof SymbolicTensor)) throw new Error(`tf.model(): inputs and outputs must be SymbolicTensors (from tf.input() and layer.apply()); got ${s} at position ${i}`);
  });
  const core = getCore();
  const iv = new core.SymbolicVector(), ov = new core.SymbolicVector();
  ins.forEach(s => iv.push_back(s.handle));
  outs.forEach(s => ov.push_back(s.handle));
  try {
    return wrapLayer(core.createModel(iv, ov, JSON.stringify(args.name != null ? {name: args.name} : {})));
  } finally {
    iv.delete();
    ov.delete();
  }
}

export function input(config) {
  if (config == null || typeof config !== 'object') throw new Error('tf.input() expects an object {shape, batchShape, name}');
  return new SymbolicTensor(getCore().createInput(JSON.stringify(config)));
}

// ---- summary (tfjs-layers/src/utils/layer_utils.ts printSummary) ------------------

function printRow(fields, positions, printFn) {
  let line = '';
  for (let i = 0; i < fields.length; ++i) {
    if (i > 0) line = line.slice(0, line.length - 1) + ' ';
    line += fields[i];
    line = line.slice(0, positions[i]);
    line += ' '.repeat(positions[i] - line.length);
  }
  printFn(line);
}

// tfjs's isModelSequentialLike: a chain (one output, every node reads at most one
// tensor, no layer applied twice in this model) prints without connections.
function isSequentialLike(model, config) {
  if (model instanceof Sequential) return true;
  if ((config.outputLayers || []).length !== 1) return false;
  return config.layers.every(entry => (entry.inboundNodes || []).length <= 1 &&
                                      (entry.inboundNodes || []).every(node => node.length <= 1));
}

function printSummary(model, lineLength, positions, printFn) {
  const config = model.getConfig();
  const sequentialLike = isSequentialLike(model, config);
  const toDisplay = ['Layer (type)', 'Input Shape', 'Output shape', 'Param #'];
  if (sequentialLike) {
    lineLength = lineLength || 90;
    positions = positions || [0.32, 0.61, 0.89, 1];
  } else {
    lineLength = lineLength || 115;
    positions = positions || [0.24, 0.48, 0.70, 0.80, 1];
    toDisplay.push('Receives inputs');
  }
  if (positions[positions.length - 1] <= 1) positions = positions.map(p => Math.floor(lineLength * p));
  printFn('_'.repeat(lineLength));
  printRow(toDisplay, positions, printFn);
  printFn('='.repeat(lineLength));
  const all = model.layers;
  // "Receives inputs": layer[nodeIndex][tensorIndex] for each input of each node in this model.
  const connectionsOf = new Map(), nodesOf = new Map();
  for (const entry of config.layers || []) {
    const refs = [];
    for (const node of entry.inboundNodes || []) for (const [n, ni, ti] of node) refs.push(`${n}[${ni}][${ti}]`);
    connectionsOf.set(entry.name, refs);
    nodesOf.set(entry.name, (entry.inboundNodes || []).length);
  }
  all.forEach((layer, i) => {
    let inputShape, outputShape;
    // A nested model also has its own first node (its inputs), which tfjs lists too.
    const container = layer instanceof LayersModel;
    const nodes = Math.max(1, nodesOf.get(layer.name) || 0) + (container && nodesOf.get(layer.name) ? 1 : 0);
    try {
      const shape = layer.inputShape;
      // tfjs prints each inbound node's input shapes (a list even for one input),
      // joined by commas for a layer applied more than once.
      const one = JSON.stringify(Array.isArray(shape[0]) || shape.length === 0 ? shape : [shape]);
      inputShape = Array(nodes).fill(one).join(',');
    } catch {
      inputShape = 'multiple';
    }
    try {
      // tfjs: a nested Sequential's first node records its output shape as a list, so its
      // nodes disagree and tfjs prints 'multiple'.
      outputShape = layer instanceof Sequential && nodes > 1 ? 'multiple' : JSON.stringify(layer.outputShape);
    } catch {
      outputShape = 'multiple';
    }
    const fields = [`${layer.name} (${layer.getClassName()})`, inputShape, outputShape, String(layer.countParams())];
    const connections = connectionsOf.get(layer.name) || [];
    if (!sequentialLike) fields.push(connections.length ? connections[0] : '');
    printRow(fields, positions, printFn);
    for (const c of connections.slice(1)) printRow(['', '', '', '', c], positions, printFn);
    printFn((i === all.length - 1 ? '=' : '_').repeat(lineLength));
  });
  const weights = model.weights;
  const count = ws => ws.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const trainable = count(weights.filter(w => w.trainable));
  const nonTrainable = count(weights.filter(w => !w.trainable));
  printFn(`Total params: ${trainable + nonTrainable}`);
  printFn(`Trainable params: ${trainable}`);
  printFn(`Non-trainable params: ${nonTrainable}`);
  printFn('_'.repeat(lineLength));
}
