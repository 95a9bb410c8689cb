// tf.layers.*: thin factories over engine layers (tfjs-layers/src/exports_layers.ts).
// The engine validates options, owns the weights and records the graph; a Layer
// here is a handle. Layers apply to SymbolicTensors (building a model) or to
// Tensors (eager). To add a layer: its C++ class registers under its className;
// add its factory line to FACTORIES and its options to index.d.ts.
//
// Custom layers are JS subclasses (class MyLayer extends tf.layers.Layer), as in
// tfjs: the engine holds a HostLayer (cpp/layers/host_layer.h) that calls back
// into the subclass's build/call/computeOutputShape/getConfig; weights made by
// addWeight() are engine variables, and call() runs engine ops, so models with
// custom layers train, save and load like any other.
import {fromVector, getCore} from './core.js';
import {Variable, tidy} from './engine.js';
import {regularizerApply, regularizers, specOf} from './initializers.js';
import {Tensor, assertNumericTensor, assertTensor, dispose} from './tensor.js';
import {atEndOfJob} from './util.js';

// JS objects of live engine layers by engine identity, so model.layers returns
// the very objects the user created (as in tfjs).
const layerObjects = new Map();

// A SymbolicTensor's handle keeps its part of the graph (layers, weights) alive
// in the engine; handles dropped without dispose() are freed by the GC.
const symbolicFinalizer = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(handle => { if (!handle.isDeleted()) handle.delete(); })
    : null;

// As tensors, symbolic tensors join at the end of the current job (a model load makes
// and drops hundreds at once).
const registerSymbolicLater = atEndOfJob(t => {
  if (t._handle !== null) symbolicFinalizer.register(t, t._handle, t);
});

/** A placeholder for a layer's output while a model is being built (tf.input()). */
export class SymbolicTensor {
  /** @internal `sourceLayer`: the layer whose apply() made it, when the caller knows it. */
  constructor(handle, sourceLayer = null) {
    this._handle = handle;
    if (symbolicFinalizer) registerSymbolicLater(this);
    this.shape = handle.shape();
    this.name = handle.name();
    this.dtype = handle.dtype();
    this.sourceLayer = sourceLayer !== null ? sourceLayer : wrapLayer(handle.layer());
  }

  get rank() {
    return this.shape.length;
  }

  /** tfjs: which application of sourceLayer made this tensor, and which of its outputs. */
  get nodeIndex() {
    return this.handle.nodeIndex();
  }

  get tensorIndex() {
    return this.handle.tensorIndex();
  }

  /** tfjs: the keyword arguments of the call that made this tensor (the attention layers' useCausalMask...). */
  get callArgs() {
    return JSON.parse(this.handle.callArgsJson());
  }

  /** @internal The inputs of the node that made this tensor (kept with it, freed by its dispose()). */
  _nodeInputs() {
    if (this._inputs == null) this._inputs = fromVector(this.handle.nodeInputs()).map(h => new SymbolicTensor(h));
    return this._inputs;
  }

  /** @internal */
  get handle() {
    if (this._handle === null) throw new Error(`SymbolicTensor ${this.name} is disposed`);
    return this._handle;
  }

  /** Releases the engine's hold on the graph behind this tensor (models keep their own). */
  dispose() {
    if (this._handle === null) return;
    if (this._inputs) this._inputs.forEach(t => t.dispose());
    this._inputs = null;
    if (symbolicFinalizer) symbolicFinalizer.unregister(this);
    this._handle.delete();
    this._handle = null;
  }
}

/** @internal A JS object for an engine layer handle (reusing the user's object). */
export function wrapLayer(handle) {
  const existing = layerObjects.get(handle.uid());
  if (existing && !existing.isDisposed) {
    handle.delete();
    return existing;
  }
  const className = handle.className();
  const Cls = wrappers[className] || Layer;
  const obj = Object.create(Cls.prototype);
  obj._init(handle);
  return obj;
}

const wrappers = {};
/** @internal Lets models.js register the wrapper classes of Model and Sequential. */
export function registerWrapper(className, cls) {
  wrappers[className] = cls;
}

let nextNodeId = 0;

/**
 * tfjs's Node: one application of a layer (outboundLayer) to inputTensors, giving
 * outputTensors. Read-only; made on demand from the engine graph.
 */
export class Node {
  /** @internal outputs: the node's output SymbolicTensors. */
  constructor(outputs) {
    this.id = nextNodeId++;
    // tfjs's fields: the call's keyword arguments, and masks (tfjs records none on a node).
    this.callArgs = outputs[0].callArgs || {};
    this.inputMasks = [null];
    this.outputMasks = [null];
    this.outputTensors = outputs;
    this.outboundLayer = outputs[0].sourceLayer;
    this.inputTensors = outputs[0]._nodeInputs();
    this.inboundLayers = this.inputTensors.map(t => t.sourceLayer);
    this.nodeIndices = this.inputTensors.map(t => t.nodeIndex);
    this.tensorIndices = this.inputTensors.map(t => t.tensorIndex);
    // As tfjs: lists of shapes (an InputLayer's node: its own shape as input).
    this.inputShapes = (this.inputTensors.length > 0 ? this.inputTensors : outputs).map(t => t.shape);
    this.outputShapes = outputs.map(t => t.shape);
  }
}

function symbolicVector(xs) {
  const v = new (getCore().SymbolicVector)();
  xs.forEach(x => v.push_back(x.handle));
  return v;
}

function tensorVector(xs) {
  const v = new (getCore().TensorVector)();
  xs.forEach(x => v.push_back(x.handle));
  return v;
}

// Masks as the engine takes them: one per input, a placeholder where there is none.
function maskVector(mask, count) {
  const list = Array.isArray(mask) ? mask : [mask];
  if (list.length > count) throw new Error(`Got ${list.length} masks for ${count} input(s)`);
  const core = getCore();
  const v = new core.TensorVector();
  list.forEach((m, i) => {
    if (m == null) {
      const none = core.undefinedTensor();
      v.push_back(none);
      none.delete();
    } else {
      assertTensor(m, `mask[${i}]`, 'mask');
      v.push_back(m.handle);
    }
  });
  return v;
}

// Engine masks back to JS: a Tensor per entry, null where there is none.
function masksFromVector(vector) {
  return fromVector(vector).map(h => {
    if (h.defined()) return new Tensor(h);
    h.delete();
    return null;
  });
}

