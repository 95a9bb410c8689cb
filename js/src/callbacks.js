// tf.callbacks and the Callback base class (tfjs-layers/src/callbacks.ts,
// base_callbacks.ts): Callback, CustomCallback (an object of onXxx functions),
// earlyStopping (with restoreBestWeights, beyond tfjs) and reduceLROnPlateau
// (Keras's, beyond tfjs).
import {dispose} from './tensor.js';

/** Resolves on the next macrotask, so timers, I/O and rendering get their turn. */
export const nextMacrotask = (() => {
  if (typeof setImmediate === 'function') return () => new Promise(resolve => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const queue = [];
    channel.port1.onmessage = () => queue.shift()();
    return () => new Promise(resolve => {
      queue.push(resolve);
      channel.port2.postMessage(0);
    });
  }
  return () => new Promise(resolve => setTimeout(resolve, 0));
})();

/** Base class of callbacks: every hook is an async no-op (tfjs's BaseCallback + Callback). */
export class Callback {
  constructor() {
    this.model = null;
    this.params = null;
    this.validationData = null;
  }

  setModel(model) {
    this.model = model;
  }

  setParams(params) {
    this.params = params;
  }

  async onTrainBegin(logs) {}
  async onTrainEnd(logs) {}
  async onEpochBegin(epoch, logs) {}
  async onEpochEnd(epoch, logs) {}
  async onBatchBegin(batch, logs) {}
  async onBatchEnd(batch, logs) {}
}

/** A Callback made of an object {onTrainBegin, onEpochEnd, onBatchEnd, onYield, ...}. */
export class CustomCallback extends Callback {
  constructor(args = {}, yieldEvery) {
    super();
    if (args == null || typeof args !== 'object') {
      throw new Error(`callbacks: expected a Callback or an object of onXxx functions, got ${args}`);
    }
    if (yieldEvery === 'never' && args.onYield != null) {
      throw new Error('yieldEvery is `never` but you provided an `onYield` callback. ' +
                      'Either change `yieldEvery` or remove the callback');
    }
    this.currentEpoch = 0;
    this.trainBegin = args.onTrainBegin;
    this.trainEnd = args.onTrainEnd;
    this.epochBegin = args.onEpochBegin;
    this.epochEnd = args.onEpochEnd;
    this.batchBegin = args.onBatchBegin;
    this.batchEnd = args.onBatchEnd;
    this.yield = args.onYield;
  }

  async onTrainBegin(logs) {
    if (this.trainBegin != null) await this.trainBegin(logs);
  }

  async onTrainEnd(logs) {
    if (this.trainEnd != null) await this.trainEnd(logs);
  }

  async onEpochBegin(epoch, logs) {
    this.currentEpoch = epoch;
    if (this.epochBegin != null) await this.epochBegin(epoch, logs);
  }

  async onEpochEnd(epoch, logs) {
    if (this.epochEnd != null) await this.epochEnd(epoch, logs);
  }

  async onBatchBegin(batch, logs) {
    if (this.batchBegin != null) await this.batchBegin(batch, logs);
  }

  async onBatchEnd(batch, logs) {
    if (this.batchEnd != null) await this.batchEnd(batch, logs);
  }

  /** Called by the fit loops when they yield to the event loop (see yieldEvery). */
  async onYield(epoch, batch, logs) {
    if (this.yield != null) await this.yield(epoch, batch, logs);
  }
}

const isCallbackLike = c => c instanceof Callback ||
    (c != null && typeof c === 'object' && typeof c.setModel === 'function' && typeof c.setParams === 'function');

/** tfjs's standardizeCallbacks: Callbacks stay as they are, objects of functions become CustomCallbacks. */
export function standardizeCallbacks(callbacks, yieldEvery) {
  if (callbacks == null) return [];
  const list = Array.isArray(callbacks) ? callbacks : [callbacks];
  return list.filter(c => c != null).map(c => (isCallbackLike(c) ? c : new CustomCallback(c, yieldEvery)));
}

// ---- tf.registerCallbackConstructor: callbacks every fit() adds at a verbosity ----------

