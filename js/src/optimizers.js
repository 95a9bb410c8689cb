// tf.train.*: optimizers as engine handles (cpp/training/optimizer.cc holds the
// formulas). A model compiled with one of these shares it, so its state (moments,
// iterations) carries over as in tfjs. Every factory accepts tfjs's positional
// form, tf.train.sgd(0.2), and an options object, tf.train.sgd({lr: 0.2}) or
// {learningRate: 0.2}. Learning rates may be schedules (beyond tfjs).
import {fromVector, getCore, vectorOf} from './core.js';
import {Variable, asVariable, variableGrads, withEngineVariables} from './engine.js';
import {Tensor, assertTensor, dispose} from './tensor.js';

export class Optimizer {
  /** @internal */
  constructor(className, config) {
    this._handle = getCore().createOptimizer(JSON.stringify({className, config}));
    this.isDisposed = false;
  }

  /** @internal */
  get handle() {
    if (this.isDisposed) throw new Error('Optimizer is already disposed.');
    return this._handle;
  }

  getClassName() {
    return this.handle.className();
  }

  getConfig() {
    return JSON.parse(this.handle.configJson());
  }

  get iterations() {
    return this.handle.iterations();
  }

  getLearningRate() {
    return this.handle.learningRate();
  }

  setLearningRate(lr) {
    this.handle.setLearningRate(lr);
  }

  /**
   * Applies {name: gradient} (or [{name, tensor}]) to the variables of those names:
   * tf.variable()s and layer weights alike. A null gradient (a non-trainable
   * variable in variableGrads' varList) is skipped, as in tfjs.
   */
  applyGradients(variableGradients, variables) {
    if (variableGradients == null || typeof variableGradients !== 'object') {
      throw new Error('applyGradients: expected an object {variableName: gradient} or an array of {name, tensor}');
    }
    const entries = (Array.isArray(variableGradients)
        ? variableGradients.map(e => [e.name, e.tensor])
        : Object.entries(variableGradients)).filter(([, g]) => g != null);
    const byName = new Map((variables || []).map(v => [v.name, asVariable(v) || v]));
    const apply = engineVars => {
      const engineByName = new Map(engineVars.map(v => [v.name, v]));
      const vars = [], grads = [];
      for (const [name, g] of entries) {
        const v = byName.get(name) || Variable.byName(name) || engineByName.get(name);
        if (!v) throw new Error(`applyGradients: no variable named '${name}' (neither a tf.variable nor a layer weight)`);
        assertTensor(g, `gradient of ${name}`, 'applyGradients');
        vars.push(v);
        grads.push(g);
      }
      const pv = vectorOf(vars.map(v => v.handle)), gv = vectorOf(grads.map(g => g.handle));
      try {
        this.handle.applyGradients(pv, gv, vars.map(v => v.name));
      } finally {
        pv.delete();
        gv.delete();
      }
    };
    // Layer weights are looked up only when a name is not among the given or JS variables
    // (minimize passes its varList: no engine round trip per step).
    if (entries.every(([name]) => byName.has(name) || Variable.byName(name))) apply([]);
    else withEngineVariables(apply);
  }

  computeGradients(f, varList) {
    return variableGrads(f, varList);
  }

