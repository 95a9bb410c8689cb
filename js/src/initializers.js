// tf.initializers, tf.regularizers and tf.constraints (tfjs-layers/src/exports_*.ts):
// each factory returns a serializable spec {className, config} that layer options
// and Layer.addWeight() accept; the engine does the computing. To add one: the
// engine must know its className (cpp/layers/initializers.cc, regularizers.cc).
import {getCore, isReady} from './core.js';
import {tidy} from './engine.js';
import {ops} from './ops.js';
import {Tensor} from './tensor.js';

class Spec {
  constructor(className, config) {
    this.className = className;
    this.config = config;
  }

  getClassName() {
    return this.className;
  }

  getConfig() {
    return {...this.config};
  }

  /** What JSON.stringify writes: the form layer options take. */
  toJSON() {
    return {className: this.className, config: this.config};
  }
}

export class Initializer extends Spec {
  /** A tensor of `shape` drawn from this initializer. */
  apply(shape, dtype = 'float32') {
    if (dtype !== 'float32') throw new Error(`Initializer.apply: only float32 is supported, got '${dtype}'`);
    return new Tensor(getCore().initializeTensor(JSON.stringify(this), shape));
  }
}

// The engine checks the options now, as tfjs's constructors do (a bad mode throws here, not
// at apply); before tf.ready() (wasm-layers/lazy) the layer or apply() that takes it checks.
const checked = init => {
  if (isReady()) getCore().validateInitializer(JSON.stringify(init));
  return init;
};
const seeded = (className, defaults = {}) => (args = {}) =>
  checked(new Initializer(className, {...defaults, ...args, seed: args.seed ?? null}));

export const initializers = {
  zeros: () => new Initializer('Zeros', {}),
  ones: () => new Initializer('Ones', {}),
  constant: ({value} = {}) => {
    if (typeof value !== 'number') throw new Error(`initializers.constant: value must be a number, got ${value}`);
    return new Initializer('Constant', {value});
  },
  randomUniform: seeded('RandomUniform', {minval: -0.05, maxval: 0.05}),
  randomNormal: seeded('RandomNormal', {mean: 0, stddev: 0.05}),
  truncatedNormal: seeded('TruncatedNormal', {mean: 0, stddev: 0.05}),
  varianceScaling: seeded('VarianceScaling', {scale: 1, mode: 'fanIn', distribution: 'normal'}),
  glorotUniform: seeded('GlorotUniform'),
  glorotNormal: seeded('GlorotNormal'),
  heUniform: seeded('HeUniform'),
  heNormal: seeded('HeNormal'),
  leCunUniform: seeded('LeCunUniform'),
  leCunNormal: seeded('LeCunNormal'),
  // As tfjs: the config has a seed only when one is given.
  orthogonal: ({gain = 1, seed} = {}) => new Initializer('Orthogonal', seed == null ? {gain} : {gain, seed}),
  // gain * eye(n); 2D square shapes only (the engine throws tfjs's error otherwise).
  identity: ({gain = 1} = {}) => new Initializer('Identity', {gain}),
};

/** tfjs's L1L2 regularizer: apply(x) is its penalty, l1 * sum(|x|) + l2 * sum(x^2). */
class Regularizer extends Spec {
  apply(x) {
    return regularizerApply(this)(x);
  }
}

export const regularizers = {
  l1: ({l1 = 0.01} = {}) => new Regularizer('L1L2', {l1, l2: 0}),
  l2: ({l2 = 0.01} = {}) => new Regularizer('L1L2', {l1: 0, l2}),
  l1l2: ({l1 = 0.01, l2 = 0.01} = {}) => new Regularizer('L1L2', {l1, l2}),
};

const REGULARIZER_DEFAULTS = {l1: {l1: 0.01, l2: 0}, l2: {l1: 0, l2: 0.01}, l1l2: {l1: 0.01, l2: 0.01}};

/**
 * @internal A regularizer (a name, a tf.regularizers object or {className, config}) as
 * tfjs's Regularizer.apply: x => its penalty (a scalar), as the engine computes it.
 */
export function regularizerApply(regularizer) {
  const spec = specOf(regularizer);
  let l1, l2;
  if (typeof spec === 'string') {
    const key = spec.toLowerCase().replace(/_/g, '');
    if (!(key in REGULARIZER_DEFAULTS)) throw new Error(`Unknown regularizer: ${spec}`);
    ({l1, l2} = REGULARIZER_DEFAULTS[key]);
  } else if (['L1L2', 'L1', 'L2'].includes(spec.className)) {  // Keras's L1 / L2: the other factor 0
    const c = spec.config || {};
    l1 = spec.className === 'L2' ? 0 : (c.l1 == null ? 0.01 : c.l1);
    l2 = spec.className === 'L1' ? 0 : (c.l2 == null ? 0.01 : c.l2);
  } else {
    throw new Error(`Unknown regularizer: ${spec.className}`);
  }
  return x => tidy(() => {
    let regularization = ops.zeros([1]);
    if (l1 !== 0) regularization = ops.add(regularization, ops.sum(ops.mul(l1, ops.abs(x))));
    if (l2 !== 0) regularization = ops.add(regularization, ops.sum(ops.mul(l2, ops.square(x))));
    return ops.reshape(regularization, []);
  });
}

export const constraints = {
  maxNorm: ({maxValue = 2, axis = 0} = {}) => new Spec('MaxNorm', {maxValue, axis}),
  minMaxNorm: ({minValue = 0, maxValue = 1, axis = 0, rate = 1} = {}) => new Spec('MinMaxNorm', {minValue, maxValue, axis, rate}),
  nonNeg: () => new Spec('NonNeg', {}),
  unitNorm: ({axis = 0} = {}) => new Spec('UnitNorm', {axis}),
};

/** @internal An initializer/regularizer/constraint as the engine's JSON spec: a name or {className, config}. */
export function specOf(value) {
  if (typeof value === 'string') return value;
  if (value != null && typeof value.getClassName === 'function' && typeof value.getConfig === 'function') {
    return {className: value.getClassName(), config: value.getConfig()};
  }
  if (value != null && typeof value.className === 'string') return {className: value.className, config: value.config || {}};
  throw new Error(`Expected an initializer/regularizer/constraint (a name, a tf.initializers.* object or {className, config}), got ${JSON.stringify(value)}`);
}
