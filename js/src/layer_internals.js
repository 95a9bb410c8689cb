// Layer/LayersModel internals tfjs declares public (issue 16; tfjs-layers/src/engine/
// topology.ts, container.ts, training.ts): losses (addLoss, losses, calculateLosses and
// the weight regularizers' loss functions), activityRegularizer, call hooks, inputSpec,
// initialWeights, the compiled lossFunctions/metricsTensors, and the host training step
// a model takes when a layer carries losses added in JS.
//
// The engine sums the weight regularizers inside its training step; functions given to
// addLoss() are JS, so a model whose layers carry some trains through the host step
// here instead: tfjs's makeTrainFunction (forward on the engine graph, the compiled
// loss functions, + calculateLosses(), gradients and the model's engine optimizer).
import {Tensor, scalar, tensor1d} from './tensor.js';
import {configureCallbacks} from './training.js';
import {vectorOf} from './core.js';
import {shuffle as shuffleArray} from './util.js';
import {Layer, callHooks} from './layers.js';
import {InputSpec} from './surface.js';
import {LayersModel, Sequential} from './models.js';
import {Optimizer} from './optimizers.js';
import {keep, tidy, variableGrads} from './engine.js';
import {ops} from './ops.js';
import {metrics as tfMetrics} from './metrics.js';
import {regularizerApply} from './initializers.js';

const EPSILON = 1e-7;  // tfjs-layers' backend epsilon()

// ---- tfjs-layers' loss and metric functions (losses.ts, metrics.ts) ------------------------

const layerFn = (name, fn) => ({[name]: (yTrue, yPred) => tidy(() => fn(yTrue, yPred))})[name];

function categoricalCrossentropyOf(target, output) {
  const last = output.shape.length - 1;
  output = ops.clipByValue(ops.div(output, ops.sum(output, last, true)), EPSILON, 1 - EPSILON);
  return ops.neg(ops.sum(ops.mul(ops.cast(target, 'float32'), ops.log(output)), last));
}

function sparseCategoricalCrossentropyOf(target, output) {
  const flatTarget = ops.cast(ops.floor(ops.reshape(target, [-1])), 'int32');
  output = ops.clipByValue(output, EPSILON, 1 - EPSILON);
  const oneHotTarget = ops.reshape(ops.oneHot(flatTarget, output.shape[output.shape.length - 1]), output.shape);
  return categoricalCrossentropyOf(oneHotTarget, output);
}

/** tfjs-layers' lossesMap: per-sample losses (mean over the last axis). */
export const lossesMap = {
  meanSquaredError: tfMetrics.meanSquaredError,
  meanAbsoluteError: tfMetrics.meanAbsoluteError,
  meanAbsolutePercentageError: tfMetrics.meanAbsolutePercentageError,
  meanSquaredLogarithmicError: layerFn('meanSquaredLogarithmicError', (yTrue, yPred) => {
    const firstLog = ops.log(ops.add(1, ops.clipByValue(yPred, EPSILON, Number.MAX_VALUE)));
    const secondLog = ops.log(ops.add(1, ops.clipByValue(yTrue, EPSILON, Number.MAX_VALUE)));
    return ops.mean(ops.square(ops.sub(firstLog, secondLog)), -1);
  }),
  squaredHinge: layerFn('squaredHinge', (yTrue, yPred) =>
    ops.mean(ops.square(ops.maximum(0, ops.sub(1, ops.mul(yTrue, yPred)))), -1)),
  hinge: layerFn('hinge', (yTrue, yPred) => ops.mean(ops.maximum(0, ops.sub(1, ops.mul(yTrue, yPred))), -1)),
  categoricalHinge: layerFn('categoricalHinge', (yTrue, yPred) => {
    const pos = ops.sum(ops.mul(yTrue, yPred), -1);
    const neg = ops.max(ops.mul(ops.sub(1, yTrue), yPred), -1);
    return ops.maximum(0, ops.add(1, ops.sub(neg, pos)));
  }),
  logcosh: layerFn('logcosh', (yTrue, yPred) => {
    const diff = ops.sub(yPred, yTrue);
    return ops.mean(ops.sub(ops.add(diff, ops.softplus(ops.mul(-2, diff))), Math.log(2)), -1);
  }),
  categoricalCrossentropy: tfMetrics.categoricalCrossentropy,
  sparseCategoricalCrossentropy: layerFn('sparseCategoricalCrossentropy', sparseCategoricalCrossentropyOf),
  binaryCrossentropy: tfMetrics.binaryCrossentropy,
  kullbackLeiblerDivergence: layerFn('kullbackLeiblerDivergence', (yTrue, yPred) => {
    const clippedTrue = ops.clipByValue(yTrue, EPSILON, 1), clippedPred = ops.clipByValue(yPred, EPSILON, 1);
    return ops.sum(ops.mul(yTrue, ops.log(ops.div(clippedTrue, clippedPred))), -1);
  }),
  poisson: layerFn('poisson', (yTrue, yPred) =>
    ops.mean(ops.sub(yPred, ops.mul(yTrue, ops.log(ops.add(EPSILON, yPred)))), -1)),
  cosineProximity: tfMetrics.cosineProximity,
};