// The options every layer shares, which the engine reads for a custom layer (the
// subclass keeps the rest of its config itself).
const BASE_OPTIONS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype'];

// A custom layer's hooks for the engine (bindings/ createHostLayer). They never
// throw across the engine: a thrown Error is kept for guard() to rethrow as is
// (Module.wlTakeHostError) and the hook returns {error}, so C++ unwinds cleanly.
let pendingHostError;
function installHostErrorHandoff(core) {
  if (core.wlTakeHostError) return;
  core.wlTakeHostError = () => {
    const e = pendingHostError;
    pendingHostError = undefined;
    return e;
  };
}

const singletonOrArray = xs => (xs.length === 1 ? xs[0] : xs);
// computeOutputShape() gives one shape or a list of shapes (tfjs's convention).
const shapeList = s => (Array.isArray(s) && s.length > 0 && Array.isArray(s[0]) ? s : [s]);

/**
 * @internal Runs fn() for the engine: {value} or {error}, keeping a thrown Error so
 * that the engine call's guard() rethrows that very Error to the user.
 */
export function runForEngine(fn, what) {
  installHostErrorHandoff(getCore());
  try {
    return {value: fn()};
  } catch (e) {
    pendingHostError = e instanceof Error ? e : new Error(`${what} threw ${e}`);
    return {error: pendingHostError.message};
  }
}

function hostAdapter(layer) {
  const core = getCore();
  installHostErrorHandoff(core);
  const run = (method, fn) => {
    try {
      return {value: fn()};
    } catch (e) {
      pendingHostError = e instanceof Error ? e : new Error(`${layer.constructor.name}.${method}() threw ${e}`);
      return {error: pendingHostError.message};
    }
  };
  return {
    hostBuild: shapesJson => run('build', () => {
      layer.build(singletonOrArray(JSON.parse(shapesJson)));
    }),
    hostOutputShapes: shapesJson => run('computeOutputShape', () => {
      const shapes = shapeList(layer.computeOutputShape(singletonOrArray(JSON.parse(shapesJson))));
      if (!shapes.every(Array.isArray)) throw new Error(`${layer.constructor.name}.computeOutputShape() must return a shape (an array) or an array of shapes`);
      return JSON.stringify(shapes);
    }),
    hostCall: (slot, training) => run('call', () => {
      const inputs = [];
      for (let i = 0, n = core.hostSlotSize(slot); i < n; i++) inputs.push(new Tensor(core.hostSlotInput(slot, i)));
      let outputs = [];
      try {
        // As tfjs: an eager apply() passes the inputs as given; running in a model
        // passes the list (tfjs's executor does, so custom layers expect it there).
        const eager = layer._eagerInputs;
        const args = eager === undefined ? inputs : (eager === 'single' ? inputs[0] : inputs);
        const result = tidy(() => layer.call(args, {training}));
        outputs = Array.isArray(result) ? result : [result];
        outputs.forEach((t, i) => {
          if (!(t instanceof Tensor)) {
            throw new Error(`${layer.constructor.name}.call() must return a Tensor or an array of Tensors, but output ${i} is ${t}`);
          }
          core.hostSlotPush(slot, t.handle);
        });
      } finally {
        // The engine holds what it needs; variables (kept) stay.
        for (const t of [...inputs, ...outputs]) if (t instanceof Tensor && !t._kept) t.dispose();
      }
    }),
    hostConfig: () => run('getConfig', () => JSON.stringify(layer.getConfig())),
  };
}

/**
 * A layer's weight (tfjs's LayerVariable): name, shape, dtype, trainable (get/set,
 * the engine's flag), read() — the weight as a tf.Variable whose tensor is the
 * engine weight itself (so tf.grad/variableGrads/minimize see it) — and write().
 * One object per weight and owner (layer or model), freed by the owner's dispose().
 */
// tfjs's serializeConstraint/serializeRegularizer: the engine keeps a constraint or
// regularizer as it was given ('nonNeg', {className: 'MaxNorm', config: {maxValue: 3}});
// getConfig (and so model.json) writes tfjs's {className, config} with every field
// the object has, e.g. {className: 'MaxNorm', config: {maxValue: 3, axis: 0}}.
const WEIGHT_OPTION_DEFAULTS = {
  MaxNorm: {maxValue: 2, axis: 0},
  MinMaxNorm: {minValue: 0, maxValue: 1, rate: 1, axis: 0},
  NonNeg: {},
  UnitNorm: {axis: 0},
  L1L2: {l1: 0.01, l2: 0.01},
};
const WEIGHT_OPTION_IDS = {
  maxNorm: 'MaxNorm', minMaxNorm: 'MinMaxNorm', nonNeg: 'NonNeg', unitNorm: 'UnitNorm', l1l2: 'L1L2',
  MaxNorm: 'MaxNorm', MinMaxNorm: 'MinMaxNorm', NonNeg: 'NonNeg', UnitNorm: 'UnitNorm', L1L2: 'L1L2',
};
function serializeWeightOption(v) {
  const id = typeof v === 'string' ? v : (v && typeof v === 'object' && typeof v.className === 'string' ? v.className : null);
  const className = id == null ? null : WEIGHT_OPTION_IDS[id];
  if (!className) return v;
  const given = typeof v === 'object' && v.config ? v.config : {};
  const config = {};
  for (const [k, d] of Object.entries(WEIGHT_OPTION_DEFAULTS[className])) config[k] = given[k] == null ? d : given[k];
  return {className, config};
}
function serializeWeightOptions(config) {
  if (Array.isArray(config)) return config.map(serializeWeightOptions);
  if (config === null || typeof config !== 'object') return config;
  for (const [k, v] of Object.entries(config)) {
    config[k] = /(Constraint|Regularizer)$/.test(k) ? serializeWeightOption(v) : serializeWeightOptions(v);
  }
  return config;
}

export class LayerVariable {
  /** @internal ev: an engine variable handle, owned by this object. */
  constructor(ev) {
    this._ev = ev;
    this._value = null;
    const t = ev.value();
    this.shape = fromShape(t);
    this.dtype = t.dtype();
    t.delete();
    this.name = ev.name();
    this.originalName = this.name;
  }

  /** @internal */
  get _engine() {
    if (this._ev === null) throw new Error(`LayerVariable ${this.name} is already disposed.`);
    return this._ev;
  }

