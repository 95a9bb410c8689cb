// tf.layers.*: thin factories over engine layers (tfjs-layers/src/exports_layers.ts).
// The engine validates options, owns the weights and records the graph; a Layer
// here is a handle. Layers apply to SymbolicTensors (building a model) or to
// Tensors (eager). To add a layer: its C++ class registers under its className;
// add its factory line to FACTORIES and its options to index.d.ts.
import {fromVector, getCore} from './core.js';
import {Tensor, assertTensor} from './tensor.js';

// JS objects of live engine layers by engine identity, so model.layers returns
// the very objects the user created (as in tfjs).
const layerObjects = new Map();

// A SymbolicTensor's handle keeps its part of the graph (layers, weights) alive
// in the engine; handles dropped without dispose() are freed by the GC.
const symbolicFinalizer = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(handle => { if (!handle.isDeleted()) handle.delete(); })
    : null;

/** A placeholder for a layer's output while a model is being built (tf.input()). */
export class SymbolicTensor {
  /** @internal */
  constructor(handle) {
    this._handle = handle;
    if (symbolicFinalizer) symbolicFinalizer.register(this, handle, this);
    this.shape = handle.shape();
    this.name = handle.name();
    this.dtype = 'float32';
    const layerHandle = handle.layer();
    this.sourceLayer = wrapLayer(layerHandle);
  }

  get rank() {
    return this.shape.length;
  }

  /** @internal */
  get handle() {
    if (this._handle === null) throw new Error(`SymbolicTensor ${this.name} is disposed`);
    return this._handle;
  }

  /** Releases the engine's hold on the graph behind this tensor (models keep their own). */
  dispose() {
    if (this._handle === null) return;
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

export class Layer {
  /** @internal */
  constructor(className, args = {}) {
    if (args == null || typeof args !== 'object') {
      throw new Error(`tf.layers.${className[0].toLowerCase() + className.slice(1)}() expects an object of options, got ${args}`);
    }
    this._init(getCore().createLayer(className, JSON.stringify(args)));
  }

  /** @internal */
  _init(handle) {
    this._handle = handle;
    this.name = handle.name();
    this.isDisposed = false;
    this._uid = handle.uid();
    layerObjects.set(this._uid, this);
  }

  /** @internal */
  get handle() {
    if (this.isDisposed) throw new Error(`Layer '${this.name}' is already disposed.`);
    return this._handle;
  }

  getClassName() {
    return this.handle.className();
  }

  getConfig() {
    return JSON.parse(this.handle.configJson());
  }

  countParams() {
    return this.handle.countParams();
  }

  get built() {
    return this.handle.built();
  }

  get trainable() {
    return this.handle.trainable();
  }

  set trainable(value) {
    this.handle.setTrainable(Boolean(value));
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

  /** Weights as LayerVariable-like objects: {name, shape, trainable, read()}. */
  get weights() {
    const info = JSON.parse(this.handle.weightInfo());
    return info.map((w, i) => ({name: w.name, originalName: w.name, shape: w.shape, trainable: w.trainable, dtype: 'float32',
                                read: () => this.getWeights()[i]}));
  }

  get trainableWeights() {
    return this.weights.filter(w => w.trainable);
  }

  get nonTrainableWeights() {
    return this.weights.filter(w => !w.trainable);
  }

  /** Tensors that share the layer's weight storage (as tfjs's do); dispose them freely. */
  getWeights() {
    return fromVector(this.handle.getWeights()).map(h => new Tensor(h));
  }

  setWeights(weights) {
    if (!Array.isArray(weights)) throw new Error('setWeights: expected an array of Tensors');
    weights.forEach((w, i) => assertTensor(w, `weights[${i}]`, 'setWeights'));
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
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new Error(`${this.name}.apply() needs at least one input`);
    if (list.every(x => x instanceof SymbolicTensor)) {
      const v = symbolicVector(list);
      let out;
      try {
        out = fromVector(this.handle.applySymbolic(v)).map(h => new SymbolicTensor(h));
      } finally {
        v.delete();
      }
      return out.length === 1 ? out[0] : out;
    }
    list.forEach((x, i) => assertTensor(x, `inputs[${i}]`, `${this.name}.apply`));
    const v = tensorVector(list);
    let out;
    try {
      out = fromVector(this.handle.apply(v, Boolean(kwargs.training))).map(h => new Tensor(h));
    } finally {
      v.delete();
    }
    return out.length === 1 ? out[0] : out;
  }

  dispose() {
    if (this.isDisposed) return {refCountAfterDispose: 0, numDisposedVariables: 0};
    const numVariables = JSON.parse(this._handle.weightInfo()).length;
    this._handle.delete();
    this._handle = null;
    this.isDisposed = true;
    if (layerObjects.get(this._uid) === this) layerObjects.delete(this._uid);
    return {refCountAfterDispose: 0, numDisposedVariables: numVariables};
  }
}

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
};

export const layers = {};
/** @internal Adds factories for classes the engine registers (used by later layer families). */
export function defineLayerFactories(table) {
  for (const [factory, className] of Object.entries(table)) {
    layers[factory] = args => new Layer(className, args);
  }
}
defineLayerFactories(FACTORIES);

// tfjs's merge factories also take the inputs themselves: tf.layers.add([a, b])
// builds the layer and applies it at once.
for (const factory of ['add', 'average', 'concatenate', 'maximum', 'minimum', 'multiply']) {
  const className = FACTORIES[factory];
  layers[factory] = args => (Array.isArray(args) ? new Layer(className, {}).apply(args) : new Layer(className, args));
}