/** tfjs-layers' metricsMap. */
const metricsMap = {
  binaryAccuracy: tfMetrics.binaryAccuracy, categoricalAccuracy: tfMetrics.categoricalAccuracy,
  precision: tfMetrics.precision, categoricalCrossentropy: tfMetrics.categoricalCrossentropy,
  sparseCategoricalCrossentropy: lossesMap.sparseCategoricalCrossentropy,
  mse: tfMetrics.meanSquaredError, MSE: tfMetrics.meanSquaredError, mae: tfMetrics.meanAbsoluteError,
  MAE: tfMetrics.meanAbsoluteError, mape: tfMetrics.meanAbsolutePercentageError,
  MAPE: tfMetrics.meanAbsolutePercentageError, cosine: tfMetrics.cosineProximity,
};

/** tfjs's losses.get: a name's function, or the function given. */
function lossFunctionOf(identifier) {
  if (typeof identifier !== 'string') return identifier;
  if (identifier in lossesMap) return lossesMap[identifier];
  throw new Error(`Unknown loss ${identifier}`);
}

// tfjs's metrics.get; names the engine also accepts (compile() succeeded) fall back
// to tf.metrics and the losses, as the engine resolves them.
function metricFunctionOf(identifier) {
  if (typeof identifier !== 'string') return identifier;
  if (identifier in metricsMap) return metricsMap[identifier];
  if (identifier in tfMetrics) return tfMetrics[identifier];
  if (identifier in lossesMap) return lossesMap[identifier];
  throw new Error(`Unknown metric ${identifier}`);
}

/** @internal tfjs's lossFunctions and metricsTensors of a compiled model (training.ts compile). */
function compiledFunctions(model) {
  const args = model._compileArgs;
  if (args == null) return null;
  if (model._compiled != null && model._compiled.args === args) return model._compiled;
  const outputNames = model.outputNames;
  const numOutputs = outputNames.length;
  let lossFunctions;
  const loss = args.loss;
  if (Array.isArray(loss)) {
    lossFunctions = loss.map(lossFunctionOf);
  } else if (loss != null && typeof loss === 'object' && typeof loss !== 'function') {
    lossFunctions = outputNames.map(n => lossFunctionOf(loss[n]));
  } else {
    const fn = lossFunctionOf(loss);
    lossFunctions = outputNames.map(() => fn);
  }
  const lw = args.lossWeights;
  const lossWeights = outputNames.map((n, i) => (lw == null ? 1 : typeof lw === 'number' ? lw
                                                 : Array.isArray(lw) ? lw[i] : (lw[n] ?? 1)));
  const metricsTensors = [];
  if (numOutputs > 1) lossFunctions.forEach((fn, i) => metricsTensors.push([fn, i]));
  const outputShapes = model.outputs.map(t => t.shape);
  collectMetrics(args.metrics, outputNames).forEach((list, i) => {
    for (const metric of list) {
      let fn;
      if (typeof metric === 'string' && ['accuracy', 'acc', 'crossentropy', 'ce'].includes(metric)) {
        const accuracy = ['accuracy', 'acc'].includes(metric);
        const shape = outputShapes[i];
        if (shape[shape.length - 1] === 1 || lossFunctions[i] === lossesMap.binaryCrossentropy) {
          fn = accuracy ? tfMetrics.binaryAccuracy : tfMetrics.binaryCrossentropy;
        } else if (lossFunctions[i] === lossesMap.sparseCategoricalCrossentropy) {
          fn = accuracy ? tfMetrics.sparseCategoricalAccuracy : lossesMap.sparseCategoricalCrossentropy;
        } else {
          fn = accuracy ? tfMetrics.categoricalAccuracy : tfMetrics.categoricalCrossentropy;
        }
      } else {
        fn = metricFunctionOf(metric);
      }
      metricsTensors.push([fn, i]);
    }
  });
  model._compiled = {args, lossFunctions, lossWeights, metricsTensors};
  return model._compiled;
}

