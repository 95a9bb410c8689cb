// complex64 tensors and the spectral ops (js/src/complex.js, issue 16) against tfjs
// 4.22 (cpu backend): values, dtypes, shapes and the interleaved [re, im, ...] layout
// of every op, printing, tf.memory() accounting, errors, and gradients (tfjs has none
// for complex/real/imag/fft/ifft/rfft/irfft: ours are checked against tfjs's
// gradients of the same functions written with real-valued ops).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {assertAllClose, captureLog, loadTfjs, seededData, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const LIBS = {ours: tf, tfjs};

/** A tensor's (or an array's, or an error's) record; tensors are disposed. */
function record(fn) {
  try {
    const walk = v => {
      if (Array.isArray(v)) return v.map(walk);
      const out = {dtype: v.dtype, shape: v.shape, values: Array.from(v.dataSync())};
      v.dispose();
      return out;
    };
    return walk(fn());
  } catch (e) {
    return {error: e.message};
  }
}

let maxDiff = 0;
function assertSameRecord(ours, theirs, what, rel) {
  if (Array.isArray(theirs)) {
    assert.ok(Array.isArray(ours), `${what}: ours is not a list`);
    assert.equal(ours.length, theirs.length, `${what}: list length`);
    theirs.forEach((t, i) => assertSameRecord(ours[i], t, `${what}[${i}]`, rel));
    return;
  }
  assert.equal(ours.error, undefined, `${what}: ours throws '${ours.error}'`);
  assert.equal(theirs.error, undefined, `${what}: tfjs throws '${theirs.error}'`);
  assert.equal(ours.dtype, theirs.dtype, `${what}: dtype`);
  assert.deepEqual(ours.shape, theirs.shape, `${what}: shape`);
  assertAllClose(ours.values, theirs.values, what, rel);
  for (let i = 0; i < ours.values.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours.values[i] - theirs.values[i]) / Math.max(Math.abs(theirs.values[i]), 1));
  }
}

/** Runs case(lib) on both libraries (inside a tidy) and compares the results; no tensor of ours leaks. */
function same(what, fn, rel = 2e-5) {
  const before = tf.memory().numTensors;
  const ours = record(() => tf.tidy(() => fn(tf)));
  const theirs = record(() => tfjs.tidy(() => fn(tfjs)));
  assertSameRecord(ours, theirs, what, rel);
  assert.equal(tf.memory().numTensors, before, `${what}: leaked tensors`);
}

const data = (shape, seed) => seededData(shape, seed, -2, 2);
const cplx = (lib, shape, seed = 1) =>
  lib.complex(lib.tensor(data(shape, seed), shape), lib.tensor(data(shape, seed + 7), shape));
const real = (lib, shape, seed = 1) => lib.tensor(data(shape, seed), shape);

test('tf.complex, tf.real, tf.imag: values, dtypes, shapes (scalars, batches, TensorLikes, int32 parts)', () => {
  for (const shape of [[], [1], [5], [2, 3], [2, 3, 4], [2, 1, 3, 2]]) {
    same(`complex ${shape}`, lib => cplx(lib, shape));
    same(`real ${shape}`, lib => lib.real(cplx(lib, shape)));
    same(`imag ${shape}`, lib => lib.imag(cplx(lib, shape)));
  }
  same('complex of arrays', lib => lib.complex([1, 2, 3], [4, -5, 6]));
  same('complex of numbers', lib => lib.complex(2, -3));
  same('complex of int32 parts', lib => lib.complex(lib.tensor([1, 2], [2], 'int32'), lib.tensor([3, 4], [2], 'int32')));
  same('real of an array-made complex', lib => lib.real(lib.complex([[1, 2]], [[3, 4]])));
});

// Up to 64 one product with the DFT matrices; longer composite lengths split (96 =
// 8·12, 128 = 8·16, 201 = 3·67, 1024 = 32·32, 4096 = 64·64), 67 and 97 are prime.
const FFT_SHAPES = [[1], [2], [3], [4], [5], [7], [8], [16], [2, 6], [3, 9], [3, 16], [2, 3, 5], [2, 2, 2, 8], [1, 32],
                    [64], [2, 67], [96], [97], [2, 128], [201], [2, 1024]];

