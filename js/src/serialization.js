// Keras JSON -> model (tfjs-layers/src/utils/serialization_utils.ts,
// engine/container.ts): snake_case keys and values on disk, lowerCamelCase in the
// API; the writer (model -> JSON) is topology.js. Loading understands models saved by tfjs and converted from Keras 2.x
// (Sequential, Model) and Keras 3 (Functional, batch_shape, dtype policy objects,
// inbound_nodes as {args, kwargs}). Model files never execute code: a layer class
// the engine does not know (a Python Lambda) is an Error naming it.
import {getCore} from './core.js';
import {Layer, SymbolicTensor, WRAPPER_FACTORIES, layers as layerFactories} from './layers.js';
import {input, model as makeModel, sequential} from './models.js';
import {isNameItem} from './topology.js';

// tfjs's generic_utils toCamelCase.
// A model.json repeats the same few hundred keys and values in every layer: each is
// converted once (a regex replace per key was ~5% of loading MobileNetV2).
const camelCache = new Map();
export function toCamelCase(name) {
  if (name.length <= 1 || name.indexOf('_') === -1) return name;
  let out = camelCache.get(name);
  if (out === undefined) {
    out = name.replace(/[_]+(\w|$)/g, (m, p1) => p1.toUpperCase());
    if (camelCache.size < 4096) camelCache.set(name, out);
  }
  return out;
}

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

// ---- custom classes ------------------------------------------------------------------

const customClasses = new Map();

/**
 * tf.serialization.registerClass(cls): cls.className names a class model.json may
 * use; loading calls its static fromConfig(cls, config), which a subclass of
 * tf.layers.Layer inherits (new cls(config)). Model files never run code of their own.
 */
