// complex64 tensors and the spectral ops (issue 16): tf.complex, tf.real, tf.imag,
// tf.fft/ifft/rfft/irfft (tf.spectral), tf.signal.stft.
//
// As in tfjs-backend-cpu, a complex64 tensor is a pair of float32 tensors (real,
// imag), here two engine tensors a complex Tensor owns (Tensor._complex). complex,
// real and imag pair and unpair them through recorded engine ops, and the DFT
// along the last axis is made of products with cos/sin matrices (one for short or
// prime lengths, as tfjs's O(n²) DFT for lengths not a power of two; Cooley-Tukey
// splits for long composite ones), so gradients come from the engine's tape. tfjs registers no gradient for Complex, Real, Imag or FFT: here they have
// the gradients of the real-valued ops they are made of.
//
// The ops that accept complex64 tensors are the handlers below (ops.js's run()
// sends any complex64 input to them; any other op throws an Error naming it):
// tfjs-backend-cpu's set: add, sub, mul (the other operand upcast to complex64),
// abs (the magnitude, float32), cast (to complex64, or to another dtype from the
// real part), reshape, expandDims, squeeze, concat, stack, clone, zerosLike and
// onesLike.
import {tidy} from './engine.js';
import {signal} from './linalg.js';
import {complexHandlers, ops, run} from './ops.js';
import {enclosingPowerOfTwo} from './surface.js';
import {Tensor, convertToTensor, makeTensorFromFlat} from './tensor.js';

/** A new float32 tensor of x's values (for a float32 x: a view that passes the gradient on). */
const f32 = x => run('cast', [x], {dtype: 'float32'})[0];
const pair = (real, imag) => Tensor._complex(real, imag);
const partsOf = t => t.complexParts;

/** x's parts, a real-valued x upcast to complex64 (zero imaginary part), as tfjs's binary ops upcast. */
function upcastParts(x) {
  if (x.dtype === 'complex64') return partsOf(x);
  const real = f32(x);
  return {real, imag: ops.zerosLike(real)};
}

/** Registers a handler; it runs in a tidy (its intermediates freed) and returns its outputs as an array. */
function handle(op, fn) {
  complexHandlers[op] = (tensors, attrs) => tidy(() => [].concat(fn(tensors, attrs)));
}

handle('add', ([a, b]) => {
  const x = upcastParts(a), y = upcastParts(b);
  return pair(ops.add(x.real, y.real), ops.add(x.imag, y.imag));
});
handle('sub', ([a, b]) => {
  const x = upcastParts(a), y = upcastParts(b);
  return pair(ops.sub(x.real, y.real), ops.sub(x.imag, y.imag));
});
handle('mul', ([a, b]) => {
  const x = upcastParts(a), y = upcastParts(b);
  return pair(ops.sub(ops.mul(x.real, y.real), ops.mul(x.imag, y.imag)),
              ops.add(ops.mul(x.real, y.imag), ops.mul(x.imag, y.real)));
});
handle('abs', ([x]) => {
  const {real, imag} = partsOf(x);
  return ops.sqrt(ops.add(ops.square(real), ops.square(imag)));
});
handle('cast', ([x], {dtype}) => {
  if (dtype === 'complex64') {
    const {real, imag} = upcastParts(x);
    return pair(f32(real), f32(imag));
  }
  return run('cast', [partsOf(x).real], {dtype});  // tfjs: complex64 -> any other dtype casts the real part
});
for (const op of ['reshape', 'expandDims', 'squeeze']) {
  handle(op, ([x], attrs) => {
    const {real, imag} = partsOf(x);
    return pair(run(op, [real], attrs)[0], run(op, [imag], attrs)[0]);
  });
}
for (const op of ['concat', 'stack']) {
  handle(op, (tensors, attrs) => {
    for (const t of tensors) {
      if (t.dtype !== 'complex64') {
        throw new Error(`Cannot concatenate complex64 tensors with a tensor with dtype ${t.dtype}. `);
      }
    }
    return pair(run(op, tensors.map(t => partsOf(t).real), attrs)[0],
                run(op, tensors.map(t => partsOf(t).imag), attrs)[0]);
  });
}
handle('clone', ([x]) => pair(f32(partsOf(x).real), f32(partsOf(x).imag)));
handle('zerosLike', ([x]) => pair(ops.zerosLike(partsOf(x).real), ops.zerosLike(partsOf(x).real)));
handle('onesLike', ([x]) => pair(ops.onesLike(partsOf(x).real), ops.zerosLike(partsOf(x).real)));