test('tf.fft and tf.ifft along the last axis: odd, even and power-of-two lengths, batch dims', () => {
  for (const shape of FFT_SHAPES) {
    const n = shape[shape.length - 1];
    same(`fft ${shape}`, lib => lib.fft(cplx(lib, shape, n)), 5e-5);
    same(`ifft ${shape}`, lib => lib.ifft(cplx(lib, shape, n + 1)), 5e-5);
    same(`spectral.fft ${shape}`, lib => lib.spectral.fft(cplx(lib, shape, 3)), 5e-5);
    same(`spectral.ifft ${shape}`, lib => lib.spectral.ifft(cplx(lib, shape, 4)), 5e-5);
    same(`Tensor#fft ${shape}`, lib => cplx(lib, shape, 5).fft(), 5e-5);
    same(`Tensor#ifft ${shape}`, lib => cplx(lib, shape, 6).ifft(), 5e-5);
    same(`ifft(fft(x)) ${shape}`, lib => lib.ifft(lib.fft(cplx(lib, shape, 9))), 5e-5);
  }
});

test('tf.rfft with and without fftLength (shorter, equal, longer than the input)', () => {
  for (const shape of [[1], [2], [3], [5], [8], [2, 6], [3, 7], [2, 3, 8], [2, 2, 1, 5], [2, 100]]) {
    const n = shape[shape.length - 1];
    same(`rfft ${shape}`, lib => lib.rfft(real(lib, shape, n)), 5e-5);
    same(`spectral.rfft ${shape}`, lib => lib.spectral.rfft(real(lib, shape, n + 2)), 5e-5);
    same(`Tensor#rfft ${shape}`, lib => real(lib, shape, n + 3).rfft(), 5e-5);
    for (const fftLength of [1, 2, Math.max(1, n - 1), n, n + 1, 2 * n + 3, 16]) {
      same(`rfft ${shape} fftLength ${fftLength}`, lib => lib.rfft(real(lib, shape, fftLength), fftLength), 5e-5);
      same(`spectral.rfft ${shape} fftLength ${fftLength}`,
           lib => lib.spectral.rfft(real(lib, shape, fftLength + 1), fftLength), 5e-5);
    }
  }
  same('Variable#rfft', lib => {
    const v = lib.variable(real(lib, [2, 6], 4));
    const out = v.rfft();
    v.dispose();
    return out;
  }, 5e-5);
});

test('tf.irfft: its output shapes for ranks 1 to 4 and m <= 2, and irfft(rfft(x)) = x for even lengths', () => {
  for (const shape of [[1], [2], [3], [5], [8], [2, 1], [2, 2], [3, 4], [2, 7], [2, 3, 5], [3, 1, 2], [2, 2, 2, 4], [1, 1, 9],
                       [2, 65]]) {
    const m = shape[shape.length - 1];
    same(`irfft ${shape}`, lib => lib.irfft(cplx(lib, shape, m)), 5e-5);
    same(`spectral.irfft ${shape}`, lib => lib.spectral.irfft(cplx(lib, shape, m + 1)), 5e-5);
    same(`Tensor#irfft ${shape}`, lib => cplx(lib, shape, m + 2).irfft(), 5e-5);
  }
  for (const shape of [[4], [2, 8], [3, 6], [2, 2, 10]]) {
    same(`irfft(rfft(x)) ${shape}`, lib => lib.irfft(lib.rfft(real(lib, shape, 3))), 5e-5);
    const x = real(tf, shape, 3);
    const back = tf.tidy(() => tf.reshape(tf.irfft(tf.rfft(x)), shape));
    assertAllClose(back.dataSync(), x.dataSync(), `irfft(rfft(x)) = x ${shape}`, 1e-5);
    tf.dispose([x, back]);
  }
});