  get trainable() {
    return this._engine.trainable();
  }

  set trainable(value) {
    this._engine.setTrainable(Boolean(value));
  }

  /** The weight as a tf.Variable sharing its storage (updated in place by training). */
  read() {
    if (this._value === null || this._value.isDisposed) this._value = this._newVariable();
    return this._value;
  }

  write(newValue) {
    this.read().assign(newValue);
    return this;
  }

  /** @internal A new tf.Variable handle on this weight (getWeights() hands these out). */
  _newVariable() {
    const self = this;
    return new Variable(this._engine.value(), undefined, this.name,
                        {trainable: () => self.trainable, setTrainable: t => { self.trainable = t; }});
  }

  /** @internal The owner's dispose() calls this. */
  dispose() {
    if (this._value) this._value.dispose();
    if (this._ev) this._ev.delete();
    this._value = this._ev = null;
  }
}

function fromShape(handle) {
  return handle.shape().map(d => (d == null ? null : d));
}

// tfjs's layers that take an activityRegularizer option (and then refuse to be called).
const ACTIVITY_REGULARIZER_CLASSES = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose',
                                              'SeparableConv2D', 'DepthwiseConv2D', 'Embedding']);

/** @internal A regularizer option as tfjs keeps it: a regularizer object (names and specs become one). */
export function regularizerObject(value) {
  if (value != null && typeof value.getClassName === 'function') return value;
  const spec = specOf(value);
  if (typeof spec === 'string') {
    const factory = {l1: regularizers.l1, l2: regularizers.l2, l1l2: regularizers.l1l2}[spec.toLowerCase()];
    if (factory == null) throw new Error(`Unknown regularizer: ${spec}`);
    return factory();
  }
  // Keras's L1 and L2 classes ({l1} / {l2}) are L1L2s with the other factor 0.
  const config = spec.config || {};
  if (spec.className === 'L1') return regularizers.l1l2({l1: config.l1 ?? 0.01, l2: 0});
  if (spec.className === 'L2') return regularizers.l1l2({l1: 0, l2: config.l2 ?? 0.01});
  if (spec.className !== 'L1L2') throw new Error(`Unknown regularizer: ${spec.className}`);
  return regularizers.l1l2(config);
}

/**
 * @internal Call hooks (setCallHook): tfjs calls a layer's hook from the call() of
 * these classes (and custom layers' own invokeCallHook()); count: layers with one set.
 */
export const callHooks = {
  count: 0,
  classes: new Set(['Dropout', 'SpatialDropout1D', 'Dense', 'Flatten', 'Activation', 'Reshape', 'Masking', 'Embedding',
                    'GaussianNoise', 'GaussianDropout', 'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D',
                    'AveragePooling2D', 'MaxPooling3D', 'AveragePooling3D']),
  before(layer, inputs, kwargs) {
    if (layer._callHook != null && !layer._isHost && callHooks.classes.has(layer.getClassName())) {
      layer._callHook(inputs, kwargs == null ? {} : kwargs);
    }
    if (layer.layers !== undefined && typeof layer._assertNoInnerCallHooks === 'function') layer._assertNoInnerCallHooks();
  },
};

