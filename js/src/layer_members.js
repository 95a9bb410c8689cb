// Public members of tfjs's Layer, LayersModel and SymbolicTensor that derive from what
// the engine graph already exposes (issue 16). Each property also has a setter, so a
// custom layer that assigns the same field (this.dtype = ...) keeps working.
import {Layer, SymbolicTensor} from './layers.js';
import {LayersModel, Sequential} from './models.js';
import {convertPythonicToTs} from './serialization.js';

const ids = new WeakMap();
let nextId = 0;
const uid = obj => {
  if (!ids.has(obj)) ids.set(obj, nextId++);
  return ids.get(obj);
};

/** A getter computed from the object unless an own value was assigned. */
function derived(proto, name, get) {
  const key = Symbol(name);
  Object.defineProperty(proto, name, {
    configurable: true,
    get() { return Object.prototype.hasOwnProperty.call(this, key) ? this[key] : get.call(this); },
    set(value) { Object.defineProperty(this, key, {value, writable: true, configurable: true}); },
  });
}

// ---- Layer -------------------------------------------------------------------------------

derived(Layer.prototype, 'id', function() { return uid(this); });
// As tfjs: a layer given an input shape has a dtype (float32 by default); others have none.
derived(Layer.prototype, 'dtype', function() {
  const config = this.getConfig();
  return config.batchInputShape != null ? config.dtype || 'float32' : undefined;
});
derived(Layer.prototype, 'batchInputShape', function() { return this.getConfig().batchInputShape; });
// The recurrent layers (and wrappers around them) carry `stateful` in their config.
derived(Layer.prototype, 'stateful', function() {
  const c = this.getConfig();
  return c.stateful === true || (c.layer != null && c.layer.config != null && c.layer.config.stateful === true);
});
// tfjs keeps this list for Keras parity and never fills it.
derived(Layer.prototype, 'updates', () => []);

Object.assign(Layer.prototype, {
  // The recurrent layers override this (js/src/layers.js); any other layer is not stateful.
  resetStates() {
    throw new Error('Cannot call the resetStates() method of a non-stateful Layer object.');
  },
  /**
   * tfjs's hint that weights will be overwritten (by a load) right after building.
   * Recorded only: the engine initializes weights as configured either way.
   */
  setFastWeightInitDuringBuild(value) {
    this.fastWeightInitDuringBuild = value;
  },
});

// ---- LayersModel (and Sequential) ---------------------------------------------------------

derived(LayersModel.prototype, 'stateful', function() { return this.layers.some(l => l.stateful); });
derived(LayersModel.prototype, 'inputLayersNodeIndices', function() { return this.inputs.map(t => t.nodeIndex); });
derived(LayersModel.prototype, 'inputLayersTensorIndices', function() { return this.inputs.map(t => t.tensorIndex); });
derived(LayersModel.prototype, 'outputLayersNodeIndices', function() { return this.outputs.map(t => t.nodeIndex); });
derived(LayersModel.prototype, 'outputLayersTensorIndices', function() { return this.outputs.map(t => t.tensorIndex); });
derived(LayersModel.prototype, 'feedInputShapes', function() { return this.inputs.map(t => t.shape); });
// compile()'s arguments, as tfjs keeps them.
derived(LayersModel.prototype, 'loss', function() { return this._compileArgs ? this._compileArgs.loss : undefined; });
derived(LayersModel.prototype, 'metrics', function() { return this._compileArgs ? this._compileArgs.metrics : undefined; });

// tfjs's Container bookkeeping (engine/container.ts's constructor), computed from the
// engine graph: containerNodes (the keys `${layer.name}_ib-${nodeIndex}` of the nodes
// the model runs), nodesByDepth / layersByDepth ({depth: [...]}, 0 at the outputs) and
// internalContainerRefs (the nested models, in layer order). Kept while the model's
// outputs are the same (a Sequential's add/pop makes new ones).
function containerGraph(model) {
  const outputs = model._cachedSymbols('outputs', () => model.outputs);
  if (model._containerGraph != null && model._containerGraph.outputs === outputs) return model._containerGraph;
  const containerNodes = new Set();
  const layerIndices = new Map();
  const nodesInDecreasingDepth = [];
  const finished = new Set(), inProgress = new Set();
  const visit = (tensor, layer, nodeIndex) => {
    const node = layer._node(nodeIndex);
    if (inProgress.has(node)) throw new Error(`The tensor ${tensor.name} at layer "${layer.name}" is part of a cycle.`);
    if (finished.has(node)) return;
    containerNodes.add(`${layer.name}_ib-${nodeIndex}`);
    if (!layerIndices.has(layer)) layerIndices.set(layer, layerIndices.size);
    inProgress.add(node);
    node.inboundLayers.forEach((l, i) => visit(node.inputTensors[i], l, node.nodeIndices[i]));
    finished.add(node);
    inProgress.delete(node);
    nodesInDecreasingDepth.push(node);
  };
  for (const x of outputs) visit(x, x.sourceLayer, x.nodeIndex);
  const nodesDepths = new Map(), layersDepths = new Map();
  for (const node of nodesInDecreasingDepth.slice().reverse()) {
    if (!nodesDepths.has(node)) nodesDepths.set(node, 0);
    const depth = Math.max(nodesDepths.get(node), layersDepths.get(node.outboundLayer) || 0);
    layersDepths.set(node.outboundLayer, depth);
    nodesDepths.set(node, depth);
    node.inboundLayers.forEach((l, i) => {
      const inbound = l._node(node.nodeIndices[i]);
      nodesDepths.set(inbound, Math.max(depth + 1, nodesDepths.get(inbound) || 0));
    });
  }
  // tfjs lists a depth's nodes in the order they were made (node ids), which a
  // graph's post-order gives; its layers in traversal order from the outputs.
  const order = new Map(nodesInDecreasingDepth.map((n, i) => [n, i]));
  const nodesByDepth = {};
  for (const node of [...nodesDepths.keys()].sort((a, b) => order.get(a) - order.get(b))) {
    (nodesByDepth[nodesDepths.get(node)] = nodesByDepth[nodesDepths.get(node)] || []).push(node);
  }
  const layersByDepth = {};
  for (const [layer, depth] of [...layersDepths].sort((a, b) => layerIndices.get(a[0]) - layerIndices.get(b[0]))) {
    (layersByDepth[depth] = layersByDepth[depth] || []).push(layer);
  }
  const internalContainerRefs = [];
  for (const depth of Object.keys(layersByDepth).map(Number).sort((a, b) => b - a)) {
    for (const layer of layersByDepth[depth]) if (layer instanceof LayersModel) internalContainerRefs.push(layer);
  }
  model._containerGraph = {outputs, containerNodes, nodesByDepth, layersByDepth, internalContainerRefs};
  return model._containerGraph;
}