test('tf.signal.stft with and without fftLength and windowFn', () => {
  for (const length of [16, 21, 32]) {
    for (const [frameLength, frameStep] of [[4, 2], [5, 3], [8, 8], [7, 1]]) {
      const sig = lib => lib.tensor(data([length], length + frameLength), [length]);
      same(`stft ${length} ${frameLength} ${frameStep}`, lib => lib.signal.stft(sig(lib), frameLength, frameStep), 5e-5);
      for (const fftLength of [frameLength - 1, frameLength, 16]) {
        same(`stft ${length} ${frameLength} ${frameStep} fftLength ${fftLength}`,
             lib => lib.signal.stft(sig(lib), frameLength, frameStep, fftLength), 5e-5);
      }
      same(`stft ${length} ${frameLength} ${frameStep} hamming`,
           lib => lib.signal.stft(sig(lib), frameLength, frameStep, undefined, lib.signal.hammingWindow), 5e-5);
      same(`stft ${length} ${frameLength} ${frameStep} 12 ones`,
           lib => lib.signal.stft(sig(lib), frameLength, frameStep, 12, n => lib.ones([n])), 5e-5);
    }
  }
  same('stft of 4096 samples, frames of 200, fftLength 256', lib =>
    lib.signal.stft(lib.tensor(data([4096], 5), [4096]), 200, 80), 1e-4);
  same('stft of 4096 samples, frames of 300, fftLength 480 (= 20·24)', lib =>
    lib.signal.stft(lib.tensor(data([4096], 6), [4096]), 300, 160, 480), 1e-4);
  same('stft of a signal shorter than a frame (no frames)', lib => lib.signal.stft(lib.tensor([1, 2, 3]), 4, 2));
});

test('ops on complex64 tensors: abs, add/sub/mul, cast, reshape, expandDims, squeeze, concat, stack, clone, zerosLike, onesLike', () => {
  for (const shape of [[], [4], [2, 3], [2, 1, 3]]) {
    same(`abs ${shape}`, lib => lib.abs(cplx(lib, shape)));
    same(`Tensor#abs ${shape}`, lib => cplx(lib, shape).abs());
    for (const op of ['add', 'sub', 'mul']) {
      same(`${op} ${shape}`, lib => lib[op](cplx(lib, shape, 1), cplx(lib, shape, 2)));
      same(`${op} complex, float32 ${shape}`, lib => lib[op](cplx(lib, shape, 1), real(lib, shape, 3)));
      same(`${op} float32, complex ${shape}`, lib => lib[op](real(lib, shape, 3), cplx(lib, shape, 1)));
      same(`Tensor#${op} ${shape}`, lib => cplx(lib, shape, 1)[op](cplx(lib, shape, 4)));
    }
    for (const dtype of ['float32', 'int32', 'bool', 'complex64']) {
      same(`cast complex -> ${dtype} ${shape}`, lib => lib.cast(cplx(lib, shape), dtype));
    }
    same(`cast float32 -> complex64 ${shape}`, lib => lib.cast(real(lib, shape), 'complex64'));
    same(`cast int32 -> complex64 ${shape}`, lib => lib.cast(lib.tensor(seededData(shape, 2, -9, 9).map(Math.round), shape, 'int32'), 'complex64'));
    same(`clone ${shape}`, lib => lib.clone(cplx(lib, shape)));
    same(`Tensor#clone ${shape}`, lib => cplx(lib, shape).clone());
    same(`zerosLike ${shape}`, lib => lib.zerosLike(cplx(lib, shape)));
    same(`onesLike ${shape}`, lib => lib.onesLike(cplx(lib, shape)));
    same(`concat ${shape}`, lib => lib.concat([cplx(lib, [2, ...shape], 1), cplx(lib, [3, ...shape], 2)]));
    same(`stack ${shape}`, lib => lib.stack([cplx(lib, shape, 1), cplx(lib, shape, 2)]));
    same(`expandDims ${shape}`, lib => lib.expandDims(cplx(lib, shape), 0));
  }
  same('reshape', lib => lib.reshape(cplx(lib, [2, 3]), [3, 2]));
  same('Tensor#reshape, flatten, as1D', lib => [cplx(lib, [2, 3]).reshape([6, 1]), cplx(lib, [2, 3]).flatten(), cplx(lib, [3, 2]).as1D()]);
  same('squeeze', lib => lib.squeeze(cplx(lib, [2, 1, 3])));
  same('concat axis 1', lib => lib.concat([cplx(lib, [2, 3], 1), cplx(lib, [2, 1], 2)], 1));
  // Broadcasting: tfjs's cpu backend returns NaN past the first row here, so checked
  // against the elementwise products written out.
  const z = tf.complex([[1, 2], [3, 4]], [[5, 6], [7, 8]]);
  const iz = tf.mul(z, tf.complex(0, 1));
  assert.deepEqual(Array.from(iz.dataSync()), [-5, 1, -6, 2, -7, 3, -8, 4]);
  tf.dispose([z, iz]);
  const a = tf.complex([[1, 2], [3, 4]], [[0.5, -1], [2, 0]]);
  const b = tf.complex([10, 20], [1, -2]);
  const prod = tf.mul(a, b);
  assert.deepEqual(Array.from(prod.dataSync()), [9.5, 6, 38, -24, 28, 23, 80, -8]);
  const sum = tf.add(a, tf.tensor([1, 2], [2], 'int32'));
  assert.equal(sum.dtype, 'complex64');
  assert.deepEqual(Array.from(sum.dataSync()), [2, 0.5, 4, -1, 4, 2, 6, 0]);
  tf.dispose([a, b, prod, sum]);
});

