// Model -> Keras JSON (tfjs-layers/src/utils/serialization_utils.ts,
// engine/container.ts, engine/training.ts): the writer model.toJSON() and
// model.save() use. It imports nothing, so models.js can use it without a
// cycle; the reader (JSON -> model) is serialization.js, which builds models.

export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const BACKEND = 'tensor_flow.js';

// tfjs's generic_utils toSnakeCase.
export function toSnakeCase(name) {
  const s = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s[0] !== '_' ? s : 'private' + s;
}

// Layer names inside these keys' lists stay as written, in both directions.
export const isNameItem = (key, index, value) =>
  (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers') && index === 0 && typeof value === 'string';

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

/** The model's topology as Keras JSON (an object). */
export function modelTopology(model) {
  const className = model.getClassName();
  return {class_name: className, config: convertTsToPythonic(model.getConfig()), keras_version: KERAS_VERSION,
          backend: BACKEND};
}

/** model.json's trainingConfig of a compiled model (null when not compiled). */
export function trainingConfigOf(model) {
  const args = model._compileArgs;
  if (!args) return null;
  // A function (a custom loss) is written by its name, as tfjs does.
  const pyLoss = l => (typeof l === 'string' ? l.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
      : (typeof l === 'function' ? (l.lossName ? pyLoss(l.lossName) : l.name) : l));
  const metricName = m => (typeof m === 'function' ? m.name : m);
  const metrics = args.metrics == null ? null
      : Array.isArray(args.metrics) ? args.metrics.map(metricName)
      : (typeof args.metrics === 'object' ? Object.fromEntries(Object.entries(args.metrics).map(
          ([k, v]) => [k, Array.isArray(v) ? v.map(metricName) : metricName(v)])) : metricName(args.metrics));
  const loss = Array.isArray(args.loss) ? args.loss.map(pyLoss)
      : (args.loss && typeof args.loss === 'object' ? Object.fromEntries(Object.entries(args.loss).map(([k, v]) => [k, pyLoss(v)]))
                                                    : pyLoss(args.loss));
  const {className, config} = JSON.parse(model.handle.optimizerJson());
  const optimizerConfig = {class_name: className, config};
  const out = {loss, metrics, optimizer_config: optimizerConfig};
  if (args.lossWeights != null) out.loss_weights = args.lossWeights;
  return out;
}
