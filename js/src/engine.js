// Memory scopes and automatic differentiation (tfjs-core/src/engine.ts,
// gradients.ts): tf.tidy, tf.keep, tf.grad(s), tf.valueAndGrad(s),
// tf.variableGrads, tf.variable. Gradients are computed by the engine's tape:
// every op called while a tape is open records its gradient rule in C++.
import * as backends from './backends.js';
import {fromVector, getCore, vectorOf} from './core.js';
import {StringRef, Tensor, assertTensor, closeScope, makeTensorFromFlat, openScope, tensor} from './tensor.js';

function collectTensors(result, out = new Set()) {
  if (result instanceof Tensor) {
    out.add(result);
  } else if (Array.isArray(result)) {
    result.forEach(r => collectTensors(r, out));
  } else if (result != null && typeof result === 'object') {
    Object.values(result).forEach(r => collectTensors(r, out));
  }
  return out;
}

/** Runs fn, then disposes every tensor it created except those it returns (or kept). */
export function tidy(nameOrFn, maybeFn) {
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new Error('tidy: the last argument must be a function');
  openScope();
  let result;
  try {
    result = fn();
  } catch (e) {
    closeScope(new Set());
    throw e;
  }
  if (result instanceof Promise) {
    closeScope(new Set());
    throw new Error('Cannot return a Promise inside of tidy.');
  }
  closeScope(collectTensors(result));
  return result;
}

/** Keeps a tensor created inside tf.tidy from being disposed when the scope ends. */
export function keep(t) {
  assertTensor(t, 'result', 'keep', true);
  t._kept = true;
  return t;
}

export function engine() {
  return {
    startScope: () => openScope(),
    endScope: result => closeScope(collectTensors(result)),
    backendNames: () => backends.backendNames(),
    get backendName() {
      return backends.getBackend();
    },
    get backend() {
      return backends.findBackend(backends.getBackend());
    },
    findBackend: name => backends.findBackend(name),
    setBackend: name => backends.setBackend(name),
    removeBackend: name => backends.removeBackend(name),
    transferStats: () => backends.transferStats(),
    webglStats: () => backends.webglStats(),
    _registerTestBackend: (name, options) => backends.registerTestBackend(name, options),
    _webglContext: () => backends.webglContext(),
    _webglForcePackedReads: on => backends.webglForcePackedReads(on),
    _webglProfile: on => backends.webglProfile(on),
    _webglProfileReport: () => backends.webglProfileReport(),
  };
}

// ---- variables -------------------------------------------------------------------

const liveVariables = new Set();
let variableCounter = 0;

/**
 * tf.Variable. A layer's weight is one too (LayerVariable.read(), getWeights(), the
 * default list of tf.variableGrads): its handle is the engine weight's own tensor,
 * so the tape sees the weight, and `engine` (an engine variable, or a resolver
 * through its layer) carries its trainable flag.
 */
export class Variable extends Tensor {
  constructor(handle, trainable, name, engine = null) {
    super(handle);
    this._engine = engine;
    this._trainable = trainable;
    this.name = name;
    this._kept = true;  // variables outlive tidy scopes, as in tfjs
    if (engine == null) liveVariables.add(this);
  }

  get trainable() {
    return this._engine != null ? this._engine.trainable() : this._trainable;
  }

  set trainable(value) {
    if (this._engine != null) this._engine.setTrainable(Boolean(value));
    else this._trainable = value;
  }

  /** Writes new values in place (same shape and dtype). */
  assign(newValue) {
    assertTensor(newValue, 'newValue', 'assign');
    if (this.dtype === 'string' || newValue.dtype === 'string') {
      // As tfjs: a string variable takes the new tensor's values (shared, as its data id).
      if (newValue.dtype !== this.dtype) {
        throw new Error(`dtype of the new value (${newValue.dtype}) and previous value (${this.dtype}) must match`);
      }
      if (!this.shape.every((d, i) => d === newValue.shape[i]) || this.rank !== newValue.rank) {
        throw new Error(`shape of the new value (${newValue.shape}) and previous value (${this.shape}) must match`);
      }
      this._assignStrings(newValue);
      return;
    }
    getCore().assignInPlace(this.handle, newValue.handle);
  }

  dispose() {
    liveVariables.delete(this);
    super.dispose();
  }

  /** @internal The live variable of that name, if any. */
  static byName(name) {
    for (const v of liveVariables) {
      if (v.name === name && !v.isDisposed) return v;
    }
    return undefined;
  }
}