/** tfjs's assertInputCompatibility: inputs (Tensors or SymbolicTensors) against the layer's InputSpecs. */
export function assertInputCompatibility(layer, inputs, inputSpec) {
  const inputsList = Array.isArray(inputs) ? inputs : [inputs];
  if (inputSpec == null || inputSpec.length === 0) return;
  const specs = Array.isArray(inputSpec) ? inputSpec : [inputSpec];
  if (inputsList.length !== specs.length) {
    throw new Error(`Layer ${layer.name} expects ${specs.length} inputs, but it received ${inputsList.length} input ` +
                    `tensors. Input received: ${inputs}`);
  }
  inputsList.forEach((x, inputIndex) => {
    const spec = specs[inputIndex];
    if (spec == null) return;
    const ndim = x.rank;
    if (spec.ndim != null && ndim !== spec.ndim) {
      throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name}: expected ndim=${spec.ndim}, found ndim=${ndim}`);
    }
    if (spec.maxNDim != null && ndim > spec.maxNDim) {
      throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name}: expected max_ndim=${spec.maxNDim}, found ndim=${ndim}`);
    }
    if (spec.minNDim != null && ndim < spec.minNDim) {
      throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name}: expected min_ndim=${spec.minNDim}, found ndim=${ndim}.`);
    }
    if (spec.dtype != null && x.dtype !== spec.dtype) {
      throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name} : expected dtype=${spec.dtype}, found dtype=${x.dtype}.`);
    }
    if (spec.axes) {
      for (const key in spec.axes) {
        const axis = Number(key);
        const value = spec.axes[key];
        const atAxis = axis >= 0 ? x.shape[axis] : x.shape[x.shape.length + axis];
        if (value != null && [value, null].indexOf(atAxis) === -1) {
          throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name}: expected axis ${axis} of input shape to have value ${value} but got shape ${x.shape}.`);
        }
      }
    }
    if (spec.shape != null) {
      for (let i = 0; i < spec.shape.length; ++i) {
        if (spec.shape[i] != null && x.shape[i] != null && spec.shape[i] !== x.shape[i]) {
          throw new Error(`Input ${inputIndex} is incompatible with layer ${layer.name}: expected shape=${spec.shape}, found shape=${x.shape}.`);
        }
      }
    }
  });
}

export class Layer {
  /**
   * @internal new Layer(className, options) wraps an engine layer. A subclass
   * (class MyLayer extends tf.layers.Layer) calls super(config) instead: a custom
   * layer whose build/call/computeOutputShape/getConfig are its own methods.
   */
  constructor(className, args = {}) {
    if (typeof className !== 'string') {
      this._initHost(className == null ? {} : className);
      return;
    }
    if (args == null || typeof args !== 'object') {
      throw new Error(`tf.layers.${className[0].toLowerCase() + className.slice(1)}() expects an object of options, got ${args}`);
    }
    // tfjs's `weights` (set once the layer is built) is JS-side: the engine gets the other
    // options. An `activityRegularizer` goes to the engine (which adds its penalty to the
    // loss in fit and evaluate, as Keras) and stays here too (tfjs's property; see apply()).
    const {weights: initialWeights, ...engineArgs} = args;
    const activityRegularizer = ACTIVITY_REGULARIZER_CLASSES.has(className) ? engineArgs.activityRegularizer : null;
    if (activityRegularizer != null) engineArgs.activityRegularizer = specOf(activityRegularizer);
    const handle = getCore().createLayer(className, JSON.stringify(engineArgs));
    // Classes with their own JS methods (the recurrent layers' resetStates) get their class.
    let obj = this;
    if (new.target === Layer && (RECURRENT_CLASSES.has(className) || CELL_CLASSES.has(className))) obj = wrapLayer(handle);
    else this._init(handle);
    if (initialWeights != null) obj.initialWeights = initialWeights;
    if (activityRegularizer != null) obj.activityRegularizer = regularizerObject(activityRegularizer);
    return obj;
  }

  /** @internal */
  _init(handle) {
    this._handle = handle;
    this.name = handle.name();
    this.isDisposed = false;
    this._uid = handle.uid();
    this._isHost = false;
    layerObjects.set(this._uid, this);
  }

  /** @internal A custom layer: the engine layer calls back into this object. */
  _initHost(config) {
    if (typeof config !== 'object') throw new Error(`${this.constructor.name}: the layer config must be an object, got ${config}`);
    const className = typeof this.constructor.className === 'string' ? this.constructor.className : this.constructor.name;
    const base = {};
    for (const k of BASE_OPTIONS) if (config[k] != null) base[k] = config[k];
    this._init(getCore().createHostLayer(className, JSON.stringify(base), hostAdapter(this)));
    this._isHost = true;
    if (config.weights != null) this.initialWeights = config.weights;
  }

  /** tfjs: a class's from-config constructor; custom layers inherit it (serialization.registerClass). */
  static fromConfig(cls, config) {
    return new cls(config);
  }

  /** Custom layers: creates a weight (an engine variable) and returns it. Call it from build(). */
  addWeight(name, shape, dtype, initializer, regularizer, trainable, constraint) {
    if (!this._isHost) throw new Error(`addWeight() is for custom layers; ${this.name} (${this.getClassName()}) creates its own weights`);
    if (typeof name !== 'string' || name.length === 0) throw new Error(`addWeight: the weight name must be a non-empty string, got ${name}`);
    if (this._variables(0).some(v => v.name === `${this.name}/${name}`)) {
      throw new Error(`Duplicate weight name ${name} for layer ${this.name}`);
    }
    if (!Array.isArray(shape) || shape.some(d => !Number.isInteger(d) || d < 0)) {
      throw new Error(`addWeight ${name}: the shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (dtype != null && dtype !== 'float32') throw new Error(`addWeight ${name}: only float32 weights are supported, got dtype '${dtype}'`);
    const spec = (value, fallback) => JSON.stringify(value == null ? fallback : specOf(value));
    const value = this.handle.addWeight(name, shape, spec(initializer, 'glorotUniform'), trainable == null ? true : Boolean(trainable),
                                        spec(regularizer, null), spec(constraint, null));
    const shapeOut = fromShape(value);
    value.delete();
    const v = this._variables(0).find(w => w.name === `${this.name}/${name}`);
    if (v == null || String(v.shape) !== String(shapeOut)) throw new Error(`addWeight ${name}: the engine did not create the weight`);
    if (regularizer != null) {
      // As tfjs: the penalty joins the layer's losses (the engine adds it to the training loss).
      const penalty = regularizerApply(regularizer);
      if (this._losses == null) this._losses = [];
      this._losses.push(() => penalty(v.read()));
    }
    return v;
  }

  /** Custom layers override build(inputShape) to create weights; the base does nothing. */
  build(inputShape) {}

  /** The forward computation. Custom layers override it; the base returns its inputs. */
  call(inputs, kwargs = {}) {
    return this._isHost ? inputs : this.apply(inputs, kwargs);
  }

  /** Output shape(s) for input shape(s) (batch dim null). */
  computeOutputShape(inputShape) {
    if (this._isHost) return inputShape;
    const shapes = Array.isArray(inputShape[0]) ? inputShape : [inputShape];
    return singletonOrArray(JSON.parse(this.handle.outputShapesJson(JSON.stringify(shapes))));
  }

  /** Whether build() ran; assigning it (as some tfjs layers do) is accepted and ignored. */
  get built() {
    return this.handle.built();
  }

  set built(value) {}

  /** @internal */
  get handle() {
    if (this.isDisposed) throw new Error(`Layer '${this.name}' is already disposed.`);
    return this._handle;
  }

  getClassName() {
    return this.handle.className();
  }

  getConfig() {
    // A custom layer's engine config comes from this method, so the base part must not ask for it.
    const config = JSON.parse(this._isHost ? this.handle.baseConfigJson() : this.handle.configJson());
    if (this.activityRegularizer != null && 'activityRegularizer' in config) {
      config.activityRegularizer = JSON.parse(JSON.stringify(this.activityRegularizer));
    }
    return serializeWeightOptions(config);
  }

  countParams() {
    return this.handle.countParams();
  }

  get trainable() {
    return this.handle.trainable();
  }

  set trainable(value) {
    this.handle.setTrainable(Boolean(value));
  }

  /**
   * @internal The output SymbolicTensors of this layer's node k (tfjs's getOutputAt).
   * Kept by the layer (the same objects each time, as tfjs's) and freed by its dispose(),
   * so reading the graph pins nothing beyond the layer's own life.
   */
  _nodeOutputs(k, what) {
    const n = this.handle.numInboundNodes();
    if (n === 0) throw new Error(`The layer ${this.name} is not connected, no ${what} to return.`);
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw new Error(`Asked to get ${what} at node ${k}, but the layer has only ${n} inbound nodes.`);
    }
    return this._cachedSymbols(`node${k}`, () => {
      const out = fromVector(this.handle.nodeOutputs(k)).map(h => new SymbolicTensor(h));
      if (out.length === 0) throw new Error(`The node ${k} of layer ${this.name} no longer exists (its model was disposed).`);
      return out;
    });
  }

  /** @internal The Node object of this layer's node k: the same object while that node lives. */
  _node(k) {
    const outputs = this._nodeOutputs(k, 'output');
    if (this._nodeCache == null) this._nodeCache = new Map();
    let node = this._nodeCache.get(k);
    if (node == null || node.outputTensors !== outputs) {
      node = new Node(outputs);
      this._nodeCache.set(k, node);
    }
    return node;
  }

  /** @internal SymbolicTensors kept under `key` until this layer's dispose(). */
  _cachedSymbols(key, make) {
    if (this._symbolCache == null) this._symbolCache = new Map();
    let out = this._symbolCache.get(key);
    if (out == null || out.some(t => t._handle === null)) {
      out = make();
      this._symbolCache.set(key, out);
    }
    return out;
  }

  /** @internal tfjs's "layer output is ill-defined" rule for .input/.output. */
  _onlyNode(what) {
    const n = this.handle.numInboundNodes();
    if (n > 1) {
      throw new Error(`Layer ${this.name} has multiple inbound nodes, hence the notion of "layer ${what}" is ill-defined. ` +
                      `Use \`get${what[0].toUpperCase()}${what.slice(1)}At(nodeIndex)\` instead.`);
    }
    if (n === 0) throw new Error(`Layer ${this.name} is not connected, no ${what} to return.`);
    return 0;
  }

  /** The SymbolicTensor(s) the layer was applied to (tfjs's layer.input). */
  get input() {
    return this.getInputAt(this._onlyNode('input'));
  }

  /** The SymbolicTensor(s) the layer produced (tfjs's layer.output). */
  get output() {
    return this.getOutputAt(this._onlyNode('output'));
  }

  getInputAt(nodeIndex) {
    const outs = this._nodeOutputs(nodeIndex, 'input');
    // An InputLayer's node has no inputs: its input is its output, as in tfjs.
    const ins = outs[0]._nodeInputs();
    return singletonOrArray(ins.length > 0 ? ins : outs);
  }

  getOutputAt(nodeIndex) {
    return singletonOrArray(this._nodeOutputs(nodeIndex, 'output'));
  }

  /** tfjs's inboundNodes / outboundNodes: the nodes that apply this layer, and those reading its outputs. */
  get inboundNodes() {
    const out = [];
    const n = this.handle.numInboundNodes();
    for (let k = 0; k < n; k++) {
      try {
        out.push(this._node(k));
      } catch (e) {
        // a node of a disposed model: no longer part of the graph
      }
    }
    return out;
  }

  get outboundNodes() {
    return fromVector(this.handle.outboundNodes()).map(h => {
      const first = new SymbolicTensor(h);
      try {
        return first.sourceLayer._node(first.nodeIndex);
      } finally {
        first.dispose();
      }
    });
  }

  /** Input shape(s) the layer was built with (batch dim null). */
  get inputShape() {
    const {inputShapes} = JSON.parse(this.handle.shapesJson());
    if (inputShapes.length === 0) throw new Error(`The layer ${this.name} has never been called and thus has no defined input shape.`);
    return inputShapes.length === 1 ? inputShapes[0] : inputShapes;
  }

  get outputShape() {
    const {outputShapes} = JSON.parse(this.handle.shapesJson());
    if (outputShapes.length === 0) throw new Error(`The layer ${this.name} has never been called and thus has no defined output shape.`);
    return outputShapes.length === 1 ? outputShapes[0] : outputShapes;
  }

  /** @internal LayerVariables (0: weights, 1: trainable, 2: non-trainable), one object per weight. */
  _variables(which) {
    const vec = this.handle.weightVariables(which);
    if (this._variableCache == null) this._variableCache = new Map();
    const out = [];
    try {
      for (let i = 0; i < vec.size(); i++) {
        const ev = vec.get(i);
        const uid = ev.uid();
        let lv = this._variableCache.get(uid);
        if (lv == null) {
          lv = new LayerVariable(ev);
          this._variableCache.set(uid, lv);
        } else {
          ev.delete();
        }
        out.push(lv);
      }
    } finally {
      vec.delete();
    }
    return out;
  }

  /** tfjs's LayerVariables: name, shape, dtype, trainable (get/set), read(), write(). */
  get weights() {
    return this._variables(0);
  }

  get trainableWeights() {
    return this._variables(1);
  }

  get nonTrainableWeights() {
    return this._variables(2);
  }

  /**
   * The weights as named tf.Variables on the layer's storage: the same objects each
   * call (tfjs returns the variables themselves), freed by the layer's dispose();
   * disposing one only drops that handle (the next call makes a new one), never the weight.
   */
  getWeights() {
    return this._variables(0).map(lv => lv.read());
  }

  setWeights(weights) {
    if (!Array.isArray(weights)) throw new Error('setWeights: expected an array of Tensors');
    weights.forEach((w, i) => assertNumericTensor(w, `weights[${i}]`, 'setWeights'));
    const v = tensorVector(weights);
    try {
      this.handle.setWeights(v);
    } finally {
      v.delete();
    }
  }

  /**
   * On SymbolicTensors: records the layer in the model graph and returns its
   * symbolic output(s). On Tensors: computes the output now.
   */
  apply(inputs, kwargs = {}) {
    let list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new Error(`${this.name}.apply() needs at least one input`);
    // As tfjs: a layer with an activity regularizer cannot be called on Tensors. On symbolic
    // inputs it can (tfjs refuses that too), so a model holding one builds, and the engine
    // adds its penalty in fit and evaluate.
    if (this.activityRegularizer != null && !list.every(x => x instanceof SymbolicTensor)) {
      throw new Error('Layer invocation in the presence of activity regularizer(s) is not supported yet.');
    }
    // A spec assigned in JS (custom layers set this.inputSpec) is checked here, as tfjs's
    // assertInputCompatibility; the engine checks its own layers' inputs.
    if (this._ownInputSpec != null) assertInputCompatibility(this, inputs, this._ownInputSpec);
    if (this.initialWeights != null && !this._initialWeightsSet && !this.built) {
      return this._applyWithInitialWeights(inputs, kwargs);
    }
    if (callHooks.count > 0 && !list.every(x => x instanceof SymbolicTensor)) callHooks.before(this, inputs, kwargs);
    if (kwargs != null && kwargs.initialState != null) {
      // tfjs's RNN: the initial states are extra inputs of the layer (so a saved graph keeps them).
      if (!RECURRENT_CLASSES.has(this.getClassName()) && this.getClassName() !== 'Bidirectional') throw new Error(`${this.name}.apply(): initialState is for recurrent layers, not ${this.getClassName()}`);
      if (list.length !== 1) throw new Error(`${this.name}.apply(): give the initial states either as initialState or as extra inputs, not both`);
      list = [list[0], ...(Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState])];
      inputs = list;
    }
    // Keyword call arguments the engine records with the node (the attention layers'
    // useCausalMask, returnAttentionScores; other layers refuse them).
    const callArgs = {};
    for (const k of CALL_ARGS) if (kwargs != null && kwargs[k] != null) callArgs[k] = kwargs[k];
    const argsJson = Object.keys(callArgs).length > 0 ? JSON.stringify(callArgs) : null;
    if (kwargs != null && kwargs.attentionMask != null) {
      // Keras's attention_mask: MultiHeadAttention's last input, after the key (value when none).
      if (this.getClassName() !== 'MultiHeadAttention') throw new Error(`${this.name}.apply(): attentionMask is for MultiHeadAttention, not ${this.getClassName()}`);
      if (list.length < 2 || list.length > 3) throw new Error(`${this.name}.apply(): attentionMask goes with inputs [query, value] or [query, value, key], got ${list.length} input(s)`);
      list = [list[0], list[1], list.length === 3 ? list[2] : list[1], kwargs.attentionMask];
      inputs = list;
    }
    if (list.every(x => x instanceof SymbolicTensor)) {
      const v = symbolicVector(list);
      let out;
      try {
        const handles = argsJson ? this.handle.applySymbolicWithArgs(v, argsJson) : this.handle.applySymbolic(v);
        out = fromVector(handles).map(h => new SymbolicTensor(h, this));  // the engine's node is this layer's
      } finally {
        v.delete();
      }
      return out.length === 1 ? out[0] : out;
    }
    list.forEach((x, i) => assertNumericTensor(x, `inputs[${i}]`, `${this.name}.apply`));
    const v = tensorVector(list);
    // kwargs.mask as tfjs's call() receives it (an RNN skips the masked steps).
    const masks = kwargs.mask == null ? null : maskVector(kwargs.mask, list.length);
    let out;
    if (this._isHost) this._eagerInputs = Array.isArray(inputs) ? 'list' : 'single';
    try {
      const training = Boolean(kwargs.training);
      let handles;
      if (argsJson) {
        const m = masks || new (getCore().TensorVector)();
        try {
          handles = this.handle.applyWithArgs(v, m, training, argsJson);
        } finally {
          if (!masks) m.delete();
        }
      } else {
        handles = masks ? this.handle.applyMasked(v, masks, training) : this.handle.apply(v, training);
      }
      out = fromVector(handles).map(h => new Tensor(h));
    } finally {
      v.delete();
      if (masks) masks.delete();
      this._eagerInputs = undefined;
    }
    return out.length === 1 ? out[0] : out;
  }

  /**
   * @internal tfjs's first apply() of a layer given `weights`: build, set them, then call.
   * The engine builds inside its apply, so an eager first call runs once to build and
   * again with the weights set.
   */
  _applyWithInitialWeights(inputs, kwargs) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const symbolic = list.every(x => x instanceof SymbolicTensor);
    this._initialWeightsSet = true;
    try {
      if (symbolic) {
        const out = this.apply(inputs, kwargs);
        this.setWeights(this.initialWeights);
        return out;
      }
      const training = kwargs != null && kwargs.training;
      const hook = this._callHook;
      this._callHook = null;  // the hook sees the one call tfjs makes
      try {
        dispose(this.apply(inputs, kwargs == null ? {} : {...kwargs, training: false}));
      } finally {
        this._callHook = hook;
      }
      this.setWeights(this.initialWeights);
      return this.apply(inputs, kwargs == null ? {} : {...kwargs, training});
    } catch (e) {
      this._initialWeightsSet = false;
      throw e;
    }
  }

  /** Whether the layer passes masks on (tfjs's supportsMasking). */
  get supportsMasking() {
    return this._isHost ? Boolean(this._hostSupportsMasking) : this.handle.supportsMasking();
  }

  // Custom layers may set it, as in tfjs; masks do not reach custom layers yet (the
  // engine throws if one is handed a mask), so the flag is only kept.
  set supportsMasking(value) {
    this._hostSupportsMasking = Boolean(value);
  }

  /**
   * tfjs's computeMask(inputs, mask): the output mask (a bool Tensor) or null; a
   * list for several outputs. Throws if the layer cannot take the mask it is given.
   */
  computeMask(inputs, mask) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    list.forEach((x, i) => assertNumericTensor(x, `inputs[${i}]`, `${this.name}.computeMask`));
    const v = tensorVector(list);
    const masks = maskVector(mask == null ? [] : mask, list.length);
    let out;
    try {
      out = masksFromVector(this.handle.computeMask(v, masks));
    } finally {
      v.delete();
      masks.delete();
    }
    // A model answers a list (one per output), as tfjs's Container.computeMask.
    if (['Model', 'Sequential'].includes(this.getClassName())) return out;
    return out.length === 0 ? null : (out.length === 1 ? out[0] : out);
  }

  dispose() {
    if (this.isDisposed) return {refCountAfterDispose: 0, numDisposedVariables: 0};
    const numVariables = JSON.parse(this._handle.weightInfo()).length;
    if (this._variableCache) this._variableCache.forEach(v => v.dispose());
    this._variableCache = null;
    if (this._symbolCache) this._symbolCache.forEach(ts => ts.forEach(t => t.dispose()));
    this._symbolCache = null;
    this._nodeCache = null;
    this._handle.delete();
    this._handle = null;
    this.isDisposed = true;
    if (layerObjects.get(this._uid) === this) layerObjects.delete(this._uid);
    return {refCountAfterDispose: 0, numDisposedVariables: numVariables};
  }
}

