// Public types of wasm-layers: the subset of @tensorflow/tfjs implemented so far.
// Keep in step with js/src/index.js.

export type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';
export type NumericDataType = 'float32' | 'int32' | 'bool' | 'complex64';
/** tfjs's Rank enum (tf.Rank.R2 === 'R2'); tensors carry it as a type parameter only. */
export declare enum Rank {R0 = 'R0', R1 = 'R1', R2 = 'R2', R3 = 'R3', R4 = 'R4', R5 = 'R5', R6 = 'R6'}
/** complex64 values come interleaved: [re0, im0, re1, im1, ...]. */
export interface DataTypeMap {
  float32: Float32Array; int32: Int32Array; bool: Uint8Array; complex64: Float32Array; string: string[];
}
export interface ShapeMap {
  R0: number[]; R1: [number]; R2: [number, number]; R3: [number, number, number];
  R4: [number, number, number, number]; R5: [number, number, number, number, number];
  R6: [number, number, number, number, number, number];
}
/** A layer's shape: null for a dimension not known until run time (the batch). */
export type Shape = Array<number | null>;
/** What callbacks receive: metric name -> value. */
export interface Logs {[key: string]: number}
export interface UnresolvedLogs {[key: string]: number | Tensor}
/** Values of a tensor: Float32Array for 'float32', Int32Array for 'int32', Uint8Array for 'bool'. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;
export interface RecursiveArray<T> {
  [index: number]: T | RecursiveArray<T>;
}
export type TensorLike = number | boolean | string | TypedArray | RecursiveArray<number | TypedArray> |
    RecursiveArray<boolean> | RecursiveArray<string> | Uint8Array[];

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

/**
 * A tensor. The rank parameter is for source compatibility with tfjs's typings
 * (tf.Tensor2D, tf.Tensor<tf.Rank.R3>...): it is not checked, so every Tensor
 * type is assignable to every other, as ops here return the plain Tensor type.
 */
export declare class Tensor<R extends Rank = Rank> {
  readonly shape: number[];
  /** tfjs's rank tag ('R0'..'R6' in tfjs's typings; here the rank as a string). */
  readonly rankType: Rank;
  /** Row-major strides of the shape (for rank >= 2; [] for scalars and vectors, as tfjs). */
  readonly strides: number[];
  /** Whether tf.keep() took it out of tf.tidy's disposal. */
  kept: boolean;
  readonly dtype: DataType;
  readonly size: number;
  readonly id: number;
  /** The key of this tensor's data (an object, the same on every read). */
  readonly dataId: DataId;
  readonly rank: number;
  readonly isDisposed: boolean;
  dataSync<D extends DataType = NumericDataType>(): DataTypeMap[D];
  data<D extends DataType = NumericDataType>(): Promise<DataTypeMap[D]>;
  /** The values' bytes (a Uint8Array over a copy of them; for a string tensor, each element's UTF-8 bytes). */
  bytes(): Promise<Uint8Array | Uint8Array[]>;
  buffer<D extends DataType = 'float32'>(): Promise<TensorBuffer<R, D>>;
  bufferSync<D extends DataType = 'float32'>(): TensorBuffer<R, D>;
  throwIfDisposed(): void;
  arraySync(): any;
  array(): Promise<any>;
  print(verbose?: boolean): void;
  toString(verbose?: boolean): string;
  dispose(): void;

  // Chainable ops: x.op(...args) is tf.op(x, ...args).
  clone(): Tensor;
  fft(): Tensor;
  ifft(): Tensor;
  rfft(): Tensor;
  irfft(): Tensor;
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

  neg<T extends Tensor>(this: T): T;
  abs<T extends Tensor>(this: T): T;
  sign<T extends Tensor>(this: T): T;
  square<T extends Tensor>(this: T): T;
  sqrt<T extends Tensor>(this: T): T;
  rsqrt<T extends Tensor>(this: T): T;
  reciprocal<T extends Tensor>(this: T): T;
  exp<T extends Tensor>(this: T): T;
  expm1<T extends Tensor>(this: T): T;
  log<T extends Tensor>(this: T): T;
  log1p<T extends Tensor>(this: T): T;
  round<T extends Tensor>(this: T): T;
  floor<T extends Tensor>(this: T): T;
  ceil<T extends Tensor>(this: T): T;
  relu<T extends Tensor>(this: T): T;
  relu6<T extends Tensor>(this: T): T;
  elu<T extends Tensor>(this: T): T;
  selu<T extends Tensor>(this: T): T;
  sigmoid<T extends Tensor>(this: T): T;
  logSigmoid<T extends Tensor>(this: T): T;
  softplus<T extends Tensor>(this: T): T;
  softsign<T extends Tensor>(this: T): T;
  tanh<T extends Tensor>(this: T): T;
  sin<T extends Tensor>(this: T): T;
  cos<T extends Tensor>(this: T): T;
  tan<T extends Tensor>(this: T): T;
  asin<T extends Tensor>(this: T): T;
  acos<T extends Tensor>(this: T): T;
  atan<T extends Tensor>(this: T): T;
  sinh<T extends Tensor>(this: T): T;
  cosh<T extends Tensor>(this: T): T;
  asinh<T extends Tensor>(this: T): T;
  acosh<T extends Tensor>(this: T): T;
  atanh<T extends Tensor>(this: T): T;
  erf<T extends Tensor>(this: T): T;
  isNaN<T extends Tensor>(this: T): T;
  isFinite<T extends Tensor>(this: T): T;
  isInf<T extends Tensor>(this: T): T;
  logicalNot<T extends Tensor>(this: T): T;

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