/** tf.disposeVariables(): disposes every live tf.Variable (layer weights belong to their models). */
export function disposeVariables() {
  for (const v of [...liveVariables]) v.dispose();
}

/**
 * @internal Runs fn(variables) over every live engine variable (layer weights) as
 * temporary tf.Variables, then frees those handles (the weights live on in their
 * layers; tensors fn returns are its own).
 */
export function withEngineVariables(fn) {
  const vec = getCore().liveVariables();
  const handles = [];
  for (let i = 0; i < vec.size(); i++) handles.push(vec.get(i));
  vec.delete();
  const vars = handles.map(ev => new Variable(ev.value(), undefined, ev.name(), ev));
  try {
    return fn(vars);
  } finally {
    vars.forEach(v => { if (!v.isDisposed) v.dispose(); });
    handles.forEach(h => h.delete());
  }
}

export function variable(initialValue, trainable = true, name, dtype) {
  assertTensor(initialValue, 'initialValue', 'variable');
  if (initialValue.dtype === 'string') {
    if (dtype != null && dtype !== 'string') throw new Error('Argument \'x\' passed to \'cast\' must be numeric tensor, but got string tensor');
    return new Variable(new StringRef(initialValue.stringBytes && initialValue._strings, initialValue.shape), trainable,
                        name != null ? name : `Variable${++variableCounter}`);
  }
  let handle = getCore().cloneTensor(initialValue.handle);
  if (dtype != null && dtype !== initialValue.dtype) {
    const args = vectorOf([initialValue.handle]);
    try {
      const v = getCore().runOp('cast', args, JSON.stringify({dtype}));
      handle.delete();
      [handle] = fromVector(v);
    } finally {
      args.delete();  // the vector holds a reference to the input
    }
  }
  return new Variable(handle, trainable, name != null ? name : `Variable${++variableCounter}`);
}

// ---- gradients ---------------------------------------------------------------------

/** @internal An Embind TensorVector of the given handles (caller deletes it). */

function gradientsOf(f, xs, dy) {
  const core = getCore();
  const tape = new core.GradientTape();
  try {
    return tidy(() => {
      const y = f();
      if (!(y instanceof Tensor)) throw new Error('The result y returned by f() must be a tensor.');
      if (y.dtype === 'complex64') {
        throw new Error('The result y returned by f() is a complex64 tensor: gradients need a real one (take ' +
                        'tf.real, tf.imag or tf.abs of it)');
      }
      if (dy != null) {
        assertTensor(dy, 'dy', 'grad');
      }
      const xv = vectorOf(xs.map(x => x.handle));
      const dv = vectorOf(dy != null ? [dy.handle] : []);
      let grads;
      try {
        grads = fromVector(tape.gradient(y.handle, xv, dv)).map(h => new Tensor(h));
      } finally {
        xv.delete();
        dv.delete();
      }
      return {value: y, grads, connected: tape.connected()};
    });
  } finally {
    tape.delete();
    // No tape left that could call them (an outer tape of a nested tf.grad still can).
    if (!core.tapeActive()) customGradFns.clear();
  }
}

/** f(x) -> df/dx, as a function of (x, dy?). */
export function grad(f) {
  if (typeof f !== 'function') throw new Error('The f passed in grad(f) must be a function');
  return (x, dy) => {
    assertTensor(x, 'x', 'tf.grad');
    const {value, grads} = gradientsOf(() => f(x), [x], dy);
    value.dispose();
    return grads[0];
  };
}

/** f(...xs) -> [df/dx1, ...], as a function of (xs, dy?). */
export function grads(f) {
  if (typeof f !== 'function') throw new Error('The f passed in grads(f) must be a function');
  return (args, dy) => {
    if (!Array.isArray(args)) throw new Error('The args passed in grads(f)(args) must be an array of Tensors');
    args.forEach((a, i) => assertTensor(a, `args[${i}]`, 'tf.grads'));
    const {value, grads} = gradientsOf(() => f(...args), args, dy);
    value.dispose();
    return grads;
  };
}

export function valueAndGrad(f) {
  return (x, dy) => {
    assertTensor(x, 'x', 'tf.valueAndGrad');
    const {value, grads} = gradientsOf(() => f(x), [x], dy);
    return {value, grad: grads[0]};
  };
}

export function valueAndGrads(f) {
  return (args, dy) => {
    if (!Array.isArray(args)) throw new Error('The args passed in valueAndGrads(f)(args) must be an array of Tensors');
    args.forEach((a, i) => assertTensor(a, `args[${i}]`, 'tf.valueAndGrads'));
    return gradientsOf(() => f(...args), args, dy);
  };
}

