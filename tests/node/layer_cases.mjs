// The layer cases shared by the contract harness (layer_contract.test.mjs) and
// the save/load round trips (io_roundtrip.test.mjs): one per layer factory.
// Each case: [factory, options, input shape, output shape, trainable weights,
// non-trainable weights, input kind ('int': indices < 10, 'int5': < 5)].
export const CASES = [
  ['dense', {units: 3, activation: 'relu'}, [4], [3], 2, 0],
  ['activation', {activation: 'tanh'}, [4], [4], 0, 0],
  ['dropout', {rate: 0.5}, [4], [4], 0, 0],
  ['flatten', {}, [2, 3], [6], 0, 0],
  ['reshape', {targetShape: [3, 2]}, [6], [3, 2], 0, 0],
  ['permute', {dims: [2, 1]}, [2, 3], [3, 2], 0, 0],
  ['repeatVector', {n: 3}, [4], [3, 4], 0, 0],
  ['embedding', {inputDim: 10, outputDim: 3}, [5], [5, 3], 1, 0, 'int'],
  ['reLU', {maxValue: 2}, [4], [4], 0, 0],
  ['leakyReLU', {alpha: 0.1}, [4], [4], 0, 0],
  ['prelu', {}, [4], [4], 1, 0],
  ['elu', {}, [4], [4], 0, 0],
  ['thresholdedReLU', {theta: 0.5}, [4], [4], 0, 0],
  ['softmax', {axis: -1}, [4], [4], 0, 0],
  ['gaussianNoise', {stddev: 0.1}, [4], [4], 0, 0],
  ['gaussianDropout', {rate: 0.2}, [4], [4], 0, 0],
  ['alphaDropout', {rate: 0.2}, [4], [4], 0, 0],
  ['batchNormalization', {}, [4], [4], 2, 2],
  ['layerNormalization', {}, [4], [4], 2, 0],
  ['rescaling', {scale: 2, offset: 1}, [4], [4], 0, 0],
  ['conv2d', {filters: 2, kernelSize: 3, padding: 'same'}, [5, 5, 1], [5, 5, 2], 2, 0],
  ['conv1d', {filters: 2, kernelSize: 2}, [5, 3], [4, 2], 2, 0],
  ['depthwiseConv2d', {kernelSize: 3}, [5, 5, 2], [3, 3, 2], 2, 0],
  ['maxPooling2d', {poolSize: 2}, [4, 4, 1], [2, 2, 1], 0, 0],
  ['averagePooling2d', {poolSize: 2}, [4, 4, 1], [2, 2, 1], 0, 0],
  ['globalAveragePooling2d', {}, [4, 4, 3], [3], 0, 0],
  ['globalMaxPooling2d', {}, [4, 4, 3], [3], 0, 0],
  ['maxPooling1d', {poolSize: 2}, [4, 3], [2, 3], 0, 0],
  ['zeroPadding2d', {padding: 1}, [3, 3, 1], [5, 5, 1], 0, 0],
  ['upSampling2d', {size: [2, 2]}, [3, 3, 1], [6, 6, 1], 0, 0],
  ['spatialDropout1d', {rate: 0.3}, [4, 3], [4, 3], 0, 0],
  ['masking', {maskValue: 0}, [4, 3], [4, 3], 0, 0],
  ['conv3d', {filters: 2, kernelSize: 2}, [3, 3, 3, 1], [2, 2, 2, 2], 2, 0],
  ['conv2dTranspose', {filters: 2, kernelSize: 3, strides: 2, padding: 'same'}, [3, 3, 1], [6, 6, 2], 2, 0],
  ['conv3dTranspose', {filters: 1, kernelSize: 2, strides: 2}, [2, 2, 2, 1], [4, 4, 4, 1], 2, 0],
  ['separableConv2d', {filters: 3, kernelSize: 3, padding: 'same'}, [4, 4, 2], [4, 4, 3], 3, 0],
  ['cropping2D', {cropping: [[1, 0], [0, 1]]}, [4, 4, 1], [3, 3, 1], 0, 0],
  ['maxPooling3d', {poolSize: 2}, [4, 4, 4, 1], [2, 2, 2, 1], 0, 0],
  ['averagePooling3d', {poolSize: 2}, [4, 4, 4, 1], [2, 2, 2, 1], 0, 0],
  ['averagePooling1d', {poolSize: 2}, [4, 3], [2, 3], 0, 0],
  ['globalAveragePooling1d', {}, [4, 3], [3], 0, 0],
  ['globalMaxPooling1d', {}, [4, 3], [3], 0, 0],
  ['centerCrop', {height: 2, width: 2}, [4, 4, 1], [2, 2, 1], 0, 0],
  ['resizing', {height: 2, width: 3}, [4, 4, 1], [2, 3, 1], 0, 0],
  ['categoryEncoding', {numTokens: 5, outputMode: 'multiHot'}, [3], [5], 0, 0, 'int5'],
  ['simpleRNN', {units: 3}, [4, 2], [3], 3, 0],
  ['lstm', {units: 3, returnSequences: true}, [4, 2], [4, 3], 3, 0],
  ['gru', {units: 2, goBackwards: true}, [4, 2], [2], 3, 0],
  ['rnn', {cell: {className: 'GRUCell', config: {units: 2, name: 'case_gru_cell'}}}, [4, 2], [2], 3, 0],
  ['rnn', {cell: {className: 'StackedRNNCells', config: {name: 'case_stack', cells: [
    {className: 'LSTMCell', config: {units: 3, name: 'case_lstm_cell'}}, {className: 'SimpleRNNCell', config: {units: 2, name: 'case_rnn_cell'}}]}},
  returnSequences: true}, [4, 2], [4, 2], 6, 0],
  ['convLstm2d', {filters: 2, kernelSize: 2, padding: 'same', returnSequences: true}, [3, 4, 4, 1], [3, 4, 4, 2], 3, 0],
  ['convLstm2d', {filters: 2, kernelSize: [2, 3], strides: 2, unitForgetBias: true}, [2, 5, 5, 2], [2, 2, 2], 3, 0],
  ['randomFlip', {mode: 'vertical', seed: 1}, [4, 5, 2], [4, 5, 2], 0, 0],
  ['randomRotation', {factor: 0.1, fillMode: 'constant'}, [4, 5, 2], [4, 5, 2], 0, 0],
  ['randomTranslation', {heightFactor: 0.1, widthFactor: [-0.2, 0.1]}, [4, 5, 2], [4, 5, 2], 0, 0],
  ['randomZoom', {heightFactor: 0.2, interpolation: 'nearest'}, [4, 5, 2], [4, 5, 2], 0, 0],
  ['randomContrast', {factor: 0.3, valueRange: [-1, 1]}, [4, 5, 2], [4, 5, 2], 0, 0],
  ['bidirectional', {layer: {className: 'LSTM', config: {units: 2, returnSequences: true}}, mergeMode: 'sum'}, [4, 3], [4, 2], 6, 0],
  ['timeDistributed', {layer: {className: 'Dense', config: {units: 3, activation: 'tanh'}}}, [4, 5], [4, 3], 2, 0],
  // Keras 3 layers tfjs 4.22 lacks (KERAS_ONLY below)
  ['identity', {}, [4, 3], [4, 3], 0, 0],
  ['spatialDropout2d', {rate: 0.3}, [3, 3, 2], [3, 3, 2], 0, 0],
  ['spatialDropout3d', {rate: 0.3, dataFormat: 'channelsFirst'}, [2, 2, 2, 2], [2, 2, 2, 2], 0, 0],
  ['cropping1D', {cropping: [1, 2]}, [5, 3], [2, 3], 0, 0],
  ['cropping3D', {cropping: [[1, 0], 1, [0, 1]]}, [3, 4, 3, 2], [2, 2, 2, 2], 0, 0],
  ['upSampling1d', {size: 3}, [2, 3], [6, 3], 0, 0],
  ['upSampling3d', {size: [1, 2, 2], dataFormat: 'channelsFirst'}, [2, 2, 2, 1], [2, 2, 4, 2], 0, 0],
  ['zeroPadding1d', {padding: [2, 0]}, [3, 2], [5, 2], 0, 0],
  ['zeroPadding3d', {padding: 1}, [2, 2, 1, 2], [4, 4, 3, 2], 0, 0],
  ['globalAveragePooling3d', {}, [2, 3, 2, 4], [4], 0, 0],
  ['globalMaxPooling3d', {keepdims: true, dataFormat: 'channelsFirst'}, [3, 2, 2, 2], [3, 1, 1, 1], 0, 0],
  ['unitNormalization', {axis: [1, 2]}, [3, 4], [3, 4], 0, 0],
  ['rmsNormalization', {axis: [1, 2], epsilon: 0.01}, [3, 4], [3, 4], 1, 0],
  ['activityRegularization', {l1: 0.01, l2: 0.02}, [4], [4], 0, 0],
  ['groupNormalization', {groups: 2, epsilon: 0.01}, [3, 4], [3, 4], 2, 0],
  ['conv1dTranspose', {filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu'}, [4, 3], [8, 2], 2, 0],
  ['separableConv1d', {filters: 3, kernelSize: 2, depthMultiplier: 2}, [5, 2], [4, 3], 3, 0],
  ['depthwiseConv1d', {kernelSize: 3, depthMultiplier: 2, padding: 'same'}, [5, 2], [5, 4], 2, 0],
  ['einsumDense', {equation: 'abc,cde->abde', outputShape: [null, 2, 3], biasAxes: 'de', activation: 'tanh'}, [4, 5], [4, 2, 3], 2, 0],
];

// Keras 3 layers tfjs 4.22 lacks: tfjs cannot load their models, so the contract
// compares with our own reload only (layers_keras3.test.mjs checks their values).
export const KERAS_ONLY = new Set(['identity', 'spatialDropout2d', 'spatialDropout3d', 'cropping1D', 'cropping3D',
  'upSampling1d', 'upSampling3d', 'zeroPadding1d', 'zeroPadding3d', 'globalAveragePooling3d', 'globalMaxPooling3d',
  'unitNormalization', 'rmsNormalization', 'activityRegularization', 'groupNormalization', 'conv1dTranspose', 'separableConv1d', 'depthwiseConv1d']);

// tfjs 4.22 cannot run these inside a model (their symbolic shapes are wrong
// there, or it has no such class: Keras 3's augmentation layers), so the tfjs side
// of the save/load check is skipped for them (and for the Keras-only einsumDense).
export const TFJS_CANNOT_RUN_IN_A_MODEL = new Set(['centerCrop', 'resizing', 'categoryEncoding', 'randomFlip',
                                                   'randomRotation', 'randomTranslation', 'randomZoom', 'randomContrast',
                                                   'einsumDense']);

/** A [2, ...shape] input for a case, from a fixed formula (no randomness). */
export function sampleValues(shape, kind) {
  const n = 2 * shape.reduce((a, b) => a * b, 1);
  return Array.from({length: n}, (_, i) => (kind === 'int' ? i % 10 : kind === 'int5' ? i % 5 : Math.sin(i * 1.7)));
}