  zerosLike<T extends Tensor>(this: T): T;
  onesLike<T extends Tensor>(this: T): T;
  as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number): Tensor;
  /** this and x (a tensor or tensors) concatenated. */
  concat(x: Tensor | Array<Tensor>, axis?: number): Tensor;
  stack(x: Tensor | Array<Tensor>, axis?: number): Tensor;
  /** Elements of this where condition holds, else of x. */
  where(condition: Tensor | TensorLike, x: Tensor | TensorLike): Tensor;
  unique(axis?: number): {values: Tensor, indices: Tensor1D};
  unsortedSegmentSum(segmentIds: Tensor | TensorLike, numSegments: number): Tensor;
  dilation2d(filter: Tensor | TensorLike, strides: number | [number, number], pad: 'valid' | 'same', dilations?: number | [number, number], dataFormat?: 'NHWC'): Tensor;
  cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
  euclideanNorm(axis?: number | number[] | null, keepDims?: boolean): Tensor;
  batchToSpaceND(blockShape: number[], crops: number[][]): Tensor;
  spaceToBatchND(blockShape: number[], paddings: number[][]): Tensor;
  depthToSpace(blockSize: number, dataFormat?: 'NHWC' | 'NCHW'): Tensor;
  pool(windowShape: [number, number] | number, poolingType: 'avg' | 'max', padding: 'valid' | 'same' | number | number[][],
       dilationRate?: [number, number] | number, strides?: [number, number] | number,
       dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
  resizeBilinear(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
  resizeNearestNeighbor(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
  /** A tf.Variable initialised with this tensor's values (tfjs's tensor.variable()). */
  variable(trainable?: boolean, name?: string, dtype?: DataType): Variable;
}

/** A tf.Variable: a kept tensor whose values can be assigned in place. */
export declare class Variable<R extends Rank = Rank> extends Tensor<R> {
  name: string;
  trainable: boolean;
  assign(newValue: Tensor): void;
}

/** tf.buffer(): a mutable tensor in JS memory; toTensor() copies it into the engine. */
export declare class TensorBuffer<R extends Rank = Rank, D extends DataType = 'float32'> {
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
  /** True while string tensors live: their bytes are counted as UTF-8, not as the JS memory holding them. */
  unreliable: boolean;
  reasons?: string[];
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
/**
 * tfjs-backend-wasm's setThreadsCount: how many threads the kernels use (default: the
 * hardware concurrency, at most 4). Threads need the threaded engine (dist/wasm-layers-mt.*,
 * built with `scripts/build.sh wasm-mt`), loaded in Node and in crossOriginIsolated pages
 * when present. Before ready() the count is kept for then (1 loads the single-thread
 * engine); after, asking the single-thread engine for more than 1 throws.
 */
export declare function setThreadsCount(numThreads: number): void;
/** The threads the kernels use (1 on the single-thread engine); throws before ready(). */
export declare function getThreadsCount(): number;
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
export declare function scalar(value: number | boolean | string | Uint8Array, dtype?: DataType): Tensor;
export declare function buffer(shape: number[], dtype?: DataType, values?: TypedArray): TensorBuffer;
export declare function memory(): MemoryInfo;
export declare function dispose(container: TensorContainer): void;
export declare const version: {[name: string]: string};

// ---- memory scopes and gradients ----------------------------------------------------

export declare function tidy<T extends TensorContainer>(nameOrFn: string | ScopeFn<T>, fn?: ScopeFn<T>): T;
export declare function keep<T extends Tensor>(result: T): T;
export type DataId = object;
export type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];
export interface BackendTimingInfo {
  kernelMs: number | {error: string};
  getExtraProfileInfo?(): string;
}
/** tfjs's KernelBackend: the base class of JS backends; every method throws "not yet implemented" until overridden. */
export declare class KernelBackend {
  refCount(dataId: DataId): number;
  incRef(dataId: DataId): void;
  timerAvailable(): boolean;
  time(f: () => void): Promise<BackendTimingInfo>;
  read(dataId: object): Promise<BackendValues>;
  readSync(dataId: object): BackendValues;
  readToGPU(dataId: object, options?: object): unknown;
  numDataIds(): number;
  disposeData(dataId: object, force?: boolean): boolean;
  write(values: BackendValues, shape: number[], dtype: DataType): DataId;
  move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void;
  createTensorFromGPUData(values: unknown, shape: number[], dtype: DataType): Tensor;
  memory(): {unreliable: boolean; reasons?: string[]};
  floatPrecision(): 16 | 32;
  epsilon(): number;
  dispose(): void;
}
export interface DataMover {
  moveData(backend: KernelBackend, dataId: DataId): void;
}
/** tfjs's DataStorage: a backend's records by data id; get() of a missing id asks the data mover to move it first. */
export declare class DataStorage<T> {
  constructor(backend: KernelBackend, dataMover: DataMover);
  get(dataId: DataId): T;
  set(dataId: DataId, value: T): void;
  has(dataId: DataId): boolean;
  delete(dataId: DataId): boolean;
  numDataIds(): number;
}
/** A gradient config as tfjs's registry keeps them. */
export interface GradConfig {
  kernelName: string;
  inputsToSave?: string[];
  saveAllInputs?: boolean;
  outputsToSave?: boolean[];
  gradFunc: (...args: any[]) => {[inputName: string]: () => Tensor};
}
/** The JS gradient registered for a kernel: always undefined here (gradients are engine code; registerGradient refuses JS ones). */
export declare function getGradient(kernelName: string): GradConfig | undefined;
/** One engine backend: its place in the backend list and its fallback chain. */
export interface KernelBackendInfo extends KernelBackend {
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
/** The webgl backend's figures (tf.engine().webglStats()); empty before tf.setBackend('webgl') made it. */
export interface WebGLStats {
  texturesCreated?: number;
  texturesReused?: number;
  texturesPooled?: number;
  programsCompiled?: number;
  programHits?: number;
  passes?: number;
  /** Reads that went through the packing pass (4 values per RGBA32UI texel). */
  packedReads?: number;
  /** Whether reads pack first: the driver reads R32UI textures only as RGBA_INTEGER. */
  readsPacked?: boolean;
  renderer?: string;
}
/** The backend registered under this name, or null. */
export declare function findBackend(name: string): KernelBackendInfo | null;
/** The active backend. */
export declare function backend(): KernelBackendInfo;
/** A factory returning the backend registered under `name`, or null. */
export declare function findBackendFactory(name: string): (() => KernelBackendInfo | null) | null;
/** An engine kernel of a backend ({kernelName, backendName}), or undefined. */
export declare function getKernel(kernelName: string, backendName: string): {kernelName: string, backendName: string} | undefined;
/** The engine kernels of a backend. */
export declare function getKernelsForBackend(backendName: string): Array<{kernelName: string, backendName: string}>;
/** Always throws: kernels and gradients are engine (C++) code here. */
export declare function registerKernel(config: unknown): never;
/** Always throws: kernels and gradients are engine (C++) code here. */
export declare function unregisterKernel(kernelName: string, backendName?: string): never;
/** Always throws: kernels and gradients are engine (C++) code here; use tf.customGrad. */
export declare function registerGradient(config: unknown): never;
/** Always throws: kernels and gradients are engine (C++) code here. */
export declare function unregisterGradient(kernelName: string): never;
/** Always throws: kernels are engine (C++) code here. */
export declare function copyRegisteredKernels(registeredBackendName: string, newBackendName: string): never;
/** Always throws: this package's backends are engine (C++) objects, not JavaScript KernelBackends. */
export declare function registerBackend(name: string, factory?: unknown, priority?: number): never;
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
  webglStats(): WebGLStats,
};
export declare function variable(initialValue: Tensor, trainable?: boolean, name?: string, dtype?: DataType): Variable;
/** Disposes every live tf.Variable (layer weights belong to their models and are not affected). */
export declare function disposeVariables(): void;

export type Scalar = Tensor<Rank.R0>;
export type Tensor1D = Tensor<Rank.R1>;
export type Tensor2D = Tensor<Rank.R2>;
export type Tensor3D = Tensor<Rank.R3>;
export type Tensor4D = Tensor<Rank.R4>;
export type Tensor5D = Tensor<Rank.R5>;
export type Tensor6D = Tensor<Rank.R6>;
export interface NamedVariableMap {[name: string]: Variable}
export interface NamedTensor {name: string; tensor: Tensor}

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

export declare function neg<T extends Tensor>(x: T | TensorLike): T;
export declare function abs<T extends Tensor>(x: T | TensorLike): T;
export declare function sign<T extends Tensor>(x: T | TensorLike): T;
export declare function square<T extends Tensor>(x: T | TensorLike): T;
export declare function sqrt<T extends Tensor>(x: T | TensorLike): T;
export declare function rsqrt<T extends Tensor>(x: T | TensorLike): T;
export declare function reciprocal<T extends Tensor>(x: T | TensorLike): T;
export declare function exp<T extends Tensor>(x: T | TensorLike): T;
export declare function expm1<T extends Tensor>(x: T | TensorLike): T;
export declare function log<T extends Tensor>(x: T | TensorLike): T;
export declare function log1p<T extends Tensor>(x: T | TensorLike): T;
export declare function round<T extends Tensor>(x: T | TensorLike): T;
export declare function floor<T extends Tensor>(x: T | TensorLike): T;
export declare function ceil<T extends Tensor>(x: T | TensorLike): T;
export declare function relu<T extends Tensor>(x: T | TensorLike): T;
export declare function relu6<T extends Tensor>(x: T | TensorLike): T;
export declare function elu<T extends Tensor>(x: T | TensorLike): T;
export declare function selu<T extends Tensor>(x: T | TensorLike): T;
export declare function sigmoid<T extends Tensor>(x: T | TensorLike): T;
export declare function logSigmoid<T extends Tensor>(x: T | TensorLike): T;
export declare function softplus<T extends Tensor>(x: T | TensorLike): T;
export declare function softsign<T extends Tensor>(x: T | TensorLike): T;
export declare function tanh<T extends Tensor>(x: T | TensorLike): T;
export declare function sin<T extends Tensor>(x: T | TensorLike): T;
export declare function cos<T extends Tensor>(x: T | TensorLike): T;
export declare function tan<T extends Tensor>(x: T | TensorLike): T;
export declare function asin<T extends Tensor>(x: T | TensorLike): T;
export declare function acos<T extends Tensor>(x: T | TensorLike): T;
export declare function atan<T extends Tensor>(x: T | TensorLike): T;
export declare function sinh<T extends Tensor>(x: T | TensorLike): T;
export declare function cosh<T extends Tensor>(x: T | TensorLike): T;
export declare function asinh<T extends Tensor>(x: T | TensorLike): T;
export declare function acosh<T extends Tensor>(x: T | TensorLike): T;
export declare function atanh<T extends Tensor>(x: T | TensorLike): T;
export declare function erf<T extends Tensor>(x: T | TensorLike): T;
export declare function isNaN<T extends Tensor>(x: T | TensorLike): T;
export declare function isFinite<T extends Tensor>(x: T | TensorLike): T;
export declare function isInf<T extends Tensor>(x: T | TensorLike): T;
export declare function logicalNot<T extends Tensor>(x: T | TensorLike): T;

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
export declare function fill(shape: number[], value: number | boolean | string, dtype?: DataType): Tensor;
export declare function zeros(shape: number[], dtype?: DataType): Tensor;
export declare function ones(shape: number[], dtype?: DataType): Tensor;
export declare function zerosLike<T extends Tensor>(x: T | TensorLike): T;
export declare function onesLike<T extends Tensor>(x: T | TensorLike): T;
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
/** Options shared by randomRotation, randomTranslation and randomZoom (Keras 3's names, camelCased). */
export interface RandomAffineArgs {
  /** Default 'reflect'. */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default 'bilinear'. */
  interpolation?: 'bilinear' | 'nearest';
  /** For fillMode 'constant' (default 0). */
  fillValue?: number;
  seed?: number;
}
/** Options of tf.layers.convLstm2d / convLstm2dCell (tfjs convolutional_recurrent.ts); `units` is `filters`. */
export interface ConvLSTM2DLayerArgs extends Omit<LSTMLayerArgs, 'units'> {
  filters: number;
  kernelSize: number | number[];
  /** Default 1. */
  strides?: number | number[];
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
  /** Default 'channelsLast'. */
  dataFormat?: 'channelsFirst' | 'channelsLast';
  /** Default 1. */
  dilationRate?: number | number[];
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
  /** The keyword arguments of the call that made this tensor (the attention layers' useCausalMask...). */
  readonly callArgs: {[key: string]: any};
  readonly id: number;
  readonly originalName: string;
  /** Which output of a multi-output layer application (undefined for single outputs, as tfjs). */
  readonly outputTensorIndex: number | undefined;
  /** The inputs of the layer application that made this tensor. */
  readonly inputs: SymbolicTensor[];
}

/** tfjs's Node: one application of a layer (outboundLayer) to inputTensors. */
export interface Node {
  readonly outboundLayer: Layer;
  readonly inboundLayers: Layer[];
  readonly nodeIndices: number[];
  readonly tensorIndices: number[];
  readonly inputTensors: SymbolicTensor[];
  readonly outputTensors: SymbolicTensor[];
  readonly id: number;
  readonly callArgs: {[key: string]: any};
  readonly inputMasks: Array<Tensor | null>;
  readonly outputMasks: Array<Tensor | null>;
  readonly inputShapes: Shape[];
  readonly outputShapes: Shape[];
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
  /** gain * identity; 2D square weights only. */
  identity(args?: {gain?: number}): Initializer;
};
export declare const regularizers: {
  l1(args?: {l1?: number}): Regularizer;
  l2(args?: {l2?: number}): Regularizer;
  l1l2(args?: {l1?: number, l2?: number}): Regularizer;
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
  /** Attention layers (Keras 3): useCausalMask, returnAttentionScores (then [output, scores]), and
   *  MultiHeadAttention's attentionMask ([batch, T, S], 1 = attend). */
  apply(inputs: Tensor | Tensor[], kwargs?: {training?: boolean, mask?: Tensor | Array<Tensor | null>, initialState?: Tensor | Tensor[]} & AttentionCallArgs<Tensor>): Tensor | Tensor[];
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: {training?: boolean, initialState?: SymbolicTensor | SymbolicTensor[]} & AttentionCallArgs<SymbolicTensor>): SymbolicTensor | SymbolicTensor[];
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
  /** A unique number per layer. */
  id: number;
  /** As tfjs: set (default 'float32') for layers given an input shape. */
  dtype: DataType | undefined;
  batchInputShape: Shape | undefined;
  /** Always false: stateful layers are not supported. */
  stateful: boolean;
  /** Always [] (as in tfjs, which never fills it). */
  updates: Tensor[];
  /** Throws: there are no stateful layers here (tfjs's message for non-stateful ones). */
  resetStates(): void;
  /** Recorded only: weights are initialized as configured either way. */
  setFastWeightInitDuringBuild(value: boolean): void;
  /** The loss functions of the layer: its weight regularizers' (once built) and those given to addLoss(). */
  readonly losses: RegularizerFn[];
  /** The values of `losses`. */
  calculateLosses(): Scalar[];
  /** Adds loss functions; a model's training adds their values to its loss (as tfjs; a model's own are not). */
  addLoss(losses: RegularizerFn | RegularizerFn[]): void;
  /** The activityRegularizer option (Dense, Conv*, Embedding); as tfjs, a layer with one cannot be called. */
  activityRegularizer: Regularizer | null;
  /** The `weights` option: set when the layer is built. */
  initialWeights: Tensor[] | null;
  /** What the layer expects of its inputs (tfjs's specs per class); a spec assigned here is checked at apply(). */
  inputSpec: Array<InputSpec | InputSpecArgs> | null;
  /** fn(inputs, kwargs) at each call on Tensors, for the classes tfjs calls it from (custom layers: invokeCallHook). */
  setCallHook(callHook: CallHook): void;
  clearCallHook(): void;
}
export type RegularizerFn = () => Scalar;
export type CallHook = (inputs: Tensor | Tensor[], kwargs: {[key: string]: any}) => void;
export interface InputSpecArgs {
  dtype?: DataType;
  shape?: Shape;
  ndim?: number;
  maxNDim?: number;
  minNDim?: number;
  axes?: {[axis: number]: number};
}
/** A tf.regularizers object: its penalty for a weight. */
export interface Regularizer extends Serializable {
  apply(x: Tensor): Scalar;
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

/**
 * Options of tf.layers.bidirectional: mergeMode 'concat' (default), 'sum', 'mul', 'ave' or null (two outputs);
 * backwardLayer (Keras's backward_layer) runs the backward direction instead of a copy of layer.
 */
export interface BidirectionalLayerArgs extends WrapperLayerArgs {
  mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' | null;
  backwardLayer?: Layer;
}

declare const LayerClass: typeof Layer;
type LayerInstance = Layer;
declare const RNNClass: typeof RNN;
type RNNInstance = RNN;
declare const RNNCellClass: typeof RNNCell;
type RNNCellInstance = RNNCell;
/** The options of a layer factory: the common LayerArgs and the layer's own (as in tfjs's typings). */
export type FactoryArgs = LayerArgs & {[option: string]: any};
/** Keyword call arguments of the attention layers (Keras 3's call(..., use_causal_mask=...)). */
export interface AttentionCallArgs<T> {useCausalMask?: boolean, returnAttentionScores?: boolean, attentionMask?: T}
/** Keras 3 layers (not in tfjs 4.22); options in lowerCamelCase, as Keras's get_config. */
export type MultiHeadAttentionArgs = LayerArgs & {numHeads: number, keyDim: number, valueDim?: number | null,
  dropout?: number, useBias?: boolean, outputShape?: number | number[] | null, attentionAxes?: number | number[] | null,
  kernelInitializer?: any, biasInitializer?: any, kernelRegularizer?: any, biasRegularizer?: any,
  kernelConstraint?: any, biasConstraint?: any, seed?: number | null};
export type EinsumDenseArgs = LayerArgs & {equation: string, outputShape: number | Array<number | null>,
  activation?: string, biasAxes?: string | null, kernelInitializer?: any, biasInitializer?: any,
  kernelRegularizer?: any, biasRegularizer?: any, kernelConstraint?: any, biasConstraint?: any};
export type AttentionArgs = LayerArgs & {useScale?: boolean, scoreMode?: 'dot' | 'concat', dropout?: number, seed?: number | null};
export type AdditiveAttentionArgs = LayerArgs & {useScale?: boolean, dropout?: number, seed?: number | null};
/** tf.layers: a namespace, so `tf.layers.Layer` is both the base class and its type. */
export declare namespace layers {
  const Layer: typeof LayerClass;
  type Layer = LayerInstance;
  function dense(args: DenseLayerArgs): Layer;
  function simpleRNN(args: RecurrentLayerArgs): RNN;
  function lstm(args: LSTMLayerArgs): RNN;
  function gru(args: GRULayerArgs): RNN;
  /** A recurrent layer around a cell (tfjs recurrent.ts); an array of cells is stacked. */
  function rnn(args: RNNLayerArgs): RNN;
  function simpleRNNCell(args: RecurrentLayerArgs): RNNCell;
  function lstmCell(args: LSTMLayerArgs): RNNCell;
  function gruCell(args: GRULayerArgs): RNNCell;
  function stackedRNNCells(args: {cells: RNNCell[], name?: string, trainable?: boolean}): RNNCell;
  /** A convolutional LSTM over [batch, timesteps, h, w, channels] (tfjs convolutional_recurrent.ts). */
  function convLstm2d(args: ConvLSTM2DLayerArgs): RNN;
  function convLstm2dCell(args: ConvLSTM2DLayerArgs): RNNCell;
  const RNN: typeof RNNClass;
  type RNN = RNNInstance;
  const RNNCell: typeof RNNCellClass;
  type RNNCell = RNNCellInstance;
  /** Applies `layer` to every timestep of a [batch, steps, ...] input (tfjs wrappers.ts). */
  function timeDistributed(args: WrapperLayerArgs): Layer & {layer: Layer};
  /** Runs a recurrent `layer` forwards and a copy backwards and merges them (tfjs wrappers.ts). */
  function bidirectional(args: BidirectionalLayerArgs): Layer & {layer: Layer, backwardLayer?: Layer};
  function inputLayer(args: {inputShape?: number[], batchInputShape?: Array<number | null>, batchSize?: number, name?: string}): Layer;
  /** tf.input under its tf.layers name. */
  function input(config: {shape?: Array<number | null>, batchShape?: Array<number | null>, name?: string, dtype?: DataType}): SymbolicTensor;
  function activation(args?: FactoryArgs): Layer;
  /** Keras 3 MultiHeadAttention: apply([query, value, key?], {attentionMask?, useCausalMask?, returnAttentionScores?}). */
  function multiHeadAttention(args: MultiHeadAttentionArgs): Layer;
  /** Keras 3 Attention (Luong dot-product): apply([query, value, key?], {mask?, useCausalMask?, returnAttentionScores?}). */
  function attention(args?: AttentionArgs): Layer;
  /** Keras 3 AdditiveAttention (Bahdanau). */
  function additiveAttention(args?: AdditiveAttentionArgs): Layer;
  /** Keras 3 EinsumDense: activation(einsum(equation, input, kernel) + bias). */
  function einsumDense(args: EinsumDenseArgs): Layer;
  function add(args?: FactoryArgs): Layer;
  function alphaDropout(args?: FactoryArgs): Layer;
  function average(args?: FactoryArgs): Layer;
  function averagePooling1d(args?: FactoryArgs): Layer;
  function averagePooling2d(args?: FactoryArgs): Layer;
  function averagePooling3d(args?: FactoryArgs): Layer;
  function avgPool1d(args?: FactoryArgs): Layer;
  function avgPool2d(args?: FactoryArgs): Layer;
  function avgPool3d(args?: FactoryArgs): Layer;
  function avgPooling1d(args?: FactoryArgs): Layer;
  function avgPooling2d(args?: FactoryArgs): Layer;
  function avgPooling3d(args?: FactoryArgs): Layer;
  function batchNormalization(args?: FactoryArgs): Layer;
  function categoryEncoding(args?: FactoryArgs): Layer;
  function centerCrop(args?: FactoryArgs): Layer;
  function concatenate(args?: FactoryArgs): Layer;
  function conv1d(args?: FactoryArgs): Layer;
  function conv2d(args?: FactoryArgs): Layer;
  function conv2dTranspose(args?: FactoryArgs): Layer;
  function conv3d(args?: FactoryArgs): Layer;
  function conv3dTranspose(args?: FactoryArgs): Layer;
  function cropping2D(args?: FactoryArgs): Layer;
  function depthwiseConv2d(args?: FactoryArgs): Layer;
  function dot(args?: FactoryArgs): Layer;
  function dropout(args?: FactoryArgs): Layer;
  function elu(args?: FactoryArgs): Layer;
  function embedding(args?: FactoryArgs): Layer;
  function flatten(args?: FactoryArgs): Layer;
  function gaussianDropout(args?: FactoryArgs): Layer;
  function gaussianNoise(args?: FactoryArgs): Layer;
  function globalAveragePooling1d(args?: FactoryArgs): Layer;
  function globalAveragePooling2d(args?: FactoryArgs): Layer;
  function globalMaxPool1d(args?: FactoryArgs): Layer;
  function globalMaxPool2d(args?: FactoryArgs): Layer;
  function globalMaxPooling1d(args?: FactoryArgs): Layer;
  function globalMaxPooling2d(args?: FactoryArgs): Layer;
  function layerNormalization(args?: FactoryArgs): Layer;
  function leakyReLU(args?: FactoryArgs): Layer;
  function masking(args?: FactoryArgs): Layer;
  function maxPool1d(args?: FactoryArgs): Layer;
  function maxPool2d(args?: FactoryArgs): Layer;
  function maxPooling1d(args?: FactoryArgs): Layer;
  function maxPooling2d(args?: FactoryArgs): Layer;
  function maxPooling3d(args?: FactoryArgs): Layer;
  function maximum(args?: FactoryArgs): Layer;
  function minimum(args?: FactoryArgs): Layer;
  function multiply(args?: FactoryArgs): Layer;
  function permute(args?: FactoryArgs): Layer;
  function prelu(args?: FactoryArgs): Layer;
  /** Random image augmentation, active only in training (fit, or apply with {training: true}); the identity at inference. */
  function randomContrast(args: LayerArgs & {factor: number | [number, number], valueRange?: [number, number], seed?: number}): Layer;
  function randomFlip(args?: LayerArgs & {mode?: 'horizontal' | 'vertical' | 'horizontal_and_vertical', seed?: number}): Layer;
  function randomHeight(args: LayerArgs & {factor: number | [number, number], interpolation?: 'bilinear' | 'nearest', seed?: number}): Layer;
  function randomRotation(args: LayerArgs & RandomAffineArgs & {factor: number | [number, number]}): Layer;
  function randomTranslation(args: LayerArgs & RandomAffineArgs & {heightFactor: number | [number, number], widthFactor: number | [number, number]}): Layer;
  function randomWidth(args: LayerArgs & {factor: number | [number, number], interpolation?: 'bilinear' | 'nearest', seed?: number}): Layer;
  function randomZoom(args: LayerArgs & RandomAffineArgs & {heightFactor: number | [number, number], widthFactor?: number | [number, number] | null}): Layer;
  function reLU(args?: FactoryArgs): Layer;
  function repeatVector(args?: FactoryArgs): Layer;
  function rescaling(args?: FactoryArgs): Layer;
  function reshape(args?: FactoryArgs): Layer;
  function resizing(args?: FactoryArgs): Layer;
  function separableConv2d(args?: FactoryArgs): Layer;
  function softmax(args?: FactoryArgs): Layer;
  function spatialDropout1d(args?: FactoryArgs): Layer;
  function thresholdedReLU(args?: FactoryArgs): Layer;
  function upSampling2d(args?: FactoryArgs): Layer;
  function zeroPadding2d(args?: FactoryArgs): Layer;
  // Keras 3 layers tfjs 4.22 lacks (Keras's options and defaults, lowerCamelCase).
  /** inputs[0] - inputs[1] (exactly two inputs). */
  function subtract(args?: FactoryArgs): Layer;
  /** The input, unchanged (masks pass through). */
  function identity(args?: FactoryArgs): Layer;
  /** Drops whole feature maps in training: {rate, dataFormat?, seed?}. */
  function spatialDropout2d(args?: FactoryArgs): Layer;
  function spatialDropout3d(args?: FactoryArgs): Layer;
  /** {cropping?: number | [number, number]} (default [1, 1]). */
  function cropping1D(args?: FactoryArgs): Layer;
  /** {cropping?: number | three numbers or [before, after] pairs, dataFormat?} (default 1 everywhere). */
  function cropping3D(args?: FactoryArgs): Layer;
  /** {size?: number} (default 2): each step repeated. */
  function upSampling1d(args?: FactoryArgs): Layer;
  /** {size?: number | [number, number, number], dataFormat?} (default 2). */
  function upSampling3d(args?: FactoryArgs): Layer;
  /** {padding?: number | [number, number]} (default 1). */
  function zeroPadding1d(args?: FactoryArgs): Layer;
  /** {padding?: number | three numbers or [before, after] pairs, dataFormat?} (default 1). */
  function zeroPadding3d(args?: FactoryArgs): Layer;
  /** {dataFormat?, keepdims?: boolean}. */
  function globalAveragePooling3d(args?: FactoryArgs): Layer;
  function globalMaxPooling3d(args?: FactoryArgs): Layer;
  /** x / ||x|| over {axis?: number | number[]} (default -1). */
  function unitNormalization(args?: FactoryArgs): Layer;
  function rmsNormalization(args?: FactoryArgs): Layer;
  function activityRegularization(args?: FactoryArgs): Layer;
  /** {groups?: number (32; -1 = per channel), axis?: number, epsilon?, center?, scale?, beta/gamma initializers, regularizers, constraints}. */
  function groupNormalization(args?: FactoryArgs): Layer;
  /** {filters, kernelSize, strides?, padding?, outputPadding?, dataFormat?, dilationRate?, activation?, useBias?, ...}; kernel [k, filters, inChannels]. */
  function conv1dTranspose(args?: FactoryArgs): Layer;
  /** {filters, kernelSize, depthMultiplier?, strides?, padding?, dataFormat?, dilationRate?, depthwise/pointwise initializers...}. */
  function separableConv1d(args?: FactoryArgs): Layer;
  /** {kernelSize, depthMultiplier?, strides?, padding?, dataFormat?, dilationRate?, depthwiseInitializer?...}; kernel [k, inChannels, depthMultiplier]. */
  function depthwiseConv1d(args?: FactoryArgs): Layer;
}

/** A custom loss or metric: per-sample values (the engine takes the mean). */
export type LossOrMetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export interface ModelCompileArgs {
  optimizer: string | {getClassName(): string, getConfig(): {[key: string]: any}};
  loss: string | LossOrMetricFn | Array<string | LossOrMetricFn> | {[outputName: string]: string | LossOrMetricFn};
  metrics?: Array<string | LossOrMetricFn> | {[outputName: string]: string | LossOrMetricFn | Array<string | LossOrMetricFn>};
  /** Keras's loss_weights (tfjs 4.22 has none): each output loss's share of the total loss. */
  lossWeights?: number[] | {[outputName: string]: number};
}

export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  onYield?: (epoch: number, batch: number, logs: Logs) => void | Promise<void>;
}

export type YieldEveryOptions = 'auto' | 'batch' | 'epoch' | 'never' | number;
export interface ModelFitArgs {
  classWeight?: {[classIndex: number]: number} | Array<{[classIndex: number]: number}> | {[outputName: string]: {[classIndex: number]: number}};
  sampleWeight?: Tensor | Array<Tensor | null> | {[outputName: string]: Tensor};
  stepsPerEpoch?: number;
  validationSteps?: number;
  yieldEvery?: YieldEveryOptions;
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  verbose?: 0 | 1;
  initialEpoch?: number;
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]];
  validationBatchSize?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[] | Callback | Callback[] | Array<Callback | CustomCallbackArgs>;
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
  /** The compiled optimizer (one of the model's own when compiled with a name or config); null before compile. */
  optimizer: Optimizer | null;
  getLayer(nameOrIndex: string | number, index?: number): Layer;
  compile(args: ModelCompileArgs): void;
  fit(x: ModelData, y: ModelData, args?: ModelFitArgs): Promise<History>;
  evaluate(x: ModelData, y: ModelData, args?: {batchSize?: number}): Tensor | Tensor[];
  predict(x: ModelData, args?: {batchSize?: number}): Tensor | Tensor[];
  predictOnBatch(x: ModelData): Tensor | Tensor[];
  execute(x: ModelData, outputs: string | string[]): Tensor | Tensor[];
  trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]>;
  summary(lineLength?: number, positions?: number[], printFn?: (message?: any, ...rest: any[]) => void): void;
  fitDataset(dataset: any, args: {epochs: number, batchesPerEpoch?: number, validationData?: any, validationBatches?: number,
                                  callbacks?: CustomCallbackArgs | CustomCallbackArgs[] | Callback[], verbose?: 0 | 1,
                                  initialEpoch?: number, classWeight?: {[cls: number]: number}, yieldEvery?: YieldEveryOptions}): Promise<History>;
  evaluateDataset(dataset: any, args?: {batches?: number, verbose?: 0 | 1}): Promise<Scalar | Scalar[]>;
  /** Saves through an IOHandler or a URL ('file://', 'http(s)://', 'localstorage://', 'indexeddb://', 'downloads://'). */
  save(handlerOrURL: io.IOHandler | string, config?: io.SaveConfig): Promise<io.SaveResult>;
  toJSON(unused?: any, returnString?: boolean): string | {};
  setUserDefinedMetadata(userDefinedMetadata: {}): void;
  getUserDefinedMetadata(): {};
  /** The layer at `index` (throws past the end, as tfjs). */
  findLayer(index: number): Layer;
  /** Sets weights by their names; strict (default) requires exactly the model's weights. */
  loadWeights(weights: NamedTensorMap, strict?: boolean): void;
  readonly inputLayersNodeIndices: number[];
  readonly inputLayersTensorIndices: number[];
  readonly outputLayersNodeIndices: number[];
  readonly outputLayersTensorIndices: number[];
  readonly feedInputShapes: Shape[];
  /** compile()'s `loss` and `metrics`, as given. */
  loss: ModelCompileArgs['loss'] | undefined;
  metrics: ModelCompileArgs['metrics'] | undefined;
  /** tfjs's Container bookkeeping: the keys `${layerName}_ib-${nodeIndex}` of the nodes this model runs. */
  readonly containerNodes: Set<string>;
  /** The model's nodes and layers by depth (0: at the outputs). */
  readonly nodesByDepth: {[depth: string]: Node[]};
  readonly layersByDepth: {[depth: string]: Layer[]};
  /** The nested models among the layers. */
  readonly internalContainerRefs: LayersModel[];
  /** After compile(): the loss function of each output (tfjs-layers' per-sample functions, or the one given). */
  readonly lossFunctions: LossOrMetricFn[] | undefined;
  /** After compile(): [function, output index] per logged value after 'loss' (per-output losses, then metrics). */
  readonly metricsTensors: Array<[LossOrMetricFn, number]> | undefined;
  /**
   * tfjs's loop over a train function: f(batch of every tensor in ins) -> Scalars named by
   * outLabels; callbacks, validation via valF over valIns; stepsPerEpoch and batch shuffling
   * throw as in tfjs.
   */
  fitLoop(f: (data: Tensor[]) => Scalar[], ins: Tensor[], outLabels?: string[], batchSize?: number, epochs?: number,
          verbose?: number, callbacks?: Callback[], valF?: (data: Tensor[]) => Scalar[], valIns?: Tensor[],
          shuffle?: boolean | string, callbackMetrics?: string[], initialEpoch?: number, stepsPerEpoch?: number,
          validationSteps?: number): Promise<History>;
  /** tfjs's train function: [...inputs, ...targets] -> [loss, ...metrics], one training step. */
  makeTrainFunction(): (data: Tensor[]) => Scalar[];
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
  validationData: Tensor | Tensor[] | null;
  setModel(model: LayersModel): void;
  setParams(params: {[key: string]: any}): void;
  onTrainBegin(logs?: Logs): Promise<void>;
  onTrainEnd(logs?: Logs): Promise<void>;
  onEpochBegin(epoch: number, logs?: Logs): Promise<void>;
  onEpochEnd(epoch: number, logs?: Logs): Promise<void>;
  onBatchBegin(batch: number, logs?: Logs): Promise<void>;
  onBatchEnd(batch: number, logs?: Logs): Promise<void>;
}
/** A Callback built from an object of onXxx functions (what fit() does with such objects). */
export declare class CustomCallback extends Callback {
  constructor(args: CustomCallbackArgs, yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number);
}
export interface EarlyStoppingCallbackArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: number;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number;
  restoreBestWeights?: boolean;
}
export declare class EarlyStopping extends Callback {
  constructor(args?: EarlyStoppingCallbackArgs);
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number;
  readonly verbose: number;
  readonly mode: 'auto' | 'min' | 'max';
}
/** A list of callbacks called in order (tfjs's CallbackList). */
export declare class CallbackList {
  callbacks: Callback[];
  queueLength: number;
  constructor(callbacks?: Callback[], queueLength?: number);
  append(callback: Callback): void;
  setParams(params: {[key: string]: any}): void;
  setModel(model: LayersModel): void;
  onEpochBegin(epoch: number, logs?: UnresolvedLogs): Promise<void>;
  onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void>;
  onBatchBegin(batch: number, logs?: UnresolvedLogs): Promise<void>;
  onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void>;
  onTrainBegin(logs?: UnresolvedLogs): Promise<void>;
  onTrainEnd(logs?: UnresolvedLogs): Promise<void>;
}
export declare function registerCallbackConstructor(verbosityLevel: number, callbackConstructor: new (...args: any[]) => Callback): void;
export declare const callbacks: {
  earlyStopping(args?: EarlyStoppingCallbackArgs): EarlyStopping;
  reduceLROnPlateau(args?: {monitor?: string, factor?: number, patience?: number, minDelta?: number, cooldown?: number, minLr?: number, mode?: 'auto' | 'min' | 'max', verbose?: number}): Callback;
};

