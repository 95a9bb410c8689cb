// Public types of wasm-layers: the subset of @tensorflow/tfjs implemented so far.
// Keep in step with js/src/index.js.

export type DataType = 'float32' | 'int32' | 'bool';
export type Rank = number;
/** Values of a tensor: Float32Array for 'float32', Int32Array for 'int32', Uint8Array for 'bool'. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;
export interface RecursiveArray<T> {
  [index: number]: T | RecursiveArray<T>;
}
export type TensorLike = number | boolean | TypedArray | RecursiveArray<number | TypedArray> | RecursiveArray<boolean>;

export interface NamedTensorMap {
  [name: string]: Tensor;
}
export interface TensorContainerObject {
  [key: string]: TensorContainer;
}
export interface TensorContainerArray extends Array<TensorContainer> {}
export type TensorContainer =
    void | Tensor | string | number | boolean | TensorContainerObject | TensorContainerArray | TypedArray;
export type ScopeFn<T extends TensorContainer> = () => T;

export declare class Tensor {
  readonly shape: number[];
  readonly dtype: DataType;
  readonly size: number;
  readonly id: number;
  readonly rank: number;
  readonly isDisposed: boolean;
  dataSync(): TypedArray;
  data(): Promise<TypedArray>;
  arraySync(): any;
  array(): Promise<any>;
  print(verbose?: boolean): void;
  toString(verbose?: boolean): string;
  dispose(): void;

  // Chainable ops: x.op(...args) is tf.op(x, ...args).
  clone(): Tensor;
  flatten(): Tensor;
  asScalar(): Tensor;
  as1D(): Tensor;
  as2D(rows: number, columns: number): Tensor;
  as3D(rows: number, columns: number, depth: number): Tensor;
  as4D(rows: number, columns: number, depth: number, depth2: number): Tensor;
  asType(dtype: DataType): Tensor;
  toFloat(): Tensor;
  toInt(): Tensor;
  toBool(): Tensor;
  reshapeAs(x: Tensor): Tensor;
  broadcastTo(shape: number[]): Tensor;

  neg(): Tensor;
  abs(): Tensor;
  sign(): Tensor;
  square(): Tensor;
  sqrt(): Tensor;
  rsqrt(): Tensor;
  reciprocal(): Tensor;
  exp(): Tensor;
  expm1(): Tensor;
  log(): Tensor;
  log1p(): Tensor;
  round(): Tensor;
  floor(): Tensor;
  ceil(): Tensor;
  relu(): Tensor;
  relu6(): Tensor;
  elu(): Tensor;
  selu(): Tensor;
  sigmoid(): Tensor;
  logSigmoid(): Tensor;
  softplus(): Tensor;
  softsign(): Tensor;
  tanh(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  tan(): Tensor;
  asin(): Tensor;
  acos(): Tensor;
  atan(): Tensor;
  sinh(): Tensor;
  cosh(): Tensor;
  asinh(): Tensor;
  acosh(): Tensor;
  atanh(): Tensor;
  erf(): Tensor;
  isNaN(): Tensor;
  isFinite(): Tensor;
  isInf(): Tensor;
  logicalNot(): Tensor;

  add(b: Tensor | TensorLike): Tensor;
  sub(b: Tensor | TensorLike): Tensor;
  mul(b: Tensor | TensorLike): Tensor;
  div(b: Tensor | TensorLike): Tensor;
  divNoNan(b: Tensor | TensorLike): Tensor;
  floorDiv(b: Tensor | TensorLike): Tensor;
  mod(b: Tensor | TensorLike): Tensor;
  pow(exp: Tensor | TensorLike): Tensor;
  maximum(b: Tensor | TensorLike): Tensor;
  minimum(b: Tensor | TensorLike): Tensor;
  squaredDifference(b: Tensor | TensorLike): Tensor;
  atan2(b: Tensor | TensorLike): Tensor;
  equal(b: Tensor | TensorLike): Tensor;
  notEqual(b: Tensor | TensorLike): Tensor;
  less(b: Tensor | TensorLike): Tensor;
  lessEqual(b: Tensor | TensorLike): Tensor;
  greater(b: Tensor | TensorLike): Tensor;
  greaterEqual(b: Tensor | TensorLike): Tensor;
  logicalAnd(b: Tensor | TensorLike): Tensor;
  logicalOr(b: Tensor | TensorLike): Tensor;
  logicalXor(b: Tensor | TensorLike): Tensor;

  leakyRelu(alpha?: number): Tensor;
  step(alpha?: number): Tensor;
  prelu(alpha: Tensor | TensorLike): Tensor;
  clipByValue(clipValueMin: number, clipValueMax: number): Tensor;
  cast(dtype: DataType): Tensor;
  softmax(dim?: number): Tensor;
  logSoftmax(axis?: number): Tensor;
  dropout(rate: number, noiseShape?: number[], seed?: number): Tensor;

  sum(axis?: number | number[], keepDims?: boolean): Tensor;
  mean(axis?: number | number[], keepDims?: boolean): Tensor;
  max(axis?: number | number[], keepDims?: boolean): Tensor;
  min(axis?: number | number[], keepDims?: boolean): Tensor;
  prod(axis?: number | number[], keepDims?: boolean): Tensor;
  all(axis?: number | number[], keepDims?: boolean): Tensor;
  any(axis?: number | number[], keepDims?: boolean): Tensor;
  logSumExp(axis?: number | number[], keepDims?: boolean): Tensor;
  argMax(axis?: number): Tensor;
  argMin(axis?: number): Tensor;
  cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
  moments(axis?: number | number[], keepDims?: boolean): {mean: Tensor, variance: Tensor};
  norm(ord?: number | 'euclidean' | 'fro', axis?: number | number[], keepDims?: boolean): Tensor;

  reshape(shape: number[]): Tensor;
  transpose(perm?: number[]): Tensor;
  slice(begin: number | number[], size?: number | number[]): Tensor;
  stridedSlice(begin: number[], end: number[], strides?: number[], beginMask?: number, endMask?: number,
               ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor;
  reverse(axis?: number | number[]): Tensor;
  unstack(axis?: number): Tensor[];
  split(numOrSizeSplits: number[] | number, axis?: number): Tensor[];
  pad(paddings: Array<[number, number]>, constantValue?: number): Tensor;
  mirrorPad(paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Tensor;
  tile(reps: number[]): Tensor;
  gather(indices: Tensor | TensorLike, axis?: number, batchDims?: number): Tensor;
  expandDims(axis?: number): Tensor;
  squeeze(axis?: number[]): Tensor;
  oneHot(depth: number, onValue?: number, offValue?: number): Tensor;
  topk(k?: number, sorted?: boolean): {values: Tensor, indices: Tensor};

  matMul(b: Tensor | TensorLike, transposeA?: boolean, transposeB?: boolean): Tensor;
  dot(t2: Tensor | TensorLike): Tensor;

  zerosLike(): Tensor;
  onesLike(): Tensor;
  /** A tf.Variable initialised with this tensor's values (tfjs's tensor.variable()). */
  variable(trainable?: boolean, name?: string, dtype?: DataType): Variable;
}

