// The public API: what `import * as tf from 'wasm-layers'` exposes. Mirrors the
// names of @tensorflow/tfjs; see index.d.ts for the types.
export {ready, setWasmLoader} from './core.js';
export {Tensor, tensor, tensor1d, tensor2d, tensor3d, tensor4d, scalar, memory, dispose} from './tensor.js';
export {Layer, layers} from './layers.js';
export {Sequential, sequential} from './models.js';
export {History} from './training.js';

export const version = {'wasm-layers': '0.1.0'};

export function getBackend() {
  return 'wasm';
}