/** tfjs's optimizers: engine optimizers (their state lives in the engine); the subclasses exist for `new` and instanceof. */
export declare class Optimizer {
  readonly iterations: number;
  getClassName(): string;
  getConfig(): serialization.ConfigDict;
  getLearningRate(): number;
  setLearningRate(lr: number): void;
  /** Minimizes f() (a scalar) over varList (default: every trainable variable); returns the cost when returnCost. */
  minimize(f: () => Scalar | Tensor, returnCost?: boolean, varList?: Array<Variable | LayerVariable>): Scalar | null;
  computeGradients(f: () => Scalar | Tensor, varList?: Array<Variable | LayerVariable>): {value: Scalar, grads: NamedTensorMap};
  applyGradients(variableGradients: NamedTensorMap | NamedTensor[], variables?: Array<Variable | LayerVariable>): void;
  dispose(): void;
  static fromConfig<T extends Optimizer>(cls: new (...args: any[]) => T, config: serialization.ConfigDict): T;
}
export declare class SGDOptimizer extends Optimizer {
  constructor(learningRate: number);
}
export declare class MomentumOptimizer extends Optimizer {
  constructor(learningRate: number, momentum: number, useNesterov?: boolean);
}
export declare class AdagradOptimizer extends Optimizer {
  constructor(learningRate: number, initialAccumulatorValue?: number);
}
export declare class AdadeltaOptimizer extends Optimizer {
  constructor(learningRate: number, rho: number, epsilon?: number);
}
export declare class AdamOptimizer extends Optimizer {
  constructor(learningRate: number, beta1: number, beta2: number, epsilon?: number);
}
export declare class AdamaxOptimizer extends Optimizer {
  constructor(learningRate: number, beta1: number, beta2: number, epsilon?: number, decay?: number);
}
export declare class RMSPropOptimizer extends Optimizer {
  constructor(learningRate: number, decay?: number, momentum?: number, epsilon?: number, centered?: boolean);
}
/** A learning-rate schedule (beyond tfjs): pass it where a learning rate goes. */
export interface LearningRateSchedule {
  readonly className: string;
  readonly config: {[key: string]: any};
}
type LR = number | LearningRateSchedule;
export declare const train: {
  Optimizer: typeof Optimizer;
  sgd(learningRate: LR): SGDOptimizer;
  momentum(learningRate: LR, momentum: number, useNesterov?: boolean): MomentumOptimizer;
  adagrad(learningRate: LR, initialAccumulatorValue?: number): AdagradOptimizer;
  adadelta(learningRate?: LR, rho?: number, epsilon?: number): AdadeltaOptimizer;
  adam(learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number): AdamOptimizer;
  adamax(learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number, decay?: number): AdamaxOptimizer;
  rmsprop(learningRate: LR, decay?: number, momentum?: number, epsilon?: number, centered?: boolean): RMSPropOptimizer;
  adamw(learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number, weightDecay?: number): Optimizer;
  exponentialDecay(args: {initialLearningRate: number, decaySteps: number, decayRate: number, staircase?: boolean}): LearningRateSchedule;
  cosineDecay(args: {initialLearningRate: number, decaySteps: number, alpha?: number}): LearningRateSchedule;
  piecewiseConstant(args: {boundaries: number[], values: number[]}): LearningRateSchedule;
};
/** tfjs's OptimizerConstructors: the tf.train factories as static methods. */
export declare class OptimizerConstructors {
  static sgd(learningRate: number): SGDOptimizer;
  static momentum(learningRate: number, momentum: number, useNesterov?: boolean): MomentumOptimizer;
  static rmsprop(learningRate: number, decay?: number, momentum?: number, epsilon?: number, centered?: boolean): RMSPropOptimizer;
  static adam(learningRate?: number, beta1?: number, beta2?: number, epsilon?: number): AdamOptimizer;
  static adadelta(learningRate?: number, rho?: number, epsilon?: number): AdadeltaOptimizer;
  static adamax(learningRate?: number, beta1?: number, beta2?: number, epsilon?: number, decay?: number): AdamaxOptimizer;
  static adagrad(learningRate: number, initialAccumulatorValue?: number): AdagradOptimizer;
}

