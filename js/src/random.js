// tf.multinomial, tf.randomStandardNormal, tf.randomUniformInt, tf.randomGamma
// (tfjs-core/src/ops/multinomial.ts, random_*.ts, rand_util.ts). They draw in
// JS from the same generator tfjs uses (seedrandom's Alea, ported below), so a
// seeded call gives tfjs's values; unseeded calls are seeded by Math.random()
// as in tfjs. None of them has a gradient, as in tfjs.
import {tidy} from './engine.js';
import {ops} from './ops.js';
import {convertToTensor, makeTensorFromFlat} from './tensor.js';
import {assertNonNegativeIntegerDimensions, sizeFromShape} from './util.js';

// Alea by Johannes Baagøe (MIT licence), as seedrandom 3.0.5 (lib/alea.js) implements it.
function mash() {
  let n = 0xefc8249d;
  return data => {
    data = String(data);
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;  // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10;  // 2^-32
  };
}

/** @internal seedrandom.alea(seed): uniform doubles in [0, 1) (and .int32()); tf.data's shuffles use it too. */
export function alea(seed) {
  const m = mash();
  let c = 1;
  let s0 = m(' '), s1 = m(' '), s2 = m(' ');
  s0 -= m(seed);
  if (s0 < 0) s0 += 1;
  s1 -= m(seed);
  if (s1 < 0) s1 += 1;
  s2 -= m(seed);
  if (s2 < 0) s2 += 1;
  const next = () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;  // 2^-32
    s0 = s1;
    s1 = s2;
    return (s2 = t - (c = t | 0));
  };
  next.int32 = () => (next() * 0x100000000) | 0;
  return next;
}

/** Marsaglia's polar method (tfjs's MPRandGauss). */
class MPRandGauss {
  constructor(mean, stdDeviation, dtype, seed) {
    this.mean = mean;
    this.stdDev = stdDeviation;
    this.dtype = dtype;
    this.nextVal = NaN;
    this.random = alea((seed ? seed : Math.random()).toString());
  }

  nextValue() {
    if (!isNaN(this.nextVal)) {
      const value = this.nextVal;
      this.nextVal = NaN;
      return value;
    }
    let v1, v2, s;
    do {
      v1 = 2 * this.random() - 1;
      v2 = 2 * this.random() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const mul = Math.sqrt(-2.0 * Math.log(s) / s);
    this.nextVal = this.convertValue(this.mean + this.stdDev * v2 * mul);
    return this.convertValue(this.mean + this.stdDev * v1 * mul);
  }

  convertValue(value) {
    return this.dtype == null || this.dtype === 'float32' ? value : Math.round(value);
  }
}

/** Marsaglia and Tsang (2000), "A Simple Method for Generating Gamma Variables" (tfjs's RandGamma). */
class RandGamma {
  constructor(alpha, beta, dtype, seed) {
    this.alpha = alpha;
    this.beta = 1 / beta;  // rate to scale
    this.dtype = dtype;
    this.randu = alea((seed ? seed : Math.random()).toString());
    this.randn = new MPRandGauss(0, 1, dtype, this.randu());
    this.d = alpha < 1 ? alpha + (2 / 3) : alpha - (1 / 3);
    this.c = 1 / Math.sqrt(9 * this.d);
  }

  nextValue() {
    let x2, v0, v1, x, u, v;
    for (;;) {
      do {
        x = this.randn.nextValue();
        v = 1 + (this.c * x);
      } while (v <= 0);
      v *= v * v;
      x2 = x * x;
      v0 = 1 - (0.331 * x2 * x2);
      v1 = (0.5 * x2) + (this.d * (1 - v + Math.log(v)));
      u = this.randu();
      if (u < v0 || Math.log(u) < v1) break;
    }
    v = (1 / this.beta) * this.d * v;
    if (this.alpha < 1) v *= Math.pow(this.randu(), 1 / this.alpha);
    return this.dtype === 'float32' ? v : Math.round(v);
  }
}

/** Fills a new tensor of `shape` with next() (values go through the dtype's typed array, as tfjs's buffer). */
function sample(shape, dtype, next) {
  const values = dtype === 'int32' ? new Int32Array(sizeFromShape(shape)) : new Float32Array(sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = next();
  return makeTensorFromFlat(values, shape, dtype);
}

export function randomStandardNormal(shape, dtype, seed) {
  if (dtype != null && dtype === 'bool') throw new Error(`Unsupported data type ${dtype}`);
  assertNonNegativeIntegerDimensions(shape);
  const gauss = new MPRandGauss(0, 1, dtype, seed);
  return sample(shape, dtype == null ? 'float32' : dtype, () => gauss.nextValue());
}

/** tfjs's randomUniform(shape, minval, maxval, 'int32', seed): uniform doubles truncated toward zero. */
export function randomUniformInt(shape, minval, maxval, seed) {
  assertNonNegativeIntegerDimensions(shape);
  if (seed == null) seed = Math.random();
  const random = alea(typeof seed === 'number' ? seed.toString() : seed);
  const range = maxval - minval;
  return sample(shape, 'int32', () => minval + range * random());
}

export function randomGamma(shape, alpha, beta = 1, dtype = 'float32', seed) {
  assertNonNegativeIntegerDimensions(shape);
  if (beta == null) beta = 1;
  if (dtype == null) dtype = 'float32';
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`Unsupported data type ${dtype}`);
  const gamma = new RandGamma(alpha, beta, dtype, seed);
  return sample(shape, dtype, () => gamma.nextValue());
}

/**
 * Draws `numSamples` class indices per row of `logits` (rank 1 or 2), from
 * softmax(logits) or, with `normalized`, from `logits` taken as probabilities.
 */
export function multinomial(logits, numSamples, seed, normalized = false) {
  return tidy(() => {
    const $logits = convertToTensor(logits, 'logits', 'multinomial');
    const numOutcomes = $logits.size;
    const origRank = $logits.rank;
    if (numOutcomes < 2) {
      throw new Error(`Error in multinomial: you need at least 2 outcomes, but got ${numOutcomes}.`);
    }
    if (origRank > 2) throw new Error(`Rank of probabilities must be 1 or 2, but is ${origRank}`);
    seed = seed || Math.random();  // as tfjs: a seed of 0 draws a random one
    const logits2D = origRank === 1 ? ops.reshape($logits, [1, -1]) : $logits;
    const probabilities = normalized ? logits2D : ops.softmax(logits2D);
    const [batchSize, numEvents] = probabilities.shape;
    const probs = probabilities.dataSync();
    const out = new Int32Array(batchSize * numSamples);
    for (let b = 0; b < batchSize; ++b) {
      const offset = b * numEvents;
      // The last event is implicit: it is drawn when no other is.
      const cdf = new Float32Array(numEvents - 1);
      cdf[0] = probs[offset];
      for (let event = 1; event < cdf.length; ++event) cdf[event] = cdf[event - 1] + probs[offset + event];
      const random = alea(seed.toString());
      for (let i = 0; i < numSamples; ++i) {
        const r = random();
        let drawn = cdf.length;
        for (let event = 0; event < cdf.length; event++) {
          if (r < cdf[event]) {
            drawn = event;
            break;
          }
        }
        out[b * numSamples + i] = drawn;
      }
    }
    return makeTensorFromFlat(out, origRank === 1 ? [numSamples] : [batchSize, numSamples], 'int32');
  });
}