  /** Minimizes f() (a scalar) over varList (default: every trainable variable). */
  minimize(f, returnCost = false, varList) {
    const {value, grads} = variableGrads(f, varList);
    try {
      this.applyGradients(grads, varList);
    } finally {
      dispose(Object.values(grads).filter(g => g != null));
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** [{name, tensor}]: 'iter' then each parameter's state, as tfjs. */
  async getWeights() {
    const names = this.handle.weightNames();
    return fromVector(this.handle.getWeights()).map((h, i) => ({name: names[i], tensor: new Tensor(h)}));
  }

  async setWeights(weightValues) {
    const v = vectorOf(weightValues.map(w => (w.tensor || w).handle));
    try {
      this.handle.setWeights(v);
    } finally {
      v.delete();
    }
  }

  dispose() {
    if (this.isDisposed) return;
    this._handle.delete();
    this.isDisposed = true;
  }
}

/** Positional or options-object arguments -> an engine config. */
function configFrom(args, names, aliases = {}) {
  const config = {};
  if (args.length === 1 && args[0] != null && typeof args[0] === 'object' && !isSchedule(args[0])) {
    const opts = args[0];
    for (const [k, v] of Object.entries(opts)) {
      const key = k === 'lr' ? 'learningRate' : (aliases[k] || k);
      if (v !== undefined) config[key] = scheduleOr(v);
    }
  } else {
    names.forEach((n, i) => { if (args[i] !== undefined && args[i] !== null) config[n] = scheduleOr(args[i]); });
  }
  if (config.learningRate != null && typeof config.learningRate === 'number' && !(config.learningRate >= 0)) {
    throw new Error(`learningRate must be a number >= 0, got ${config.learningRate}`);
  }
  return config;
}

const isSchedule = v => v != null && typeof v === 'object' && v.__schedule === true;
const scheduleOr = v => (isSchedule(v) ? {className: v.className, config: v.config} : v);

function schedule(className, config) {
  return {__schedule: true, className, config};
}

// tfjs's optimizer classes (tf.SGDOptimizer...), for `new` and instanceof: each is
// the engine optimizer of its className, built from tfjs's positional arguments.
const ARG_NAMES = {
  SGD: ['learningRate'],
  Momentum: ['learningRate', 'momentum', 'useNesterov'],
  Adagrad: ['learningRate', 'initialAccumulatorValue'],
  Adadelta: ['learningRate', 'rho', 'epsilon'],
  Adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  Adamax: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  RMSProp: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
  AdamW: ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'],
};
function optimizerClass(className) {
  const cls = class extends Optimizer {
    constructor(...args) {
      super(className, configFrom(args, ARG_NAMES[className]));
    }

    /** tfjs's serialization hook: a new optimizer from getConfig()'s object. */
    static fromConfig(c, config) {
      return new c(config);
    }
  };
  Object.defineProperty(cls, 'name', {value: `${className}Optimizer`});
  cls.className = className;
  return cls;
}
export const SGDOptimizer = optimizerClass('SGD');
export const MomentumOptimizer = optimizerClass('Momentum');
export const AdagradOptimizer = optimizerClass('Adagrad');
export const AdadeltaOptimizer = optimizerClass('Adadelta');
export const AdamOptimizer = optimizerClass('Adam');
export const AdamaxOptimizer = optimizerClass('Adamax');
export const RMSPropOptimizer = optimizerClass('RMSProp');
const AdamWOptimizer = optimizerClass('AdamW');

const CLASSES = {SGD: SGDOptimizer, Momentum: MomentumOptimizer, Adagrad: AdagradOptimizer, Adadelta: AdadeltaOptimizer,
                 Adam: AdamOptimizer, Adamax: AdamaxOptimizer, RMSProp: RMSPropOptimizer, AdamW: AdamWOptimizer};

/** @internal An Optimizer of its class around an engine optimizer handle (owned by the result). */
export function optimizerFromHandle(handle) {
  const obj = Object.create((CLASSES[handle.className()] || Optimizer).prototype);
  obj._handle = handle;
  obj.isDisposed = false;
  return obj;
}

const make = cls => (...args) => new cls(...args);

export const train = {
  Optimizer,
  sgd: make(SGDOptimizer),
  momentum: make(MomentumOptimizer),
  adagrad: make(AdagradOptimizer),
  adadelta: make(AdadeltaOptimizer),
  adam: make(AdamOptimizer),
  adamax: make(AdamaxOptimizer),
  rmsprop: make(RMSPropOptimizer),
  adamw: make(AdamWOptimizer),
  /** lr * decayRate ^ (step / decaySteps), floored when staircase. */
  exponentialDecay: ({initialLearningRate, decaySteps, decayRate, staircase = false}) =>
      schedule('ExponentialDecay', {initialLearningRate, decaySteps, decayRate, staircase}),
  /** Cosine decay from initialLearningRate to alpha * initialLearningRate over decaySteps. */
  cosineDecay: ({initialLearningRate, decaySteps, alpha = 0}) =>
      schedule('CosineDecay', {initialLearningRate, decaySteps, alpha}),
  /** values[i] while step <= boundaries[i]; values.length === boundaries.length + 1. */
  piecewiseConstant: ({boundaries, values}) => {
    if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
      throw new Error('piecewiseConstant: values must have one more entry than boundaries');
    }
    return schedule('PiecewiseConstant', {boundaries, values});
  },
};