export declare namespace io {
  type WeightDataType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  interface WeightsManifestEntry {
    name: string;
    shape: number[];
    dtype: WeightDataType;
    group?: string;
    quantization?: {scale?: number, min?: number, dtype: 'uint16' | 'uint8' | 'float16', original_dtype?: WeightDataType};
  }
  interface WeightsManifestGroupConfig {paths: string[]; weights: WeightsManifestEntry[]}
  type WeightsManifestConfig = WeightsManifestGroupConfig[];
  type WeightData = ArrayBuffer | ArrayBuffer[];
  interface ModelArtifacts {
    modelTopology?: {} | ArrayBuffer;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    weightSpecs?: WeightsManifestEntry[];
    weightData?: WeightData;
    weightStream?: ReadableStream;
    trainingConfig?: {};
    signature?: {};
    userDefinedMetadata?: {[key: string]: {}};
    modelInitializer?: {};
    initializerSignature?: {};
  }
  interface ModelArtifactsInfo {
    dateSaved: Date;
    modelTopologyType: 'JSON' | 'GraphDef';
    modelTopologyBytes?: number;
    weightSpecsBytes?: number;
    weightDataBytes?: number;
  }
  interface SaveResult {
    modelArtifactsInfo: ModelArtifactsInfo;
    responses?: Response[];
    errors?: Array<{} | string>;
  }
  interface ModelJSON {
    modelTopology: {};
    weightsManifest: WeightsManifestConfig;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    trainingConfig?: {};
    signature?: {};
    userDefinedMetadata?: {[key: string]: {}};
    modelInitializer?: {};
    initializerSignature?: {};
  }
  type SaveHandler = (modelArtifact: ModelArtifacts) => Promise<SaveResult>;
  type LoadHandler = () => Promise<ModelArtifacts>;
  interface IOHandler {
    save?: SaveHandler;
    load?: LoadHandler;
  }
  interface IOHandlerSync {
    save?: (modelArtifact: ModelArtifacts) => SaveResult;
    load?: () => ModelArtifacts;
  }
  type IORouter = (url: string | string[], loadOptions?: LoadOptions) => IOHandler | null;
  type OnProgressCallback = (fraction: number) => void;
  interface LoadOptions {
    requestInit?: RequestInit;
    onProgress?: OnProgressCallback;
    fetchFunc?: Function;
    strict?: boolean;
    weightPathPrefix?: string;
    fromTFHub?: boolean;
    weightUrlConverter?: (weightFileName: string) => Promise<string>;
    streamWeights?: boolean;
  }
  interface SaveConfig {trainableOnly?: boolean; includeOptimizer?: boolean}
  interface ModelStoreManager {
    listModels(): Promise<{[path: string]: ModelArtifactsInfo}>;
    removeModel(path: string): Promise<ModelArtifactsInfo>;
  }
  function http(path: string, loadOptions?: LoadOptions): IOHandler;
  function browserHTTPRequest(path: string, loadOptions?: LoadOptions): IOHandler;
  function fromMemory(modelArtifacts: {} | ModelArtifacts, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData, trainingConfig?: {}): IOHandler;
  function fromMemorySync(modelArtifacts: {} | ModelArtifacts, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData, trainingConfig?: {}): IOHandlerSync;
  function withSaveHandler(saveHandler: SaveHandler): IOHandler;
  function withSaveHandlerSync(saveHandler: (artifacts: ModelArtifacts) => SaveResult): IOHandler;
  function browserFiles(files: File[]): IOHandler;
  function browserDownloads(fileNamePrefix?: string): IOHandler;
  function browserLocalStorage(path: string): IOHandler;
  function browserIndexedDB(path: string): IOHandler;
  function fileSystem(path: string | string[]): IOHandler;
  function getLoadHandlers(url: string | string[], loadOptions?: LoadOptions): IOHandler[];
  function getSaveHandlers(url: string | string[]): IOHandler[];
  function registerLoadRouter(loudRouter: IORouter): void;
  function registerSaveRouter(loudRouter: IORouter): void;
  function copyModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo>;
  function moveModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo>;
  function listModels(): Promise<{[url: string]: ModelArtifactsInfo}>;
  function removeModel(url: string): Promise<ModelArtifactsInfo>;
  function encodeWeights(tensors: NamedTensorMap | NamedTensor[], group?: string): Promise<{data: ArrayBuffer, specs: WeightsManifestEntry[]}>;
  function decodeWeights(weightData: WeightData, specs: WeightsManifestEntry[]): NamedTensorMap;
  function concatenateArrayBuffers(buffers: ArrayBuffer[] | ArrayBuffer): ArrayBuffer;
  function getModelArtifactsInfoForJSON(modelArtifacts: ModelArtifacts): ModelArtifactsInfo;
  function getModelArtifactsForJSON(modelJSON: ModelJSON, loadWeights: (weightsManifest: WeightsManifestConfig) => Promise<[WeightsManifestEntry[], WeightData]>): Promise<ModelArtifacts>;
  function getModelArtifactsForJSONSync(modelJSON: ModelJSON, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData): ModelArtifacts;
  function getWeightSpecs(weightsManifest: WeightsManifestConfig): WeightsManifestEntry[];
  function isHTTPScheme(url: string): boolean;
  function loadWeights(manifest: WeightsManifestConfig, filePathPrefix?: string, weightNames?: string[], requestInit?: RequestInit): Promise<NamedTensorMap>;
  function weightsLoaderFactory(fetchWeightsFunction: (fetchUrls: string[]) => Promise<ArrayBuffer[]>): (manifest: WeightsManifestConfig, filePathPrefix?: string, weightNames?: string[]) => Promise<NamedTensorMap>;
  class CompositeArrayBuffer {
    constructor(buffers?: ArrayBuffer | ArrayBuffer[] | Uint8Array | Uint8Array[]);
    readonly byteLength: number;
    slice(start?: number, end?: number): ArrayBuffer;
    static join(buffers?: ArrayBuffer[] | ArrayBuffer): ArrayBuffer;
  }
}
/** Aliases kept from earlier releases of these typings. */
export type ModelArtifacts = io.ModelArtifacts;
export type SaveResult = io.SaveResult;
export type IOHandler = io.IOHandler;
export declare function loadLayersModel(pathOrIOHandler: string | io.IOHandler, options?: io.LoadOptions): Promise<LayersModel>;
export declare const models: {modelFromJSON(config: {} | string): Promise<LayersModel>};

