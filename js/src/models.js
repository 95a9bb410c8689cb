// tf.sequential() and the Sequential model (tfjs-layers/src/models.ts).
import {fromVector, getCore} from './core.js';
import {Layer} from './layers.js';
import {Tensor, assertTensor} from './tensor.js';
import {fitLoop} from './training.js';

function optimizerSpec(optimizer) {
  if (typeof optimizer === 'string') return optimizer;
  if (optimizer != null && typeof optimizer.getClassName === 'function') {
    return {className: optimizer.getClassName(), config: optimizer.getConfig()};
  }
  throw new Error(`compile: unknown optimizer ${JSON.stringify(optimizer)}. Pass a name such as 'sgd' ` +
                  'or a tf.train optimizer');
}

export class Sequential {
  constructor(args = {}) {
    this._handle = getCore().createSequential(JSON.stringify(args.name != null ? {name: args.name} : {}));
    this.name = this._handle.name();
    this._layers = [];
    this.isTraining = false;
    this.stopTraining = false;
    this.isDisposed = false;
    for (const layer of args.layers || []) this.add(layer);
  }

  /** @internal */
  get handle() {
    if (this.isDisposed) throw new Error(`Model '${this.name}' is already disposed.`);
    return this._handle;
  }

  get layers() {
    return this._layers.slice();
  }

  get inputs() {
    return [{shape: this.handle.inputShape()}];
  }

  get outputs() {
    return [{shape: this.handle.outputShape()}];
  }

  add(layer) {
    if (!(layer instanceof Layer)) {
      throw new Error(`The added layer must be an instance of class Layer. Found: ${layer}`);
    }
    this.handle.add(layer.handle);
    this._layers.push(layer);
  }

  compile(args = {}) {
    if (args.loss != null && typeof args.loss !== 'string') {
      throw new Error('compile: only loss names (e.g. \'meanSquaredError\') are supported so far');
    }
    this.handle.compile(JSON.stringify({optimizer: optimizerSpec(args.optimizer), loss: args.loss}));
  }

  predict(x, args = {}) {
    assertTensor(x, 'x', 'predict');
    return new Tensor(this.handle.predict(x.handle));
  }

  async fit(x, y, args = {}) {
    if (this.isTraining) {
      throw new Error('Cannot start training because another fit() call is ongoing.');
    }
    assertTensor(x, 'x', 'fit');
    assertTensor(y, 'y', 'fit');
    this.isTraining = true;
    try {
      return await fitLoop(this, x, y, args);
    } finally {
      this.isTraining = false;
    }
  }

  /** Tensors that share the model's weight storage; updated as it trains. */
  getWeights() {
    return fromVector(this.handle.getWeights()).map(h => new Tensor(h));
  }

  setWeights(weights) {
    if (!Array.isArray(weights)) throw new Error('setWeights: expected an array of Tensors');
    weights.forEach((w, i) => assertTensor(w, `weights[${i}]`, 'setWeights'));
    this.handle.setWeights(weights.map(w => w.handle));
  }

  countParams() {
    return this.handle.countParams();
  }

  dispose() {
    if (this.isDisposed) return {refCountAfterDispose: 0, numDisposedVariables: 0};
    let numDisposedVariables = 0;
    for (const layer of this._layers) numDisposedVariables += layer.dispose().numDisposedVariables;
    this._handle.delete();
    this._handle = null;
    this.isDisposed = true;
    return {refCountAfterDispose: 0, numDisposedVariables};
  }
}

export function sequential(args) {
  return new Sequential(args);
}