const callbackConstructors = new Map();  // verbosity level -> constructors

/** tfjs's registry: fit() with `verbose >= verbosityLevel` adds a `new callbackConstructor()`. */
export function registerCallbackConstructor(verbosityLevel, callbackConstructor) {
  if (!(verbosityLevel >= 0 && Number.isInteger(verbosityLevel))) {
    throw new Error(`Verbosity level is expected to be an integer >= 0, but got ${verbosityLevel}`);
  }
  const list = callbackConstructors.get(verbosityLevel) || [];
  if (list.includes(callbackConstructor)) {
    console.warn('Duplicate callback constructor.');
    return;
  }
  list.push(callbackConstructor);
  callbackConstructors.set(verbosityLevel, list);
}

/** @internal The registered callbacks for a fit at this verbosity, as tfjs's createCallbacks. */
export function createRegisteredCallbacks(verbosityLevel) {
  const out = [];
  for (const level of [...callbackConstructors.keys()].sort((a, b) => a - b)) {
    if (level > verbosityLevel) continue;
    for (const ctor of callbackConstructors.get(level)) out.push(new ctor());
  }
  return out;
}

// ---- earlyStopping ---------------------------------------------------------------

const less = (a, b) => a < b;
const greater = (a, b) => a > b;

export class EarlyStopping extends Callback {
  constructor(args) {
    super();
    if (args == null) args = {};
    this.monitor = args.monitor || 'val_loss';
    this.minDelta = Math.abs(args.minDelta || 0);
    this.patience = args.patience || 0;
    this.verbose = args.verbose || 0;
    this.mode = args.mode || 'auto';
    this.baseline = args.baseline;
    this.restoreBestWeights = !!args.restoreBestWeights;
    if (['auto', 'min', 'max'].indexOf(this.mode) === -1) {
      console.warn(`EarlyStopping mode '${this.mode}' is invalid. Falling back to mode 'auto'.`);
      this.mode = 'auto';
    }
    if (this.mode === 'min') {
      this.monitorFunc = less;
    } else if (this.mode === 'max') {
      this.monitorFunc = greater;
    } else {
      this.monitorFunc = this.monitor.indexOf('acc') !== -1 ? greater : less;
    }
    if (this.monitorFunc === less) this.minDelta *= -1;
    this.bestWeights = null;
  }

  async onTrainBegin(logs) {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline != null ? this.baseline : (this.monitorFunc === less ? Infinity : -Infinity);
    this.bestEpoch = null;
    this.disposeBestWeights();
  }

  async onEpochEnd(epoch, logs) {
    const current = this.getMonitorValue(logs);
    if (current == null) return;
    if (this.monitorFunc(current - this.minDelta, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.snapshotWeights();
    } else {
      this.wait++;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.model.stopTraining = true;
      }
    }
  }

