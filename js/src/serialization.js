// Model topology <-> JSON in Keras's format (tfjs-layers/src/utils/serialization_utils.ts,
// engine/container.ts): snake_case keys and values on disk, lowerCamelCase in the
// API. Loading understands models saved by tfjs and converted from Keras 2.x
// (Sequential, Model) and Keras 3 (Functional, batch_shape, dtype policy objects,
// inbound_nodes as {args, kwargs}). Model files never execute code: a layer class
// the engine does not know (a Python Lambda) is an Error naming it.
import {getCore} from './core.js';
import {Layer, SymbolicTensor, layers as layerFactories} from './layers.js';
import {input, model as makeModel, sequential} from './models.js';

export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const BACKEND = 'tensor_flow.js';

// tfjs's generic_utils toSnakeCase / toCamelCase.
export function toSnakeCase(name) {
  const s = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s[0] !== '_' ? s : 'private' + s;
}

export function toCamelCase(name) {
  if (name.length <= 1 || name.indexOf('_') === -1) return name;
  return name.replace(/[_]+(\w|$)/g, (m, p1) => p1.toUpperCase());
}

const isNameItem = (key, index, value) =>
  (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers') && index === 0 && typeof value === 'string';

export function convertPythonicToTs(config, key) {
  if (config === null || config === undefined) return null;
  if (typeof config === 'string') return toCamelCase(config);
  if (typeof config === 'number' || typeof config === 'boolean') return config;
  if (Array.isArray(config)) return config.map((item, i) => (isNameItem(key, i, item) ? item : convertPythonicToTs(item, key)));
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'name' && typeof v === 'string') {
      out[k] = v;
    } else {
      const tsKey = toCamelCase(k);
      out[tsKey] = convertPythonicToTs(v, tsKey);
    }
  }
  return out;
}

export function convertTsToPythonic(config, key) {
  if (config === null || config === undefined) return null;
  if (typeof config === 'string') return toSnakeCase(config);
  if (typeof config === 'number' || typeof config === 'boolean') return config;
  if (Array.isArray(config)) return config.map((item, i) => (isNameItem(key, i, item) ? item : convertTsToPythonic(item, key)));
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    const pyKey = toSnakeCase(k);
    // The recursion gets the TS key, which is what isNameItem checks (as tfjs).
    out[pyKey] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : convertTsToPythonic(v, k);
  }
  return out;
}

// ---- custom classes ------------------------------------------------------------------

const customClasses = new Map();

/**
 * tf.serialization.registerClass(cls): cls.className names a class model.json may
 * use; its static fromConfig(cls, config) must return a tf.Layer (e.g. one built
 * from engine layers). Model files never run code of their own.
 */
export function registerClass(cls) {
  if (cls == null || typeof cls.className !== 'string' || cls.className.length === 0) {
    throw new Error('Class being registered does not have the static className property defined.');
  }
  customClasses.set(cls.className, cls);
  return cls;
}

// ---- saving ------------------------------------------------------------------------------

/** The model's topology as Keras JSON (an object). */
export function modelTopology(model) {
  const className = model.getClassName();
  return {class_name: className, config: convertTsToPythonic(model.getConfig()), keras_version: KERAS_VERSION,
          backend: BACKEND};
}

// ---- loading -----------------------------------------------------------------------------

// Keras 3 and tf.keras variations, normalized to what tfjs reads.
function normalizeLayerConfig(className, config) {
  const c = {...config};
  if (c.batchShape !== undefined && c.batchInputShape === undefined) {
    c.batchInputShape = c.batchShape;
    delete c.batchShape;
  }
  if (c.dtype != null && typeof c.dtype === 'object') {  // Keras 3 DTypePolicy
    const policy = c.dtype.config && c.dtype.config.name;
    c.dtype = policy === 'mixedFloat16' || policy === 'mixed_float16' || policy == null ? 'float32' : policy;
  }
  if (c.dtype === 'float16' || c.dtype === 'bfloat16' || c.dtype === 'float64') c.dtype = 'float32';
  for (const [k, v] of Object.entries(c)) {
    if (v != null && typeof v === 'object' && !Array.isArray(v) && 'module' in v && 'className' in v) {
      // Keras 3 serialized objects: {module, className, config, registeredName}
      c[k] = {className: v.className, config: v.config || {}};
    }
  }
  delete c.sparse;
  delete c.ragged;
  return c;
}

function createLayer(className, pyConfig) {
  if (customClasses.has(className)) {
    const cls = customClasses.get(className);
    return cls.fromConfig(cls, convertPythonicToTs(pyConfig));
  }
  const known = getCore().layerClassNames();
  const cls = className === 'Functional' ? 'Model' : className;
  if (cls === 'Model' || cls === 'Sequential') return modelFromTopology({class_name: cls, config: pyConfig});
  if (!known.includes(cls)) {
    throw new Error(`Unknown layer: ${className}. This may be due to one of the following reasons:\n` +
                    '1. The layer is defined in Python, in which case it needs to be ported to TensorFlow.js or ' +
                    'your JavaScript code.\n' +
                    '2. The custom layer is defined in JavaScript, but is not registered properly with ' +
                    'tf.serialization.registerClass().');
  }
  const config = normalizeLayerConfig(cls, convertPythonicToTs(pyConfig));
  return new Layer(cls, config);
}