export function registerClass(cls) {
  if (cls == null || typeof cls.className !== 'string' || cls.className.length === 0) {
    throw new Error('Class being registered does not have the static className property defined.');
  }
  if (typeof cls.fromConfig !== 'function') {
    throw new Error(`Class being registered (${cls.className}) does not have the static fromConfig() method defined.`);
  }
  customClasses.set(cls.className, cls);
  return cls;
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

// JSON with object keys sorted at every level.
const canonicalJson = v => (Array.isArray(v) ? `[${v.map(canonicalJson).join(',')}]`
  : v != null && typeof v === 'object'
    ? `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`
    : JSON.stringify(v));

// Whether a Keras Bidirectional's backward_layer is the default copy of its layer.
function isDefaultBackwardLayer(spec, backward) {
  if (backward == null || typeof backward !== 'object' || backward.class_name !== spec.class_name) return false;
  const strip = c => {
    const {name, go_backwards: goBackwards, ...others} = c || {};
    return {goBackwards: Boolean(goBackwards), others: canonicalJson(others)};
  };
  const f = strip(spec.config), b = strip(backward.config);
  return f.others === b.others && f.goBackwards !== b.goBackwards;
}

// The nested cell specs of an RNN ({cell}) or a StackedRNNCells ({cells}).
function cellSpecs(className, pyConfig) {
  const specs = className === 'RNN' ? [pyConfig.cell] : pyConfig.cells;
  return Array.isArray(specs) ? specs.filter(c => c != null && typeof c === 'object' && typeof c.class_name === 'string') : [];
}
function usesCustomClass(spec) {
  if (customClasses.has(spec.class_name)) return true;
  return spec.class_name === 'StackedRNNCells' && spec.config != null && cellSpecs('StackedRNNCells', spec.config).some(usesCustomClass);
}

// The engine's layer classes: fixed once it is loaded, asked once (a crossing that builds
// an array of every name was ~10% of loading MobileNetV2 when asked per layer).
let layerClasses = null;
function engineLayerClasses() {
  if (layerClasses === null) layerClasses = new Set(getCore().layerClassNames());
  return layerClasses;
}

function createLayer(className, pyConfig, keras3) {
  if (customClasses.has(className)) {
    const cls = customClasses.get(className);
    return cls.fromConfig(cls, convertPythonicToTs(pyConfig));
  }
  const wrapperFactory = Object.keys(WRAPPER_FACTORIES).find(f => WRAPPER_FACTORIES[f] === className);
  if (wrapperFactory !== undefined && pyConfig != null && typeof pyConfig === 'object') {
    // The wrapped layer is nested as {class_name, config}: built first (it may be a
    // registered custom class), then handed to the wrapper.
    const {layer: spec, backward_layer: backward, ...rest} = pyConfig;
    if (spec == null || typeof spec !== 'object' || typeof spec.class_name !== 'string') {
      throw new Error(`${className}: the config has no nested layer ({class_name, config}), got ${JSON.stringify(spec)}`);
    }
    // Keras 3 always writes backward_layer: the default one (the layer's config with
    // go_backwards flipped) is the copy the wrapper makes anyway; any other runs the
    // backward direction as given.
    const inner = createLayer(spec.class_name, spec.config || {}, keras3);
    const options = {...normalizeLayerConfig(className, convertPythonicToTs(rest)), layer: inner};
    if (backward != null && !isDefaultBackwardLayer(spec, backward)) {
      if (typeof backward !== 'object' || typeof backward.class_name !== 'string') {
        throw new Error(`${className}: backward_layer must be a nested layer ({class_name, config}), got ${JSON.stringify(backward)}`);
      }
      options.backwardLayer = createLayer(backward.class_name, backward.config || {}, keras3);
    }
    return layerFactories[wrapperFactory](options);
  }
  // An RNN (or a stack of cells) whose cells include a registered custom class: the
  // cells are made here first and handed to the factory (the engine knows only its own).
  if ((className === 'RNN' || className === 'StackedRNNCells') && pyConfig != null && typeof pyConfig === 'object' &&
      cellSpecs(className, pyConfig).some(usesCustomClass)) {
    if (className === 'RNN') {
      const {cell: spec, cells: unusedCells, ...rest} = pyConfig;
      const cell = createLayer(spec.class_name, spec.config || {}, keras3);
      return layerFactories.rnn({...normalizeLayerConfig(className, convertPythonicToTs(rest)), cell});
    }
    const {cells: specs, ...rest} = pyConfig;
    const cells = specs.map(c => createLayer(c.class_name, c.config || {}, keras3));
    return layerFactories.stackedRNNCells({...normalizeLayerConfig(className, convertPythonicToTs(rest)), cells});
  }
  const cls = className === 'Functional' ? 'Model' : className;
  if (cls === 'Model' || cls === 'Sequential') return modelFromConfig(cls, pyConfig, keras3);
  if (!engineLayerClasses().has(cls)) {
    throw new Error(`Unknown layer: ${className}. This may be due to one of the following reasons:\n` +
                    '1. The layer is defined in Python, in which case it needs to be ported to TensorFlow.js or ' +
                    'your JavaScript code.\n' +
                    '2. The custom layer is defined in JavaScript, but is not registered properly with ' +
                    'tf.serialization.registerClass().');
  }
  const config = normalizeLayerConfig(cls, convertPythonicToTs(pyConfig));
  if (keras3) {
    // Keras 3's hard_sigmoid is relu6(x + 3) / 6, not Keras 2's (and tfjs's) clip(0.2x + 0.5).
    for (const key of ['activation', 'recurrentActivation']) {
      if (config[key] === 'hardSigmoid') config[key] = 'hardSigmoidKeras3';
    }
    // Keras 3 adds an activity regularizer's penalty as it is; tf.keras (and this
    // engine by default) divides it by the batch size.
    if (config.activityRegularizer != null || cls === 'ActivityRegularization') config.activityRegularizerBatchMean = false;
  }
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
  // Keras 3 passes an RNN's initial states as a keyword argument; here (as in tfjs and
  // tf.keras) they are extra inputs after the sequence.
  if (node.kwargs && node.kwargs.initial_state != null) visit(node.kwargs.initial_state);
  return refs;
}

// The layers that take keyword call arguments, and those arguments (snake_case on disk).
const ATTENTION_CLASSES = new Set(['MultiHeadAttention', 'Attention', 'AdditiveAttention']);
const CALL_ARG_KEYS = {use_causal_mask: 'useCausalMask', return_attention_scores: 'returnAttentionScores'};

// One inbound node of a layer of class `className`: its input references and the
// keyword call arguments to apply it with (the attention layers'). tfjs/tf.keras
// nodes carry them as each reference's kwargs; Keras 3 as the node's kwargs, where
// MultiHeadAttention's query/value/key/attention_mask may also be keywords: here
// they are inputs [query, value, key, attentionMask] (value as key when none).
function nodeSpec(node, className) {
  const refs = nodeInputs(node);
  const callArgs = {};
  if (!ATTENTION_CLASSES.has(className)) return {refs, callArgs};
  const kwargs = Array.isArray(node) ? (node[0] && node[0][3]) || {} : node.kwargs || {};
  const allNull = v => v == null || (Array.isArray(v) && v.every(allNull));
  for (const [k, v] of Object.entries(kwargs)) {
    const camel = CALL_ARG_KEYS[k] || (Object.values(CALL_ARG_KEYS).includes(k) ? k : null);
    if (camel != null) {
      if (v != null) callArgs[camel] = v;
    } else if (Array.isArray(node) || ['training', 'key', 'attention_mask', 'query', 'value'].includes(k) || allNull(v)) {
      // tfjs-format kwargs hold only call arguments; Keras 3's tensors are handled below,
      // and its mask/query_mask/value_mask entries are null when no mask was given
    } else {
      throw new Error(`${className}: the call argument '${k}' of a model.json node is not supported ` +
                      '(masks reach attention layers from Masking or Embedding(maskZero))');
    }
  }
  if (className === 'MultiHeadAttention' && !Array.isArray(node)) {
    const ref = arg => nodeInputs({args: [arg]})[0];
    for (const k of ['query', 'value', 'key']) if (node.kwargs && node.kwargs[k] != null) refs.push(ref(node.kwargs[k]));
    if (node.kwargs && node.kwargs.attention_mask != null) {
      if (refs.length === 2) refs.push(refs[1]);
      refs.push(ref(node.kwargs.attention_mask));
    }
  }
  return {refs, callArgs};
}

const MODEL_CLASSES = new Set(['Model', 'Functional', 'Sequential']);

// Node indices of a nested model's applications. tfjs and Keras count the
// model's own internal node as node 0, so references start at 1; Keras 3
// Sequential (not a Functional there) and wasm-layers before it wrote 1 start
// at 0. A reference to 0, or to the last node counted from 1, tells which.
function nestedNodeOffset(layerName, entry, referenced, keras3) {
  const refs = referenced.get(layerName) || [];
  const n = (entry.inbound_nodes || []).length;
  if (refs.includes(0)) return 0;
  if (refs.includes(n)) return 1;
  return keras3 && entry.class_name === 'Sequential' ? 0 : 1;
}

// [layerName, nodeIndex, tensorIndex] references of model outputs (one or a list).
const layerRefs = list => (Array.isArray(list[0]) ? list : [list]);

function functionalFromConfig(pyConfig, name, keras3) {
  const created = new Map();   // layer name -> Layer
  const outputs = new Map();   // `${layer}:${node}:${tensor}` -> SymbolicTensor
  const applied = new Map();   // layer name -> [nodes applied so far, index offset]
  const pending = new Map();   // layer name -> its nodes' input refs not applied yet, in order
  const referenced = new Map();  // layer name -> node indices other entries refer to
  const noteRef = ([n, node]) => referenced.set(n, [...(referenced.get(n) || []), node]);
  for (const entry of pyConfig.layers) for (const node of entry.inbound_nodes || []) nodeSpec(node, entry.class_name).refs.forEach(noteRef);
  layerRefs(pyConfig.output_layers).forEach(noteRef);
  const apply = (layerName, {refs: inputRefs, callArgs}) => {
    const ins = inputRefs.map(([n, node, t]) => outputs.get(`${n}:${node}:${t}`));
    if (ins.some(x => x === undefined)) return false;
    const out = created.get(layerName).apply(ins.length === 1 ? ins[0] : ins, callArgs);
    const [count, offset] = applied.get(layerName);
    (Array.isArray(out) ? out : [out]).forEach((o, t) => outputs.set(`${layerName}:${count + offset}:${t}`, o));
    applied.set(layerName, [count + 1, offset]);
    return true;
  };
  try {
    for (const entry of pyConfig.layers) {
      const layerName = entry.name || entry.config.name;
      if (entry.class_name === 'InputLayer') {
        const c = normalizeLayerConfig('InputLayer', convertPythonicToTs(entry.config));
        const st = input({batchShape: c.batchInputShape, name: layerName, ...inputDtype(c.dtype)});
        created.set(layerName, st.sourceLayer);
        outputs.set(`${layerName}:0:0`, st);
        continue;
      }
      created.set(layerName, createLayer(entry.class_name, {...entry.config, name: entry.config.name || layerName}, keras3));
      const nested = MODEL_CLASSES.has(entry.class_name);
      applied.set(layerName, [0, nested ? nestedNodeOffset(layerName, entry, referenced, keras3) : 0]);
      pending.set(layerName, (entry.inbound_nodes || []).map(n => nodeSpec(n, entry.class_name)));
      // Apply whatever is ready; a layer's nodes strictly in order, since the
      // order gives their indices (as Keras's from_config).
      for (let progress = true; progress;) {
        progress = false;
        for (const [n, nodes] of pending) {
          while (nodes.length && apply(n, nodes[0])) {
            nodes.shift();
            progress = true;
          }
          if (!nodes.length) pending.delete(n);
        }
      }
    }
    if (pending.size) throw new Error(`model.json: cannot connect layer ${[...pending.keys()][0]}: its inputs are missing`);
    const refs = list => layerRefs(list).map(([n, node, t]) => {
      const st = outputs.get(`${n}:${node}:${t}`);
      if (!st) throw new Error(`model.json: unknown model input/output ${n}`);
      return st;
    });
    const model = makeModel({inputs: refs(pyConfig.input_layers), outputs: refs(pyConfig.output_layers), name});
    // A layer the outputs do not depend on is not part of the model: free it
    // (its weights would otherwise live as long as the process).
    const kept = new Set(model.layers);
    for (const l of created.values()) if (!kept.has(l)) l.dispose();
    return model;
  } catch (e) {
    for (const l of created.values()) l.dispose();
    throw e;
  } finally {
    for (const st of outputs.values()) st.dispose();  // the model holds its own graph
  }
}

// An InputLayer's dtype as the engine keeps it: Keras's other widths (int64 token ids,
// float64) as the int32/float32 the values will have; others (bool, string) as float32.
function inputDtype(dtype) {
  if (typeof dtype !== 'string') return {};
  if (/^u?int\d*$/.test(dtype)) return {dtype: 'int32'};
  return /^b?float\d*$/.test(dtype) ? {dtype: 'float32'} : {};
}

function sequentialFromConfig(pyConfig, name, keras3) {
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
      const layer = createLayer(entry.class_name, config, keras3);
      try {
        model.add(layer);
      } catch (e) {
        layer.dispose();  // not the model's: a weight its build made before failing would leak
        throw e;
      }
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function modelFromConfig(className, pyConfig, keras3) {
  if (pyConfig == null || typeof pyConfig !== 'object') throw new Error(`modelFromJSON: ${className} has no config`);
  if (className === 'Sequential') return sequentialFromConfig(pyConfig, pyConfig.name, keras3);
  if (className === 'Model' || className === 'Functional') return functionalFromConfig(pyConfig, pyConfig.name, keras3);
  throw new Error(`modelFromJSON: unsupported model class '${className}'. Expected Sequential, Model or Functional.`);
}

/** A model from Keras JSON: {class_name, config} (Sequential, Model or Functional). */
export function modelFromTopology(topology) {
  if (topology == null || typeof topology !== 'object') throw new Error('modelFromJSON: the model topology must be an object');
  const t = topology.model_config != null ? topology.model_config : topology;
  // Keras 3 writes its version, and a `module` beside each class_name.
  const version = String(topology.keras_version || t.keras_version || '');
  const layers = t.config && Array.isArray(t.config.layers) ? t.config.layers : [];
  const keras3 = version.startsWith('3.') || t.module != null || layers.some(l => l && l.module != null);
  return modelFromConfig(t.class_name, t.config, keras3);
}

export {SymbolicTensor, layerFactories};