function collectMetrics(metrics, outputNames) {
  if (metrics == null || (Array.isArray(metrics) && metrics.length === 0)) return outputNames.map(() => []);
  const wrapped = typeof metrics === 'string' || typeof metrics === 'function' ? [metrics] : metrics;
  if (Array.isArray(wrapped)) return outputNames.map(() => wrapped);
  return outputNames.map(n => {
    const m = Object.prototype.hasOwnProperty.call(wrapped, n) ? wrapped[n] : [];
    return Array.isArray(m) ? m : [m];
  });
}

// ---- regularizers as loss functions ----------------------------------------------------------

// The options naming a weight's regularizer, by the weight's tfjs name.
const WEIGHT_REGULARIZERS = {
  kernel: 'kernelRegularizer', bias: 'biasRegularizer', embeddings: 'embeddingsRegularizer',
  depthwise_kernel: 'depthwiseRegularizer', pointwise_kernel: 'pointwiseRegularizer', gamma: 'gammaRegularizer',
  beta: 'betaRegularizer', alpha: 'alphaRegularizer', recurrent_kernel: 'recurrentRegularizer',
};

/**
 * The loss functions tfjs's addWeight() adds for a built layer's regularized weights.
 * Recurrent layers (and Bidirectional, from its wrapped layer's options) list theirs
 * too: the engine adds their penalties to the training loss (README: as Keras; tfjs
 * 4.22 keeps them on its cells and drops them).
 */
function weightRegularizerLosses(layer) {
  const className = layer.getClassName();
  if (layer instanceof LayersModel) return [];
  if (className === 'TimeDistributed') return [];  // its inner layer's (Wrapper.losses below)
  let config = layer.getConfig();
  if (className === 'Bidirectional') config = config.layer != null && config.layer.config != null ? config.layer.config : {};
  if (className === 'RNN') return [];  // a tf.layers.rnn's options are its cell's
  const out = [];
  for (const w of layer.weights) {
    const key = WEIGHT_REGULARIZERS[w.name.slice(w.name.lastIndexOf('/') + 1)];
    if (key != null && config[key] != null) {
      const apply = regularizerApply(config[key]);
      out.push(() => apply(w.read()));
    }
  }
  return out;
}

let addedLossLayers = 0;  // layers ever given addLoss() functions (0: no model needs the host step)

// ---- Layer: losses, addLoss, calculateLosses ---------------------------------------------------

/** @internal The layer's loss-function list (tfjs's _losses), with its weight regularizers once built. */
function lossList(layer) {
  if (layer._losses == null) layer._losses = [];
  if (!layer._weightLossesAdded && !layer._isHost && layer.built) {
    layer._weightLossesAdded = true;
    layer._losses.push(...weightRegularizerLosses(layer));
  }
  return layer._losses;
}

Object.defineProperty(Layer.prototype, 'losses', {
  configurable: true,
  get() {
    // tfjs's Wrapper: TimeDistributed's are its inner layer's.
    if (this.getClassName() === 'TimeDistributed' && this.layer instanceof Layer) return this.layer.losses;
    return lossList(this);
  },
});

