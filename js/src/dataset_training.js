// model.fitDataset / evaluateDataset loops (tfjs-layers/src/engine/training_dataset.ts). To be completed.
export async function fitDatasetLoop(model, dataset, args) {
  throw new Error('fitDataset is not implemented yet');
}

export async function evaluateDatasetLoop(model, dataset, args) {
  throw new Error('evaluateDataset is not implemented yet');
}