// One inbound node's inputs as [layerName, nodeIndex, tensorIndex] triples, for
// tf.keras ([[name, node, tensor, kwargs], ...]) and Keras 3 ({args, kwargs}).
function nodeInputs(node) {
  if (Array.isArray(node)) return node.map(ref => [ref[0], ref[1], ref[2]]);
  const refs = [];
  const visit = arg => {
    if (Array.isArray(arg)) {
      arg.forEach(visit);
    } else if (arg && typeof arg === 'object') {
      if (arg.class_name === '__keras_tensor__') {
        const h = arg.config.keras_history;
        refs.push([h[0], h[1], h[2]]);
      }
    }
  };
  visit(node.args || []);
  return refs;
}

function functionalFromConfig(pyConfig, name) {
  const created = new Map();   // layer name -> Layer
  const outputs = new Map();   // `${layer}:${node}:${tensor}` -> SymbolicTensor
  const nodeCount = new Map();  // layer name -> nodes applied so far (node indices in this model)
  const pending = [];
  const apply = (layerName, inputRefs) => {
    const ins = inputRefs.map(([n, node, t]) => outputs.get(`${n}:${node}:${t}`));
    if (ins.some(x => x === undefined)) return false;
    const layer = created.get(layerName);
    const out = layer.apply(ins.length === 1 ? ins[0] : ins);
    const index = nodeCount.get(layerName) || 0;
    (Array.isArray(out) ? out : [out]).forEach((o, t) => outputs.set(`${layerName}:${index}:${t}`, o));
    nodeCount.set(layerName, index + 1);
    return true;
  };
  try {
    for (const entry of pyConfig.layers) {
      const layerName = entry.name || entry.config.name;
      if (entry.class_name === 'InputLayer') {
        const c = normalizeLayerConfig('InputLayer', convertPythonicToTs(entry.config));
        const st = input({batchShape: c.batchInputShape, name: layerName});
        created.set(layerName, st.sourceLayer);
        outputs.set(`${layerName}:0:0`, st);
        nodeCount.set(layerName, 1);
        continue;
      }
      created.set(layerName, createLayer(entry.class_name, {...entry.config, name: entry.config.name || layerName}));
      for (const node of entry.inbound_nodes || []) pending.push([layerName, nodeInputs(node)]);
      // Apply whatever is ready, in order (tfjs processes nodes as their inputs appear).
      for (let progress = true; progress;) {
        progress = false;
        for (let i = 0; i < pending.length; i++) {
          if (apply(...pending[i])) {
            pending.splice(i, 1);
            progress = true;
            break;
          }
        }
      }
    }
    if (pending.length) throw new Error(`model.json: cannot connect layer ${pending[0][0]}: its inputs are missing`);
    const refs = list => (Array.isArray(list[0]) ? list : [list]).map(([n, node, t]) => {
      const st = outputs.get(`${n}:${node}:${t}`);
      if (!st) throw new Error(`model.json: unknown model input/output ${n}`);
      return st;
    });
    return makeModel({inputs: refs(pyConfig.input_layers), outputs: refs(pyConfig.output_layers), name});
  } catch (e) {
    for (const l of created.values()) l.dispose();
    throw e;
  } finally {
    for (const st of outputs.values()) st.dispose();  // the model holds its own graph
  }
}

function sequentialFromConfig(pyConfig, name) {
  const entries = Array.isArray(pyConfig) ? pyConfig : pyConfig.layers;
  const model = sequential({name: name || pyConfig.name});
  try {
    let pendingInputShape = null;
    for (const entry of entries) {
      if (entry.class_name === 'InputLayer') {  // tf.keras / Keras 3 Sequential keep an explicit InputLayer
        pendingInputShape = normalizeLayerConfig('InputLayer', convertPythonicToTs(entry.config)).batchInputShape;
        continue;
      }
      const config = {...entry.config};
      if (pendingInputShape && config.batch_input_shape == null && config.batch_shape == null) {
        config.batch_input_shape = pendingInputShape;
        pendingInputShape = null;
      }
      model.add(createLayer(entry.class_name, config));
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** A model from Keras JSON: {class_name, config} (Sequential, Model or Functional). */
export function modelFromTopology(topology) {
  if (topology == null || typeof topology !== 'object') throw new Error('modelFromJSON: the model topology must be an object');
  const t = topology.model_config != null ? topology.model_config : topology;
  const className = t.class_name;
  if (className === 'Sequential') return sequentialFromConfig(t.config, t.config && t.config.name);
  if (className === 'Model' || className === 'Functional') return functionalFromConfig(t.config, t.config.name);
  throw new Error(`modelFromJSON: unsupported model class '${className}'. Expected Sequential, Model or Functional.`);
}

export {SymbolicTensor, layerFactories};