derived(LayersModel.prototype, 'containerNodes', function() { return containerGraph(this).containerNodes; });
derived(LayersModel.prototype, 'nodesByDepth', function() { return containerGraph(this).nodesByDepth; });
derived(LayersModel.prototype, 'layersByDepth', function() { return containerGraph(this).layersByDepth; });
derived(LayersModel.prototype, 'internalContainerRefs', function() { return containerGraph(this).internalContainerRefs; });
// tfjs's Sequential mirrors its inner model's containerNodes and nodesByDepth only;
// its own layersByDepth and internalContainerRefs stay empty.
derived(Sequential.prototype, 'layersByDepth', () => ({}));
derived(Sequential.prototype, 'internalContainerRefs', () => []);

// (LayersModel.resetStates is js/src/models.js's: it resets the stateful layers, nested models too.)
Object.assign(LayersModel.prototype, {

  /** tfjs's loadTrainingConfig: compile() from a Keras training config (model.json's trainingConfig). */
  loadTrainingConfig(trainingConfig) {
    if (trainingConfig.weighted_metrics != null) throw new Error('Loading weight_metrics is not supported yet.');
    if (trainingConfig.sample_weight_mode != null) throw new Error('Loading sample_weight_mode is not supported yet.');
    const opt = trainingConfig.optimizer_config;
    const optimizer = opt ? {getClassName: () => opt.class_name, getConfig: () => convertPythonicToTs(opt.config)} : 'sgd';
    this.compile({optimizer, loss: convertPythonicToTs(trainingConfig.loss), metrics: trainingConfig.metrics || undefined,
                  lossWeights: trainingConfig.loss_weights ?? undefined});
  },

  findLayer(index) {
    if (this.layers.length <= index) {
      throw new Error(`Was asked to retrieve layer at index ${index}, but model only has ${this.layers.length} layer(s).`);
    }
    return this.layers[index];
  },

  /**
   * tfjs's loadWeights: {weightName: Tensor} into the weights of those (original)
   * names; strict (default) requires every weight, and only those.
   */
  loadWeights(weights, strict = true) {
    const nameToWeight = {};
    let totalWeightsCount = 0;
    for (const w of this.weights) {
      nameToWeight[w.originalName] = w;
      totalWeightsCount++;
    }
    const pairs = [];
    for (const name in weights) {
      let validatedName = name;
      if (nameToWeight[name] == null) {
        const tokens = name.split('/');
        validatedName = tokens.slice(0, -2).concat([tokens[tokens.length - 1]]).join('/');
      }
      if (nameToWeight[validatedName] != null) {
        pairs.push([nameToWeight[validatedName], weights[name]]);
      } else if (strict) {
        throw new Error(`Provided weight data has no target variable: ${name}`);
      }
      delete nameToWeight[validatedName];
    }
    if (strict) {
      const unsetNames = Object.keys(nameToWeight);
      if (unsetNames.length > 0) {
        throw new Error(`${unsetNames.length} of ${totalWeightsCount} weights are not set: ${unsetNames}`);
      }
    }
    for (const [variable, value] of pairs) variable.write(value);
  },
});

// ---- SymbolicTensor ---------------------------------------------------------------------------

derived(SymbolicTensor.prototype, 'id', function() { return uid(this); });
derived(SymbolicTensor.prototype, 'originalName', function() { return this.name; });
// As tfjs: set only for the outputs of a layer application with several outputs.
derived(SymbolicTensor.prototype, 'outputTensorIndex', function() {
  return Array.isArray(this.sourceLayer.getOutputAt(this.nodeIndex)) ? this.tensorIndex : undefined;
});
derived(SymbolicTensor.prototype, 'inputs', function() { return this._nodeInputs(); });