// ---- complex, real, imag ---------------------------------------------------------------

function realValued(t, name) {
  if (t.dtype === 'complex64') {
    throw new Error(`Argument '${name}' passed to 'complex' must be a real-valued (float32, int32 or bool) tensor, ` +
                    'but got a complex64 tensor');
  }
  return t;
}

/** tf.complex(real, imag): a complex64 tensor from real and imaginary parts of one shape. */
export function complex(real, imag) {
  return tidy(() => {
    const $real = realValued(convertToTensor(real, 'real', 'complex', true), 'real');
    const $imag = realValued(convertToTensor(imag, 'imag', 'complex', true), 'imag');
    if ($real.rank !== $imag.rank || $real.shape.some((d, i) => d !== $imag.shape[i])) {
      throw new Error(`real and imag shapes, ${$real.shape} and ${$imag.shape}, must match in call to tf.complex(). ` +
                      `Shapes ${$real.shape} and ${$imag.shape} must match`);
    }
    return pair(f32($real), f32($imag));
  });
}

function complexInput(input, name, fn) {
  const $input = convertToTensor(input, 'input', fn, true);
  if ($input.dtype !== 'complex64') {
    throw new Error(`tf.${fn}(): the input must be a complex64 tensor (tf.complex(real, imag)), but got a ` +
                    `${$input.dtype} tensor`);
  }
  return partsOf($input)[name];
}

/** tf.real(input): the real part of a complex64 tensor (float32). */
export function real(input) {
  return tidy(() => f32(complexInput(input, 'real', 'real')));
}

/** tf.imag(input): the imaginary part of a complex64 tensor (float32). */
export function imag(input) {
  return tidy(() => f32(complexInput(input, 'imag', 'imag')));
}

// ---- the discrete Fourier transform along the last axis ---------------------------------

/** cos and sin of 2π·jk/n for j < rows, k < cols (float32), the angles reduced mod n in double precision. */
function trigTables(rows, cols, n) {
  const cos = new Float32Array(rows * cols), sin = new Float32Array(rows * cols);
  for (let j = 0; j < rows; j++) {
    for (let k = 0; k < cols; k++) {
      const angle = (2 * Math.PI * ((j * k) % n)) / n;
      cos[j * cols + k] = Math.cos(angle);
      sin[j * cols + k] = Math.sin(angle);
    }
  }
  return [makeTensorFromFlat(cos, [rows, cols], 'float32'), makeTensorFromFlat(sin, [rows, cols], 'float32')];
}

function checkSpectralInput(input, fn, dtypeWord, dtype) {
  const got = input instanceof Tensor ? input.dtype : undefined;
  if (got !== dtype) throw new Error(`The dtype for ${fn}() must be ${dtypeWord} but got ${got}${dtype === 'complex64' ? '.' : ''}`);
  if (input.isDisposed) throw new Error(`Argument 'input' passed to '${fn}' is a disposed Tensor.`);
  if (input.rank === 0) {
    throw new Error(`${fn}(): the input must have rank >= 1 (the transform runs along its last axis), but got a scalar`);
  }
  if (input.shape[input.rank - 1] === 0) throw new Error(`${fn}(): the last axis of the input has size 0`);
}

// Lengths up to DIRECT_MAX, and primes, take one product with the n×n matrices
// (O(n²), as tfjs's cpu backend for lengths that are not powers of two); longer
// composite lengths split n = n1·n2 (Cooley-Tukey's four steps: n2 DFTs of length
// n1, twiddle factors, n1 DFTs of length n2), recursively.
const DIRECT_MAX = 64;