Object.assign(Layer.prototype, {
  /** tfjs: adds loss functions (() => Scalar); a model's training adds their values to its loss. */
  addLoss(losses) {
    if (losses == null || (Array.isArray(losses) && losses.length === 0)) return;
    const list = Array.isArray(losses) ? losses : [losses];
    lossList(this).push(...list);
    if (!(this._addedLossCount > 0)) addedLossLayers++;
    this._addedLossCount = (this._addedLossCount || 0) + list.length;
  },

  /** tfjs: the values of the layer's loss functions (Scalars). */
  calculateLosses() {
    return this.losses.map(lossFn => lossFn());
  },
});

// tfjs's Container.calculateLosses: the losses of its layers, once per node it runs
// (a model's own addLoss() functions are not among them, as in tfjs).
LayersModel.prototype.calculateLosses = function calculateLosses() {
  return tidy(() => {
    const losses = [];
    const nodes = this.containerNodes;
    for (const layer of this.layers) {
      const n = layer.handle.numInboundNodes();
      for (let k = 0; k < n; k++) {
        if (nodes.has(`${layer.name}_ib-${k}`)) losses.push(...layer.calculateLosses());
      }
    }
    return losses;
  });
};

/** @internal Whether any layer the model runs carries loss functions added in JS (addLoss). */
export function hasAddedLosses(model) {
  if (addedLossLayers === 0) return false;
  return model.layers.some(l => (l instanceof LayersModel ? hasAddedLosses(l)
      : (l._addedLossCount > 0 || (l.layer instanceof Layer && l.layer._addedLossCount > 0))));
}

// ---- compiled functions ------------------------------------------------------------------------

Object.defineProperty(LayersModel.prototype, 'lossFunctions', {
  configurable: true,
  get() {
    const c = compiledFunctions(this);
    return c == null ? undefined : c.lossFunctions;
  },
});
Object.defineProperty(LayersModel.prototype, 'metricsTensors', {
  configurable: true,
  get() {
    const c = compiledFunctions(this);
    return c == null ? undefined : c.metricsTensors;
  },
});

// ---- the host training step ------------------------------------------------------------------------

const CONSTRAINT_KEYS = /Constraint$/;

/**
 * @internal tfjs's train function (makeTrainFunction) for a model with JS losses:
 * one step on xs/ys (Tensors; sampleWeights: per-output Tensors or null). Returns
 * [loss, ...metrics] as numbers, in metricsNames' order.
 */
export function hostTrainStep(model, xs, ys, sampleWeights = []) {
  for (const layer of model.layers) {
    const config = layer.getConfig();
    if (config.activityRegularizer != null) {
      throw new Error(`${model.name}: training with losses added by addLoss() runs in JS, which cannot add the ` +
                      `activity regularizer of layer ${layer.name}`);
    }
    const constrained = Object.keys(config).filter(k => CONSTRAINT_KEYS.test(k) && config[k] != null);
    if (constrained.length > 0) {
      throw new Error(`${model.name}: training with losses added by addLoss() runs in JS, which cannot apply the ` +
                      `weight constraints of layer ${layer.name} (${constrained.join(', ')})`);
    }
  }
  const {lossFunctions, lossWeights, metricsTensors} = compiledFunctions(model);
  const numOutputs = lossFunctions.length;
  const variables = model.trainableWeights.map(w => w.read());
  const metricValues = [];
  const optimizerHandle = model.handle.getOptimizer();
  const optimizer = Object.create(Optimizer.prototype);
  optimizer._handle = optimizerHandle;
  optimizer.isDisposed = false;
  let value, grads;
  try {
    ({value, grads} = variableGrads(() => {
      const outputs = model.apply(xs, {training: true});
      const outs = Array.isArray(outputs) ? outputs : [outputs];
      const lossValues = [];
      let totalLoss;
      for (let i = 0; i < numOutputs; i++) {
        let loss = lossFunctions[i](ys[i], outs[i]);
        if (sampleWeights[i] != null) loss = ops.mul(loss, sampleWeights[i]);
        lossValues.push(ops.mean(loss));
        if (lossWeights[i] !== 1) loss = ops.mul(loss, lossWeights[i]);  // the total's share; <output>_loss unweighted
        totalLoss = i === 0 ? loss : ops.add(totalLoss, loss);
      }
      metricsTensors.forEach(([metric, outputIndex], i) => {
        const v = numOutputs > 1 && i < numOutputs ? lossValues[i]
                                                   : ops.mean(metric(ys[outputIndex], outs[outputIndex]));
        metricValues.push(keep(v));
      });
      totalLoss = ops.mean(totalLoss);
      for (const r of model.calculateLosses()) totalLoss = ops.add(totalLoss, r);
      return totalLoss;
    }, variables));
    optimizer.applyGradients(grads, variables);
    return [value, ...metricValues].map(t => t.dataSync()[0]);
  } finally {
    for (const t of [value, ...metricValues, ...Object.values(grads || {})]) if (t instanceof Tensor) t.dispose();
    optimizerHandle.delete();
  }
}