// ---- graph models (tfjs-converter 4.22) ------------------------------------------------
/** A graph model's input or output: its node name, shape (-1 for any size) and dtype, where the graph says. */
export interface ModelTensorInfo {
  name: string;
  shape?: number[];
  dtype?: DataType;
  tfDtype?: string;
}
export interface NamedTensorsMap {
  [name: string]: Tensor[];
}
export interface ModelPredictConfig {
  batchSize?: number;
  verbose?: boolean;
}
/** What a custom op's function (tf.registerOp) receives for each node it runs. */
export interface GraphNode {
  inputs: Tensor[];
  attrs: {[key: string]: string | string[] | number | number[] | number[][] | boolean | boolean[] | Tensor | Tensor[]};
}
export type OpExecutor = (node: GraphNode) => Tensor | Tensor[] | Promise<Tensor | Tensor[]>;
/** A TensorFlow graph (a GraphDef converted by tfjs-converter) run for inference. */
export declare class GraphModel {
  constructor(modelUrl: string | io.IOHandler | io.IOHandlerSync, loadOptions?: io.LoadOptions, tfio?: typeof io);
  readonly modelVersion: string;
  readonly inputNodes: string[];
  readonly outputNodes: string[];
  readonly inputs: ModelTensorInfo[];
  readonly outputs: ModelTensorInfo[];
  readonly weights: NamedTensorsMap;
  readonly metadata: {};
  readonly modelSignature: {};
  readonly modelStructuredOutputKeys: {};
  load(): Promise<boolean> | boolean;
  loadSync(artifacts: io.ModelArtifacts): boolean;
  save(handlerOrURL: io.IOHandler | string, config?: io.SaveConfig): Promise<io.SaveResult>;
  predict(inputs: Tensor | Tensor[] | NamedTensorMap, config?: ModelPredictConfig): Tensor | Tensor[] | NamedTensorMap;
  predictAsync(inputs: Tensor | Tensor[] | NamedTensorMap, config?: ModelPredictConfig): Promise<Tensor | Tensor[] | NamedTensorMap>;
  execute(inputs: Tensor | Tensor[] | NamedTensorMap, outputs?: string | string[]): Tensor | Tensor[];
  executeAsync(inputs: Tensor | Tensor[] | NamedTensorMap, outputs?: string | string[]): Promise<Tensor | Tensor[]>;
  getIntermediateTensors(): NamedTensorsMap;
  disposeIntermediateTensors(): void;
  dispose(): void;
}
export declare function loadGraphModel(modelUrl: string | io.IOHandler, options?: io.LoadOptions, tfio?: typeof io): Promise<GraphModel>;
export declare function loadGraphModelSync(modelSource: io.IOHandlerSync | io.ModelArtifacts | [io.ModelJSON, ArrayBuffer]): GraphModel;
export declare function registerOp(name: string, opFunc: OpExecutor): void;
export declare function deregisterOp(name: string): void;