test('data(), dataSync(), array(), arraySync(), print and toString as tfjs (interleaved [re, im, ...])', async () => {
  for (const shape of [[], [1], [3], [2, 3], [2, 2, 2], [25], [25, 2], [2, 0]]) {
    const [ours, theirs] = [tf, tfjs].map(lib => cplx(lib, shape));
    assert.equal(ours.dtype, 'complex64');
    assert.deepEqual(ours.shape, theirs.shape);
    assert.equal(ours.size, theirs.size, `size ${shape}`);
    assert.equal(ours.rank, theirs.rank, `rank ${shape}`);
    const sync = ours.dataSync();
    assert.ok(sync instanceof Float32Array, 'dataSync() is a Float32Array');
    assert.deepEqual(sync, theirs.dataSync(), `dataSync ${shape}`);
    assert.deepEqual(await ours.data(), await theirs.data(), `data ${shape}`);
    assert.deepEqual(ours.arraySync(), theirs.arraySync(), `arraySync ${shape}`);
    assert.deepEqual(await ours.array(), await theirs.array(), `array ${shape}`);
    assert.equal(ours.toString(), theirs.toString(), `toString ${shape}`);
    assert.equal(ours.toString(true), theirs.toString(true), `toString(verbose) ${shape}`);
    assert.equal(captureLog(() => ours.print()), captureLog(() => theirs.print()), `print ${shape}`);
    assert.equal(captureLog(() => ours.print(true)), captureLog(() => theirs.print(true)), `print(verbose) ${shape}`);
    ours.dispose();
    theirs.dispose();
  }
  const c = tf.complex([[1, 2.5]], [[-3, 0.125]]);
  assert.deepEqual(Array.from(c.dataSync()), [1, -3, 2.5, 0.125]);
  assert.deepEqual(c.arraySync(), [[1, -3, 2.5, 0.125]]);
  c.dispose();
});

test('tf.memory() counts a complex64 tensor as one tensor, as tfjs; tidy, keep and dispose free it', () => {
  const steps = lib => {
    const counts = [];
    const count = () => counts.push(lib.memory().numTensors);
    const r = lib.tensor([[1, 2], [3, 4]]);
    const i = lib.tensor([[0, 1], [1, 0]]);
    count();
    const c = lib.complex(r, i);
    count();
    const c2 = c.clone();
    count();
    const c3 = c.reshape([4]);
    count();
    const f = lib.fft(c);
    count();
    let keptReal;
    const kept = lib.tidy(() => {
      const inner = lib.mul(lib.ifft(lib.fft(c)), lib.complex(2, 0));
      keptReal = lib.keep(lib.real(inner));
      return lib.add(inner, c);
    });
    count();
    assert.equal(keptReal.isDisposed, false);
    keptReal.dispose();
    count();
    lib.dispose([c, c2, c3, f]);
    count();
    c.dispose();  // twice: a no-op
    count();
    kept.dispose();
    count();
    lib.dispose([r, i]);
    count();
    return counts.map(n => n - counts[0]);
  };
  const before = tf.memory().numTensors;
  const ours = steps(tf);
  const theirs = steps(tfjs);
  assert.deepEqual(ours, theirs);
  assert.deepEqual(ours, [0, 1, 2, 3, 4, 6, 5, 1, 1, 0, -2]);
  assert.equal(tf.memory().numTensors, before);
});