LayersModel.prototype._needsHostTrain = function _needsHostTrain() {
  return hasAddedLosses(this);
};

LayersModel.prototype._hostTrain = function _hostTrain(xs, ys, sampleWeights) {
  if (!this.info.compiled) {
    throw new Error('You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).');
  }
  return hostTrainStep(this, xs, ys, sampleWeights);
};

// tfjs's Sequential keeps its inner model's metricsTensors but not its lossFunctions.
Object.defineProperty(Sequential.prototype, 'lossFunctions', {configurable: true, get: () => undefined});

// ---- fields tfjs's Layer always has -------------------------------------------------------------

// tfjs: the `weights` option (set on the first build, see Layer.apply), else null.
Layer.prototype.initialWeights = null;
// tfjs: the regularizer of the layer's outputs (Dense, Conv*, Embedding take it as an
// option); a layer that has one refuses to be called, as in tfjs.
Layer.prototype.activityRegularizer = null;

// ---- call hooks ------------------------------------------------------------------------------------

Object.assign(Layer.prototype, {
  /**
   * tfjs: fn(inputs, kwargs) runs at each call of the layer on Tensors (for the classes
   * whose call() invokes it, as in tfjs: Dense, Dropout, Flatten, Activation, Reshape,
   * Masking, Embedding, the noise and pooling layers; a custom layer calls
   * this.invokeCallHook itself). A model run by the engine does not call back into JS
   * per layer, so running a model that holds a hooked layer throws instead.
   */
  setCallHook(callHook) {
    if (this._callHook == null && callHook != null) callHooks.count++;
    if (this._callHook != null && callHook == null) callHooks.count--;
    this._callHook = callHook == null ? null : callHook;
  },

  clearCallHook() {
    this.setCallHook(null);
  },

  /** tfjs's protected invokeCallHook: custom layers call it from call(). */
  invokeCallHook(inputs, kwargs) {
    if (this._callHook != null) this._callHook(inputs, kwargs);
  },
});

/** @internal Throws when a layer this model runs has a call hook the engine would not call. */
LayersModel.prototype._assertNoInnerCallHooks = function _assertNoInnerCallHooks() {
  for (const layer of this.layers) {
    if (layer instanceof LayersModel) {
      layer._assertNoInnerCallHooks();
    } else if (layer._callHook != null && !layer._isHost && callHooks.classes.has(layer.getClassName())) {
      // (A custom layer's call() runs in JS inside the model too, so its invokeCallHook() works.)
      throw new Error(`Layer ${layer.name} of model ${this.name} has a call hook (setCallHook), but the engine runs ` +
                      'the model\'s layers without calling back into JS, so it would not be called: clear it ' +
                      '(clearCallHook) or call the layer\'s apply() on Tensors.');
    }
  }
};

// ---- inputSpec -------------------------------------------------------------------------------------

