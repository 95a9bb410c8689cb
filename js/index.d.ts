// Public types of wasm-layers: the subset of @tensorflow/tfjs implemented so far.
// Keep in step with js/src/index.js.

export type DataType = 'float32' | 'int32';
export type Rank = number;
export type TypedArray = Float32Array | Int32Array;
export type TensorLike = number | number[] | number[][] | number[][][] | number[][][][] | TypedArray;

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
}

export interface MemoryInfo {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  unreliable: boolean;
}

export declare function ready(): Promise<void>;
export declare function getBackend(): string;
export declare function tensor(values: TensorLike, shape?: number[], dtype?: DataType): Tensor;
export declare function tensor1d(values: TensorLike, dtype?: DataType): Tensor;
export declare function tensor2d(values: TensorLike, shape?: [number, number], dtype?: DataType): Tensor;
export declare function tensor3d(values: TensorLike, shape?: [number, number, number], dtype?: DataType): Tensor;
export declare function tensor4d(values: TensorLike, shape?: [number, number, number, number], dtype?: DataType): Tensor;
export declare function scalar(value: number, dtype?: DataType): Tensor;
export declare function memory(): MemoryInfo;
export declare function dispose(container: Tensor | Tensor[] | {[key: string]: Tensor}): void;
export declare const version: {[name: string]: string};

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

export declare class Layer {
  readonly name: string;
  readonly built: boolean;
  getClassName(): string;
  getConfig(): {[key: string]: any};
  countParams(): number;
  getWeights(): Tensor[];
  apply(x: Tensor): Tensor;
  dispose(): {refCountAfterDispose: number, numDisposedVariables: number};
}

export declare const layers: {
  dense(args: DenseLayerArgs): Layer;
};

export interface ModelCompileArgs {
  optimizer: 'sgd' | string;
  loss: 'meanSquaredError' | string;
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
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
}

export declare class History {
  epoch: number[];
  history: {[key: string]: number[]};
  params: {[key: string]: any};
}

export declare class Sequential {
  readonly name: string;
  readonly layers: Layer[];
  stopTraining: boolean;
  add(layer: Layer): void;
  compile(args: ModelCompileArgs): void;
  fit(x: Tensor, y: Tensor, args?: ModelFitArgs): Promise<History>;
  predict(x: Tensor, args?: {batchSize?: number}): Tensor;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  countParams(): number;
  dispose(): {refCountAfterDispose: number, numDisposedVariables: number};
}

export declare function sequential(args?: {layers?: Layer[], name?: string}): Sequential;