// Keyword call arguments (apply(inputs, kwargs)) passed on to the engine layer.
const CALL_ARGS = ['useCausalMask', 'returnAttentionScores'];

// factory name -> engine className. Several names may map to one class (aliases).
// (A factory whose class the engine does not register yet fails with "Unknown layer".)
const FACTORIES = {
  // core
  dense: 'Dense', activation: 'Activation', dropout: 'Dropout', spatialDropout1d: 'SpatialDropout1D',
  flatten: 'Flatten', reshape: 'Reshape', permute: 'Permute', repeatVector: 'RepeatVector', masking: 'Masking',
  embedding: 'Embedding', inputLayer: 'InputLayer',
  // convolutional
  conv1d: 'Conv1D', conv2d: 'Conv2D', conv3d: 'Conv3D', conv2dTranspose: 'Conv2DTranspose',
  conv3dTranspose: 'Conv3DTranspose', separableConv2d: 'SeparableConv2D', depthwiseConv2d: 'DepthwiseConv2D',
  cropping2D: 'Cropping2D', upSampling2d: 'UpSampling2D', zeroPadding2d: 'ZeroPadding2D',
  // pooling (with tfjs's aliases)
  maxPooling1d: 'MaxPooling1D', maxPool1d: 'MaxPooling1D', maxPooling2d: 'MaxPooling2D', maxPool2d: 'MaxPooling2D',
  maxPooling3d: 'MaxPooling3D', averagePooling1d: 'AveragePooling1D', avgPool1d: 'AveragePooling1D',
  avgPooling1d: 'AveragePooling1D', averagePooling2d: 'AveragePooling2D', avgPool2d: 'AveragePooling2D',
  avgPooling2d: 'AveragePooling2D', averagePooling3d: 'AveragePooling3D', avgPool3d: 'AveragePooling3D',
  avgPooling3d: 'AveragePooling3D', globalAveragePooling1d: 'GlobalAveragePooling1D',
  globalAveragePooling2d: 'GlobalAveragePooling2D', globalMaxPooling1d: 'GlobalMaxPooling1D',
  globalMaxPool1d: 'GlobalMaxPooling1D', globalMaxPooling2d: 'GlobalMaxPooling2D', globalMaxPool2d: 'GlobalMaxPooling2D',
  // normalization
  batchNormalization: 'BatchNormalization', layerNormalization: 'LayerNormalization',
  // merge
  add: 'Add', average: 'Average', concatenate: 'Concatenate', maximum: 'Maximum', minimum: 'Minimum',
  multiply: 'Multiply', dot: 'Dot',
  // advanced activations
  reLU: 'ReLU', leakyReLU: 'LeakyReLU', prelu: 'PReLU', elu: 'ELU', thresholdedReLU: 'ThresholdedReLU',
  softmax: 'Softmax',
  // noise
  gaussianNoise: 'GaussianNoise', gaussianDropout: 'GaussianDropout', alphaDropout: 'AlphaDropout',
  // preprocessing
  rescaling: 'Rescaling', centerCrop: 'CenterCrop', resizing: 'Resizing', categoryEncoding: 'CategoryEncoding',
  // image augmentation (training only): tfjs's randomWidth, its twin randomHeight, Keras 3's others
  randomWidth: 'RandomWidth', randomHeight: 'RandomHeight', randomFlip: 'RandomFlip', randomRotation: 'RandomRotation',
  randomTranslation: 'RandomTranslation', randomZoom: 'RandomZoom', randomContrast: 'RandomContrast',
  // recurrent
  simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU',
  simpleRNNCell: 'SimpleRNNCell', lstmCell: 'LSTMCell', gruCell: 'GRUCell',
  // convolutional recurrent
  convLstm2d: 'ConvLSTM2D', convLstm2dCell: 'ConvLSTM2DCell',
  // Keras 3 layers tfjs 4.22 lacks (Keras's semantics and defaults; in model.json by their Keras class names)
  subtract: 'Subtract', identity: 'Identity', spatialDropout2d: 'SpatialDropout2D', spatialDropout3d: 'SpatialDropout3D',
  cropping1D: 'Cropping1D', cropping3D: 'Cropping3D', upSampling1d: 'UpSampling1D', upSampling3d: 'UpSampling3D',
  zeroPadding1d: 'ZeroPadding1D', zeroPadding3d: 'ZeroPadding3D', globalAveragePooling3d: 'GlobalAveragePooling3D',
  globalMaxPooling3d: 'GlobalMaxPooling3D', unitNormalization: 'UnitNormalization', rmsNormalization: 'RMSNormalization', activityRegularization: 'ActivityRegularization',
  groupNormalization: 'GroupNormalization', conv1dTranspose: 'Conv1DTranspose', separableConv1d: 'SeparableConv1D',
  depthwiseConv1d: 'DepthwiseConv1D',
  // attention (Keras 3 layers, not in tfjs 4.22)
  multiHeadAttention: 'MultiHeadAttention', attention: 'Attention', additiveAttention: 'AdditiveAttention',
  einsumDense: 'EinsumDense',
};