/** A tf.Variable: a kept tensor whose values can be assigned in place. */
export declare class Variable extends Tensor {
  name: string;
  trainable: boolean;
  assign(newValue: Tensor): void;
}

/** tf.buffer(): a mutable tensor in JS memory; toTensor() copies it into the engine. */
export declare class TensorBuffer {
  constructor(shape: number[], dtype?: DataType, values?: TypedArray);
  shape: number[];
  dtype: DataType;
  size: number;
  strides: number[];
  values: TypedArray;
  set(value: number, ...locs: number[]): void;
  get(...locs: number[]): number;
  locToIndex(locs: number[]): number;
  toTensor(): Tensor;
}

export interface MemoryInfo {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  unreliable: boolean;
}

/**
 * Loads the WebAssembly engine (once; later calls resolve at once). The ES modules
 * `wasm-layers` call it on import; `wasm-layers/lazy`, `require('wasm-layers')` and
 * the script-tag bundle leave it to you. A failed load rejects and may be retried
 * (after setWasmPaths(), for instance).
 */
export declare function ready(): Promise<void>;
/** The name of the engine's binary: the key of setWasmPaths()'s file map. */
export type WasmBinaryName = 'wasm-layers.wasm';
/**
 * Where to fetch the engine's .wasm from (tfjs-backend-wasm's setWasmPaths). A string
 * is a prefix to which 'wasm-layers.wasm' is appended (a folder URL ending in '/'); a
 * map gives the binary's full URL. Relative URLs resolve against the page (in Node, a
 * path or file: URL is read from disk, relative to the working directory;
 * `usePlatformFetch` fetches it instead). By default the .wasm sits beside the bundle.
 * Call before ready(): import 'wasm-layers/lazy' so that the import does not load it.
 */
export declare function setWasmPaths(prefixOrFileMap: string | {[key in WasmBinaryName]?: string},
                                     usePlatformFetch?: boolean): void;
/**
 * Replaces how the engine's .wasm is obtained: `loader` resolves to its bytes or to a
 * fetch() Response (compiled while it downloads when served as application/wasm).
 * Call before ready().
 */
export declare function setWasmLoader(loader: () => Promise<ArrayBuffer | ArrayBufferView | Response>): void;
export declare function getBackend(): string;
/** 'wasm' (the default, SIMD) or 'cpu' (the scalar reference). */
export declare function setBackend(backendName: string): Promise<boolean>;
export declare function tensor(values: TensorLike, shape?: number[], dtype?: DataType): Tensor;
export declare function tensor1d(values: TensorLike, dtype?: DataType): Tensor;
export declare function tensor2d(values: TensorLike, shape?: [number, number], dtype?: DataType): Tensor;
export declare function tensor3d(values: TensorLike, shape?: [number, number, number], dtype?: DataType): Tensor;
export declare function tensor4d(values: TensorLike, shape?: [number, number, number, number], dtype?: DataType): Tensor;
export declare function tensor5d(values: TensorLike, shape?: [number, number, number, number, number],
                                 dtype?: DataType): Tensor;
export declare function tensor6d(values: TensorLike, shape?: [number, number, number, number, number, number],
                                 dtype?: DataType): Tensor;
export declare function scalar(value: number | boolean, dtype?: DataType): Tensor;
export declare function buffer(shape: number[], dtype?: DataType, values?: TypedArray): TensorBuffer;
export declare function memory(): MemoryInfo;
export declare function dispose(container: TensorContainer): void;
export declare const version: {[name: string]: string};

// ---- memory scopes and gradients ----------------------------------------------------

export declare function tidy<T extends TensorContainer>(nameOrFn: string | ScopeFn<T>, fn?: ScopeFn<T>): T;
export declare function keep<T extends Tensor>(result: T): T;
/** One engine backend: its place in the backend list and its fallback chain. */
export interface KernelBackendInfo {
  readonly name: string;
  readonly priority: number;
  /** The next backend in its fallback chain ('cpu' ends every chain). */
  readonly fallback: string | null;
  /** Backends with the same memory share tensors without moves. */
  readonly memoryName: string;
  readonly kernelNames: string[];
  memory(): {unreliable: boolean, numDataBuffers: number, numBytes: number};
  numDataIds(): number;
  floatPrecision(): 16 | 32;
  epsilon(): number;
}
/** Counted data movement and kernel-state cache figures (tf.engine().transferStats()). */
export interface TransferStats {
  moves: number;
  bytesMoved: number;
  hostReads: number;
  hostWrites: number;
  kernelCacheBuilds: number;
  kernelCacheHits: number;
  kernelCacheEntries: number;
}
/** The backend registered under this name, or null. */
export declare function findBackend(name: string): KernelBackendInfo | null;
/** Removes a registered backend (not 'cpu', nor the active one). */
export declare function removeBackend(name: string): void;
export declare function engine(): {
  startScope(): void,
  endScope(result?: TensorContainer): void,
  /** Registered backend names, highest priority first. */
  backendNames(): string[],
  readonly backendName: string,
  readonly backend: KernelBackendInfo,
  findBackend(name: string): KernelBackendInfo | null,
  setBackend(name: string): Promise<boolean>,
  removeBackend(name: string): void,
  transferStats(): TransferStats,
};
export declare function variable(initialValue: Tensor, trainable?: boolean, name?: string, dtype?: DataType): Variable;

export type GradSaveFunc = (save: Tensor[]) => void;
export type CustomGradientFunc<T extends Tensor> = (...inputs: Array<Tensor | GradSaveFunc>) => {
  value: T,
  gradFunc: (dy: T, saved: Tensor[]) => Tensor | Tensor[],
};

export declare function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor;
export declare function grads(f: (...args: Tensor[]) => Tensor): (args: Tensor[], dy?: Tensor) => Tensor[];
export declare function valueAndGrad<I extends Tensor, O extends Tensor>(f: (x: I) => O):
    (x: I, dy?: O) => {value: O, grad: I};
export declare function valueAndGrads<O extends Tensor>(f: (...args: Tensor[]) => O):
    (args: Tensor[], dy?: O) => {grads: Tensor[], value: O};
/** Gradients of f() (a scalar) w.r.t. varList (default: every trainable variable), keyed by variable name. */
/** Gradients w.r.t. trainable variables (default: every live one, layer weights included); varList may hold LayerVariables. */
export declare function variableGrads(f: () => Tensor, varList?: Array<Variable | LayerVariable>): {value: Tensor, grads: NamedTensorMap};
export declare function customGrad<T extends Tensor>(f: CustomGradientFunc<T>): (...args: Tensor[]) => T;

// ---- elementwise ops ------------------------------------------------------------------