/** @internal A tf.Variable from a Variable or a LayerVariable (read()), else null. */
export function asVariable(v) {
  if (v instanceof Variable) return v;
  if (v != null && typeof v === 'object' && typeof v.read === 'function' && typeof v.write === 'function') {
    const r = v.read();
    if (r instanceof Variable) return r;
  }
  return null;
}

/**
 * Gradients of f() (a scalar) w.r.t. trainable variables (default: every live one,
 * layer weights included), as tfjs: {value, grads: {name: gradient}}; variables f
 * does not use are left out, non-trainable ones listed in varList map to null.
 */
export function variableGrads(f, varList) {
  if (typeof f !== 'function') throw new Error('The f passed in variableGrads(f) must be a function');
  if (varList == null) {
    return withEngineVariables(engineVars =>
      // String variables hold no numbers to differentiate: not among the defaults.
      variableGradsOf(f, [...liveVariables].filter(v => !v.isDisposed && v.dtype !== 'string').concat(engineVars), false));
  }
  if (!Array.isArray(varList)) throw new Error('The varList passed in variableGrads(f, varList) must be an array of variables');
  const vars = varList.map((v, i) => {
    const r = asVariable(v);
    if (r == null) {
      throw new Error(`The varList passed in variableGrads(f, varList) must be an array of variables: varList[${i}] is not a tf.Variable`);
    }
    return r;
  });
  return variableGradsOf(f, vars, true);
}

function variableGradsOf(f, all, specified) {
  const vars = all.filter(v => v.trainable);
  if (vars.length === 0) {
    throw new Error('variableGrads() expects at least one of the input variables to be trainable, but none of the ' +
                    `${all.length} variables is trainable.`);
  }
  const {value, grads, connected} = gradientsOf(f, vars);
  const fail = message => {
    value.dispose();
    grads.forEach(g => g.dispose());
    throw new Error(message);
  };
  if (value.rank !== 0) fail(`The f passed in variableGrads(f) must return a scalar, but it returned a rank-${value.rank} tensor`);
  if (!connected.some(c => c)) {
    fail('Cannot find a connection between any variable and the result of the loss function y=f(x). Please make sure ' +
         'the operations that use variables are inside the function f passed to minimize().');
  }
  const out = {};
  vars.forEach((v, i) => {
    if (connected[i]) out[v.name] = grads[i];
    else grads[i].dispose();
  });
  if (specified) all.filter(v => !v.trainable).forEach(v => { out[v.name] = null; });
  return {value, grads: out};
}

export {makeTensorFromFlat, tensor};

// ---- custom gradients ---------------------------------------------------------------

const customGradFns = new Map();
let customGradCounter = 0;

function installCustomGradCallback() {
  const core = getCore();
  if (core.wlCustomGrad) return;
  core.wlCustomGrad = (id, slot) => {
    const gradFunc = customGradFns.get(id);
    if (!gradFunc) throw new Error('customGrad: the gradient function is no longer available');
    tidy(() => {
      const dy = new Tensor(core.customGradDy(slot));
      const result = gradFunc(dy);
      const gradsOut = Array.isArray(result) ? result : [result];
      gradsOut.forEach((g, i) => {
        assertTensor(g, `gradFunc result[${i}]`, 'customGrad');
        core.customGradPush(slot, g.handle);
      });
    });
  };
}

/**
 * tf.customGrad(f): f(...inputs, save) returns {value, gradFunc(dy, saved)}; the
 * gradient of the result is gradFunc's, not that of the ops inside f.
 */
export function customGrad(f) {
  if (typeof f !== 'function') throw new Error('The f passed in customGrad(f) must be a function.');
  return (...inputs) => {
    inputs.forEach((x, i) => assertTensor(x, `inputs[${i}]`, 'customGrad'));
    const core = getCore();
    installCustomGradCallback();
    let saved = [];
    const save = tensors => { saved = tensors; };
    const paused = new core.PausedTape();
    let out;
    try {
      out = f(...inputs, save);
    } finally {
      paused.delete();
    }
    if (!out || !(out.value instanceof Tensor) || typeof out.gradFunc !== 'function') {
      throw new Error('The function f passed in customGrad(f) must return an object {value: Tensor, gradFunc}.');
    }
    if (core.tapeActive()) {
      const id = ++customGradCounter;
      customGradFns.set(id, dy => out.gradFunc(dy, saved));
      const v = vectorOf(inputs.map(x => x.handle));
      try {
        core.recordCustomGrad(v, out.value.handle, id);
      } finally {
        v.delete();
      }
    }
    return out.value;
  };
}