export const layers = {Layer};
/** @internal Adds factories for classes the engine registers (used by later layer families). */
export function defineLayerFactories(table) {
  for (const [factory, className] of Object.entries(table)) {
    layers[factory] = args => new Layer(className, args);
  }
}
defineLayerFactories(FACTORIES);

// Wrappers (tfjs's wrappers.ts) take the layer they wrap: the engine wrapper holds
// that very layer (its weights are the wrapper's, as in tfjs).
export const WRAPPER_FACTORIES = {timeDistributed: 'TimeDistributed', bidirectional: 'Bidirectional'};
/** tfjs's Wrapper: `layer` is the wrapped layer; disposing the wrapper disposes it (its weights are the wrapper's). */
class Wrapper extends Layer {
  /** Bidirectional: resets the states of both (stateful) directions, as tfjs. */
  resetStates(states) {
    if (states != null) throw new Error(`${this.name}.resetStates() takes no values (tfjs ignores them)`);
    const v = tensorVector([]);
    try {
      this.handle.resetStates(v);
    } finally {
      v.delete();
    }
  }

  /** Bidirectional: the forward layer's states, then the backward one's. */
  get states() {
    return RNN.prototype._statesOf.call(this);
  }

  dispose() {
    const result = super.dispose();
    if (this.layer instanceof Layer) this.layer.dispose();
    if (this.backwardLayer instanceof Layer) this.backwardLayer.dispose();
    return result;
  }
}
for (const className of Object.values(WRAPPER_FACTORIES)) registerWrapper(className, Wrapper);
for (const [factory, className] of Object.entries(WRAPPER_FACTORIES)) {
  layers[factory] = args => {
    if (args == null || typeof args !== 'object') throw new Error(`tf.layers.${factory}() expects an object of options, got ${args}`);
    let {layer, backwardLayer, ...options} = args;
    // Also a {className, config} spec, as model.json nests it (the layer is made from it).
    const fromSpec = l => (l != null && !(l instanceof Layer) && typeof l === 'object' && typeof l.className === 'string'
      ? new Layer(l.className, l.config == null ? {} : l.config) : l);
    layer = fromSpec(layer);
    if (!(layer instanceof Layer)) {
      throw new Error(`tf.layers.${factory}(): the layer option must be a tf.layers.Layer, got ${layer === undefined ? 'undefined' : String(layer)}`);
    }
    if (backwardLayer != null) {
      // Keras's backward_layer (tfjs 4.22 accepts the option and ignores it): that layer
      // runs the backward direction instead of a copy of `layer`.
      if (factory !== 'bidirectional') throw new Error(`tf.layers.${factory}() takes no backwardLayer option`);
      backwardLayer = fromSpec(backwardLayer);
      if (!(backwardLayer instanceof Layer)) {
        throw new Error(`tf.layers.bidirectional(): the backwardLayer option must be a tf.layers.Layer, got ${String(backwardLayer)}`);
      }
    }
    const wrapper = wrapLayer(backwardLayer != null
      ? getCore().createBidirectional(JSON.stringify(options), layer.handle, backwardLayer.handle)
      : getCore().createWrapper(className, JSON.stringify(options), layer.handle));
    wrapper.layer = layer;
    if (backwardLayer != null) wrapper.backwardLayer = backwardLayer;
    return wrapper;
  };
}

