// tf.env() (tfjs-core/src/environment.ts, flags.ts): a registry of named flags
// with tfjs's get/set/getBool/getNumber/getFlags/features API. Every flag that
// tfjs and its backends register is registered here too, so programs that set
// them (tf.env().set('WEBGL_PACK', false)) run unchanged. The engine reads none
// of them: a value set is stored and read back, and changes nothing else.
// Flags describing the platform (IS_BROWSER, IS_NODE, ...) are evaluated for
// real; the WebGL ones describe "no WebGL", as tfjs reports where WebGL is absent.

import {engineIsThreaded, isNodeRuntime, isReady, onEngineLoaded, platformRunsThreads} from './core.js';

const isNode = isNodeRuntime;
const isBrowser = () => (typeof window !== 'undefined' && window.document != null) ||
                        (typeof WorkerGlobalScope !== 'undefined');  // eslint-disable-line no-undef
const navigatorMatches = (agent, vendor) => typeof navigator !== 'undefined' && navigator != null &&
    navigator.userAgent != null && agent.test(navigator.userAgent) && vendor.test(navigator.vendor);
const noWebGl = () => {
  throw new Error('Cannot get WebGL rendering context, WebGL is disabled.');
};

const performanceNow = () => (typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? performance.now() : Date.now());

/**
 * The platform tfjs's util functions run on (tfjs-core/src/platforms/platform.ts):
 * fetch, now, encode, decode, isTypedArray (and optionally setTimeoutCustom).
 * tf.setPlatform(name, platform) replaces it; tf.util.fetch/now/encodeString/
 * decodeString/isTypedArray go through whichever is set.
 */
export const defaultPlatform = {
  fetch(path, requestInits) {
    if (typeof globalThis.fetch !== 'function') throw new Error('tf.util.fetch: this platform has no global fetch()');
    return globalThis.fetch(path, requestInits);
  },
  now: performanceNow,
  encode(text, encoding) {
    if (encoding !== 'utf-8' && encoding !== 'utf8') {
      throw new Error(`The built-in encoder only supports utf-8, but got ${encoding}`);
    }
    return new TextEncoder().encode(text);
  },
  decode(bytes, encoding) {
    return new TextDecoder(encoding).decode(bytes);
  },
  isTypedArray(a) {
    return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array ||
           a instanceof Uint8ClampedArray;
  },
};

export class Environment {
  constructor() {
    this.flags = {};
    this.flagRegistry = {};
    this.platformName = isNode() ? 'node' : 'browser';
    this.platform = defaultPlatform;
  }

  /** tfjs: makes `platform` the one tf.util uses (warning when one was set, outside tests and prod mode). */
  setPlatform(platformName, platform) {
    if (this.platform != null && !(this.getBool('IS_TEST') || this.getBool('PROD'))) {
      console.warn(`Platform ${this.platformName} has already been set. Overwriting the platform with ${platformName}.`);
    }
    this.platformName = platformName;
    this.platform = platform;
  }

  registerFlag(flagName, evaluationFn, setHook) {
    this.flagRegistry[flagName] = {evaluationFn, setHook};
  }

  async getAsync(flagName) {
    return this.get(flagName);
  }

  get(flagName) {
    if (flagName in this.flags) return this.flags[flagName];
    this.flags[flagName] = this.evaluateFlag(flagName);
    return this.flags[flagName];
  }

  getNumber(flagName) {
    return this.get(flagName);
  }

  getBool(flagName) {
    return this.get(flagName);
  }

  getString(flagName) {
    return this.get(flagName);
  }

  getFlags() {
    return this.flags;
  }

  // tfjs keeps this for backwards compatibility.
  get features() {
    return this.flags;
  }

  set(flagName, value) {
    if (this.flagRegistry[flagName] == null) {
      throw new Error(`Cannot set flag ${flagName} as it has not been registered.`);
    }
    this.flags[flagName] = value;
    if (this.flagRegistry[flagName].setHook != null) this.flagRegistry[flagName].setHook(value);
  }

  evaluateFlag(flagName) {
    if (this.flagRegistry[flagName] == null) {
      throw new Error(`Cannot evaluate flag '${flagName}': no evaluation function found.`);
    }
    return this.flagRegistry[flagName].evaluationFn();
  }

  setFlags(flags) {
    this.flags = Object.assign({}, flags);
  }

  reset() {
    this.flags = {};
  }
}

export const ENV = new Environment();

export function env() {
  return ENV;
}

/** tf.setPlatform: env().setPlatform(platformName, platform). */
export function setPlatform(platformName, platform) {
  ENV.setPlatform(platformName, platform);
}

const constant = value => () => value;

