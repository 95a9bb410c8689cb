// tf.callbacks and the Callback base class (tfjs-layers/src/callbacks.ts). To be completed.
export class Callback {
  setModel(model) {
    this.model = model;
  }

  setParams(params) {
    this.params = params;
  }
}

export const callbacks = {};
