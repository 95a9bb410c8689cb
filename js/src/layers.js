// tf.layers.*: thin factories over engine layers (tfjs-layers/src/exports_layers.ts).
// The engine validates options and owns the weights; a Layer here is a handle.
// To add a layer: its C++ class registers under its className; add a one-line
// factory below and its options to index.d.ts.
import {fromVector, getCore} from './core.js';
import {Tensor, assertTensor} from './tensor.js';

export class Layer {
  /** @internal */
  constructor(className, args = {}) {
    if (args == null || typeof args !== 'object') {
      throw new Error(`tf.layers.${className[0].toLowerCase() + className.slice(1)}() expects an object of options, got ${args}`);
    }
    this._handle = getCore().createLayer(className, JSON.stringify(args));
    this.name = this._handle.name();
    this.isDisposed = false;
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

  /** Tensors that share the layer's weight storage (as tfjs's do); dispose them freely. */
  getWeights() {
    return fromVector(this.handle.getWeights()).map(h => new Tensor(h));
  }

  /** Eager application on a concrete tensor. */
  apply(x) {
    assertTensor(x, 'inputs', `${this.name}.apply`);
    return new Tensor(this.handle.apply(x.handle));
  }

  dispose() {
    if (this.isDisposed) return {refCountAfterDispose: 0, numDisposedVariables: 0};
    const weights = this._handle.getWeights();
    const numVariables = weights.size();
    weights.delete();
    this._handle.delete();
    this._handle = null;
    this.isDisposed = true;
    return {refCountAfterDispose: 0, numDisposedVariables: numVariables};
  }
}

export class Dense extends Layer {
  constructor(args) {
    super('Dense', args);
  }
}

export const layers = {
  /** Densely connected layer: activation(dot(input, kernel) + bias). */
  dense: args => new Dense(args),
};