// tfjs-core's flags (flags.ts, engine.ts).
ENV.registerFlag('DEBUG', constant(false), debugValue => {
  if (debugValue) console.warn('wasm-layers: the DEBUG flag is stored but has no effect in this engine.');
});
ENV.registerFlag('IS_BROWSER', isBrowser);
ENV.registerFlag('IS_NODE', isNode);
ENV.registerFlag('IS_CHROME', () => navigatorMatches(/Chrome/, /Google Inc/));
ENV.registerFlag('IS_SAFARI', () => navigatorMatches(/Safari/, /Apple/));
ENV.registerFlag('PROD', constant(false));
ENV.registerFlag('TENSORLIKE_CHECK_SHAPE_CONSISTENCY', () => ENV.getBool('DEBUG'));
ENV.registerFlag('DEPRECATION_WARNINGS_ENABLED', constant(true));
ENV.registerFlag('IS_TEST', constant(false));
ENV.registerFlag('CHECK_COMPUTATION_FOR_ERRORS', () => ENV.getBool('DEBUG'));
ENV.registerFlag('WRAP_TO_IMAGEBITMAP', constant(false));
ENV.registerFlag('CANVAS2D_WILL_READ_FREQUENTLY_FOR_GPU', constant(false));
ENV.registerFlag('USE_SETTIMEOUTCUSTOM', constant(false));
ENV.registerFlag('TOPOLOGICAL_SORT_CACHE_MAX_ENTRIES', constant(100));
ENV.registerFlag('KEEP_INTERMEDIATE_TENSORS', constant(false));
ENV.registerFlag('ENGINE_COMPILE_ONLY', constant(false));

// tfjs-backend-webgl's flags, as it evaluates them without a WebGL context.
ENV.registerFlag('HAS_WEBGL', constant(false));
ENV.registerFlag('WEBGL_VERSION', constant(0));
ENV.registerFlag('WEBGL_MAX_TEXTURE_SIZE', noWebGl);
ENV.registerFlag('WEBGL_MAX_TEXTURES_IN_SHADER', noWebGl);
ENV.registerFlag('WEBGL_CPU_FORWARD', constant(true));
ENV.registerFlag('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_VERSION', constant(0));
ENV.registerFlag('WEBGL_SIZE_UPLOAD_UNIFORM', constant(0));
ENV.registerFlag('WEBGL_DELETE_TEXTURE_THRESHOLD', constant(-1));
ENV.registerFlag('WEBGL_FLUSH_THRESHOLD', constant(-1));
ENV.registerFlag('CPU_HANDOFF_SIZE_THRESHOLD', constant(128));
ENV.registerFlag('TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD', constant(100000));
ENV.registerFlag('TOPK_K_CPU_HANDOFF_THRESHOLD', constant(128));
ENV.registerFlag('WEBGL_MAX_SIZE_FOR_NARROW_TEXTURE', constant(null));
for (const name of ['WEBGL_CHECK_NUMERICAL_PROBLEMS', 'WEBGL_BUFFER_SUPPORTED', 'WEBGL_FORCE_F16_TEXTURES', 'WEBGL_PACK',
  'WEBGL_PACK_NORMALIZATION', 'WEBGL_PACK_CLIP', 'WEBGL_PACK_DEPTHWISECONV', 'WEBGL_PACK_BINARY_OPERATIONS',
  'WEBGL_PACK_UNARY_OPERATIONS', 'WEBGL_PACK_ARRAY_OPERATIONS', 'WEBGL_PACK_IMAGE_OPERATIONS', 'WEBGL_PACK_REDUCE',
  'WEBGL_LAZILY_UNPACK', 'WEBGL_CONV_IM2COL', 'WEBGL_PACK_CONV2DTRANSPOSE',
  'WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_RELIABLE', 'WEBGL_RENDER_FLOAT32_CAPABLE', 'WEBGL_RENDER_FLOAT32_ENABLED',
  'WEBGL_DOWNLOAD_FLOAT_ENABLED', 'WEBGL_FENCE_API_ENABLED', 'WEBGL_USE_SHAPES_UNIFORMS', 'WEBGL_EXP_CONV',
  'SOFTWARE_WEBGL_ENABLED', 'WEBGL_AUTO_SQUARIFY_NARROW_TEXTURE_SHAPE', 'WEBGL2_ISNAN_CUSTOM']) {
  ENV.registerFlag(name, constant(false));
}

// tfjs-backend-wasm's flags: this engine is built with WASM SIMD. Multithreading: once the
// engine is loaded, whether it is the threaded one; before, whether this platform would
// load it (Node, a crossOriginIsolated page), re-evaluated when the engine loads.
ENV.registerFlag('WASM_HAS_SIMD_SUPPORT', constant(true));
ENV.registerFlag('WASM_HAS_MULTITHREAD_SUPPORT', () => (isReady() ? engineIsThreaded() : platformRunsThreads()));
onEngineLoaded(() => {
  delete ENV.flags.WASM_HAS_MULTITHREAD_SUPPORT;
});

/** tf.enableProdMode(): tfjs skips its debug checks; the flag is stored here. */
export function enableProdMode() {
  ENV.set('PROD', true);
}

/** tf.enableDebugMode(): stored; this engine has no per-op NaN check to turn on. */
export function enableDebugMode() {
  ENV.set('DEBUG', true);
}

export function disableDeprecationWarnings() {
  ENV.set('DEPRECATION_WARNINGS_ENABLED', false);
  console.warn('TensorFlow.js deprecation warnings have been disabled.');
}