test('a disposed complex64 tensor throws as tfjs, and disposing it frees both parts', () => {
  const before = tf.memory();
  const c = tf.complex([1, 2], [3, 4]);
  assert.equal(c.isDisposed, false);
  c.dispose();
  assert.equal(c.isDisposed, true);
  assert.throws(() => c.dataSync(), /Tensor is disposed/);
  assert.throws(() => tf.real(c), /disposed/);
  assert.throws(() => tf.fft(c), /disposed/);
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numDataBuffers, before.numDataBuffers);
  assert.equal(after.numBytes, before.numBytes);
});

// ---- errors -------------------------------------------------------------------------

/** The error (message) of fn() in each library. */
function errors(fn) {
  const out = {};
  for (const [name, lib] of Object.entries(LIBS)) {
    const before = lib.memory().numTensors;
    try {
      lib.tidy(() => fn(lib));
      out[name] = null;
    } catch (e) {
      out[name] = e.message;
    }
    if (name === 'ours') assert.equal(lib.memory().numTensors, before, 'an error leaks no tensor');
  }
  return out;
}

test('errors with tfjs\'s messages: dtypes of the spectral ops, complex shapes, making complex64 directly', () => {
  const cases = {
    'fft of float32': lib => lib.fft(lib.tensor([1, 2])),
    'ifft of float32': lib => lib.ifft(lib.tensor([1, 2])),
    'spectral.fft of int32': lib => lib.spectral.fft(lib.tensor([1, 2], [2], 'int32')),
    'fft of an array': lib => lib.fft([1, 2]),
    'rfft of complex64': lib => lib.rfft(lib.complex([1, 2], [3, 4])),
    'rfft of int32': lib => lib.rfft(lib.tensor([1, 2], [2], 'int32')),
    'Tensor#fft of float32': lib => lib.tensor([1, 2]).fft(),
    'complex shapes': lib => lib.complex(lib.tensor([[1, 2, 3]]), lib.tensor([1])),
    'complex64 from values': lib => lib.tensor([1, 2], [2], 'complex64'),
    'dropout of complex64': lib => lib.dropout(lib.complex([1, 2], [3, 4]), 0.5),
    'bufferSync of complex64': lib => lib.complex([1, 2], [3, 4]).bufferSync(),
  };
  for (const [what, fn] of Object.entries(cases)) {
    const {ours, tfjs: theirs} = errors(fn);
    assert.ok(theirs != null, `${what}: tfjs throws`);
    assert.equal(ours, theirs, what);
  }
});

test('errors where tfjs crashes or fails obscurely: clear messages here', () => {
  const cases = {
    'fft of a scalar': [lib => lib.fft(lib.complex(1, 2)), /fft\(\): the input must have rank >= 1/],
    'rfft of a scalar': [lib => lib.rfft(lib.scalar(3)), /rfft\(\): the input must have rank >= 1/],
    'fft of an empty last axis': [lib => lib.fft(lib.complex(lib.zeros([2, 0]), lib.zeros([2, 0]))), /the last axis of the input has size 0/],
    'rfft of an empty last axis': [lib => lib.rfft(lib.zeros([2, 0])), /the last axis of the input has size 0/],
    'irfft of float32': [lib => lib.irfft(lib.tensor([1, 2, 3])), /The dtype for irfft\(\) must be complex64 but got float32/],
    'real of float32': [lib => lib.real(lib.tensor([1, 2])), /tf.real\(\): the input must be a complex64 tensor.*float32/],
    'imag of int32': [lib => lib.imag(lib.tensor([1, 2], [2], 'int32')), /tf.imag\(\): the input must be a complex64 tensor.*int32/],
  };
  for (const [what, [fn, pattern]] of Object.entries(cases)) {
    const {ours, tfjs: theirs} = errors(fn);
    assert.ok(theirs != null, `${what}: tfjs throws too`);
    assert.match(String(ours), pattern, what);
  }
  assert.throws(() => tf.rfft(tf.tensor([1, 2]), 0), /rfft\(\): fftLength must be a positive integer, but got 0/);
  assert.throws(() => tf.rfft(tf.tensor([1, 2]), 2.5), /fftLength must be a positive integer/);
  assert.throws(() => tf.complex(tf.complex(1, 2), tf.complex(3, 4)),
                /Argument 'real' passed to 'complex' must be a real-valued .* but got a complex64 tensor/);
});