export declare function neg(x: Tensor | TensorLike): Tensor;
export declare function abs(x: Tensor | TensorLike): Tensor;
export declare function sign(x: Tensor | TensorLike): Tensor;
export declare function square(x: Tensor | TensorLike): Tensor;
export declare function sqrt(x: Tensor | TensorLike): Tensor;
export declare function rsqrt(x: Tensor | TensorLike): Tensor;
export declare function reciprocal(x: Tensor | TensorLike): Tensor;
export declare function exp(x: Tensor | TensorLike): Tensor;
export declare function expm1(x: Tensor | TensorLike): Tensor;
export declare function log(x: Tensor | TensorLike): Tensor;
export declare function log1p(x: Tensor | TensorLike): Tensor;
export declare function round(x: Tensor | TensorLike): Tensor;
export declare function floor(x: Tensor | TensorLike): Tensor;
export declare function ceil(x: Tensor | TensorLike): Tensor;
export declare function relu(x: Tensor | TensorLike): Tensor;
export declare function relu6(x: Tensor | TensorLike): Tensor;
export declare function elu(x: Tensor | TensorLike): Tensor;
export declare function selu(x: Tensor | TensorLike): Tensor;
export declare function sigmoid(x: Tensor | TensorLike): Tensor;
export declare function logSigmoid(x: Tensor | TensorLike): Tensor;
export declare function softplus(x: Tensor | TensorLike): Tensor;
export declare function softsign(x: Tensor | TensorLike): Tensor;
export declare function tanh(x: Tensor | TensorLike): Tensor;
export declare function sin(x: Tensor | TensorLike): Tensor;
export declare function cos(x: Tensor | TensorLike): Tensor;
export declare function tan(x: Tensor | TensorLike): Tensor;
export declare function asin(x: Tensor | TensorLike): Tensor;
export declare function acos(x: Tensor | TensorLike): Tensor;
export declare function atan(x: Tensor | TensorLike): Tensor;
export declare function sinh(x: Tensor | TensorLike): Tensor;
export declare function cosh(x: Tensor | TensorLike): Tensor;
export declare function asinh(x: Tensor | TensorLike): Tensor;
export declare function acosh(x: Tensor | TensorLike): Tensor;
export declare function atanh(x: Tensor | TensorLike): Tensor;
export declare function erf(x: Tensor | TensorLike): Tensor;
export declare function isNaN(x: Tensor | TensorLike): Tensor;
export declare function isFinite(x: Tensor | TensorLike): Tensor;
export declare function isInf(x: Tensor | TensorLike): Tensor;
export declare function logicalNot(x: Tensor | TensorLike): Tensor;