// tfjs's inputSpec of each class (its constructor's, then build()'s once built): plain
// objects where tfjs writes them, InputSpec instances where it constructs them.
const spec = args => new InputSpec(args);
const lastDim = shape => shape[shape.length - 1];
const channelAxis = config => (config.dataFormat === 'channelsFirst' ? 1 : -1);
const INPUT_SPECS = {
  InputLayer: (l, c) => [{shape: c.batchInputShape}],
  Dense: (l, c, s) => (s ? [{minNDim: 2, axes: {[-1]: lastDim(s)}}] : [{minNDim: 2}]),
  Flatten: () => [{minNDim: 3}],
  RepeatVector: () => [{ndim: 2}],
  SpatialDropout1D: () => [{ndim: 3}],
  Permute: (l, c) => [spec({ndim: c.dims.length + 1})],
  Conv2DTranspose: (l, c, s) => (s ? [spec({ndim: 4, axes: {[c.dataFormat === 'channelsFirst' ? 1 : 3]: s[c.dataFormat === 'channelsFirst' ? 1 : 3]}})]
                                   : [spec({ndim: 4})]),
  Conv3DTranspose: (l, c, s) => (s ? [spec({ndim: 5, axes: {[c.dataFormat === 'channelsFirst' ? 1 : 4]: s[c.dataFormat === 'channelsFirst' ? 1 : 4]}})]
                                   : [spec({ndim: 5})]),
  Cropping2D: () => [{ndim: 4}],
  UpSampling2D: () => [{ndim: 4}],
  ZeroPadding2D: () => [spec({ndim: 4})],
  MaxPooling1D: () => [spec({ndim: 3})], AveragePooling1D: () => [spec({ndim: 3})],
  MaxPooling2D: () => [spec({ndim: 4})], AveragePooling2D: () => [spec({ndim: 4})],
  MaxPooling3D: () => [spec({ndim: 5})], AveragePooling3D: () => [spec({ndim: 5})],
  GlobalMaxPooling1D: () => [spec({ndim: 3})], GlobalAveragePooling1D: () => [spec({ndim: 3})],
  GlobalMaxPooling2D: () => [spec({ndim: 4})], GlobalAveragePooling2D: () => [spec({ndim: 4})],
  // Once built: the batch size (a stateful layer's) and the step size are free.
  SimpleRNN: (l, c, s) => rnnSpec(c, s), LSTM: (l, c, s) => rnnSpec(c, s), GRU: (l, c, s) => rnnSpec(c, s),
  RNN: (l, c, s) => rnnSpec(c, s),
  ConvLSTM2D: (l, c, s) => (s ? [spec({shape: [c.stateful ? s[0] : null, null, ...s.slice(2)]})] : [spec({ndim: 5})]),
  BatchNormalization: (l, c, s) => {
    if (!s) return null;
    const axis = c.axis >= 0 ? c.axis : c.axis + s.length;
    return [spec({ndim: s.length, axes: {[axis]: s[axis]}})];
  },
  PReLU: (l, c, s) => {
    if (!s) return null;
    const axes = {};
    if (c.sharedAxes != null) for (let i = 1; i < s.length; ++i) axes[i] = s[i];
    return [spec({ndim: s.length, axes})];
  },
  TimeDistributed: (l, c, s) => (s ? [{shape: s}] : null),
  Bidirectional: l => (l.layer instanceof Layer ? l.layer.inputSpec : null),
};
const rnnSpec = (c, s) => (s ? [spec({shape: [c.stateful ? s[0] : null, null, ...s.slice(2)]})] : [spec({ndim: 3})]);
// tfjs's convolutions (BaseConv.build); Conv1D also sets one at construction, SeparableConv2D
// makes an InputSpec, DepthwiseConv2D none.
for (const [cls, rank] of [['Conv1D', 1], ['Conv2D', 2], ['Conv3D', 3], ['SeparableConv2D', 2]]) {
  INPUT_SPECS[cls] = (l, c, s) => {
    if (!s) return cls === 'Conv1D' ? [{ndim: 3}] : null;
    const axis = c.dataFormat === 'channelsFirst' ? 1 : s.length - 1;
    const value = {ndim: rank + 2, axes: {[axis]: s[axis]}};
    return [cls === 'SeparableConv2D' ? spec(value) : value];
  };
}