test('every other op given a complex64 tensor throws an Error naming the op and the dtype', () => {
  const c = tf.complex([[1, 2], [3, 4]], [[0, 1], [1, 0]]);
  const cond = tf.tensor([[true, false], [true, true]]);
  const c4 = c.reshape([1, 2, 2, 1]), f4 = c.reshape([1, 1, 1, 4]);
  const before = tf.memory().numTensors;
  const ops = {
    exp: () => tf.exp(c), neg: () => tf.neg(c), sqrt: () => c.sqrt(), relu: () => tf.relu(c), sum: () => tf.sum(c),
    mean: () => c.mean(), max: () => tf.max(c), argMax: () => tf.argMax(c), div: () => tf.div(c, c),
    maximum: () => tf.maximum(c, c), equal: () => tf.equal(c, c), matMul: () => tf.matMul(c, c),
    slice: () => tf.slice(c, [0, 0], [1, 1]), transpose: () => tf.transpose(c), tile: () => tf.tile(c, [1, 2]),
    gather: () => tf.gather(c, [0]), reverse: () => tf.reverse(c, 0), pad: () => tf.pad(c, [[0, 0], [1, 0]]),
    where: () => tf.where(cond, c, c), unstack: () => tf.unstack(c),
    split: () => tf.split(c, 2), softmax: () => tf.softmax(c), conv2d: () => tf.conv2d(c4, f4, 1, 'valid'),
  };
  for (const [op, fn] of Object.entries(ops)) {
    assert.throws(fn, e => new RegExp(`^${op} does not support complex64 tensors`).test(e.message), op);
  }
  assert.equal(tf.memory().numTensors, before, 'the failed ops leak nothing');
  // Composed ops, losses, metrics: named by the function called.
  const composed = {
    unique: () => tf.unique(c), cumprod: () => tf.cumprod(c), diag: () => tf.diag(c), euclideanNorm: () => tf.euclideanNorm(c),
    meanSquaredError: () => tf.losses.meanSquaredError(c, c), binaryAccuracy: () => tf.metrics.binaryAccuracy(c, c),
    bandPart: () => tf.linalg.bandPart(c, 0, 0), frame: () => tf.tidy(() => tf.signal.frame(c.reshape([4]), 2, 1)),
  };
  for (const [op, fn] of Object.entries(composed)) {
    assert.throws(fn, e => new RegExp(`^${op} does not support complex64 tensors`).test(e.message), op);
  }
  // Outside the ops: a variable, a layer, gradients with respect to or of a complex tensor.
  assert.throws(() => tf.variable(c), /variable does not support complex64 tensors/);
  const dense = tf.layers.dense({units: 1, inputShape: [2]});
  assert.throws(() => dense.apply(c), /\.apply does not support complex64 tensors/);
  assert.throws(() => tf.grad(x => tf.abs(x).sum())(c), /tf.grad does not support complex64 tensors/);
  const r = tf.tensor([1, 2]);
  assert.throws(() => tf.grad(x => tf.complex(x, x))(r), /The result y returned by f\(\) is a complex64 tensor/);
  const ones = tf.ones([2, 2]);
  assert.throws(() => tf.concat([c, ones]), /Cannot concatenate complex64 tensors with a tensor with dtype float32/);
  assert.throws(() => tf.stack([ones, c]), /Cannot concatenate complex64 tensors with a tensor with dtype float32/);
  ones.dispose();
  assert.match(captureLog(() => tf.print(c)), /\[\[1 \+ 0j, 2 \+ 1j\],/);
  tf.dispose([c, r, cond, c4, f4]);
  assert.equal(tf.memory().numTensors, before - 4);
});

// ---- gradients ------------------------------------------------------------------------
// tfjs registers no gradient for Complex, Real, Imag, FFT, IFFT: tf.grad through them
// throws there. Ours come from the real-valued ops the transforms are made of; the
// oracle is tfjs's gradient of the same function written with cos/sin matrices.

function dftMats(lib, n) {
  const cos = [], sin = [];
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      cos.push(Math.cos(a));
      sin.push(Math.sin(a));
    }
  }
  return [lib.tensor(cos, [n, n]), lib.tensor(sin, [n, n])];
}

