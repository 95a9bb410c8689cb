// tf.data: Datasets for fitDataset/evaluateDataset (tfjs-data). To be completed.
export const data = {};