export declare namespace serialization {
  type ConfigDictValue = boolean | number | string | null | ConfigDictArray | ConfigDict;
  interface ConfigDict {[key: string]: ConfigDictValue}
  interface ConfigDictArray extends Array<ConfigDictValue> {}
  type SerializableConstructor<T extends Serializable> = {
    new (...args: any[]): T;
    className: string;
    fromConfig: FromConfigMethod<T>;
  };
  type FromConfigMethod<T extends Serializable> = (cls: SerializableConstructor<T>, config: ConfigDict) => T;
  /** The base of what getClassName()/getConfig() serialize (layers, initializers, optimizers...). */
  abstract class Serializable {
    getClassName(): string;
    abstract getConfig(): ConfigDict;
    static fromConfig<T extends Serializable>(cls: SerializableConstructor<T>, config: ConfigDict): T;
  }
  /** The registry of classes model.json may name (tfjs's singleton). */
  class SerializationMap {
    classNameMap: {[className: string]: [SerializableConstructor<Serializable>, FromConfigMethod<Serializable>]};
    static getMap(): SerializationMap;
    static register<T extends Serializable>(cls: SerializableConstructor<T>): void;
  }
  /** Registers a class (static className, static fromConfig) so model.json can name it. */
  function registerClass<T extends Serializable>(cls: SerializableConstructor<T>, pkg?: string, name?: string): SerializableConstructor<T>;
  function getRegisteredName<T extends Serializable>(cls: SerializableConstructor<T>): string;
}

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
  flipLeftRight(image: Tensor | TensorLike): Tensor4D;
  rgbToGrayscale(image: Tensor | TensorLike): Tensor;
  grayscaleToRGB(image: Tensor | TensorLike): Tensor;
  threshold(image: Tensor | TensorLike, method?: 'binary' | 'otsu', inverted?: boolean, threshValue?: number): Tensor3D;
  cropAndResize(image: Tensor | TensorLike, boxes: Tensor | TensorLike, boxInd: Tensor | TensorLike, cropSize: [number, number], method?: 'bilinear' | 'nearest', extrapolationValue?: number): Tensor4D;
  rotateWithOffset(image: Tensor | TensorLike, radians: number, fillValue?: number | [number, number, number], center?: number | [number, number]): Tensor4D;
  transform(image: Tensor | TensorLike, transforms: Tensor | TensorLike, interpolation?: 'nearest' | 'bilinear', fillMode?: 'constant' | 'reflect' | 'wrap' | 'nearest', fillValue?: number, outputShape?: [number, number]): Tensor4D;
  nonMaxSuppression(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number): Tensor1D;
  nonMaxSuppressionAsync(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number): Promise<Tensor1D>;
  nonMaxSuppressionWithScore(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, softNmsSigma?: number): {selectedIndices: Tensor1D, selectedScores: Tensor1D};
  nonMaxSuppressionWithScoreAsync(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, softNmsSigma?: number): Promise<{selectedIndices: Tensor1D, selectedScores: Tensor1D}>;
  nonMaxSuppressionPadded(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, padToMaxOutputSize?: boolean): {selectedIndices: Tensor1D, validOutputs: Scalar};
  nonMaxSuppressionPaddedAsync(boxes: Tensor | TensorLike, scores: Tensor | TensorLike, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, padToMaxOutputSize?: boolean): Promise<{selectedIndices: Tensor1D, validOutputs: Scalar}>;
};

// ---- the rest of tfjs 4.22's ops (ops_extra.js, image.js, linalg.js; issue 16) ----------