/** The input shape the layer was built with (its first), or null. */
function builtShape(layer) {
  if (!layer.built) return null;
  const {inputShapes} = JSON.parse(layer.handle.shapesJson());
  return inputShapes.length > 0 ? inputShapes[0] : null;
}

Object.defineProperty(Layer.prototype, 'inputSpec', {
  configurable: true,
  get() {
    if (this._ownInputSpec !== undefined) return this._ownInputSpec;
    if (this._isHost || this instanceof LayersModel) return null;
    const make = INPUT_SPECS[this.getClassName()];
    if (make == null) return null;
    const s = builtShape(this);
    return make(this, this.getConfig(), s) || null;
  },
  // tfjs's field: a custom layer assigns its specs, which apply() then checks (assertInputCompatibility).
  set(value) {
    this._ownInputSpec = value;
  },
});

// ---- fitLoop, makeTrainFunction (training.ts) -------------------------------------------------------

/** tfjs's makeBatches: [start, end) pairs of batchSize rows over `size` rows. */
function makeBatches(size, batchSize) {
  const output = [];
  for (let batchStart = 0; batchStart < size;) {
    const batchEnd = Math.min(batchStart + batchSize, size);
    output.push([batchStart, batchEnd]);
    batchStart = batchEnd;
  }
  return output;
}

function checkNumSamples(ins, batchSize, steps, stepsName = 'steps') {
  if (steps != null) {
    if (batchSize != null) {
      throw new Error(`If ${stepsName} is set, batchSize must be null or undefined.Got batchSize = ${batchSize}`);
    }
    return null;
  }
  if (ins != null) return Array.isArray(ins) ? ins[0].shape[0] : ins.shape[0];
  throw new Error(`Either the input data should have a defined shape, or ${stepsName} shoud be specified.`);
}

const sliceArraysByIndices = (arrays, indices) => arrays.map(a => ops.gather(a, indices));
const numbersOf = outs => outs.map(o => (o instanceof Tensor ? o.dataSync()[0] : o));

/** tfjs's testLoop: f over batches of ins, the batch-size-weighted means of its outputs. */
function testLoop(f, ins, batchSize) {
  const numSamples = checkNumSamples(ins, batchSize, undefined, 'steps');
  const sums = [];
  for (const [start, end] of makeBatches(numSamples, batchSize)) {
    const outs = tidy(() => {
      const ids = ops.range(start, end, 1, 'int32');
      return f(sliceArraysByIndices(ins, ids));
    });
    numbersOf(outs).forEach((v, i) => { sums[i] = (sums[i] || 0) + (end - start) * v; });
    outs.forEach(o => { if (o instanceof Tensor) o.dispose(); });
  }
  return sums.map(s => s / numSamples);
}