/** The largest factor of n up to √n (1 for a prime): the split nearest √n. */
function splitOf(n) {
  let best = 1;
  for (let f = 2; f * f <= n; f++) {
    if (n % f === 0) best = f;
  }
  return best;
}

/**
 * [re, im] of Σ_j x[j]·e^(−s·2πijk/n) along the last axis of re + i·im ([rows, n]),
 * s = +1 (forward) or −1 (inverse, unscaled); built from reshape, transpose,
 * matMul and elementwise ops, so the tape differentiates it.
 */
function dftRows(re, im, rows, n, s) {
  const n1 = n > DIRECT_MAX ? splitOf(n) : 1;
  if (n1 === 1) {
    // (xr + i·xi)(C − i·s·S) = (xr·C + s·xi·S) + i·(xi·C − s·xr·S)
    const [C, S] = trigTables(n, n, n);
    const sgn = t => (s > 0 ? t : ops.neg(t));
    return [ops.add(ops.matMul(re, C), sgn(ops.matMul(im, S))), ops.sub(ops.matMul(im, C), sgn(ops.matMul(re, S)))];
  }
  const n2 = n / n1;
  // j = n2·j1 + j2, k = k1 + n1·k2: DFTs over j1 (length n1) for each j2.
  const byJ2 = t => ops.reshape(ops.transpose(ops.reshape(t, [rows, n1, n2]), [0, 2, 1]), [rows * n2, n1]);
  let [yr, yi] = dftRows(byJ2(re), byJ2(im), rows * n2, n1, s);
  // Twiddle factors e^(−s·2πi·j2·k1/n), broadcast over the rows.
  const [tc, ts0] = trigTables(n2, n1, n);
  const ts = s > 0 ? ops.neg(ts0) : ts0;
  yr = ops.reshape(yr, [rows, n2, n1]);
  yi = ops.reshape(yi, [rows, n2, n1]);
  [yr, yi] = [ops.sub(ops.mul(yr, tc), ops.mul(yi, ts)), ops.add(ops.mul(yr, ts), ops.mul(yi, tc))];
  // DFTs over j2 (length n2) for each k1.
  const byK1 = t => ops.reshape(ops.transpose(t, [0, 2, 1]), [rows * n1, n2]);
  let [zr, zi] = dftRows(byK1(yr), byK1(yi), rows * n1, n2, s);
  // [rows, k1, k2] -> k = k1 + n1·k2.
  const out = t => ops.reshape(ops.transpose(ops.reshape(t, [rows, n1, n2]), [0, 2, 1]), [rows, n]);
  return [out(zr), out(zi)];
}

/** The DFT (÷ n for the inverse) of a complex64 tensor along its last axis. */
function dft(x, inverse) {
  const n = x.shape[x.rank - 1];
  const rows = x.size / n;
  const {real: xr, imag: xi} = partsOf(x);
  let [re, im] = dftRows(ops.reshape(xr, [rows, n]), ops.reshape(xi, [rows, n]), rows, n, inverse ? -1 : 1);
  if (inverse) {
    re = ops.div(re, n);
    im = ops.div(im, n);
  }
  return pair(ops.reshape(re, x.shape), ops.reshape(im, x.shape));
}

/** tf.fft(input): the DFT of a complex64 tensor along its last axis. */
export function fft(input) {
  checkSpectralInput(input, 'tf.spectral.fft', 'complex64', 'complex64');
  return tidy(() => dft(input, false));
}

/** tf.ifft(input): the inverse DFT of a complex64 tensor along its last axis. */
export function ifft(input) {
  checkSpectralInput(input, 'tf.spectral.ifft', 'complex64', 'complex64');
  return tidy(() => dft(input, true));
}

/**
 * tf.rfft(input, fftLength?): the DFT of a float32 tensor along its last axis,
 * cropped or zero-padded to fftLength, keeping the fftLength / 2 + 1 unique
 * components (tfjs's rfft_, step for step).
 */