/** [re, im] of the (inverse) DFT of re + i·im ([batch, n]) with real ops. */
function dftReal(lib, re, im, inverse = false) {
  const n = re.shape[re.shape.length - 1];
  const [C, S] = dftMats(lib, n);
  if (inverse) {
    return [lib.div(lib.sub(lib.matMul(re, C), lib.matMul(im, S)), n), lib.div(lib.add(lib.matMul(im, C), lib.matMul(re, S)), n)];
  }
  return [lib.add(lib.matMul(re, C), lib.matMul(im, S)), lib.sub(lib.matMul(im, C), lib.matMul(re, S))];
}

function sameGrads(what, ourLoss, oracleLoss, shapes, rel = 1e-4) {
  const before = tf.memory().numTensors;
  const args = lib => shapes.map((s, i) => lib.tensor(data(s, 11 + i), s));
  const oursArgs = args(tf);
  const ours = tf.grads(ourLoss)(oursArgs);
  const theirsArgs = args(tfjs);
  const theirs = tfjs.grads(oracleLoss)(theirsArgs);
  ours.forEach((g, i) => {
    assert.deepEqual(g.shape, theirs[i].shape, `${what}: grad ${i} shape`);
    assertAllClose(g.dataSync(), theirs[i].dataSync(), `${what}: grad ${i}`, rel);
    const t = theirs[i].dataSync();
    g.dataSync().forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - t[j]) / Math.max(Math.abs(t[j]), 1)); });
  });
  tf.dispose([...ours, ...oursArgs]);
  tfjs.dispose([...theirs, ...theirsArgs]);
  assert.equal(tf.memory().numTensors, before, `${what}: leaked tensors`);
}

test('tfjs has no gradient for complex, real, imag, fft (tf.grad throws there)', () => {
  const x = tfjs.tensor([1, 2, 3]);
  assert.throws(() => tfjs.grad(v => tfjs.real(tfjs.fft(tfjs.complex(v, v))).sum())(x), /gradient function not found for/);
  assert.throws(() => tfjs.grad(v => tfjs.abs(tfjs.rfft(v)).sum())(x), /gradient function not found for/);
  x.dispose();
});