Object.assign(LayersModel.prototype, {
  /**
   * tfjs's fitLoop: epochs over batches of `ins` (the inputs, targets and sample
   * weights, rows sliced together), calling f(batch) -> Scalar[] named by outLabels,
   * with callbacks (History last), validation through valF over valIns after each
   * epoch's last batch, and tfjs's errors for what it does not implement
   * (stepsPerEpoch, batch shuffling).
   */
  async fitLoop(f, ins, outLabels, batchSize, epochs, verbose, callbacks, valF, valIns, shuffle, callbackMetrics,
                initialEpoch, stepsPerEpoch, validationSteps) {
    if (batchSize == null) batchSize = 32;
    if (epochs == null) epochs = 1;
    if (shuffle == null) shuffle = true;
    if (initialEpoch == null) initialEpoch = 0;
    let doValidation = false;
    if (valF != null && valIns != null) doValidation = true;
    if (validationSteps != null) {
      doValidation = true;
      if (stepsPerEpoch == null) {
        throw new Error('Can only use `validationSteps` when doing step-wise training, i.e., `stepsPerEpoch` must be set.');
      }
    }
    const numTrainSamples = checkNumSamples(ins, batchSize, stepsPerEpoch, 'steps_per_epoch');
    const indexArray = numTrainSamples != null ? Array.from({length: numTrainSamples}, (_, i) => i) : null;
    if (verbose == null) verbose = 1;
    const params = {epochs, initialEpoch, samples: numTrainSamples, steps: stepsPerEpoch, batchSize, verbose,
                    doValidation, metrics: callbackMetrics};
    const {list, history} = configureCallbacks(this, {callbacks}, params);
    await list.call('onTrainBegin', {});
    this.stopTraining = false;
    for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
      await list.call('onEpochBegin', epoch, {});
      const epochLogs = {};
      if (stepsPerEpoch != null) throw new Error('stepsPerEpoch mode is not implemented yet.');
      if (shuffle === 'batch') throw new Error('batch shuffling is not implemneted yet');
      if (shuffle) shuffleArray(indexArray);
      const epochIndices = tensor1d(indexArray, 'int32');
      const batches = makeBatches(numTrainSamples, batchSize);
      // tfjs's BaseLogger: the epoch's value of each metric is the size-weighted mean of its batches'.
      const totals = {};
      let seen = 0;
      try {
        for (let batchIndex = 0; batchIndex < batches.length; ++batchIndex) {
          const batchLogs = {};
          await list.call('onBatchBegin', batchIndex, batchLogs);
          const [batchStart, batchEnd] = batches[batchIndex];
          batchLogs.batch = batchIndex;
          batchLogs.size = batchEnd - batchStart;
          const outs = tidy(() => {
            const batchIds = ops.slice(epochIndices, [batchStart], [batchEnd - batchStart]);
            return f(sliceArraysByIndices(ins, batchIds));
          });
          const values = numbersOf(outs);
          outs.forEach(o => { if (o instanceof Tensor) o.dispose(); });
          outLabels.forEach((label, i) => { batchLogs[label] = values[i]; });
          if (batchIndex === batches.length - 1 && doValidation) {
            const valOuts = testLoop(valF, valIns, batchSize);
            outLabels.forEach((label, i) => { epochLogs[`val_${label}`] = valOuts[i]; });
          }
          seen += batchLogs.size;
          for (const key of Object.keys(batchLogs)) {
            if (key !== 'batch' && key !== 'size' && typeof batchLogs[key] === 'number') {
              totals[key] = (totals[key] || 0) + batchLogs[key] * batchLogs.size;
            }
          }
          await list.call('onBatchEnd', batchIndex, batchLogs);
          if (this.stopTraining) break;
        }
      } finally {
        epochIndices.dispose();
      }
      for (const key of callbackMetrics || []) if (totals[key] != null) epochLogs[key] = totals[key] / seen;
      await list.call('onEpochEnd', epoch, epochLogs);
      if (this.stopTraining) break;
    }
    await list.call('onTrainEnd', {});
    await history.syncData();
    return history;
  },

  /**
   * tfjs's makeTrainFunction: data ([...inputs, ...targets, ...sampleWeights]) ->
   * [loss, ...metrics] as Scalars, one training step (the engine's, or the host step
   * for a model whose layers carry addLoss() functions).
   */
  makeTrainFunction() {
    return data => {
      const numIn = this.inputNames.length, numOut = this.outputNames.length;
      const xs = data.slice(0, numIn), ys = data.slice(numIn, numIn + numOut);
      const sampleWeights = data.slice(numIn + numOut, numIn + 2 * numOut);
      let values;
      if (this._needsHostTrain()) {
        values = hostTrainStep(this, xs, ys, sampleWeights);
      } else {
        if (sampleWeights.some(w => w != null)) throw new Error('makeTrainFunction: sample weights go through fit() (classWeight)');
        const logs = engineTrainStep(this, xs, ys);
        try {
          values = Array.from(logs.dataSync());
        } finally {
          logs.dispose();
        }
      }
      return values.map(v => scalar(v));
    };
  },
});

/** One engine training step on Tensors: its logs as a Tensor ([loss, ...metrics]). */
function engineTrainStep(model, xs, ys) {
  const xv = vectorOf(xs.map(t => t.handle)), yv = vectorOf(ys.map(t => t.handle));
  try {
    return new Tensor(model.handle.trainOnBatch(xv, yv));
  } finally {
    xv.delete();
    yv.delete();
  }
}