  async onTrainEnd(logs) {
    if (this.stoppedEpoch > 0 && this.verbose) {
      console.log(`Epoch ${this.stoppedEpoch}: early stopping.`);
    }
    if (this.restoreBestWeights && this.bestWeights != null) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch (${this.bestEpoch + 1}).`);
      this.model.setWeights(this.bestWeights);
      this.disposeBestWeights();
    }
  }

  /** @internal A copy of the weights (model.getWeights() shares the model's storage). */
  snapshotWeights() {
    this.disposeBestWeights();
    const live = this.model.getWeights();
    this.bestWeights = live.map(w => w.clone());
    dispose(live);
  }

  /** @internal */
  disposeBestWeights() {
    if (this.bestWeights != null) dispose(this.bestWeights);
    this.bestWeights = null;
  }

  getMonitorValue(logs) {
    if (logs == null) logs = {};
    const monitorValue = logs[this.monitor];
    if (monitorValue == null) {
      console.warn(`Metric for EarlyStopping ${this.monitor} is not available. ` +
                   `Available metrics are: ${Object.keys(logs)}`);
    }
    return monitorValue;
  }
}

// ---- reduceLROnPlateau (keras.callbacks.ReduceLROnPlateau) ------------------------

/**
 * The learning-rate hook: model.getLearningRate()/setLearningRate(lr) where the
 * model has them, else the optimizer's getLearningRate()/setLearningRate(lr).
 */
function learningRateAccess(model) {
  if (model != null && typeof model.setLearningRate === 'function') {
    const get = typeof model.getLearningRate === 'function'
        ? () => model.getLearningRate()
        : () => currentLearningRate(model.optimizer);
    return {get, set: lr => model.setLearningRate(lr)};
  }
  const opt = model == null ? null : model.optimizer;
  if (opt != null && typeof opt === 'object' && typeof opt.setLearningRate === 'function') {
    return {get: () => currentLearningRate(opt), set: lr => opt.setLearningRate(lr)};
  }
  throw new Error('reduceLROnPlateau needs to change the learning rate of the model\'s optimizer, and this ' +
                  'build has no hook for that yet (model.setLearningRate(lr) or optimizer.setLearningRate(lr) ' +
                  'on the engine\'s optimizer).');
}

function currentLearningRate(opt) {
  if (opt != null && typeof opt.getLearningRate === 'function') return opt.getLearningRate();
  if (opt != null && typeof opt.learningRate === 'number') return opt.learningRate;
  if (opt != null && typeof opt.getConfig === 'function') {
    const lr = opt.getConfig().learningRate;
    if (typeof lr === 'number') return lr;
  }
  throw new Error('reduceLROnPlateau: cannot read the optimizer\'s current learning rate ' +
                  '(a number learningRate is needed; schedules are not supported)');
}

export class ReduceLROnPlateau extends Callback {
  constructor(args) {
    super();
    if (args == null) args = {};
    this.monitor = args.monitor || 'val_loss';
    this.factor = args.factor == null ? 0.1 : args.factor;
    if (this.factor >= 1.0) throw new Error('ReduceLROnPlateau does not support a factor >= 1.0.');
    this.patience = args.patience == null ? 10 : args.patience;
    this.mode = args.mode || 'auto';
    this.minDelta = args.minDelta == null ? 1e-4 : args.minDelta;
    this.cooldown = args.cooldown || 0;
    this.minLR = args.minLR == null ? (args.minLr == null ? 0 : args.minLr) : args.minLR;
    this.verbose = args.verbose || 0;
    this.reset();
  }

  /** @internal */
  reset() {
    if (['auto', 'min', 'max'].indexOf(this.mode) === -1) {
      console.warn(`Learning rate reduction mode ${this.mode} is unknown, fallback to auto mode.`);
      this.mode = 'auto';
    }
    if (this.mode === 'min' || (this.mode === 'auto' && this.monitor.indexOf('acc') === -1)) {
      this.monitorOp = (a, b) => a < b - this.minDelta;
      this.best = Infinity;
    } else {
      this.monitorOp = (a, b) => a > b + this.minDelta;
      this.best = -Infinity;
    }
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  inCooldown() {
    return this.cooldownCounter > 0;
  }

  async onTrainBegin(logs) {
    this.lr = learningRateAccess(this.model);  // fails early, before any epoch runs
    this.reset();
  }

  async onEpochEnd(epoch, logs) {
    if (logs == null) logs = {};
    const lr = this.lr || learningRateAccess(this.model);
    logs.lr = lr.get();
    const current = logs[this.monitor];
    if (current == null) {
      console.warn(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
                   `Available metrics are: ${Object.keys(logs).join(',')}`);
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.monitorOp(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const oldLR = lr.get();
        if (Math.fround(oldLR) > Math.fround(this.minLR)) {  // Keras compares float32 values
          const newLR = Math.max(oldLR * this.factor, this.minLR);
          lr.set(newLR);
          if (this.verbose > 0) {
            console.log(`\nEpoch ${String(epoch + 1).padStart(5, '0')}: ReduceLROnPlateau reducing learning rate to ${newLR}.`);
          }
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

export function earlyStopping(args) {
  return new EarlyStopping(args);
}

export function reduceLROnPlateau(args) {
  return new ReduceLROnPlateau(args);
}

export const callbacks = {earlyStopping, reduceLROnPlateau};