// ---- recurrent layers with cells (tfjs's RNN, RNNCell, StackedRNNCells) -----------------

const RECURRENT_CLASSES = new Set(['RNN', 'SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM2D']);
const CELL_CLASSES = new Set(['SimpleRNNCell', 'LSTMCell', 'GRUCell', 'ConvLSTM2DCell', 'StackedRNNCells']);

/**
 * tfjs's RNN: a recurrent layer running its cell over the timesteps (tf.layers.rnn,
 * simpleRNN, lstm, gru, convLstm2d). A stateful one keeps its states from call to call:
 * resetStates(states?) sets them to zeros or to the given values.
 */
export class RNN extends Layer {
  /** The states a stateful layer carries (null entries before its first call), as tfjs's `states`. */
  get states() {
    return this._statesOf();
  }

  /** @internal */
  _statesOf() {
    return fromVector(this.handle.states()).map(h => {
      if (h.defined()) return new Tensor(h);
      h.delete();
      return null;
    });
  }

  /** tfjs: sets a stateful layer's states to zeros, or to `states` (one Tensor per state). */
  resetStates(states) {
    const list = states == null ? [] : (Array.isArray(states) ? states : [states]);
    list.forEach((t, i) => assertNumericTensor(t, `states[${i}]`, `${this.name}.resetStates`));
    const v = tensorVector(list);
    try {
      this.handle.resetStates(v);
    } finally {
      v.delete();
    }
  }