export function rfft(input, fftLength) {
  checkSpectralInput(input, 'rfft', 'real value', 'float32');
  if (fftLength != null && !(Number.isInteger(fftLength) && fftLength > 0)) {
    throw new Error(`rfft(): fftLength must be a positive integer, but got ${fftLength}`);
  }
  return tidy(() => {
    let innerDimensionSize = input.shape[input.rank - 1];
    const batch = input.size / innerDimensionSize;
    let adjustedInput;
    if (fftLength != null && fftLength < innerDimensionSize) {
      const size = input.shape.slice();
      size[input.rank - 1] = fftLength;
      adjustedInput = ops.slice(input, input.shape.map(() => 0), size);
      innerDimensionSize = fftLength;
    } else if (fftLength != null && fftLength > innerDimensionSize) {
      const zerosShape = input.shape.slice();
      zerosShape[input.rank - 1] = fftLength - innerDimensionSize;
      adjustedInput = ops.concat([input, ops.zeros(zerosShape)], input.rank - 1);
      innerDimensionSize = fftLength;
    } else {
      adjustedInput = input;
    }
    const complexInput = ops.reshape(complex(adjustedInput, ops.zerosLike(adjustedInput)), [batch, innerDimensionSize]);
    const ret = dft(complexInput, false);
    const half = Math.floor(innerDimensionSize / 2) + 1;
    const {real: re, imag: im} = partsOf(ret);
    const outputShape = adjustedInput.shape.slice();
    outputShape[adjustedInput.rank - 1] = half;
    return pair(ops.reshape(ops.slice(re, [0, 0], [batch, half]), outputShape),
                ops.reshape(ops.slice(im, [0, 0], [batch, half]), outputShape));
  });
}

/**
 * tf.irfft(input): the inverse of rfft: the real signal of length 2·(m − 1)
 * whose DFT's unique components are the input's m (tfjs's irfft_, step for step,
 * its output shapes included: [batch, n] for any rank but 3, [b, rows, n] for rank
 * 3, and for m <= 2 the inverse DFT of the m components as they are).
 */
export function irfft(input) {
  checkSpectralInput(input, 'irfft', 'complex64', 'complex64');
  return tidy(() => {
    const innerDimensionSize = input.shape[input.rank - 1];
    const batch = input.size / innerDimensionSize;
    let ret;
    if (innerDimensionSize <= 2) {
      ret = dft(ops.reshape(input, [batch, innerDimensionSize]), true);
    } else {
      const {real: re, imag: im} = partsOf(input);
      const realInput = ops.reshape(re, [batch, innerDimensionSize]);
      const imagInput = ops.reshape(im, [batch, innerDimensionSize]);
      const realConjugate = ops.reverse(ops.slice(realInput, [0, 1], [batch, innerDimensionSize - 2]), 1);
      const imagConjugate = ops.neg(ops.reverse(ops.slice(imagInput, [0, 1], [batch, innerDimensionSize - 2]), 1));
      ret = dft(pair(ops.concat([realInput, realConjugate], 1), ops.concat([imagInput, imagConjugate], 1)), true);
    }
    let out = f32(partsOf(ret).real);
    if (input.rank === 3 && input.shape[0] !== 0) {
      const b = input.shape[0];
      out = ops.reshape(out, [b, out.shape[0] / b, out.shape[1]]);
    }
    return out;
  });
}

/**
 * tf.signal.stft(signal, frameLength, frameStep, fftLength?, windowFn?): the rfft
 * of each windowed frame (fftLength defaults to the power of two enclosing
 * frameLength, windowFn to hannWindow).
 */
export function stft(input, frameLength, frameStep, fftLength, windowFn = signal.hannWindow) {
  if (fftLength == null) fftLength = enclosingPowerOfTwo(frameLength);
  return tidy(() => {
    const framed = signal.frame(input, frameLength, frameStep);
    return rfft(ops.mul(framed, windowFn(frameLength)), fftLength);
  });
}

signal.stft = stft;
export const spectral = {fft, ifft, rfft, irfft};

Object.assign(Tensor.prototype, {
  fft() { return fft(this); },
  ifft() { return ifft(this); },
  rfft() { return rfft(this); },
  irfft() { return irfft(this); },
});
