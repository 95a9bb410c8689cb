// Up-front structure checks of model files (model.json, its weights manifest,
// ModelArtifacts): a malformed file is an Error naming the JSON path of the bad
// field (e.g. "weightsManifest[0].weights[2].shape"), instead of a TypeError from
// deep inside the loader ("spec.shape.reduce is not a function").

const describe = v => {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : (s.length > 60 ? `${s.slice(0, 57)}...` : s);
};

function fail(path, expected, value) {
  throw new Error(`Invalid model file: ${path} must be ${expected}, got ${describe(value)}`);
}

const isObject = v => v != null && typeof v === 'object' && !Array.isArray(v);
const isDim = d => Number.isSafeInteger(d) && d >= 0;

/** One weight spec {name, shape, dtype, quantization?} at `path`. */
function checkWeightSpec(spec, path) {
  if (!isObject(spec)) fail(path, 'an object {name, shape, dtype}', spec);
  if (typeof spec.name !== 'string') fail(`${path}.name`, 'a string', spec.name);
  if (!Array.isArray(spec.shape) || !spec.shape.every(isDim)) {
    fail(`${path}.shape`, 'an array of non-negative integers', spec.shape);
  }
  if (typeof spec.dtype !== 'string') fail(`${path}.dtype`, 'a string', spec.dtype);
  if (spec.quantization != null) {
    const q = spec.quantization;
    if (!isObject(q)) fail(`${path}.quantization`, 'an object', q);
    for (const k of ['min', 'scale']) {
      if (q[k] != null && typeof q[k] !== 'number') fail(`${path}.quantization.${k}`, 'a number', q[k]);
    }
  }
}

/** ModelArtifacts.weightSpecs: an array of weight specs. */
export function checkWeightSpecs(specs, path = 'weightSpecs') {
  if (!Array.isArray(specs)) fail(path, 'an array of weight specs', specs);
  specs.forEach((s, i) => checkWeightSpec(s, `${path}[${i}]`));
}

/** model.json's weightsManifest: [{paths: [string], weights: [spec]}], or absent. */
export function checkWeightsManifest(manifest, path = 'weightsManifest') {
  if (manifest == null) return;
  if (!Array.isArray(manifest)) fail(path, 'an array of {paths, weights} groups', manifest);
  manifest.forEach((g, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(g)) fail(at, 'an object {paths, weights}', g);
    if (!Array.isArray(g.paths) || !g.paths.every(p => typeof p === 'string')) fail(`${at}.paths`, 'an array of strings', g.paths);
    checkWeightSpecs(g.weights, `${at}.weights`);
  });
}

// A layer list entry: {class_name, config, name?, inbound_nodes?}.
function checkLayerEntry(entry, path, functional, names) {
  if (!isObject(entry)) fail(path, 'an object {class_name, config}', entry);
  if (typeof entry.class_name !== 'string') fail(`${path}.class_name`, 'a string', entry.class_name);
  if (!isObject(entry.config)) fail(`${path}.config`, 'an object', entry.config);
  if (entry.name != null && typeof entry.name !== 'string') fail(`${path}.name`, 'a string', entry.name);
  if (entry.config.name != null && typeof entry.config.name !== 'string') fail(`${path}.config.name`, 'a string', entry.config.name);
  if (entry.class_name === 'Sequential' || entry.class_name === 'Model' || entry.class_name === 'Functional') {
    checkModelConfig(entry.class_name, entry.config, `${path}.config`);
  }
  if (!functional) return;
  const name = entry.name != null ? entry.name : entry.config.name;
  if (typeof name !== 'string') fail(`${path}.name`, 'a string', name);
  if (names.has(name)) {
    // tfjs's Container message for the same problem.
    throw new Error(`The name "${name}" is used 2 times in the model. All layer names should be unique. (${path})`);
  }
  names.add(name);
  if (entry.inbound_nodes != null) {
    if (!Array.isArray(entry.inbound_nodes)) fail(`${path}.inbound_nodes`, 'an array', entry.inbound_nodes);
    entry.inbound_nodes.forEach((node, j) => {
      const at = `${path}.inbound_nodes[${j}]`;
      if (Array.isArray(node)) {
        node.forEach((ref, k) => checkRef(ref, `${at}[${k}]`));
      } else if (isObject(node)) {
        if (node.args != null && !Array.isArray(node.args)) fail(`${at}.args`, 'an array', node.args);
        checkKerasTensors(node.args || [], `${at}.args`);
      } else {
        fail(at, 'an array of [layer, node, tensor] references or {args, kwargs}', node);
      }
    });
  }
}

// Keras 3's {class_name: '__keras_tensor__', config: {keras_history: [layer, node, tensor]}}.
function checkKerasTensors(value, path) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkKerasTensors(v, `${path}[${i}]`));
  } else if (isObject(value) && value.class_name === '__keras_tensor__') {
    if (!isObject(value.config)) fail(`${path}.config`, 'an object', value.config);
    checkRef(value.config.keras_history, `${path}.config.keras_history`);
  }
}

// [layerName, nodeIndex, tensorIndex, kwargs?]
function checkRef(ref, path) {
  if (!Array.isArray(ref) || ref.length < 3 || typeof ref[0] !== 'string' || !Number.isSafeInteger(ref[1]) ||
      !Number.isSafeInteger(ref[2]) || ref[1] < 0 || ref[2] < 0) {
    fail(path, 'a [layerName, nodeIndex, tensorIndex] reference', ref);
  }
}

function checkRefs(list, path) {
  if (!Array.isArray(list) || list.length === 0) fail(path, 'a non-empty array of references', list);
  if (Array.isArray(list[0])) list.forEach((r, i) => checkRef(r, `${path}[${i}]`));
  else checkRef(list, path);
}

function checkModelConfig(className, config, path) {
  if (className === 'Sequential') {
    const layers = Array.isArray(config) ? config : config && config.layers;
    const at = Array.isArray(config) ? path : `${path}.layers`;
    if (!Array.isArray(layers)) fail(at, 'an array of layers', layers);
    layers.forEach((l, i) => checkLayerEntry(l, `${at}[${i}]`, false, null));
    return;
  }
  if (!isObject(config)) fail(path, 'an object', config);
  if (!Array.isArray(config.layers)) fail(`${path}.layers`, 'an array of layers', config.layers);
  const names = new Set();
  config.layers.forEach((l, i) => checkLayerEntry(l, `${path}.layers[${i}]`, true, names));
  checkRefs(config.input_layers, `${path}.input_layers`);
  checkRefs(config.output_layers, `${path}.output_layers`);
}

/** A model topology: {class_name, config} or Keras's {model_config: {...}}. */
export function checkTopology(topology, path = 'modelTopology') {
  if (!isObject(topology)) fail(path, 'an object {class_name, config}', topology);
  let t = topology, at = path;
  if (topology.model_config != null) {
    t = topology.model_config;
    at = `${path}.model_config`;
    if (!isObject(t)) fail(at, 'an object {class_name, config}', t);
  }
  if (typeof t.class_name !== 'string') fail(`${at}.class_name`, 'a string', t.class_name);
  if (t.class_name !== 'Sequential' && t.class_name !== 'Model' && t.class_name !== 'Functional') return;
  if (t.config == null || typeof t.config !== 'object') fail(`${at}.config`, 'an object', t.config);
  checkModelConfig(t.class_name, t.config, `${at}.config`);
}