export declare function add(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function sub(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function mul(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function div(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function divNoNan(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function floorDiv(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function mod(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function pow(base: Tensor | TensorLike, exp: Tensor | TensorLike): Tensor;
export declare function maximum(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function minimum(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function squaredDifference(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function atan2(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function equal(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function notEqual(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function less(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function lessEqual(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function greater(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function greaterEqual(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function logicalAnd(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function logicalOr(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function logicalXor(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;

/** alpha defaults to 0.2. */
export declare function leakyRelu(x: Tensor | TensorLike, alpha?: number): Tensor;
export declare function step(x: Tensor | TensorLike, alpha?: number): Tensor;
export declare function prelu(x: Tensor | TensorLike, alpha: Tensor | TensorLike): Tensor;
export declare function clipByValue(x: Tensor | TensorLike, clipValueMin: number, clipValueMax: number): Tensor;
export declare function where(condition: Tensor | TensorLike, a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor;
export declare function addN(tensors: Array<Tensor | TensorLike>): Tensor;
export declare function cast(x: Tensor | TensorLike, dtype: DataType): Tensor;
/** dim defaults to -1 (the last axis). */
export declare function softmax(logits: Tensor | TensorLike, dim?: number): Tensor;
export declare function logSoftmax(logits: Tensor | TensorLike, axis?: number): Tensor;
export declare function dropout(x: Tensor | TensorLike, rate: number, noiseShape?: number[], seed?: number): Tensor;

// ---- reductions ---------------------------------------------------------------------------

/** axis defaults to every axis. */
export declare function sum(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function mean(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function max(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function min(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function prod(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function all(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function any(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
export declare function logSumExp(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean): Tensor;
/** axis defaults to 0. */
export declare function argMax(x: Tensor | TensorLike, axis?: number): Tensor;
export declare function argMin(x: Tensor | TensorLike, axis?: number): Tensor;
export declare function cumsum(x: Tensor | TensorLike, axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
export declare function moments(x: Tensor | TensorLike, axis?: number | number[], keepDims?: boolean):
    {mean: Tensor, variance: Tensor};
/** ord defaults to 'euclidean'. */
export declare function norm(x: Tensor | TensorLike, ord?: number | 'euclidean' | 'fro', axis?: number | number[],
                             keepDims?: boolean): Tensor;

// ---- shapes -----------------------------------------------------------------------------------

export declare function reshape(x: Tensor | TensorLike, shape: number[]): Tensor;
export declare function broadcastTo(x: Tensor | TensorLike, shape: number[]): Tensor;
export declare function transpose(x: Tensor | TensorLike, perm?: number[]): Tensor;
export declare function slice(x: Tensor | TensorLike, begin: number | number[], size?: number | number[]): Tensor;
export declare function stridedSlice(x: Tensor | TensorLike, begin: number[], end: number[], strides?: number[],
                                     beginMask?: number, endMask?: number, ellipsisMask?: number,
                                     newAxisMask?: number, shrinkAxisMask?: number): Tensor;
export declare function reverse(x: Tensor | TensorLike, axis?: number | number[]): Tensor;
export declare function concat(tensors: Array<Tensor | TensorLike>, axis?: number): Tensor;
export declare function stack(tensors: Array<Tensor | TensorLike>, axis?: number): Tensor;
export declare function unstack(x: Tensor | TensorLike, axis?: number): Tensor[];
export declare function split(x: Tensor | TensorLike, numOrSizeSplits: number[] | number, axis?: number): Tensor[];
export declare function pad(x: Tensor | TensorLike, paddings: Array<[number, number]>, constantValue?: number): Tensor;
export declare function mirrorPad(x: Tensor | TensorLike, paddings: Array<[number, number]>,
                                  mode: 'reflect' | 'symmetric'): Tensor;
export declare function tile(x: Tensor | TensorLike, reps: number[]): Tensor;
export declare function gather(x: Tensor | TensorLike, indices: Tensor | TensorLike, axis?: number,
                               batchDims?: number): Tensor;
export declare function expandDims(x: Tensor | TensorLike, axis?: number): Tensor;
export declare function squeeze(x: Tensor | TensorLike, axis?: number[]): Tensor;
export declare function oneHot(indices: Tensor | TensorLike, depth: number, onValue?: number, offValue?: number): Tensor;
/** k defaults to 1, sorted to true. */
export declare function topk(x: Tensor | TensorLike, k?: number, sorted?: boolean): {values: Tensor, indices: Tensor};

// ---- linear algebra ------------------------------------------------------------------------

export declare function matMul(a: Tensor | TensorLike, b: Tensor | TensorLike, transposeA?: boolean,
                               transposeB?: boolean): Tensor;
export declare function dot(t1: Tensor | TensorLike, t2: Tensor | TensorLike): Tensor;
export declare function outerProduct(v1: Tensor | TensorLike, v2: Tensor | TensorLike): Tensor;
export declare function einsum(equation: string, ...tensors: Array<Tensor | TensorLike>): Tensor;

// ---- creation ---------------------------------------------------------------------------------

/** dtype defaults to 'float32'. */
export declare function fill(shape: number[], value: number | boolean, dtype?: DataType): Tensor;
export declare function zeros(shape: number[], dtype?: DataType): Tensor;
export declare function ones(shape: number[], dtype?: DataType): Tensor;
export declare function zerosLike(x: Tensor | TensorLike): Tensor;
export declare function onesLike(x: Tensor | TensorLike): Tensor;
/** As tfjs: step defaults to 1; without `stop` the range is empty. */
export declare function range(start: number, stop: number, step?: number, dtype?: 'float32' | 'int32'): Tensor;
export declare function linspace(start: number, stop: number, num: number): Tensor;
export declare function eye(numRows: number, numColumns?: number,
                            batchShape?: [number] | [number, number] | [number, number, number] |
                                [number, number, number, number],
                            dtype?: DataType): Tensor;
export declare function randomNormal(shape: number[], mean?: number, stdDev?: number, dtype?: 'float32' | 'int32',
                                     seed?: number): Tensor;
export declare function truncatedNormal(shape: number[], mean?: number, stdDev?: number, dtype?: 'float32' | 'int32',
                                        seed?: number): Tensor;
export declare function randomUniform(shape: number[], minval?: number, maxval?: number, dtype?: DataType,
                                      seed?: number): Tensor;

export type ActivationIdentifier = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
export type InitializerIdentifier =
    'zeros' | 'ones' | 'constant' | 'randomNormal' | 'randomUniform' | 'truncatedNormal' | 'glorotNormal' |
    'glorotUniform' | 'heNormal' | 'heUniform' | 'leCunNormal' | 'leCunUniform';

export interface LayerArgs {
  name?: string;
  inputShape?: number[];
  batchInputShape?: Array<number | null>;
  batchSize?: number;
  trainable?: boolean;
  dtype?: 'float32';
}

export interface DenseLayerArgs extends LayerArgs {
  /** Positive integer, dimensionality of the output space. */
  units: number;
  /** Activation function to use (default 'linear'). */
  activation?: ActivationIdentifier;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Default 'glorotNormal', as in tfjs. */
  kernelInitializer?: InitializerIdentifier | {className: string, config?: {[key: string]: any}};
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | {className: string, config?: {[key: string]: any}};
}

/** Options of tf.layers.simpleRNN, lstm and gru (tfjs-layers recurrent.ts). */
export interface RecurrentLayerArgs extends LayerArgs {
  /** Positive integer, dimensionality of the output space (the state size). */
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier | string;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Default 'glorotNormal', as in tfjs. */
  kernelInitializer?: InitializerIdentifier | 'orthogonal' | Serializable | {className: string, config?: {[key: string]: any}};
  /** Default 'orthogonal'. */
  recurrentInitializer?: InitializerIdentifier | 'orthogonal' | Serializable | {className: string, config?: {[key: string]: any}};
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | 'orthogonal' | Serializable | {className: string, config?: {[key: string]: any}};
  kernelRegularizer?: Serializable;
  recurrentRegularizer?: Serializable;
  biasRegularizer?: Serializable;
  kernelConstraint?: Serializable;
  recurrentConstraint?: Serializable;
  biasConstraint?: Serializable;
  /** Fraction of the input units dropped in training (default 0). */
  dropout?: number;
  /** Fraction of the recurrent units dropped in training (default 0). */
  recurrentDropout?: number;
  /** Output every step's output (batch, timesteps, units) instead of the last (default false). */
  returnSequences?: boolean;
  /** Also output the final states: [output, h] or, for LSTM, [output, h, c] (default false). */
  returnState?: boolean;
  /** Process the sequence backwards (default false). */
  goBackwards?: boolean;
  /** Keep the final states for the next call (the batch size is fixed: give batchInputShape); resetStates() clears them. */
  stateful?: boolean;
  /** Accepted and ignored, as in tfjs. */
  unroll?: boolean;
  /** Keras's zero_output_for_mask: masked steps output zeros instead of the previous output (default false). */
  zeroOutputForMask?: boolean;
}
export interface LSTMLayerArgs extends RecurrentLayerArgs {
  /** Default 'hardSigmoid', as in tfjs. */
  recurrentActivation?: ActivationIdentifier | string;
  /** Adds 1 to the forget gate's bias at initialization. */
  unitForgetBias?: boolean;
  /** 1 or 2 (both compute the same, as in tfjs). */
  implementation?: number;
}
export interface GRULayerArgs extends RecurrentLayerArgs {
  /** Default 'hardSigmoid', as in tfjs. */
  recurrentActivation?: ActivationIdentifier | string;
  /** 1 or 2 (both compute the same, as in tfjs). */
  implementation?: number;
  /**
   * false (default, tfjs's GRU) or true (Keras 2/3's default, which tfjs rejects): the reset
   * gate applies after the recurrent matMul, and the bias is [2, 3 * units] (input and recurrent).
   */
  resetAfter?: boolean;
}
/** Options of tf.layers.rnn: the cell (or an array of cells, stacked) and the RNN options. */
export interface RNNLayerArgs extends LayerArgs {
  cell: RNNCell | RNNCell[] | {className: string, config?: {[key: string]: any}};
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
}
/** tfjs's RNN: the recurrent layers (rnn, simpleRNN, lstm, gru). */
export declare class RNN extends Layer {
  /** The cell passed to tf.layers.rnn (null for simpleRNN/lstm/gru). */
  readonly cell: RNNCell | null;
  /** A stateful layer's current states (null entries before its first call). */
  readonly states: Array<Tensor | null>;
  /** Sets a stateful layer's states to zeros, or to the given values ([batch, stateSize] each). */
  resetStates(states?: Tensor | Tensor[]): void;
}
/** tfjs's RNNCell: one step of a recurrent layer; runs only inside tf.layers.rnn. */
declare class RNNCell extends Layer {}

export declare class SymbolicTensor {
  readonly shape: Array<number | null>;
  readonly name: string;
  readonly dtype: DataType;
  readonly rank: number;
  readonly sourceLayer: Layer;
  /** Which application of sourceLayer made it, and which of that node's outputs it is. */
  readonly nodeIndex: number;
  readonly tensorIndex: number;
}

/** tfjs's Node: one application of a layer (outboundLayer) to inputTensors. */
export interface Node {
  readonly outboundLayer: Layer;
  readonly inboundLayers: Layer[];
  readonly nodeIndices: number[];
  readonly tensorIndices: number[];
  readonly inputTensors: SymbolicTensor[];
  readonly outputTensors: SymbolicTensor[];
}

/**
 * A layer's weight (layer.weights, addWeight()); read() is a tf.Variable on the weight itself
 * (updated by training; seen by tf.grad, variableGrads, minimize, applyGradients).
 */
export declare class LayerVariable {
  readonly name: string;
  readonly originalName: string;
  readonly shape: number[];
  readonly dtype: DataType;
  trainable: boolean;
  read(): Variable;
  write(newValue: Tensor): LayerVariable;
}

/** An initializer, regularizer or constraint: what layer options and addWeight() take. */
export interface Serializable {
  getClassName(): string;
  getConfig(): {[key: string]: any};
}
export interface Initializer extends Serializable {
  apply(shape: number[], dtype?: 'float32'): Tensor;
}
type Seeded = {seed?: number};
export declare const initializers: {
  zeros(): Initializer;
  ones(): Initializer;
  constant(args: {value: number}): Initializer;
  randomUniform(args?: {minval?: number, maxval?: number} & Seeded): Initializer;
  randomNormal(args?: {mean?: number, stddev?: number} & Seeded): Initializer;
  truncatedNormal(args?: {mean?: number, stddev?: number} & Seeded): Initializer;
  varianceScaling(args?: {scale?: number, mode?: 'fanIn' | 'fanOut' | 'fanAvg', distribution?: 'normal' | 'uniform' | 'truncatedNormal'} & Seeded): Initializer;
  glorotUniform(args?: Seeded): Initializer;
  glorotNormal(args?: Seeded): Initializer;
  heUniform(args?: Seeded): Initializer;
  heNormal(args?: Seeded): Initializer;
  leCunUniform(args?: Seeded): Initializer;
  leCunNormal(args?: Seeded): Initializer;
  orthogonal(args?: {gain?: number} & Seeded): Initializer;
};
export declare const regularizers: {
  l1(args?: {l1?: number}): Serializable;
  l2(args?: {l2?: number}): Serializable;
  l1l2(args?: {l1?: number, l2?: number}): Serializable;
};
export declare const constraints: {
  maxNorm(args?: {maxValue?: number, axis?: number}): Serializable;
  minMaxNorm(args?: {minValue?: number, maxValue?: number, axis?: number, rate?: number}): Serializable;
  nonNeg(): Serializable;
  unitNorm(args?: {axis?: number}): Serializable;
};

/**
 * The base of every layer. Custom layers subclass it as in tfjs:
 * `class MyLayer extends tf.layers.Layer { build(inputShape) { this.w = this.addWeight(...) }
 * call(inputs, kwargs) { ...ops... } static get className() { return 'MyLayer'; } }`,
 * then `tf.serialization.registerClass(MyLayer)` lets model.json name it.
 */
export declare class Layer {
  constructor(config?: LayerArgs & {[key: string]: any});
  static fromConfig<T extends Layer>(cls: new (config: {}) => T, config: {}): T;
  readonly name: string;
  built: boolean;
  trainable: boolean;
  readonly inputShape: Array<number | null> | Array<Array<number | null>>;
  readonly outputShape: Array<number | null> | Array<Array<number | null>>;
  readonly weights: LayerVariable[];
  readonly trainableWeights: LayerVariable[];
  readonly nonTrainableWeights: LayerVariable[];
  /** The graph: what the layer was applied to and produced (one node), and its nodes. */
  readonly input: SymbolicTensor | SymbolicTensor[];
  readonly output: SymbolicTensor | SymbolicTensor[];
  readonly inboundNodes: Node[];
  readonly outboundNodes: Node[];
  getInputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[];
  getOutputAt(nodeIndex: number): SymbolicTensor | SymbolicTensor[];
  getClassName(): string;
  getConfig(): {[key: string]: any};
  countParams(): number;
  /** The weights as named tf.Variables sharing their storage (disposing one only drops that handle). */
  getWeights(): Variable[];
  setWeights(weights: Tensor[]): void;
  /** Eager: `mask` (bool [batch, steps], one per input) reaches layers that use it (RNNs skip masked steps). */
  /** initialState: a recurrent layer's initial states (tfjs's RNN), as extra inputs. */
  apply(inputs: Tensor | Tensor[], kwargs?: {training?: boolean, mask?: Tensor | Array<Tensor | null>, initialState?: Tensor | Tensor[]}): Tensor | Tensor[];
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: {training?: boolean, initialState?: SymbolicTensor | SymbolicTensor[]}): SymbolicTensor | SymbolicTensor[];
  /** Whether the layer passes masks on (Embedding with maskZero, Masking, Dense, RNNs, merge layers...). */
  supportsMasking: boolean;
  /** The output mask for these inputs and input mask(s): a bool Tensor or null (a list for a model). */
  computeMask(inputs: Tensor | Tensor[], mask?: Tensor | Array<Tensor | null> | null): Tensor | null | Array<Tensor | null>;
  dispose(): {refCountAfterDispose: number, numDisposedVariables: number};
  /** Custom layers: creates a weight; call it from build(). */
  addWeight(name: string, shape: number[], dtype?: 'float32', initializer?: InitializerIdentifier | Serializable,
            regularizer?: Serializable, trainable?: boolean, constraint?: Serializable): LayerVariable;
  build(inputShape: Array<number | null> | Array<Array<number | null>>): void;
  call(inputs: Tensor | Tensor[], kwargs: {training?: boolean}): Tensor | Tensor[];
  computeOutputShape(inputShape: Array<number | null> | Array<Array<number | null>>): Array<number | null> | Array<Array<number | null>>;
}

/** Options of tf.layers.timeDistributed: the wrapped layer and the common layer options. */
export interface WrapperLayerArgs {
  /** The wrapped layer, or a {className, config} spec of one (as model.json nests it). */
  layer: Layer | {className: string, config?: {[key: string]: any}};
  name?: string;
  trainable?: boolean;
  inputShape?: Array<number | null>;
  batchInputShape?: Array<number | null>;
  batchSize?: number;
  dtype?: 'float32';
}

/** Options of tf.layers.bidirectional: mergeMode 'concat' (default), 'sum', 'mul', 'ave' or null (two outputs). */
export interface BidirectionalLayerArgs extends WrapperLayerArgs {
  mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' | null;
}

export declare const layers: {
  Layer: typeof Layer;
  dense(args: DenseLayerArgs): Layer;
  simpleRNN(args: RecurrentLayerArgs): RNN;
  lstm(args: LSTMLayerArgs): RNN;
  gru(args: GRULayerArgs): RNN;
  /** A recurrent layer around a cell (tfjs recurrent.ts); an array of cells is stacked. */
  rnn(args: RNNLayerArgs): RNN;
  simpleRNNCell(args: RecurrentLayerArgs): RNNCell;
  lstmCell(args: LSTMLayerArgs): RNNCell;
  gruCell(args: GRULayerArgs): RNNCell;
  stackedRNNCells(args: {cells: RNNCell[], name?: string, trainable?: boolean}): RNNCell;
  RNN: typeof RNN;
  RNNCell: typeof RNNCell;
  /** Applies `layer` to every timestep of a [batch, steps, ...] input (tfjs wrappers.ts). */
  timeDistributed(args: WrapperLayerArgs): Layer & {layer: Layer};
  /** Runs a recurrent `layer` forwards and a copy backwards and merges them (tfjs wrappers.ts). */
  bidirectional(args: BidirectionalLayerArgs): Layer & {layer: Layer};
  inputLayer(args: {inputShape?: number[], batchInputShape?: Array<number | null>, batchSize?: number, name?: string}): Layer;
  [factory: string]: any;
};

/** A custom loss or metric: per-sample values (the engine takes the mean). */
export type LossOrMetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export interface ModelCompileArgs {
  optimizer: string | {getClassName(): string, getConfig(): {[key: string]: any}};
  loss: string | LossOrMetricFn | Array<string | LossOrMetricFn> | {[outputName: string]: string | LossOrMetricFn};
  metrics?: Array<string | LossOrMetricFn> | {[outputName: string]: string | LossOrMetricFn | Array<string | LossOrMetricFn>};
}

export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: {[key: string]: number}) => void | Promise<void>;
  onTrainEnd?: (logs?: {[key: string]: number}) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: {[key: string]: number}) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: {[key: string]: number}) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: {[key: string]: number}) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: {[key: string]: number}) => void | Promise<void>;
}

export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  verbose?: 0 | 1;
  initialEpoch?: number;
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]];
  validationBatchSize?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
}

export declare class History {
  epoch: number[];
  history: {[key: string]: number[]};
  params: {[key: string]: any};
}

export type ModelData = Tensor | Tensor[] | {[name: string]: Tensor};

export interface FitInWorkerOptions {
  /** Where dist/wasm-layers-worker.js is served (default: beside the bundle). */
  workerUrl?: string | URL;
  /** The .wasm the worker loads (default: the one this page loads; see setWasmPaths). */
  wasmUrl?: string | URL;
}
/**
 * model.fit(x, y, args) in a Web Worker (browsers): the page stays responsive however
 * large the batches. The model (compiled with built-in loss and metric names) moves
 * to the worker and back through its save/load artifacts; callbacks (plain objects of
 * functions) receive the logs as they stream back; `model.stopTraining = true` stops
 * the run after the current batch. When it resolves, the trained weights are on
 * `model`. The optimizer starts afresh in the worker on each call.
 */
export declare function fitInWorker(model: LayersModel, x: ModelData, y: ModelData, args?: ModelFitArgs,
                                    options?: FitInWorkerOptions): Promise<History>;

export declare class LayersModel extends Layer {
  readonly layers: Layer[];
  /** Resets the states of every stateful recurrent layer (nested models included). */
  resetStates(): void;
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  readonly inputLayers: Layer[];
  readonly outputLayers: Layer[];
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly metricsNames: string[];
  stopTraining: boolean;
  getLayer(nameOrIndex: string | number, index?: number): Layer;
  compile(args: ModelCompileArgs): void;
  fit(x: ModelData, y: ModelData, args?: ModelFitArgs): Promise<History>;
  evaluate(x: ModelData, y: ModelData, args?: {batchSize?: number}): Tensor | Tensor[];
  predict(x: ModelData, args?: {batchSize?: number}): Tensor | Tensor[];
  predictOnBatch(x: ModelData): Tensor | Tensor[];
  execute(x: ModelData, outputs: string | string[]): Tensor | Tensor[];
  trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]>;
  summary(lineLength?: number, positions?: number[], printFn?: (message?: any, ...rest: any[]) => void): void;
}

export declare class Sequential extends LayersModel {
  add(layer: Layer): void;
  pop(): void;
}

export declare function model(args: {inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[], name?: string}): LayersModel;
export declare function input(config: {shape?: Array<number | null>, batchShape?: Array<number | null>, name?: string, dtype?: DataType}): SymbolicTensor;
export declare function sequential(args?: {layers?: Layer[], name?: string}): Sequential;

export declare const data: {[name: string]: any};
export declare class Callback {
  model: LayersModel;
  params: {[key: string]: any};
  setModel(model: LayersModel): void;
  setParams(params: {[key: string]: any}): void;
  onTrainBegin?(logs?: {[key: string]: number}): Promise<void> | void;
  onTrainEnd?(logs?: {[key: string]: number}): Promise<void> | void;
  onEpochBegin?(epoch: number, logs?: {[key: string]: number}): Promise<void> | void;
  onEpochEnd?(epoch: number, logs?: {[key: string]: number}): Promise<void> | void;
  onBatchBegin?(batch: number, logs?: {[key: string]: number}): Promise<void> | void;
  onBatchEnd?(batch: number, logs?: {[key: string]: number}): Promise<void> | void;
}
export declare const callbacks: {[name: string]: (...args: any[]) => Callback};
export declare const train: {[name: string]: any};

export interface ModelArtifacts {
  modelTopology?: {} | ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: Array<{name: string, shape: number[], dtype: string, quantization?: {dtype: string, min?: number, scale?: number}}>;
  weightData?: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: {};
  userDefinedMetadata?: {};
}
export interface SaveResult {
  modelArtifactsInfo: {dateSaved: Date, modelTopologyType: 'JSON', modelTopologyBytes?: number, weightSpecsBytes?: number, weightDataBytes?: number};
  responses?: any[];
}
export interface IOHandler {
  load?(): Promise<ModelArtifacts>;
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
}
export declare const io: {
  http(path: string, options?: {requestInit?: any, weightPathPrefix?: string, fetchFunc?: Function, onProgress?: (fraction: number) => void}): IOHandler;
  browserHTTPRequest(path: string, options?: {}): IOHandler;
  fromMemory(artifacts: ModelArtifacts | {}, weightSpecs?: {}[], weightData?: ArrayBuffer, trainingConfig?: {}): IOHandler;
  fromMemorySync(artifacts: ModelArtifacts | {}, weightSpecs?: {}[], weightData?: ArrayBuffer, trainingConfig?: {}): IOHandler;
  withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler;
  withSaveHandlerSync(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler;
  browserFiles(files: File[]): IOHandler;
  browserDownloads(fileNamePrefix?: string): IOHandler;
  browserLocalStorage(path: string): IOHandler;
  browserIndexedDB(path: string): IOHandler;
  fileSystem(path: string): IOHandler;
  getLoadHandlers(url: string, options?: {}): IOHandler[];
  getSaveHandlers(url: string): IOHandler[];
  copyModel(sourceURL: string, destURL: string): Promise<{}>;
  moveModel(sourceURL: string, destURL: string): Promise<{}>;
  listModels(): Promise<{[url: string]: {}}>;
  removeModel(url: string): Promise<{}>;
  encodeWeights(tensors: {[name: string]: Tensor} | Array<{name: string, tensor: Tensor}>): Promise<{data: ArrayBuffer, specs: {}[]}>;
  decodeWeights(data: ArrayBuffer, specs: {}[]): {[name: string]: Tensor};
};
export declare function loadLayersModel(pathOrIOHandler: string | IOHandler, options?: {strict?: boolean, onProgress?: (fraction: number) => void, weightPathPrefix?: string, fetchFunc?: Function, requestInit?: any}): Promise<LayersModel>;
export declare const models: {modelFromJSON(config: {} | string): Promise<LayersModel>};
export declare const serialization: {registerClass(cls: {className: string, fromConfig(cls: any, config: {}): Layer}): any};

type Pad = 'valid' | 'same' | number | number[][];
export declare function conv1d(x: Tensor | TensorLike, filter: Tensor | TensorLike, stride: number, pad: Pad, dataFormat?: 'NWC' | 'NCW', dilation?: number, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function conv2d(x: Tensor | TensorLike, filter: Tensor | TensorLike, strides: number | [number, number], pad: Pad, dataFormat?: 'NHWC' | 'NCHW', dilations?: number | [number, number], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function conv3d(x: Tensor | TensorLike, filter: Tensor | TensorLike, strides: number | [number, number, number], pad: 'valid' | 'same', dataFormat?: 'NDHWC', dilations?: number | [number, number, number]): Tensor;
export declare function conv2dTranspose(x: Tensor | TensorLike, filter: Tensor | TensorLike, outputShape: number[], strides: number | [number, number], pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function conv3dTranspose(x: Tensor | TensorLike, filter: Tensor | TensorLike, outputShape: number[], strides: number | [number, number, number], pad: 'valid' | 'same'): Tensor;
export declare function depthwiseConv2d(x: Tensor | TensorLike, filter: Tensor | TensorLike, strides: number | [number, number], pad: Pad, dataFormat?: 'NHWC' | 'NCHW', dilations?: number | [number, number], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function separableConv2d(x: Tensor | TensorLike, depthwiseFilter: Tensor | TensorLike, pointwiseFilter: Tensor | TensorLike, strides: number | [number, number], pad: 'valid' | 'same', dilation?: number | [number, number], dataFormat?: 'NHWC' | 'NCHW'): Tensor;
export declare function maxPool(x: Tensor | TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function avgPool(x: Tensor | TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function maxPool3d(x: Tensor | TensorLike, filterSize?: number | [number, number, number], strides?: number | [number, number, number], pad?: 'valid' | 'same' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC'): Tensor;
export declare function avgPool3d(x: Tensor | TensorLike, filterSize?: number | [number, number, number], strides?: number | [number, number, number], pad?: 'valid' | 'same' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC'): Tensor;
export declare function batchNorm(x: Tensor | TensorLike, mean: Tensor | TensorLike, variance: Tensor | TensorLike, offset?: Tensor | TensorLike, scale?: Tensor | TensorLike, varianceEpsilon?: number): Tensor;
export declare function localResponseNormalization(x: Tensor | TensorLike, depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor;
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';
export interface FusedTail {
  bias?: Tensor | TensorLike;
  activation?: FusedActivation;
  preluActivationWeights?: Tensor | TensorLike;
  leakyreluAlpha?: number;
}
/** tfjs's fused ops: the product, + bias, then the activation (bias and relu/relu6 inside the kernel at inference). */
export declare const fused: {
  matMul(args: {a: Tensor | TensorLike; b: Tensor | TensorLike; transposeA?: boolean; transposeB?: boolean} & FusedTail): Tensor;
  conv2d(args: {x: Tensor | TensorLike; filter: Tensor | TensorLike; strides: number | [number, number]; pad: Pad; dataFormat?: 'NHWC' | 'NCHW'; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'} & FusedTail): Tensor;
  depthwiseConv2d(args: {x: Tensor | TensorLike; filter: Tensor | TensorLike; strides: number | [number, number]; pad: Pad; dataFormat?: 'NHWC' | 'NCHW'; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'} & FusedTail): Tensor;
};
export declare const image: {
  resizeBilinear(images: Tensor | TensorLike, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
  resizeNearestNeighbor(images: Tensor | TensorLike, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
};

// ---- tf.losses, tf.metrics (losses.js, metrics.js) ---------------------------------

/** tfjs's enum (with its number-to-name reverse entries). */
export declare const Reduction: {
  NONE: 0; MEAN: 1; SUM: 2; SUM_BY_NONZERO_WEIGHTS: 3;
  readonly [value: number]: string;
};
export type ReductionValue = 0 | 1 | 2 | 3;
type LossInput = Tensor | TensorLike;
export declare const losses: {
  absoluteDifference(labels: LossInput, predictions: LossInput, weights?: LossInput, reduction?: ReductionValue): Tensor;
  computeWeightedLoss(losses: LossInput, weights?: LossInput, reduction?: ReductionValue): Tensor;
  cosineDistance(labels: LossInput, predictions: LossInput, axis: number, weights?: LossInput,
                 reduction?: ReductionValue): Tensor;
  hingeLoss(labels: LossInput, predictions: LossInput, weights?: LossInput, reduction?: ReductionValue): Tensor;
  huberLoss(labels: LossInput, predictions: LossInput, weights?: LossInput, delta?: number,
            reduction?: ReductionValue): Tensor;
  logLoss(labels: LossInput, predictions: LossInput, weights?: LossInput, epsilon?: number,
          reduction?: ReductionValue): Tensor;
  meanSquaredError(labels: LossInput, predictions: LossInput, weights?: LossInput, reduction?: ReductionValue): Tensor;
  sigmoidCrossEntropy(multiClassLabels: LossInput, logits: LossInput, weights?: LossInput, labelSmoothing?: number,
                      reduction?: ReductionValue): Tensor;
  softmaxCrossEntropy(onehotLabels: LossInput, logits: LossInput, weights?: LossInput, labelSmoothing?: number,
                      reduction?: ReductionValue): Tensor;
};
/** A metric function: (yTrue, yPred) => Tensor, usable as a compile() metric. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export declare const metrics: {
  binaryAccuracy: MetricFn; binaryCrossentropy: MetricFn; categoricalAccuracy: MetricFn;
  categoricalCrossentropy: MetricFn; cosineProximity: MetricFn; meanAbsoluteError: MetricFn;
  meanAbsolutePercentageError: MetricFn; meanSquaredError: MetricFn; precision: MetricFn; recall: MetricFn;
  r2Score: MetricFn; sparseCategoricalAccuracy: MetricFn;
  MSE: MetricFn; mse: MetricFn; MAE: MetricFn; mae: MetricFn; MAPE: MetricFn; mape: MetricFn;
};

// ---- random sampling (random.js) ---------------------------------------------------

/** int32 class indices: [numSamples] for rank-1 logits, [batch, numSamples] for rank 2. */
export declare function multinomial(logits: Tensor | TensorLike, numSamples: number, seed?: number,
                                    normalized?: boolean): Tensor;
export declare function randomStandardNormal(shape: number[], dtype?: 'float32' | 'int32', seed?: number): Tensor;
export declare function randomUniformInt(shape: number[], minval: number, maxval: number, seed?: number | string): Tensor;
export declare function randomGamma(shape: number[], alpha: number, beta?: number, dtype?: 'float32' | 'int32',
                                    seed?: number): Tensor;

// ---- tf.util, tf.env, timing (util.js, environment.js, profile.js) -----------------

/** The Long-like value fingerPrint64/hexToLong return (unsigned 64 bits). */
export interface Long64 {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
  toString(radix?: number): string;
  toNumber(): number;
  equals(other: Long64 | number | bigint): boolean;
}
export declare const util: {
  arraysEqual(n1: ArrayLike<any>, n2: ArrayLike<any>): boolean;
  arraysEqualWithNull(n1: ArrayLike<any>, n2: ArrayLike<any>): boolean;
  assert(expr: boolean, msg: string | (() => string)): void;
  assertNonNegativeIntegerDimensions(shape: number[]): void;
  assertNonNull(a: any): void;
  assertShapesMatch(shapeA: number[], shapeB: number[], errorMessagePrefix?: string): void;
  bytesFromStringArray(arr: Uint8Array[]): number;
  bytesPerElement(dtype: string): number;
  checkConversionForErrors(vals: ArrayLike<number>, dtype: string): void;
  clamp(min: number, x: number, max: number): number;
  computeStrides(shape: number[]): number[];
  convertBackendValuesAndArrayBuffer(data: any, dtype: string): any;
  createScalarValue(value: any, dtype: string): any;
  createShuffledIndices(n: number): Uint32Array;
  decodeString(bytes: Uint8Array, encoding?: string): string;
  distSquared(a: ArrayLike<number>, b: ArrayLike<number>): number;
  encodeString(s: string, encoding?: string): Uint8Array;
  fetch(path: string, requestInits?: any): Promise<any>;
  fingerPrint64(s: Uint8Array, len?: number): Long64;
  flatten<T>(arr: any, result?: T[], skipTypedArray?: boolean): T[];
  getArrayFromDType(dtype: string, size: number): any;
  getTypedArrayFromDType(dtype: string, size: number): any;
  hasEncodingLoss(oldType: string, newType: string): boolean;
  hexToLong(hex: string): Long64;
  indexToLoc(index: number, rank: number, strides: number[]): number[];
  inferDtype(values: any): string;
  inferFromImplicitShape(shape: number[], size: number): number[];
  isBoolean(value: any): boolean;
  isFunction(f: any): boolean;
  isInt(a: number): boolean;
  isNumber(value: any): boolean;
  isPromise(object: any): boolean;
  isScalarShape(shape: number[]): boolean;
  isString(value: any): boolean;
  isTypedArray(a: any): boolean;
  isValidDtype(dtype: string): boolean;
  locToIndex(locs: number[], rank: number, strides: number[]): number;
  makeOnesTypedArray(size: number, dtype: string): TypedArray;
  makeZerosNestedTypedArray(shape: number[], dtype: string): any;
  makeZerosTypedArray(size: number, dtype: string): TypedArray;
  nearestDivisor(size: number, start: number): number;
  nearestLargerEven(val: number): number;
  now(): number;
  parseAxisParam(axis: number | number[] | null | undefined, shape: number[]): number[];
  randUniform(a: number, b: number): number;
  repeatedTry(checkFn: () => boolean, delayFn?: (counter: number) => number, maxCounter?: number,
              scheduleFn?: (fn: () => void, ms: number) => void): Promise<void>;
  rightPad(a: string, size: number): string;
  shuffle(array: any[] | Uint32Array | Int32Array | Float32Array): void;
  shuffleCombo(array: any[] | Uint32Array | Int32Array | Float32Array,
               array2: any[] | Uint32Array | Int32Array | Float32Array): void;
  sizeFromShape(shape: number[]): number;
  sizeToSquarishShape(size: number): [number, number];
  squeezeShape(shape: number[], axis?: number[]): {newShape: number[], keptDims: number[]};
  sum(arr: ArrayLike<number>): number;
  swap<T>(object: {[index: number]: T}, left: number, right: number): void;
  tanh(x: number): number;
  toNestedArray(shape: number[], a: ArrayLike<any>, isComplex?: boolean): any;
  toTypedArray(a: any, dtype: string): TypedArray;
};

export type FlagValue = number | boolean | string | null;
/** tf.env(): tfjs's flag registry; the flags tfjs registers can be set and read back (the engine reads none). */
export declare class Environment {
  flags: {[name: string]: FlagValue};
  readonly features: {[name: string]: FlagValue};
  platformName: string;
  registerFlag(flagName: string, evaluationFn: () => FlagValue, setHook?: (value: FlagValue) => void): void;
  get(flagName: string): FlagValue;
  getAsync(flagName: string): Promise<FlagValue>;
  getBool(flagName: string): boolean;
  getNumber(flagName: string): number;
  getString(flagName: string): string;
  getFlags(): {[name: string]: FlagValue};
  set(flagName: string, value: FlagValue): void;
  setFlags(flags: {[name: string]: FlagValue}): void;
  evaluateFlag(flagName: string): FlagValue;
  reset(): void;
}
export declare const ENV: Environment;
export declare function env(): Environment;
export declare function enableProdMode(): void;
export declare function enableDebugMode(): void;
export declare function disableDeprecationWarnings(): void;
export declare const version_core: string;
export declare const version_layers: string;

export interface TimingInfo {
  kernelMs: number;
  wallMs: number;
}
export interface KernelInfo {
  name: string;
  bytesAdded: number;
  totalBytesSnapshot: number;
  tensorsAdded: number;
  totalTensorsSnapshot: number;
  inputShapes: Array<number[] | null>;
  outputShapes: number[][];
  kernelTimeMs: number;
  extraInfo: string;
}
/** Kernels are the ops called through tf.* and Tensor methods; work inside one engine call (a model step) is not split. */
export interface ProfileInfo {
  newBytes: number;
  newTensors: number;
  peakBytes: number;
  kernels: KernelInfo[];
  kernelNames: string[];
  result: any;
}
export declare function time(f: () => void): Promise<TimingInfo>;
export declare function profile(f: () => (TensorContainer | Promise<TensorContainer>)): Promise<ProfileInfo>;
export declare function nextFrame(): Promise<void>;