export declare function batchToSpaceND(x: Tensor | TensorLike, blockShape: number[], crops: number[][]): Tensor;
export declare function spaceToBatchND(x: Tensor | TensorLike, blockShape: number[], paddings: number[][]): Tensor;
export declare function depthToSpace(x: Tensor | TensorLike, blockSize: number, dataFormat?: 'NHWC' | 'NCHW'): Tensor;
export declare function bincount(x: Tensor | TensorLike, weights: Tensor | TensorLike, size: number): Tensor1D;
export declare function denseBincount(x: Tensor | TensorLike, weights: Tensor | TensorLike, size: number, binaryOutput?: boolean): Tensor;
export declare function broadcastArgs(s0: Tensor | TensorLike, s1: Tensor | TensorLike): Tensor1D;
export declare function clone<T extends Tensor>(x: T | TensorLike): T;
export declare function cumprod(x: Tensor | TensorLike, axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
export declare function cosineWindow(windowLength: number, a: number, b: number): Tensor1D;
export declare function euclideanNorm(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims?: boolean): Tensor;
export declare function movingAverage(v: Tensor | TensorLike, x: Tensor | TensorLike, decay: number | Scalar, step?: number | Scalar, zeroDebias?: boolean): Tensor;
export declare function diag(x: Tensor): Tensor;
/** Throws unless x's shape matches `shape` (null matches any size); returns x itself. */
export declare function ensureShape<T extends Tensor>(x: T, shape: Array<number | null>): T;
export declare function meshgrid(x?: Tensor | TensorLike, y?: Tensor | TensorLike, options?: {indexing?: 'xy' | 'ij'}): Tensor[];
export declare function gatherND(x: Tensor | TensorLike, indices: Tensor | TensorLike): Tensor;
/** Sums updates into zeros of `shape` at the index tuples in the last axis of `indices`. */
export declare function scatterND(indices: Tensor | TensorLike, updates: Tensor | TensorLike, shape: number[]): Tensor;
export declare function tensorScatterUpdate(tensor: Tensor | TensorLike, indices: Tensor | TensorLike, updates: Tensor | TensorLike): Tensor;
export declare function unsortedSegmentSum(x: Tensor | TensorLike, segmentIds: Tensor | TensorLike, numSegments: number): Tensor;
export declare function sparseToDense(sparseIndices: Tensor | TensorLike, sparseValues: Tensor | TensorLike, outputShape: number[], defaultValue?: Scalar | number | boolean): Tensor;
export declare function searchSorted(sortedSequence: Tensor | TensorLike, values: Tensor | TensorLike, side?: 'left' | 'right'): Tensor;
export declare function lowerBound(sortedSequence: Tensor | TensorLike, values: Tensor | TensorLike): Tensor;
export declare function upperBound(sortedSequence: Tensor | TensorLike, values: Tensor | TensorLike): Tensor;
export declare function inTopKAsync(predictions: Tensor | TensorLike, targets: Tensor | TensorLike, k?: number): Promise<Tensor>;
export declare function unique(x: Tensor | TensorLike, axis?: number): {values: Tensor, indices: Tensor1D};
/** The coordinates of the true (non-zero) entries: int32 [n, rank]. */
export declare function whereAsync(condition: Tensor | TensorLike): Promise<Tensor2D>;
export declare function booleanMaskAsync(tensor: Tensor | TensorLike, mask: Tensor | TensorLike, axis?: number): Promise<Tensor>;
export declare function setdiff1dAsync(x: Tensor | TensorLike, y: Tensor | TensorLike): Promise<[Tensor, Tensor]>;
export declare function pool(input: Tensor | TensorLike, windowShape: [number, number] | number, poolingType: 'avg' | 'max',
                             pad: 'valid' | 'same' | number | number[][], dilations?: [number, number] | number,
                             strides?: [number, number] | number, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
export declare function basicLSTMCell(forgetBias: Scalar | TensorLike, lstmKernel: Tensor | TensorLike, lstmBias: Tensor | TensorLike, data: Tensor | TensorLike, c: Tensor | TensorLike, h: Tensor | TensorLike): [Tensor2D, Tensor2D];
export type LSTMCellFunc = (data: Tensor2D, c: Tensor2D, h: Tensor2D) => [Tensor2D, Tensor2D];
export declare function multiRNNCell(lstmCells: LSTMCellFunc[], data: Tensor | TensorLike, c: Array<Tensor | TensorLike>, h: Array<Tensor | TensorLike>): [Tensor2D[], Tensor2D[]];
export declare function rand(shape: number[], randFunction: () => number, dtype?: DataType): Tensor;
export declare function print(x: Tensor, verbose?: boolean): void;
export declare function concat1d(tensors: Array<Tensor | TensorLike>): Tensor1D;
export declare function concat2d(tensors: Array<Tensor | TensorLike>, axis: number): Tensor2D;
export declare function concat3d(tensors: Array<Tensor | TensorLike>, axis: number): Tensor3D;
export declare function concat4d(tensors: Array<Tensor | TensorLike>, axis: number): Tensor4D;
export declare function reverse1d(x: Tensor | TensorLike): Tensor1D;
export declare function reverse2d(x: Tensor | TensorLike, axis?: number | number[]): Tensor2D;
export declare function reverse3d(x: Tensor | TensorLike, axis?: number | number[]): Tensor3D;
export declare function reverse4d(x: Tensor | TensorLike, axis?: number | number[]): Tensor4D;
export declare function slice1d(x: Tensor | TensorLike, begin: number, size: number): Tensor1D;
export declare function slice2d(x: Tensor | TensorLike, begin: [number, number], size: [number, number]): Tensor2D;
export declare function slice3d(x: Tensor | TensorLike, begin: [number, number, number], size: [number, number, number]): Tensor3D;
export declare function slice4d(x: Tensor | TensorLike, begin: [number, number, number, number], size: [number, number, number, number]): Tensor4D;
export declare function pad1d(x: Tensor | TensorLike, paddings: [number, number], constantValue?: number): Tensor1D;
export declare function pad2d(x: Tensor | TensorLike, paddings: [[number, number], [number, number]], constantValue?: number): Tensor2D;
export declare function pad3d(x: Tensor | TensorLike, paddings: [[number, number], [number, number], [number, number]], constantValue?: number): Tensor3D;
export declare function pad4d(x: Tensor | TensorLike, paddings: [[number, number], [number, number], [number, number], [number, number]], constantValue?: number): Tensor4D;
export declare function batchNorm2d(x: Tensor | TensorLike, mean: Tensor | TensorLike, variance: Tensor | TensorLike, offset?: Tensor | TensorLike, scale?: Tensor | TensorLike, varianceEpsilon?: number): Tensor2D;
export declare function batchNorm3d(x: Tensor | TensorLike, mean: Tensor | TensorLike, variance: Tensor | TensorLike, offset?: Tensor | TensorLike, scale?: Tensor | TensorLike, varianceEpsilon?: number): Tensor3D;
export declare function batchNorm4d(x: Tensor | TensorLike, mean: Tensor | TensorLike, variance: Tensor | TensorLike, offset?: Tensor | TensorLike, scale?: Tensor | TensorLike, varianceEpsilon?: number): Tensor4D;

// ---- ops on new engine kernels (sparse_ragged.js; issue 16) ----
/** x & y elementwise; int32 tensors of the same shape. */
export declare function bitwiseAnd(x: Tensor | TensorLike, y: Tensor | TensorLike): Tensor;
/** Grayscale dilation: max over the window of x + filter (x [batch, h, w, c] or [h, w, c]; filter [fh, fw, c]). */
export declare function dilation2d(x: Tensor | TensorLike, filter: Tensor | TensorLike, strides: number | [number, number], pad: 'valid' | 'same', dilations?: number | [number, number], dataFormat?: 'NHWC'): Tensor;
/** Max pool and the flat index of each maximum ((b*h + y)*w + x)*c + d, the batch term when includeBatchInIndex. */
export declare function maxPoolWithArgmax(x: Tensor | TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: Pad, includeBatchInIndex?: boolean): {result: Tensor, indexes: Tensor};
export declare function raggedGather(paramsNestedSplits: Array<Tensor | TensorLike>, paramsDenseValues: Tensor | TensorLike, indices: Tensor | TensorLike, outputRaggedRank: number): {outputNestedSplits: Tensor[], outputDenseValues: Tensor};
export declare function raggedRange(starts: Tensor | TensorLike, limits: Tensor | TensorLike, deltas: Tensor | TensorLike): {rtNestedSplits: Tensor, rtDenseValues: Tensor};
export declare function raggedTensorToTensor(shape: Tensor | TensorLike, values: Tensor | TensorLike, defaultValue: Tensor | TensorLike, rowPartitionTensors: Array<Tensor | TensorLike>, rowPartitionTypes: string[]): Tensor;
export declare const sparse: {
  sparseFillEmptyRows(indices: Tensor | TensorLike, values: Tensor | TensorLike, denseShape: Tensor | TensorLike, defaultValue: Tensor | TensorLike): {outputIndices: Tensor, outputValues: Tensor, emptyRowIndicator: Tensor, reverseIndexMap: Tensor};
  sparseReshape(inputIndices: Tensor | TensorLike, inputShape: Tensor | TensorLike, newShape: Tensor | TensorLike): {outputIndices: Tensor, outputShape: Tensor};
  sparseSegmentMean(data: Tensor | TensorLike, indices: Tensor | TensorLike, segmentIds: Tensor | TensorLike): Tensor;
  sparseSegmentSum(data: Tensor | TensorLike, indices: Tensor | TensorLike, segmentIds: Tensor | TensorLike): Tensor;
};

export declare const linalg: {
  bandPart(a: Tensor | TensorLike, numLower: number | Scalar, numUpper: number | Scalar): Tensor;
  gramSchmidt(xs: Tensor1D[] | Tensor2D): Tensor1D[] | Tensor2D;
  qr(x: Tensor, fullMatrices?: boolean): [Tensor, Tensor];
};
/**
 * tf.string: ops on string tensors (tfjs-backend-cpu's kernels: bytes are UTF-8,
 * stringSplit splits at each byte of the delimiter).
 */
export declare const string: {
  staticRegexReplace(input: Tensor | TensorLike, pattern: string, rewrite: string, replaceGlobal?: boolean): Tensor;
  stringNGrams(data: Tensor1D | TensorLike, dataSplits: Tensor | TensorLike, separator: string, nGramWidths: number[],
               leftPad: string, rightPad: string, padWidth: number,
               preserveShortSequences: boolean): {nGrams: Tensor1D, nGramsSplits: Tensor1D};
  stringSplit(input: Tensor1D | TensorLike, delimiter: Scalar | string,
              skipEmpty?: boolean): {indices: Tensor2D, values: Tensor1D, shape: Tensor1D};
  stringToHashBucketFast(input: Tensor | TensorLike, numBuckets: number): Tensor;
};
export declare const math: {confusionMatrix(labels: Tensor | TensorLike, predictions: Tensor | TensorLike, numClasses: number): Tensor2D};
export declare const signal: {
  frame(signal: Tensor1D, frameLength: number, frameStep: number, padEnd?: boolean, padValue?: number): Tensor;
  hammingWindow(windowLength: number): Tensor1D;
  hannWindow(windowLength: number): Tensor1D;
  stft(signal: Tensor1D, frameLength: number, frameStep: number, fftLength?: number,
       windowFn?: (length: number) => Tensor1D): Tensor;
};

// complex64 tensors and the spectral ops (complex.js). A complex64 tensor works with
// these, add/sub/mul, abs, cast, reshape, expandDims, squeeze, concat, stack, clone,
// zerosLike and onesLike; other ops throw.
export declare function complex<T extends Tensor>(real: T | TensorLike, imag: T | TensorLike): T;
export declare function real<T extends Tensor>(input: T | TensorLike): T;
export declare function imag<T extends Tensor>(input: T | TensorLike): T;
export declare function fft(input: Tensor): Tensor;
export declare function ifft(input: Tensor): Tensor;
export declare function rfft(input: Tensor, fftLength?: number): Tensor;
export declare function irfft(input: Tensor): Tensor;
export declare const spectral: {
  fft(input: Tensor): Tensor;
  ifft(input: Tensor): Tensor;
  rfft(input: Tensor, fftLength?: number): Tensor;
  irfft(input: Tensor): Tensor;
};

/** Pixel data as tfjs accepts it where there is no DOM. */
export interface PixelData {width: number; height: number; data: Uint8Array}
type PixelSource = PixelData | ImageData | HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | ImageBitmap | OffscreenCanvas;
export declare const browser: {
  fromPixels(pixels: PixelSource, numChannels?: number): Tensor3D;
  fromPixelsAsync(pixels: PixelSource, numChannels?: number): Promise<Tensor3D>;
  toPixels(img: Tensor2D | Tensor3D | TensorLike, canvas?: HTMLCanvasElement): Promise<Uint8ClampedArray>;
  draw(image: Tensor2D | Tensor3D | TensorLike, canvas: HTMLCanvasElement,
       options?: {imageOptions?: {alpha?: number}, contextOptions?: {contextType?: string, contextAttributes?: {}}}): void;
};

// ---- small helpers (surface.js) -------------------------------------------------------

export declare const OP_SCOPE_SUFFIX: string;
/** tf.op({name: fn}): fn as an op (tensors it makes in between are disposed; its result is kept). */
export declare function op<T extends Function>(f: {[name: string]: T}): T;
export declare function deprecationWarn(msg: string): void;
export declare function enclosingPowerOfTwo(value: number): number;
export declare function upcastType(typeA: DataType | 'complex64' | 'string', typeB: DataType | 'complex64' | 'string'): string;
export declare function sumOutType(type: DataType): DataType;
export declare const broadcast_util: {
  assertAndGetBroadcastShape(shapeA: number[], shapeB: number[]): number[];
  getBroadcastDims(inShape: number[], outShape: number[]): number[];
  getReductionAxes(inShape: number[], outShape: number[]): number[];
};
/** tf.backend_util: tfjs's helpers for backend authors (shape/parameter bookkeeping, complex packing). */
export declare namespace backend_util {
  type PadInfo = {top: number, left: number, right: number, bottom: number, type: string};
  type PadInfo3D = PadInfo & {front: number, back: number};
  type PadParam = 'same' | 'valid' | number | number[][];
  type Conv2DInfo = {batchSize: number, dataFormat: 'channelsFirst' | 'channelsLast', inHeight: number, inWidth: number,
    inChannels: number, outHeight: number, outWidth: number, outChannels: number, padInfo: PadInfo, strideHeight: number,
    strideWidth: number, filterHeight: number, filterWidth: number, effectiveFilterHeight: number,
    effectiveFilterWidth: number, dilationHeight: number, dilationWidth: number, inShape: number[],
    outShape: number[], filterShape: number[]};
  type Conv3DInfo = {[key: string]: any, padInfo: PadInfo3D, inShape: number[], outShape: number[], filterShape: number[]};
  type ComplexParts = {real: Float32Array, imag: Float32Array};
  const ERF_P: number; const ERF_A1: number; const ERF_A2: number; const ERF_A3: number; const ERF_A4: number;
  const ERF_A5: number; const SELU_SCALE: number; const SELU_SCALEALPHA: number; const PARALLELIZE_THRESHOLD: number;
  const RowPartitionType: {[key: string]: number | string};
  function computeConv2DInfo(inShape: number[], filterShape: number[], strides: number | number[],
    dilations: number | number[], pad: PadParam, roundingMode?: 'floor' | 'round' | 'ceil' | null,
    depthwise?: boolean | null, dataFormat?: 'channelsFirst' | 'channelsLast'): Conv2DInfo;
  function computeConv3DInfo(inShape: number[], filterShape: number[], strides: number | number[],
    dilations: number | number[], pad: PadParam, depthwise?: boolean, dataFormat?: 'channelsFirst' | 'channelsLast',
    roundingMode?: 'floor' | 'round' | 'ceil'): Conv3DInfo;
  function computePool2DInfo(inShape: number[], filterSize: number | number[], strides: number | number[],
    dilations: number | number[], pad: PadParam, roundingMode?: 'floor' | 'round' | 'ceil' | null,
    dataFormat?: 'channelsFirst' | 'channelsLast'): Conv2DInfo;
  function computePool3DInfo(inShape: number[], filterSize: number | number[], strides: number | number[],
    dilations: number | number[], pad: PadParam, roundingMode?: 'floor' | 'round' | 'ceil' | null,
    dataFormat?: 'NDHWC' | 'NCDHW'): Conv3DInfo;
  function computeDilation2DInfo(inputShape: number[], filterShape: number[], strides: number | number[],
    pad: PadParam, dataFormat: 'NHWC' | undefined, dilations: number | number[]): Conv2DInfo;
  function computeDefaultPad(inputShape: number[], fieldSize: number, stride: number, dilation?: number): number;
  function convertConv2DDataFormat(dataFormat: 'NHWC' | 'NCHW'): 'channelsLast' | 'channelsFirst';
  function checkPadOnDimRoundingMode(opDesc: string, pad: PadParam, dimRoundingMode?: string): void;
  function tupleValuesAreOne(param: number | number[]): boolean;
  function eitherStridesOrDilationsAreOne(strides: number | number[], dilations: number | number[]): boolean;
  function stridesOrDilationsArePositive(values: number | number[]): boolean;
  function axesAreInnerMostDims(axes: number[], rank: number): boolean;
  function combineLocations(outputLoc: number[], reduceLoc: number[], axes: number[]): number[];
  function computeOutAndReduceShapes(aShape: number[], axes: number[]): [number[], number[]];
  function expandShapeToKeepDim(shape: number[], axes: number[]): number[];
  function assertAxesAreInnerMostDims(msg: string, axes: number[], rank: number): void;
  function getAxesPermutation(axes: number[], rank: number): number[] | null;
  function getUndoAxesPermutation(axes: number[]): number[];
  function getInnerMostAxes(numAxes: number, rank: number): number[];
  function assertParamsConsistent(shapes: number[][], axis: number): void;
  function computeOutShape(shapes: number[][], axis: number): number[];
  function assertAndGetBroadcastShape(shapeA: number[], shapeB: number[]): number[];
  function getBroadcastDims(inShape: number[], outShape: number[]): number[];
  function getReductionAxes(inShape: number[], outShape: number[]): number[];
  function upcastType(typeA: string, typeB: string): string;
  function getReshaped(inputShape: number[], blockShape: number[], prod: number, batchToSpace?: boolean): number[];
  function getPermuted(reshapedRank: number, blockShapeRank: number, batchToSpace?: boolean): number[];
  function getReshapedPermuted(inputShape: number[], blockShape: number[], prod: number, batchToSpace?: boolean): number[];
  function getSliceBeginCoords(crops: number[][], blockShape: number): number[];
  function getSliceSize(uncroppedShape: number[], crops: number[][], blockShape: number): number[];
  function prepareAndValidate(tensor: {shape: number[]}, indices: {shape: number[], dtype: string}): [number[], number, number, number[]];
  function validateUpdateShape(shape: number[], indices: Tensor, updates: Tensor): void;
  function validateInput(updates: Tensor, indices: Tensor, shape: number[]): void;
  function calculateShapes(updates: Tensor, indices: Tensor, shape: number[]): {sliceRank: number, numUpdates: number, sliceSize: number, strides: number[], outputSize: number};
  function prepareSplitSize(x: {shape: number[]}, numOrSizeSplits: number | number[], axis?: number): number[];
  function computeOptimalWindowSize(inSize: number): number;
  function getImageCenter(center: number | [number, number], imageHeight: number, imageWidth: number): [number, number];
  function mergeRealAndImagArrays(real: Float32Array, imag: Float32Array): Float32Array;
  function splitRealAndImagArrays(complex: Float32Array): ComplexParts;
  function complexWithEvenIndex(complex: Float32Array): ComplexParts;
  function complexWithOddIndex(complex: Float32Array): ComplexParts;
  function getComplexWithIndex(complex: Float32Array, index: number): {real: number, imag: number};
  function assignToTypedArray(data: TypedArray, real: number, imag: number, index: number): void;
  function exponents(n: number, inverse: boolean): ComplexParts;
  function exponent(k: number, n: number, inverse: boolean): {real: number, imag: number};
  function decodeEinsumEquation(equation: string, numTensors: number): {allDims: string[], summedDims: number[], idDims: number[][]};
  function getEinsumPermutation(nDims: number, idDims: number[]): {permutationIndices: number[], expandDims: number[]};
  function checkEinsumDimSizes(nDims: number, idDims: number[][], tensors: Array<{shape: number[]}>): void;
  function getEinsumComputePath(summedDims: number[], idDims: number[][]): {path: number[], steps: number[][]};
  function isIdentityPermutation(perm: number[]): boolean;
  function combineRaggedTensorToTensorShapes(raggedRank: number, shape: number[], valueShape: number[]): number[];
  function getRowPartitionTypesHelper(rowPartitionTypeStrings: string[]): number[];
  function getRaggedRank(rowPartitionTypes: number[]): number;
  function validateDefaultValueShape(defaultValueShape: number[], valueShape: number[]): void;
  function fromUint8ToStringArray(vals: Uint8Array[]): string[];
  function fromStringArrayToUint8(strings: string[]): Uint8Array[];
  function shouldFuse(gradientDepth: number, activation: string): boolean;
  function applyActivation(x: Tensor, activation: string, preluActivationWeights?: Tensor, leakyreluAlpha?: number): Tensor;
  function getFusedDyActivation(dy: Tensor, y: Tensor, activation: string): Tensor;
  function getFusedBiasGradient(bias: Tensor, dyActivation: Tensor): Tensor;
  function log(...msg: any[]): void;
  function warn(...msg: any[]): void;
  function getSparseFillEmptyRowsIndicesDenseShapeMismatch(indicesLength: number): string;
  function getSparseFillEmptyRowsNegativeIndexErrorMessage(index: number, value: number): string;
  function getSparseFillEmptyRowsOutOfRangeIndexErrorMessage(index: number, value: number, limit: number): string;
  function getSparseReshapeMultipleNegativeOneOutputDimErrorMessage(dim1: number, dim2: number): string;
  function getSparseReshapeNegativeOutputDimErrorMessage(dim: number, value: number): string;
  function getSparseReshapeEmptyTensorZeroOutputDimErrorMessage(): string;
  function getSparseReshapeInputOutputMultipleErrorMessage(inputShape: number[], outputShape: number[]): string;
  function getSparseReshapeInputOutputMismatchErrorMessage(inputShape: number[], outputShape: number[]): string;
  function getSparseSegmentReductionNegativeSegmentIdsErrorMessage(): string;
  function getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage(): string;
  function getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage(segmentId: number, outputRows: number): string;
  function getSparseSegmentReductionIndicesOutOfRangeErrorMessage(index: number, indexValue: number, inputRows: number): string;
  /** slice/stridedSlice parameter normalisation (loosely typed). */
  const slice_util: {[name: string]: (...args: any[]) => any};
  /** segment/gather shape helpers (loosely typed). */
  const segment_util: {[name: string]: (...args: any[]) => any};
}
export declare const device_util: {
  isBrowser(): boolean;
  isMobile(nav?: any): boolean;
  mockIsMobile(value: boolean | undefined): void;
};
export declare const tensor_util: {
  assertTypesMatch(a: Tensor, b: Tensor): void;
  getTensorsInContainer(result: TensorContainer): Tensor[];
  isTensorInList(tensor: Tensor, tensorList: Tensor[]): boolean;
  makeTypesMatch<T extends Tensor>(a: T, b: T): [T, T];
};
export declare const test_util: {
  TEST_EPSILON_FLOAT16: number;
  testEpsilon(): number;
  expectArraysClose(actual: TypedArray | number | RecursiveArray<number> | Tensor, expected: TypedArray | number | RecursiveArray<number> | Tensor, epsilon?: number): void;
  expectArraysEqual(actual: any, expected: any): void;
  expectNumbersClose(a: number, e: number, epsilon?: number): void;
  expectPromiseToFail(fn: () => Promise<{}>, done: any): void;
  expectValuesInRange(actual: TypedArray | number[], low: number, high: number): void;
  expectArrayBuffersEqual(actual: ArrayBuffer, expected: ArrayBuffer): void;
  encodeStrings(a: any[]): Uint8Array[];
  createVideoElement(source: HTMLSourceElement): Promise<HTMLVideoElement>;
  play(video: HTMLVideoElement): Promise<void>;
};
/** What a layer expects of its input. */
export declare class InputSpec {
  dtype?: DataType;
  shape?: Shape;
  ndim?: number;
  maxNDim?: number;
  minNDim?: number;
  axes?: {[axis: number]: number};
  constructor(args: {dtype?: DataType, shape?: Shape, ndim?: number, maxNDim?: number, minNDim?: number, axes?: {[axis: number]: number}});
}

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
  platform: Platform;
  setPlatform(platformName: string, platform: Platform): void;
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
/** tfjs's Platform: what tf.util's fetch, now, encodeString, decodeString and isTypedArray run on. */
export interface Platform {
  fetch(path: string, requestInits?: RequestInit, options?: object): Promise<Response>;
  now(): number;
  encode(text: string, encoding: string): Uint8Array;
  decode(bytes: Uint8Array, encoding: string): string;
  setTimeoutCustom?(functionRef: Function, delay: number): void;
  isTypedArray(a: unknown): a is Float32Array | Int32Array | Uint8Array | Uint8ClampedArray;
}
/** Makes `platform` the one tf.util uses. */
export declare function setPlatform(platformName: string, platform: Platform): void;
export declare const ENV: Environment;
export declare function env(): Environment;
export declare function enableProdMode(): void;
export declare function enableDebugMode(): void;
export declare function disableDeprecationWarnings(): void;
export declare const version_core: string;
export declare const version_layers: string;
export declare const version_converter: string;

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

// Only the declarations marked `export` above are public (helper types such as Pad stay private).
export {};