test('gradients through complex/real/imag/fft/ifft/rfft/irfft/stft/abs match tfjs\'s of the real-valued equivalents', () => {
  for (const n of [1, 4, 5, 8, 72, 128]) {
    const w = lib => [lib.tensor(data([3, n], 30), [3, n]), lib.tensor(data([3, n], 31), [3, n])];
    for (const inverse of [false, true]) {
      const name = inverse ? 'ifft' : 'fft';
      sameGrads(`${name} n=${n}`, (re, im) => {
        const [wr, wi] = w(tf);
        const y = tf[name](tf.complex(re, im));
        return tf.add(tf.sum(tf.mul(tf.real(y), wr)), tf.sum(tf.mul(tf.imag(y), wi)));
      }, (re, im) => {
        const [wr, wi] = w(tfjs);
        const [yr, yi] = dftReal(tfjs, re, im, inverse);
        return tfjs.add(tfjs.sum(tfjs.mul(yr, wr)), tfjs.sum(tfjs.mul(yi, wi)));
      }, [[3, n], [3, n]]);
    }
    sameGrads(`abs(fft) n=${n}`, (re, im) => tf.sum(tf.abs(tf.fft(tf.complex(re, im)))),
              (re, im) => {
                const [yr, yi] = dftReal(tfjs, re, im);
                return tfjs.sum(tfjs.sqrt(tfjs.add(tfjs.square(yr), tfjs.square(yi))));
              }, [[2, n], [2, n]]);
  }
  // rfft, fftLength shorter, equal and longer than the signal.
  for (const [n, fftLength] of [[6, undefined], [6, 4], [6, 9], [5, 8]]) {
    const L = fftLength || n;
    const half = Math.floor(L / 2) + 1;
    const w = lib => lib.tensor(data([2, half], 40), [2, half]);
    sameGrads(`rfft n=${n} fftLength=${fftLength}`, x => tf.sum(tf.mul(tf.abs(tf.rfft(x, fftLength)), w(tf))), x => {
      const lib = tfjs;
      const xl = L < n ? lib.slice(x, [0, 0], [2, L]) : L > n ? lib.concat([x, lib.zeros([2, L - n])], 1) : x;
      const [yr, yi] = dftReal(lib, xl, lib.zerosLike(xl));
      const mag = lib.sqrt(lib.add(lib.square(lib.slice(yr, [0, 0], [2, half])), lib.square(lib.slice(yi, [0, 0], [2, half]))));
      return lib.sum(lib.mul(mag, w(lib)));
    }, [[2, n]]);
  }
  // irfft: the spectrum completed with its conjugates, then the inverse DFT's real part.
  for (const m of [2, 3, 5]) {
    const n = m <= 2 ? m : 2 * (m - 1);
    const w = lib => lib.tensor(data([2, n], 50), [2, n]);
    sameGrads(`irfft m=${m}`, (re, im) => tf.sum(tf.mul(tf.irfft(tf.complex(re, im)), w(tf))), (re, im) => {
      const lib = tfjs;
      let fr = re, fi = im;
      if (m > 2) {
        fr = lib.concat([re, lib.reverse(lib.slice(re, [0, 1], [2, m - 2]), 1)], 1);
        fi = lib.concat([im, lib.neg(lib.reverse(lib.slice(im, [0, 1], [2, m - 2]), 1))], 1);
      }
      return lib.sum(lib.mul(dftReal(lib, fr, fi, true)[0], w(lib)));
    }, [[2, m], [2, m]]);
  }
  // stft: framed, windowed (hann), rfft to the enclosing power of two.
  const w = lib => lib.tensor(data([5, 5], 60), [5, 5]);
  sameGrads('stft', x => tf.sum(tf.mul(tf.abs(tf.signal.stft(x, 6, 3)), w(tf))), x => {
    const lib = tfjs;
    const framed = lib.mul(lib.signal.frame(x, 6, 3), lib.signal.hannWindow(6));
    const padded = lib.concat([framed, lib.zeros([5, 2])], 1);
    const [yr, yi] = dftReal(lib, padded, lib.zerosLike(padded));
    const mag = lib.sqrt(lib.add(lib.square(lib.slice(yr, [0, 0], [5, 5])), lib.square(lib.slice(yi, [0, 0], [5, 5]))));
    return lib.sum(lib.mul(mag, w(lib)));
  }, [[18]]);
  // abs of a complex tensor, and the real/imag parts of a product.
  sameGrads('abs(complex)', (re, im) => tf.sum(tf.abs(tf.complex(re, im))),
            (re, im) => tfjs.sum(tfjs.sqrt(tfjs.add(tfjs.square(re), tfjs.square(im)))), [[2, 3], [2, 3]]);
  sameGrads('real/imag of complex products', (a, b) => {
    const z = tf.mul(tf.complex(a, b), tf.add(tf.complex(b, a), tf.complex(1, 2)));
    return tf.add(tf.sum(tf.real(z)), tf.sum(tf.mul(tf.imag(z), 3)));
  }, (a, b) => {
    const lib = tfjs;
    const cr = lib.add(b, 1), ci = lib.add(a, 2);
    const zr = lib.sub(lib.mul(a, cr), lib.mul(b, ci)), zi = lib.add(lib.mul(a, ci), lib.mul(b, cr));
    return lib.add(lib.sum(zr), lib.sum(lib.mul(zi, 3)));
  }, [[4], [4]]);
  console.log(`# max relative difference vs tfjs (values and gradients): ${maxDiff.toExponential(2)}`);
});

test('models reject complex64 inputs and targets by the method called', async () => {
  const c = tf.complex([[1, 2]], [[3, 4]]);
  const y = tf.ones([1, 1]), x = tf.ones([1, 2]);
  const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [2]})]});
  model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});
  const named = op => e => new RegExp(`^${op} does not support complex64 tensors`).test(e.message);
  assert.throws(() => model.predict(c), named('predict'));
  assert.throws(() => model.predictOnBatch(c), named('predictOnBatch'));
  assert.throws(() => model.evaluate(c, y), named('evaluate'));
  await assert.rejects(model.fit(c, y), named('fit'));
  await assert.rejects(model.fit(x, c), named('fit'));
  await assert.rejects(model.trainOnBatch(c, y), named('trainOnBatch'));
  tf.dispose([c, x, y]);
  model.dispose();
});