  /** The cell this layer runs (for tf.layers.rnn, the very object passed as `cell`). */
  get cell() {
    return this._cell == null ? null : this._cell;
  }

  /** Disposes the cell passed to tf.layers.rnn too (its weights are this layer's). */
  dispose() {
    const result = super.dispose();
    if (this._cell instanceof Layer) this._cell.dispose();
    return result;
  }
}
for (const className of RECURRENT_CLASSES) registerWrapper(className, RNN);

/** tfjs's RNNCell: the base class of the cells (simpleRNNCell, lstmCell, gruCell, convLstm2dCell, stackedRNNCells). */
export class RNNCell extends Layer {
  dispose() {
    const result = super.dispose();
    if (Array.isArray(this.cells)) this.cells.forEach(c => c.dispose());
    return result;
  }
}
for (const className of CELL_CLASSES) registerWrapper(className, RNNCell);

function cellLayer(cell, what) {
  if (cell instanceof Layer) return cell;
  if (cell != null && typeof cell === 'object' && typeof cell.className === 'string') {
    return new Layer(cell.className, cell.config == null ? {} : cell.config);
  }
  throw new Error(`${what}: a cell must be a cell layer (tf.layers.simpleRNNCell, lstmCell, gruCell, convLstm2dCell, stackedRNNCells), got ${cell === undefined ? 'undefined' : String(cell)}`);
}

function layerVector(list) {
  const v = new (getCore().LayerVector)();
  list.forEach(l => v.push_back(l.handle));
  return v;
}

function withCells(className, options, cells) {
  const v = layerVector(cells);
  // A custom cell (a JS subclass) says its state sizes with `stateSize`, as in tfjs.
  const hostStateSizes = cells.map(c => (c._isHost ? (c.stateSize === undefined ? null : c.stateSize) : null));
  if ('hostStateSizes' in options) throw new Error(`${className}: unknown option hostStateSizes`);
  try {
    return wrapLayer(getCore().createWithCells(className, JSON.stringify({...options, hostStateSizes}), v));
  } finally {
    v.delete();
  }
}

layers.stackedRNNCells = args => {
  if (args == null || typeof args !== 'object') throw new Error(`tf.layers.stackedRNNCells() expects an object of options, got ${args}`);
  const {cells, ...options} = args;
  if (!Array.isArray(cells) || cells.length === 0) throw new Error('tf.layers.stackedRNNCells(): cells must be a non-empty array of cells');
  const list = cells.map(c => cellLayer(c, 'tf.layers.stackedRNNCells()'));
  const stack = withCells('StackedRNNCells', options, list);
  stack.cells = list;
  return stack;
};

layers.rnn = args => {
  if (args == null || typeof args !== 'object') throw new Error(`tf.layers.rnn() expects an object of options, got ${args}`);
  const {cell, ...options} = args;
  if (cell == null) throw new Error('tf.layers.rnn(): the cell option is required');
  // tfjs: an array of cells is stacked.
  const layer = Array.isArray(cell) ? layers.stackedRNNCells({cells: cell}) : cellLayer(cell, 'tf.layers.rnn()');
  const rnn = withCells('RNN', options, [layer]);
  rnn._cell = layer;
  return rnn;
};
layers.RNN = RNN;
layers.RNNCell = RNNCell;

// tfjs's merge factories also take the inputs themselves: tf.layers.add([a, b])
// builds the layer and applies it at once.
for (const factory of ['add', 'average', 'concatenate', 'maximum', 'minimum', 'multiply', 'subtract']) {
  const className = FACTORIES[factory];
  layers[factory] = args => (Array.isArray(args) ? new Layer(className, {}).apply(args) : new Layer(className, args));
}
