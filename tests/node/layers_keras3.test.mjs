// Keras 3 layers tfjs 4.22 lacks (issue 17): Subtract, Identity, Cropping1D/3D,
// UpSampling1D/3D, ZeroPadding1D/3D, GlobalAveragePooling3D, GlobalMaxPooling3D,
// SpatialDropout2D/3D, UnitNormalization, GroupNormalization, Conv1DTranspose,
// SeparableConv1D, DepthwiseConv1D, RMSNormalization; and LayerNormalization's rms_scaling.
//
// Each case has a plain-JS reference (float64 loops written from Keras 3's source) and,
// where tfjs has an equivalent computation (separableConv2d on a unit height, mean,
// pad, slice...), a tfjs one too. Per case: predict() against both, the gradients of
// sum(y * r) with respect to the inputs and every weight against central finite
// differences of the reference, and a hand-written Keras 3 model.json (module /
// class_name / config / registered_name, snake_case, DTypePolicy, weights named as
// Keras 3 names them) that loads and predicts the reference. Config and save/load
// round trips run in the contract harness (layer_cases.mjs: KERAS_ONLY).
import assert from 'node:assert/strict';
import {after, test} from 'node:test';

import {loadTfjs, seededData, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const maxDiff = {};  // case -> {ref, tfjs, grad}
const note = (name, key, d) => {
  maxDiff[name] = maxDiff[name] || {};
  maxDiff[name][key] = Math.max(maxDiff[name][key] ?? 0, d);
};
after(() => {
  console.log('max |ours - reference| / max(1, |reference|) per case:');
  for (const [name, d] of Object.entries(maxDiff)) console.log(`  ${name}: ${JSON.stringify(d)}`);
});

// ---- float64 nd arrays and the references ---------------------------------------------

const numel = s => s.reduce((a, b) => a * b, 1);
function stridesOf(shape) {
  const st = new Array(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) { st[i] = acc; acc *= shape[i]; }
  return st;
}
const arr = (shape, data) => ({shape, data: Float64Array.from(data), st: stridesOf(shape)});
const get = (a, idx) => idx.reduce((o, v, k) => o + v * a.st[k], 0);
/** An array of `shape` whose element at multi-index i is f(i). */
function build(shape, f) {
  const data = new Float64Array(numel(shape));
  const idx = new Array(shape.length).fill(0);
  for (let n = 0; n < data.length; n++) {
    data[n] = f(idx);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return arr(shape, data);
}
const at = (a, idx) => a.data[get(a, idx)];
const ACT = {linear: v => v, relu: v => Math.max(v, 0), tanh: Math.tanh};
// channels first <-> last for an nd array
const toLast = a => build([a.shape[0], ...a.shape.slice(2), a.shape[1]],
  i => at(a, [i[0], i[i.length - 1], ...i.slice(1, -1)]));
const toFirst = a => build([a.shape[0], a.shape[a.shape.length - 1], ...a.shape.slice(1, -1)],
  i => at(a, [i[0], ...i.slice(2), i[1]]));
const inLast = (cf, f) => (cf ? x => toFirst(f(toLast(x))) : f);

const ref = {
  subtract: ([a, b]) => build(a.shape, i => at(a, i) - at(b, i)),
  identity: ([x]) => x,
  // pairs: [[before, after], ...] per spatial dim
  crop: (pairs, cf = false) => ([x]) => inLast(cf, v => {
    const out = v.shape.map((d, k) => (k >= 1 && k <= pairs.length ? d - pairs[k - 1][0] - pairs[k - 1][1] : d));
    return build(out, i => at(v, i.map((j, k) => (k >= 1 && k <= pairs.length ? j + pairs[k - 1][0] : j))));
  })(x),
  pad: (pairs, cf = false) => ([x]) => inLast(cf, v => {
    const out = v.shape.map((d, k) => (k >= 1 && k <= pairs.length ? d + pairs[k - 1][0] + pairs[k - 1][1] : d));
    return build(out, i => {
      const src = i.map((j, k) => (k >= 1 && k <= pairs.length ? j - pairs[k - 1][0] : j));
      return src.every((j, k) => j >= 0 && j < v.shape[k]) ? at(v, src) : 0;
    });
  })(x),
  upsample: (size, cf = false) => ([x]) => inLast(cf, v => {
    const out = v.shape.map((d, k) => (k >= 1 && k <= size.length ? d * size[k - 1] : d));
    return build(out, i => at(v, i.map((j, k) => (k >= 1 && k <= size.length ? Math.floor(j / size[k - 1]) : j))));
  })(x),
  globalPool: (isMax, cf = false, keepdims = false) => ([x]) => {
    const v = cf ? toLast(x) : x;
    const [b, ...rest] = v.shape;
    const c = rest.pop();
    const n = numel(rest);
    const pooled = build([b, c], ([bi, ci]) => {
      let acc = isMax ? -Infinity : 0;
      for (let s = 0; s < n; s++) {
        const e = v.data[(bi * n + s) * c + ci];
        acc = isMax ? Math.max(acc, e) : acc + e / n;
      }
      return acc;
    });
    if (!keepdims) return pooled;
    const ones = rest.map(() => 1);
    return arr(cf ? [b, c, ...ones] : [b, ...ones, c], pooled.data);
  },
  unitNorm: axes => ([x]) => {
    const ax = axes.map(a => (a < 0 ? a + x.shape.length : a));
    const sq = new Map();
    build(x.shape, i => {
      const key = i.map((j, k) => (ax.includes(k) ? 0 : j)).join(',');
      sq.set(key, (sq.get(key) || 0) + at(x, i) ** 2);
      return 0;
    });
    return build(x.shape, i => at(x, i) / Math.sqrt(Math.max(sq.get(i.map((j, k) => (ax.includes(k) ? 0 : j)).join(',')), 1e-12)));
  },
  // Keras GroupNormalization: per sample and group, moments over the group's channels and all other axes.
  groupNorm: (groups, axis = -1, eps = 1e-3) => ([x], [gamma, beta]) => {
    const a = axis < 0 ? axis + x.shape.length : axis;
    const per = x.shape[a] / groups;
    const key = i => `${i[0]}:${Math.floor(i[a] / per)}`;
    const sums = new Map(), counts = new Map();
    build(x.shape, i => { sums.set(key(i), (sums.get(key(i)) || 0) + at(x, i)); counts.set(key(i), (counts.get(key(i)) || 0) + 1); return 0; });
    const vars = new Map();
    build(x.shape, i => { const m = sums.get(key(i)) / counts.get(key(i)); vars.set(key(i), (vars.get(key(i)) || 0) + (at(x, i) - m) ** 2); return 0; });
    return build(x.shape, i => {
      const m = sums.get(key(i)) / counts.get(key(i)), v = vars.get(key(i)) / counts.get(key(i));
      const c = i[a];
      return (at(x, i) - m) / Math.sqrt(v + eps) * (gamma ? gamma.data[c] : 1) + (beta ? beta.data[c] : 0);
    });
  },
  // RMSNormalization: x / sqrt(mean(x^2 over the trailing `axes`) + eps) * scale (scale shaped as those dims).
  rmsNorm: (nAxes, eps = 1e-6) => ([x], [scale]) => {
    const group = x.shape.slice(-nAxes).reduce((a, b) => a * b, 1);
    const ms = [];
    for (let r = 0; r < x.data.length / group; r++) {
      ms.push(Array.from(x.data.subarray(r * group, (r + 1) * group)).reduce((a, v) => a + v * v, 0) / group);
    }
    return build(x.shape, i => { const n = get(x, i); return at(x, i) / Math.sqrt(ms[Math.floor(n / group)] + eps) * scale.data[n % group]; });
  },
  // LayerNormalization(rms_scaling=True) as Keras 3 computes it: x * rsqrt(var(x) + eps) * gamma
  // over the last axis (the variance centred, x not), no beta.
  rmsLayerNorm: (eps = 1e-3) => ([x], [gamma]) => {
    const C = x.shape[x.shape.length - 1];
    const variances = [];
    for (let r = 0; r < x.data.length / C; r++) {
      const row = Array.from(x.data.subarray(r * C, (r + 1) * C));
      const m = row.reduce((a, b) => a + b, 0) / C;
      variances.push(row.reduce((a, b) => a + (b - m) ** 2, 0) / C);
    }
    return build(x.shape, i => at(x, i) / Math.sqrt(variances[Math.floor(get(x, i) / C)] + eps) * gamma.data[i[i.length - 1]]);
  },
  // Conv1DTranspose as TF's conv_transpose with Keras's output length; kernel [k, filters, inC].
  conv1dTranspose: ({strides: s = 1, padding = 'valid', dilation: d = 1, outputPadding = null, activation = 'linear', cf = false}) =>
    ([x], [kernel, bias]) => inLast(cf, v => {
      const [B, L, C] = v.shape;
      const [k, F] = kernel.shape;
      const keff = k + (k - 1) * (d - 1);
      const out = outputPadding == null
        ? (padding === 'valid' ? L * s + Math.max(keff - s, 0) : L * s)
        : (L - 1) * s + keff - 2 * (padding === 'same' ? Math.floor(keff / 2) : 0) + outputPadding;
      const before = padding === 'same' ? Math.floor(Math.max((L - 1) * s + keff - out, 0) / 2) : 0;
      const y = build([B, out, F], ([, , f]) => (bias ? bias.data[f] : 0));
      for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) for (let j = 0; j < k; j++) {
        const o = i * s + j * d - before;
        if (o < 0 || o >= out) continue;
        for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) y.data[get(y, [b, o, f])] += at(v, [b, i, c]) * at(kernel, [j, f, c]);
      }
      y.data.forEach((e, n) => { y.data[n] = ACT[activation](e); });
      return y;
    })(x),
  // Depthwise 1D convolution (channel c * depthMultiplier + m), optionally followed by a pointwise one.
  depthwise1d: ({strides: s = 1, padding = 'valid', dilation: d = 1, activation = 'linear', cf = false, separable = false}) =>
    ([x], weights) => inLast(cf, v => {
      const [dk, pk, bias] = separable ? weights : [weights[0], null, weights[1]];
      const [B, L, C] = v.shape;
      const [k, , M] = dk.shape;
      const keff = k + (k - 1) * (d - 1);
      const out = padding === 'same' ? Math.ceil(L / s) : Math.floor((L - keff) / s) + 1;
      const before = padding === 'same' ? Math.floor(Math.max((out - 1) * s + keff - L, 0) / 2) : 0;
      const dw = build([B, out, C * M], ([b, o, q]) => {
        const c = Math.floor(q / M), m = q % M;
        let acc = 0;
        for (let j = 0; j < k; j++) {
          const i = o * s + j * d - before;
          if (i >= 0 && i < L) acc += at(v, [b, i, c]) * at(dk, [j, c, m]);
        }
        return acc;
      });
      const F = separable ? pk.shape[2] : C * M;
      return build([B, out, F], ([b, o, f]) => {
        let acc = bias ? bias.data[f] : 0;
        if (separable) for (let q = 0; q < C * M; q++) acc += at(dw, [b, o, q]) * at(pk, [0, q, f]);
        else acc += at(dw, [b, o, f]);
        return ACT[activation](acc);
      });
    })(x),
};

// ---- the cases ---------------------------------------------------------------------------
// [name, factory, options, input shapes (no batch), weights [[kerasName, shape]], reference,
//  tfjs equivalent or null, Keras 3 config (snake_case, without name/trainable/dtype)]

const glorot = {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null}, registered_name: null};
const zerosInit = {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null};
const onesInit = {module: 'keras.initializers', class_name: 'Ones', config: {}, registered_name: null};
const convBase = {data_format: 'channels_last', activation: 'linear', use_bias: true, bias_initializer: zerosInit,
                  bias_regularizer: null, activity_regularizer: null, bias_constraint: null};
const unit = t => t.expandDims(1);  // tfjs: [b, steps, c] -> [b, 1, steps, c]

const CASES = [
  ['Subtract', 'subtract', {}, [[3, 4], [3, 4]], [], ref.subtract, (lib, [a, b]) => lib.sub(a, b), {}],
  ['Identity', 'identity', {}, [[3, 4]], [], ref.identity, null, {}],
  ['Cropping1D', 'cropping1D', {cropping: [1, 2]}, [[6, 3]], [], ref.crop([[1, 2]]),
   (lib, [x]) => lib.slice(x, [0, 1, 0], [-1, 3, -1]), {cropping: [1, 2]}],
  ['Cropping1D int', 'cropping1D', {cropping: 2}, [[6, 3]], [], ref.crop([[2, 2]]), null, {cropping: [2, 2]}],
  ['Cropping3D', 'cropping3D', {cropping: [[1, 0], 1, [0, 2]]}, [[4, 4, 5, 2]], [], ref.crop([[1, 0], [1, 1], [0, 2]]),
   (lib, [x]) => lib.slice(x, [0, 1, 1, 0, 0], [-1, 3, 2, 3, -1]),
   {cropping: [[1, 0], [1, 1], [0, 2]], data_format: 'channels_last'}],
  ['Cropping3D channelsFirst', 'cropping3D', {cropping: 1, dataFormat: 'channelsFirst'}, [[2, 4, 3, 4]], [],
   ref.crop([[1, 1], [1, 1], [1, 1]], true), null, {cropping: [[1, 1], [1, 1], [1, 1]], data_format: 'channels_first'}],
  ['ZeroPadding1D', 'zeroPadding1d', {padding: [2, 1]}, [[4, 3]], [], ref.pad([[2, 1]]),
   (lib, [x]) => lib.pad(x, [[0, 0], [2, 1], [0, 0]]), {padding: [2, 1]}],
  ['ZeroPadding3D', 'zeroPadding3d', {padding: [1, [0, 2], 1]}, [[2, 3, 2, 2]], [], ref.pad([[1, 1], [0, 2], [1, 1]]),
   (lib, [x]) => lib.pad(x, [[0, 0], [1, 1], [0, 2], [1, 1], [0, 0]]),
   {padding: [[1, 1], [0, 2], [1, 1]], data_format: 'channels_last'}],
  ['ZeroPadding3D channelsFirst', 'zeroPadding3d', {dataFormat: 'channelsFirst'}, [[2, 2, 3, 2]], [],
   ref.pad([[1, 1], [1, 1], [1, 1]], true), null, {padding: [[1, 1], [1, 1], [1, 1]], data_format: 'channels_first'}],
  ['UpSampling1D', 'upSampling1d', {size: 3}, [[4, 2]], [], ref.upsample([3]), null, {size: 3}],
  ['UpSampling3D', 'upSampling3d', {size: [2, 1, 3]}, [[2, 3, 2, 2]], [], ref.upsample([2, 1, 3]), null,
   {size: [2, 1, 3], data_format: 'channels_last'}],
  ['UpSampling3D channelsFirst', 'upSampling3d', {dataFormat: 'channelsFirst'}, [[2, 2, 1, 2]], [],
   ref.upsample([2, 2, 2], true), null, {size: [2, 2, 2], data_format: 'channels_first'}],
  ['GlobalAveragePooling3D', 'globalAveragePooling3d', {}, [[3, 2, 4, 3]], [], ref.globalPool(false),
   (lib, [x]) => lib.mean(x, [1, 2, 3]), {data_format: 'channels_last', keepdims: false}],
  ['GlobalAveragePooling3D channelsFirst keepdims', 'globalAveragePooling3d', {dataFormat: 'channelsFirst', keepdims: true},
   [[3, 2, 4, 2]], [], ref.globalPool(false, true, true), (lib, [x]) => lib.mean(x, [2, 3, 4], true),
   {data_format: 'channels_first', keepdims: true}],
  ['GlobalMaxPooling3D', 'globalMaxPooling3d', {keepdims: true}, [[3, 2, 4, 3]], [], ref.globalPool(true, false, true),
   (lib, [x]) => lib.max(x, [1, 2, 3], true), {data_format: 'channels_last', keepdims: true}],
  ['GlobalMaxPooling3D channelsFirst', 'globalMaxPooling3d', {dataFormat: 'channelsFirst'}, [[3, 2, 4, 2]], [],
   ref.globalPool(true, true), (lib, [x]) => lib.max(x, [2, 3, 4]), {data_format: 'channels_first', keepdims: false}],
  ['SpatialDropout2D', 'spatialDropout2d', {rate: 0.5}, [[3, 3, 2]], [], ref.identity, null,
   {rate: 0.5, seed: null, data_format: 'channels_last'}],
  ['SpatialDropout3D', 'spatialDropout3d', {rate: 0.3, dataFormat: 'channelsFirst'}, [[2, 2, 2, 3]], [], ref.identity, null,
   {rate: 0.3, seed: null, data_format: 'channels_first'}],
  ['UnitNormalization', 'unitNormalization', {}, [[3, 4]], [], ref.unitNorm([-1]),
   (lib, [x]) => lib.mul(x, lib.rsqrt(lib.maximum(lib.sum(lib.square(x), -1, true), 1e-12))), {axis: -1}],
  ['UnitNormalization axes', 'unitNormalization', {axis: [1, 2]}, [[3, 4]], [], ref.unitNorm([1, 2]), null, {axis: [1, 2]}],
  ['GroupNormalization', 'groupNormalization', {groups: 2}, [[3, 4]], [['gamma', [4]], ['beta', [4]]], ref.groupNorm(2), null,
   {groups: 2, axis: -1, epsilon: 0.001, center: true, scale: true, beta_initializer: zerosInit, gamma_initializer: onesInit,
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null}],
  ['GroupNormalization axis 1, per channel, no beta', 'groupNormalization', {groups: -1, axis: 1, center: false, epsilon: 0.01},
   [[3, 5, 2]], [['gamma', [3]]], (xs, [g]) => ref.groupNorm(3, 1, 0.01)(xs, [g, null]), null,
   {groups: -1, axis: 1, epsilon: 0.01, center: false, scale: true, beta_initializer: zerosInit, gamma_initializer: onesInit,
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null}],
  ['RMSNormalization', 'rmsNormalization', {}, [[3, 4]], [['scale', [4]]], ref.rmsNorm(1),
   (lib, [x], [s]) => lib.mul(lib.div(x, lib.sqrt(lib.add(lib.mean(lib.square(x), -1, true), 1e-6))), s), {axis: -1, epsilon: 1e-6}],
  ['RMSNormalization two axes', 'rmsNormalization', {axis: [-1, 1], epsilon: 0.01}, [[3, 4]], [['scale', [3, 4]]], ref.rmsNorm(2, 0.01),
   null, {axis: [1, 2], epsilon: 0.01}],
  ['LayerNormalization rmsScaling', 'layerNormalization', {rmsScaling: true, epsilon: 0.01}, [[3, 4]], [['gamma', [4]]],
   ref.rmsLayerNorm(0.01),
   (lib, [x], [g]) => lib.mul(lib.mul(x, lib.rsqrt(lib.add(lib.moments(x, -1, true).variance, 0.01))), g),
   {axis: -1, epsilon: 0.01, center: true, scale: true, rms_scaling: true, beta_initializer: zerosInit, gamma_initializer: onesInit,
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null}],
  ['Conv1DTranspose same, strides 2', 'conv1dTranspose', {filters: 3, kernelSize: 3, strides: 2, padding: 'same'}, [[4, 2]],
   [['kernel', [3, 3, 2]], ['bias', [3]]], ref.conv1dTranspose({strides: 2, padding: 'same'}),
   (lib, [x], [k, b]) => lib.conv2dTranspose(unit(x), k.expandDims(0), [x.shape[0], 1, 8, 3], [1, 2], 'same').squeeze([1]).add(b),
   {...convBase, filters: 3, kernel_size: [3], strides: [2], padding: 'same', dilation_rate: [1], kernel_initializer: glorot,
    kernel_regularizer: null, kernel_constraint: null}],
  ['Conv1DTranspose valid, dilation 2, channelsFirst, tanh', 'conv1dTranspose',
   {filters: 2, kernelSize: 2, dilationRate: 2, dataFormat: 'channelsFirst', activation: 'tanh'}, [[3, 4]],
   [['kernel', [2, 2, 3]], ['bias', [2]]], ref.conv1dTranspose({dilation: 2, activation: 'tanh', cf: true}), null,
   {...convBase, filters: 2, kernel_size: [2], strides: [1], padding: 'valid', dilation_rate: [2], data_format: 'channels_first',
    activation: 'tanh', kernel_initializer: glorot, kernel_regularizer: null, kernel_constraint: null}],
  ['Conv1DTranspose outputPadding', 'conv1dTranspose', {filters: 2, kernelSize: 3, strides: 3, outputPadding: 2, padding: 'same'},
   [[3, 2]], [['kernel', [3, 2, 2]], ['bias', [2]]], ref.conv1dTranspose({strides: 3, padding: 'same', outputPadding: 2}), null,
   {...convBase, filters: 2, kernel_size: [3], strides: [3], padding: 'same', output_padding: [2], dilation_rate: [1],
    kernel_initializer: glorot, kernel_regularizer: null, kernel_constraint: null}],
  ['SeparableConv1D valid, dilation 2, relu', 'separableConv1d', {filters: 3, kernelSize: 3, depthMultiplier: 2, dilationRate: 2, activation: 'relu'},
   [[9, 2]], [['depthwise_kernel', [3, 2, 2]], ['pointwise_kernel', [1, 4, 3]], ['bias', [3]]],
   ref.depthwise1d({dilation: 2, activation: 'relu', separable: true}),
   (lib, [x], [dk, pk, b]) => lib.relu(lib.separableConv2d(unit(x), dk.expandDims(0), pk.expandDims(0), 1, 'valid', [1, 2]).squeeze([1]).add(b)),
   {...convBase, depth_multiplier: 2, filters: 3, kernel_size: [3], strides: [1], padding: 'valid', dilation_rate: [2],
    activation: 'relu', depthwise_initializer: glorot, pointwise_initializer: glorot, depthwise_regularizer: null,
    pointwise_regularizer: null, depthwise_constraint: null, pointwise_constraint: null}],
  ['SeparableConv1D same, strides 2, channelsFirst', 'separableConv1d', {filters: 2, kernelSize: 2, strides: 2, padding: 'same', dataFormat: 'channelsFirst'},
   [[3, 7]], [['depthwise_kernel', [2, 3, 1]], ['pointwise_kernel', [1, 3, 2]], ['bias', [2]]],
   ref.depthwise1d({strides: 2, padding: 'same', cf: true, separable: true}), null,
   {...convBase, depth_multiplier: 1, filters: 2, kernel_size: [2], strides: [2], padding: 'same', dilation_rate: [1],
    data_format: 'channels_first', depthwise_initializer: glorot, pointwise_initializer: glorot, depthwise_regularizer: null,
    pointwise_regularizer: null, depthwise_constraint: null, pointwise_constraint: null}],
  ['DepthwiseConv1D same, strides 2', 'depthwiseConv1d', {kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same'}, [[7, 3]],
   [['kernel', [3, 3, 2]], ['bias', [6]]], ref.depthwise1d({strides: 2, padding: 'same'}),
   (lib, [x], [k, b]) => lib.depthwiseConv2d(unit(x), k.expandDims(0), [1, 2], 'same').squeeze([1]).add(b),
   {...convBase, depth_multiplier: 2, kernel_size: [3], strides: [2], padding: 'same', dilation_rate: [1],
    depthwise_initializer: glorot, depthwise_regularizer: null, depthwise_constraint: null}],
  ['DepthwiseConv1D valid, dilation 3, tanh', 'depthwiseConv1d', {kernelSize: 2, dilationRate: 3, activation: 'tanh', useBias: false},
   [[8, 2]], [['kernel', [2, 2, 1]]], ref.depthwise1d({dilation: 3, activation: 'tanh'}),
   (lib, [x], [k]) => lib.tanh(lib.depthwiseConv2d(unit(x), k.expandDims(0), 1, 'valid', 'NHWC', [1, 3]).squeeze([1])),
   {...convBase, depth_multiplier: 1, kernel_size: [2], strides: [1], padding: 'valid', dilation_rate: [3], activation: 'tanh',
    use_bias: false, depthwise_initializer: glorot, depthwise_regularizer: null, depthwise_constraint: null}],
];

const BATCH = 2;
const inputsOf = shapes => shapes.map((s, i) => seededData([BATCH, ...s], 11 + i, -2, 2));
const weightsOf = specs => specs.map(([, s], i) => seededData(s, 31 + i, -1, 1));
const close = (ours, theirs, rel) => {
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / Math.max(1, Math.abs(theirs[i])));
  }
  assert.ok(worst <= rel, `max relative difference ${worst} > ${rel}`);
  return worst;
};

/** Our model: one input per shape, the layer, named weights set to `ws`. */
function ourModel(factory, options, shapes, ws) {
  const ins = shapes.map(s => tf.input({shape: s}));
  const layer = tf.layers[factory]({...options, name: 'under_test'});
  const out = layer.apply(ins.length === 1 ? ins[0] : ins);
  const model = tf.model({inputs: ins, outputs: out});
  ins.forEach(i => i.dispose());
  out.dispose();
  const values = ws.map(([v, s]) => tf.tensor(v, s));
  if (ws.length) layer.setWeights(values);
  tf.dispose(values);
  return {model, layer};
}

for (const [name, factory, options, shapes, wspecs, reference, tfjsRef, kerasConfig] of CASES) {
  test(`${name}: predict equals the reference${tfjsRef ? ' and tfjs' : ''}, gradients equal finite differences`, () => {
    const start = tf.memory().numTensors;
    const xs = inputsOf(shapes), ws = weightsOf(wspecs);
    const {model, layer} = ourModel(factory, options, shapes, ws.map((v, i) => [v, wspecs[i][1]]));
    // Keras's weight names and order
    assert.deepEqual(layer.weights.map(w => w.name.split('/').pop()), wspecs.map(([n]) => n), 'weight names/order');
    assert.deepEqual(layer.weights.map(w => w.shape), wspecs.map(([, s]) => s), 'weight shapes');
    const xArrs = xs.map((v, i) => arr([BATCH, ...shapes[i]], v));
    const wArrs = ws.map((v, i) => arr(wspecs[i][1], v));
    const expected = reference(xArrs, wArrs);
    const xT = xs.map((v, i) => tf.tensor(v, [BATCH, ...shapes[i]]));
    const y = model.predict(xT.length === 1 ? xT[0] : xT);
    assert.deepEqual(y.shape, expected.shape, 'output shape');
    assert.deepEqual(model.outputs[0].shape, [null, ...expected.shape.slice(1)], 'symbolic output shape');
    note(name, 'ref', close(y.dataSync(), expected.data, 1e-5));
    if (tfjsRef) {
      const theirs = tfjs.tidy(() => tfjsRef(tfjs, xs.map((v, i) => tfjs.tensor(v, [BATCH, ...shapes[i]])),
        ws.map((v, i) => tfjs.tensor(v, wspecs[i][1]))).dataSync());
      note(name, 'tfjs', close(y.dataSync(), theirs, 1e-5));
    }

    // Gradients of L = sum(layer(x) * r) against central differences of the float64 reference.
    const r = seededData(expected.shape, 97, 0.5, 1.5);
    const lossOf = (xa, wa) => reference(xa, wa).data.reduce((s, v, i) => s + v * r[i], 0);
    const eps = 1e-4;
    const numeric = (list, k, rebuild) => list[k].data.map((_, i) => {
      const plus = list.map(a => arr(a.shape, a.data)), minus = list.map(a => arr(a.shape, a.data));
      plus[k].data[i] += eps;
      minus[k].data[i] -= eps;
      return (rebuild(plus) - rebuild(minus)) / (2 * eps);
    });
    const rT = tf.tensor(r, expected.shape);
    const lossFn = (...ins) => tf.sum(tf.mul(layer.apply(ins.length === 1 ? ins[0] : ins), rT));
    const gx = tf.grads(lossFn)(xT);
    gx.forEach((g, k) => note(name, 'grad', close(g.dataSync(), numeric(xArrs, k, p => lossOf(p, wArrs)), 2e-3)));
    if (wspecs.length) {
      const {value, grads} = tf.variableGrads(() => lossFn(...xT), layer.trainableWeights);
      layer.trainableWeights.forEach((w, k) => {
        const g = grads[w.name];
        assert.ok(g, `a gradient for ${w.name}`);
        note(name, 'grad', close(g.dataSync(), numeric(wArrs, k, p => lossOf(xArrs, p)), 2e-3));
      });
      value.dispose();
      tf.dispose(Object.values(grads));
    }
    tf.dispose([...xT, y, rT, ...gx]);
    model.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
  });

  test(`${name}: a Keras 3 model.json loads and predicts the reference`, async () => {
    const start = tf.memory().numTensors;
    const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
    const inputNames = shapes.map((_, i) => `in_${i}`);
    const tensorRef = i => ({class_name: '__keras_tensor__',
                             config: {shape: [null, ...shapes[i]], dtype: 'float32', keras_history: [inputNames[i], 0, 0]}});
    const layerName = 'k3_layer';
    const base = /^SpatialDropout/.test(name) ? {name: layerName, dtype: policy} : {name: layerName, trainable: true, dtype: policy};
    const topology = {class_name: 'Functional', keras_version: '3.6.0', backend: 'tensorflow', config: {
      name: 'k3', trainable: true, input_layers: inputNames.map(n => [n, 0, 0]), output_layers: [[layerName, 0, 0]],
      layers: [
        ...shapes.map((s, i) => ({module: 'keras.layers', class_name: 'InputLayer', name: inputNames[i], registered_name: null,
                                  inbound_nodes: [], config: {batch_shape: [null, ...s], dtype: 'float32', sparse: false, name: inputNames[i]}})),
        {module: 'keras.layers', class_name: name.split(' ')[0], name: layerName, registered_name: null,
         build_config: {input_shape: shapes.length === 1 ? [null, ...shapes[0]] : shapes.map(s => [null, ...s])},
         config: {...base, ...kerasConfig},
         inbound_nodes: [{args: shapes.length === 1 ? [tensorRef(0)] : [shapes.map((_, i) => tensorRef(i))], kwargs: {}}]},
      ]}};
    const ws = weightsOf(wspecs);
    const bytes = new Uint8Array(ws.reduce((n, w) => n + 4 * w.length, 0));
    ws.reduce((o, w) => { bytes.set(new Uint8Array(Float32Array.from(w).buffer), o); return o + 4 * w.length; }, 0);
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: topology, weightData: bytes.buffer,
      weightSpecs: wspecs.map(([n, shape]) => ({name: `${layerName}/${n}`, shape, dtype: 'float32'}))}));
    assert.equal(model.layers[model.layers.length - 1].getClassName(), name.split(' ')[0]);
    const xs = inputsOf(shapes);
    const expected = reference(xs.map((v, i) => arr([BATCH, ...shapes[i]], v)), ws.map((v, i) => arr(wspecs[i][1], v)));
    const xT = xs.map((v, i) => tf.tensor(v, [BATCH, ...shapes[i]]));
    const y = model.predict(xT.length === 1 ? xT[0] : xT);
    assert.deepEqual(y.shape, expected.shape);
    note(name, 'keras3', close(y.dataSync(), expected.data, 1e-5));
    tf.dispose([...xT, y]);
    model.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
  });
}

// ---- behaviour beyond predict ------------------------------------------------------------

test('SpatialDropout2D/3D: in training whole feature maps are dropped (or scaled by 1/(1-rate)); identity at inference', () => {
  for (const [factory, shape, dataFormat] of [['spatialDropout2d', [4, 3, 5], 'channelsLast'], ['spatialDropout3d', [6, 2, 3, 2], 'channelsFirst'],
    ['spatialDropout2d', [5, 3, 2], 'channelsFirst']]) {
    const rate = 0.4;
    const layer = tf.layers[factory]({rate, dataFormat});
    const x = tf.ones([8, ...shape]);
    const y = layer.apply(x, {training: true});
    const v = y.dataSync();
    const cf = dataFormat === 'channelsFirst';
    const C = cf ? shape[0] : shape[shape.length - 1];
    const S = numel(shape) / C;
    let dropped = 0;
    for (let b = 0; b < 8; b++) for (let c = 0; c < C; c++) {
      const vals = new Set();
      for (let s = 0; s < S; s++) vals.add(v[b * C * S + (cf ? c * S + s : s * C + c)]);
      assert.equal(vals.size, 1, `${factory} ${dataFormat}: one value per (sample, channel) map`);
      const [only] = vals;
      assert.ok(only === 0 || Math.abs(only - 1 / (1 - rate)) < 1e-6, `value ${only}`);
      dropped += only === 0;
    }
    assert.ok(dropped > 0 && dropped < 8 * C, `${factory}: some maps dropped, some kept (${dropped} of ${8 * C})`);
    const z = layer.apply(x);
    assert.deepEqual(Array.from(z.dataSync()), Array.from(x.dataSync()), 'identity at inference');
    tf.dispose([x, y, z]);
    layer.dispose();
  }
  assert.throws(() => tf.layers.spatialDropout2d({rate: 0.5}).apply(tf.input({shape: [3, 2]})), /expected ndim=4/);
  assert.throws(() => tf.layers.spatialDropout3d({rate: 0.5, noiseShape: [1, 1, 1, 1, 2]}), /does not take noiseShape/);
});

test('masks pass through Identity, UnitNormalization, GroupNormalization and SpatialDropout2D; Subtract combines them', () => {
  const start = tf.memory().numTensors;
  const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[1, 0], [2, 2], [0, 1]]]);
  const m = tf.tensor2d([[1, 1, 0], [1, 0, 1]], [2, 3], 'bool');
  for (const layer of [tf.layers.identity(), tf.layers.unitNormalization(), tf.layers.groupNormalization({groups: 1})]) {
    const out = layer.computeMask(x, m);
    assert.deepEqual(Array.from(out.dataSync()), [1, 1, 0, 1, 0, 1], layer.getClassName());
    out.dispose();
    layer.dispose();
  }
  // SpatialDropout2D (a Keras Dropout) passes its input's mask on
  const x4 = tf.ones([2, 3, 2, 2]);
  const drop = tf.layers.spatialDropout2d({rate: 0.5});
  const dm = drop.computeMask(x4, m);
  assert.deepEqual(Array.from(dm.dataSync()), [1, 1, 0, 1, 0, 1], 'SpatialDropout2D');
  tf.dispose([x4, dm]);
  drop.dispose();
  const m2 = tf.tensor2d([[1, 0, 1], [1, 1, 1]], [2, 3], 'bool');
  const sub = tf.layers.subtract();
  const both = sub.computeMask([x, x], [m, m2]);
  assert.deepEqual(Array.from(both.dataSync()), [1, 0, 0, 1, 0, 1]);
  sub.dispose();
  // A masked sequence runs through Identity and UnitNormalization into an RNN, which skips
  // the masked steps: [1, 2, 0, 0] gives what the same layers give for [1, 2].
  const layers = [tf.layers.embedding({inputDim: 5, outputDim: 4, maskZero: true}), tf.layers.identity(),
                  tf.layers.unitNormalization(), tf.layers.simpleRNN({units: 2})];
  const modelFor = steps => {
    const ids = tf.input({shape: [steps]});
    const syms = [ids];
    for (const l of layers) syms.push(l.apply(syms[syms.length - 1]));
    const model = tf.model({inputs: ids, outputs: syms[syms.length - 1]});
    syms.forEach(t => t.dispose());
    return model;
  };
  const long = modelFor(4), short = modelFor(2);
  const ids = [tf.tensor2d([[1, 2, 0, 0]]), tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 2, 3, 4]])];
  const a = long.predict(ids[0]), b = short.predict(ids[1]), c = long.predict(ids[2]);
  tf.dispose(ids);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), 'masked steps skipped');
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()), 'unmasked steps count');
  tf.dispose([x, m, m2, both, a, b, c]);
  long.dispose();
  short.dispose();
  // A layer Keras does not let a mask through (UpSampling1D) says so.
  const up = tf.layers.upSampling1d();
  const ones = tf.ones([1, 3, 2]), mask = tf.ones([1, 3], 'bool');
  assert.throws(() => up.apply(ones, {mask}), /does not support masking/);
  tf.dispose([ones, mask]);
  up.dispose();
  assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
});

test('a model of the weighted Keras 3 layers trains: fit() lowers the loss', async () => {
  const model = tf.sequential({layers: [
    tf.layers.conv1dTranspose({filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [6, 2]}),
    tf.layers.groupNormalization({groups: 2}),
    tf.layers.depthwiseConv1d({kernelSize: 3, depthMultiplier: 2, activation: 'relu'}),
    tf.layers.separableConv1d({filters: 3, kernelSize: 2, padding: 'same'}),
    tf.layers.unitNormalization(),
    tf.layers.upSampling1d({size: 2}),
    tf.layers.cropping1D({cropping: [1, 1]}),
    tf.layers.globalAveragePooling1d(),
    tf.layers.dense({units: 1}),
  ]});
  model.compile({optimizer: tf.train.adam(0.02), loss: 'meanSquaredError'});
  const x = tf.tensor(seededData([16, 6, 2], 5), [16, 6, 2]);
  const y = tf.tensor(seededData([16, 1], 6), [16, 1]);
  const h = await model.fit(x, y, {epochs: 30, batchSize: 8, shuffle: false, verbose: 0});
  const losses = h.history.loss;
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
  tf.dispose([x, y]);
  model.dispose();
});

test('Keras options are checked: bad values throw with the value named', () => {
  const bad = [
    [() => tf.layers.subtract().apply([tf.input({shape: [2]}), tf.input({shape: [2]}), tf.input({shape: [2]})]), /exactly 2 inputs/],
    [() => tf.layers.cropping1D({cropping: 3}).apply(tf.input({shape: [6, 1]})), /must be smaller than the input length/],
    [() => tf.layers.cropping3D({cropping: [1, 2]}), /3 entries/],
    [() => tf.layers.zeroPadding1d({padding: -1}), /non-negative/],
    [() => tf.layers.rmsNormalization({axis: 1}).apply(tf.input({shape: [3, 4]})), /RMSNormalization .*axis \[1\] must be the input's last axes/],
    [() => tf.layers.rmsNormalization({axis: 'x'}), /RMSNormalization: axis must be an integer or a list of integers, got "x"/],
    [() => tf.layers.upSampling3d({size: [2, 2]}), /size/],
    [() => tf.layers.groupNormalization({groups: 3}).apply(tf.input({shape: [4]})), /must be a multiple/],
    [() => tf.layers.groupNormalization({groups: 8}).apply(tf.input({shape: [4]})), /cannot be more than/],
    [() => tf.layers.unitNormalization({axis: 'x'}), /Received: axis="x"/],
    [() => tf.layers.unitNormalization({axis: 3}).apply(tf.input({shape: [4]})), /out of bounds/],
    [() => tf.layers.conv1dTranspose({filters: 2, kernelSize: 2, strides: 2, dilationRate: 2}), /not supported in conjunction/],
    [() => tf.layers.conv1dTranspose({filters: 2, kernelSize: 2, strides: 2, outputPadding: 2}), /must be < `strides`/],
    [() => tf.layers.separableConv1d({filters: 2, kernelSize: 2, padding: 'causal'}), /causal/],
    [() => tf.layers.depthwiseConv1d({kernelSize: 2, activityRegularizer: {className: 'L1L2', config: {l1: 0.1}}}), /activityRegularizer is not supported/],
    [() => tf.layers.globalMaxPooling3d({keepdims: 'yes'}), /keepdims/],
    [() => tf.layers.spatialDropout2d({rate: 0.2, dataFormat: 'nchw'}), /Invalid dataFormat/],
  ];
  for (const [f, re] of bad) assert.throws(f, re);
});

test('Keras activations and activation-layer options a converted model holds compute as Keras', async () => {
  const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
  const layer = (cls, name, config) =>
    ({module: 'keras.layers', class_name: cls, name, registered_name: null, config: {name, trainable: true, dtype: policy, ...config}});
  const x = [-4, -1, -0.3, 0, 0.4, 1, 2.5, 7];
  const relu6 = v => Math.min(6, Math.max(0, v));
  // Each: [layer spec, Keras's formula]
  const cases = [
    [layer('Activation', 'a', {activation: 'hard_sigmoid'}), v => relu6(v + 3) / 6],  // Keras 3's, not tfjs's 0.2x + 0.5
    [layer('Activation', 'a', {activation: 'hard_swish'}), v => v * relu6(v + 3) / 6],
    [layer('Activation', 'a', {activation: 'hard_silu'}), v => v * relu6(v + 3) / 6],
    [layer('Activation', 'a', {activation: 'silu'}), v => v / (1 + Math.exp(-v))],
    [layer('Activation', 'a', {activation: 'exponential'}), v => Math.exp(v)],
    [layer('Activation', 'a', {activation: 'leaky_relu'}), v => (v >= 0 ? v : 0.2 * v)],
    [layer('Activation', 'a', {activation: 'log_sigmoid'}), v => -Math.log1p(Math.exp(-v))],
    [layer('Activation', 'a', {activation: 'hard_tanh'}), v => Math.min(1, Math.max(-1, v))],
    [layer('Activation', 'a', {activation: 'tanh_shrink'}), v => v - Math.tanh(v)],
    [layer('Activation', 'a', {activation: 'soft_shrink'}), v => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0)],
    [layer('Activation', 'a', {activation: 'sparse_plus'}), v => (v <= -1 ? 0 : v >= 1 ? v : 0.25 * (v + 1) ** 2)],
    [layer('Activation', 'a', {activation: 'squareplus'}), v => (v + Math.sqrt(v * v + 4)) / 2],
    [layer('Dense', 'd', {units: 8, activation: 'hard_sigmoid', use_bias: false}), v => relu6(v + 3) / 6],
    [layer('LeakyReLU', 'l', {negative_slope: 0.1}), v => (v >= 0 ? v : 0.1 * v)],  // Keras 3's name for alpha
    [layer('ReLU', 'r', {max_value: 2, negative_slope: 0.1, threshold: 0.5}), v => (v >= 0.5 ? Math.min(v, 2) : 0.1 * (v - 0.5))],
    [layer('ELU', 'e', {alpha: 0.5}), v => (v > 0 ? v : 0.5 * Math.expm1(v))],
  ];
  for (const [spec, f] of cases) {
    const topology = {class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow', module: 'keras', config: {name: 's', layers: [
      {module: 'keras.layers', class_name: 'InputLayer', name: 'in', registered_name: null, config: {batch_shape: [null, 8], dtype: 'float32', sparse: false, name: 'in'}},
      spec]}};
    const eye = Float32Array.from({length: 64}, (_, i) => (i % 9 === 0 ? 1 : 0));
    const [specs, data] = spec.class_name === 'Dense' ? [[{name: 'd/kernel', shape: [8, 8], dtype: 'float32'}], eye.buffer] : [[], new ArrayBuffer(0)];
    const model = await tf.loadLayersModel(tf.io.fromMemory(topology, specs, data));
    const got = tf.tidy(() => Array.from(model.predict(tf.tensor2d([x])).dataSync()));
    got.forEach((v, i) => assert.ok(Math.abs(v - f(x[i])) <= 1e-5 * Math.max(1, Math.abs(f(x[i]))),
                                    `${spec.class_name} ${JSON.stringify(spec.config.activation ?? '')} at ${x[i]}: ${v} vs ${f(x[i])}`));
    model.dispose();
  }
  // A Keras 2 model's hard_sigmoid is Keras 2's (and tfjs's): clip(0.2x + 0.5).
  const k2 = {class_name: 'Sequential', keras_version: '2.15.0', backend: 'tensorflow', config: {name: 's', layers: [
    {class_name: 'Activation', config: {name: 'a', trainable: true, dtype: 'float32', activation: 'hard_sigmoid', batch_input_shape: [null, 8]}}]}};
  const m2 = await tf.loadLayersModel(tf.io.fromMemory(k2, [], new ArrayBuffer(0)));
  const got2 = tf.tidy(() => Array.from(m2.predict(tf.tensor2d([x])).dataSync()));
  got2.forEach((v, i) => assert.ok(Math.abs(v - Math.min(1, Math.max(0, 0.2 * x[i] + 0.5))) < 1e-6));
  m2.dispose();
});

test('Keras\'s Normalization layer loads (tfjs 4.22 has none): adapted weights, config values, invert, axis', async () => {
  // Keras 2 (tf.keras 2.15): adapt()'s mean, variance and int64 count as weights (the converter writes int32).
  const topo = {class_name: 'Sequential', keras_version: '2.15.0', backend: 'tensorflow', config: {name: 's', layers: [
    {class_name: 'InputLayer', config: {batch_input_shape: [null, 2, 3], dtype: 'float32', sparse: false, ragged: false, name: 'in'}},
    {class_name: 'Normalization', config: {name: 'normalization', trainable: true, dtype: 'float32', axis: [-1], mean: null, variance: null, invert: false}},
    {class_name: 'Dense', config: {name: 'd', trainable: true, dtype: 'float32', units: 1, activation: 'linear', use_bias: false,
                                   kernel_initializer: {class_name: 'Ones', config: {}}}}]}};
  const mean = new Float32Array([1, 2, 3]), variance = new Float32Array([4, 9, 0.25]), count = new Int32Array([10]);
  const kernel = new Float32Array([1, -1, 0.5]);
  const data = new Uint8Array(40);
  [mean, variance, count, kernel].reduce((at, a) => { data.set(new Uint8Array(a.buffer), at); return at + a.byteLength; }, 0);
  const specs = [{name: 'normalization/mean', shape: [3], dtype: 'float32'}, {name: 'normalization/variance', shape: [3], dtype: 'float32'},
                 {name: 'normalization/count', shape: [], dtype: 'int32'}, {name: 'd/kernel', shape: [3, 1], dtype: 'float32'}];
  const model = await tf.loadLayersModel(tf.io.fromMemory(topo, specs, data.buffer));
  const x = [[[1, 2, 3], [3, 5, 4]]];
  const norm = tf.tidy(() => Array.from(model.layers[0].apply(tf.tensor3d(x)).dataSync()));
  assert.deepEqual(norm, [0, 0, 0, 1, 1, 2]);  // (x - mean) / sqrt(variance)
  assert.deepEqual(model.layers[0].getWeights().map(w => w.dtype), ['float32', 'float32', 'int32']);
  assert.equal(model.layers[0].trainableWeights.length, 0);
  // Training leaves the statistics alone; the model saves and loads back the same.
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
  const [xs, ys] = [tf.tensor3d(x), tf.tensor3d([[[1], [2]]])];
  await model.fit(xs, ys, {epochs: 2, verbose: 0});
  assert.deepEqual(Array.from(model.layers[0].getWeights()[0].dataSync()), [1, 2, 3]);
  let saved;
  await model.save(tf.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
  const again = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const [p1, p2] = tf.tidy(() => [model, again].map(m => Array.from(m.predict(xs).dataSync())));
  assert.deepEqual(p2, p1);
  tf.dispose([xs, ys]);
  model.dispose();
  again.dispose();
  // Keras 3 with values in the config: a number broadcasts, a list is per position; invert undoes.
  const k3 = (config, shape) => ({class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow', module: 'keras', config: {name: 's', layers: [
    {module: 'keras.layers', class_name: 'InputLayer', name: 'in', registered_name: null, config: {batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name: 'in'}},
    {module: 'keras.layers', class_name: 'Normalization', name: 'n', registered_name: null, config: {name: 'n', trainable: true, axis: [-1], invert: false, ...config}}]}});
  const cases = [
    [{mean: [1, 2], variance: [4, 16]}, [2], [[3, 6]], [1, 1]],
    [{mean: 2, variance: 4}, [2], [[4, 0]], [1, -1]],
    [{mean: [1, 2], variance: [4, 16], invert: true}, [2], [[1, 1]], [3, 6]],
    [{mean: [10, 20], variance: [1, 4], axis: [1]}, [2, 3], [[[10, 11, 12], [20, 22, 24]]], [0, 1, 2, 0, 1, 2]],
  ];
  for (const [config, shape, input, want] of cases) {
    const m = await tf.loadLayersModel(tf.io.fromMemory(k3(config, shape), [], new ArrayBuffer(0)));
    const got = tf.tidy(() => Array.from(m.predict(tf.tensor(input)).dataSync()));
    assert.deepEqual(got, want, JSON.stringify(config));
    m.dispose();
  }
  // axis None: one scalar mean and variance over every axis (adapt()'s weights are scalars).
  const scalars = new Uint8Array(12);
  [new Float32Array([1]), new Float32Array([4]), new Int32Array([3])].reduce((at, a) => { scalars.set(new Uint8Array(a.buffer), at); return at + 4; }, 0);
  const whole = await tf.loadLayersModel(tf.io.fromMemory(k3({mean: null, variance: null, axis: null}, [2, 2]),
    [{name: 'n/mean', shape: [], dtype: 'float32'}, {name: 'n/variance', shape: [], dtype: 'float32'}, {name: 'n/count', shape: [], dtype: 'int32'}],
    scalars.buffer));
  assert.deepEqual(tf.tidy(() => Array.from(whole.predict(tf.tensor([[[1, 3], [5, 7]]])).dataSync())), [0, 1, 2, 3]);
  whole.dispose();
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(k3({mean: [1, 2]}, [2]), [], new ArrayBuffer(0))),
                       /both mean and variance must be set/);
});

test('Keras 2 EfficientNet\'s input stack loads: Rescaling with a per-channel scale list, then Normalization', async () => {
  const stddev = [0.229 ** 2, 0.224 ** 2, 0.225 ** 2];
  const topo = {class_name: 'Functional', keras_version: '2.15.0', backend: 'tensorflow', config: {name: 'eff', input_layers: [['in', 0, 0]],
    output_layers: [['rescaling_1', 0, 0]], layers: [
      {class_name: 'InputLayer', name: 'in', inbound_nodes: [], config: {batch_input_shape: [null, 1, 2, 3], dtype: 'float32', sparse: false, ragged: false, name: 'in'}},
      {class_name: 'Rescaling', name: 'rescaling', inbound_nodes: [[['in', 0, 0, {}]]], config: {name: 'rescaling', trainable: true, dtype: 'float32', scale: 1 / 255, offset: 0}},
      {class_name: 'Normalization', name: 'normalization', inbound_nodes: [[['rescaling', 0, 0, {}]]],
       config: {name: 'normalization', trainable: true, dtype: 'float32', axis: [3], mean: null, variance: null, invert: false}},
      {class_name: 'Rescaling', name: 'rescaling_1', inbound_nodes: [[['normalization', 0, 0, {}]]],
       config: {name: 'rescaling_1', trainable: true, dtype: 'float32', scale: stddev.map(v => 1 / Math.sqrt(v)), offset: 0}}]}};
  const mean = new Float32Array([0.485, 0.456, 0.406]), variance = Float32Array.from(stddev), count = new Int32Array([1]);
  const data = new Uint8Array(28);
  [mean, variance, count].reduce((at, a) => { data.set(new Uint8Array(a.buffer), at); return at + a.byteLength; }, 0);
  const specs = [{name: 'normalization/mean', shape: [3], dtype: 'float32'}, {name: 'normalization/variance', shape: [3], dtype: 'float32'},
                 {name: 'normalization/count', shape: [], dtype: 'int32'}];
  const model = await tf.loadLayersModel(tf.io.fromMemory(topo, specs, data.buffer));
  const pixels = [[[[255, 128, 0], [10, 200, 90]]]];
  const got = tf.tidy(() => Array.from(model.predict(tf.tensor(pixels)).dataSync()));
  // What Keras computes: ((p / 255 - mean) / sqrt(var)) / sqrt(var), per channel.
  const want = pixels.flat(3).map((p, i) => ((p / 255 - mean[i % 3]) / Math.sqrt(variance[i % 3])) / Math.sqrt(stddev[i % 3]));
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4 * Math.max(1, Math.abs(want[i])), `[${i}] ${v} vs ${want[i]}`));
  assert.deepEqual(model.layers.at(-1).getConfig().scale.length, 3);
  model.dispose();
});

test('Dense with Keras 3\'s LoRA: a saved LoRA model loads as Keras loads it, a LoRA layer trains as a hand-written tfjs loop', async () => {
  const start = tf.memory().numTensors;
  // Keras 3 saves the kernel with the adaptation merged in and no factors; its load zeroes them.
  const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
  const topo = {class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow', config: {name: 's', trainable: true, layers: [
    {module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: {batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'in'}},
    {module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: {input_shape: [null, 4]},
     config: {name: 'd', trainable: true, dtype: policy, units: 3, activation: 'linear', use_bias: true, lora_rank: 2, lora_alpha: 4,
              kernel_initializer: {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null}, registered_name: null},
              bias_initializer: {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null},
              kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null}}]}};
  const kernel = seededData([4, 3], 3), bias = seededData([3], 4);
  const data = new Uint8Array(60);
  data.set(new Uint8Array(Float32Array.from(kernel).buffer), 0);
  data.set(new Uint8Array(Float32Array.from(bias).buffer), 48);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(topo,
    [{name: 'd/kernel', shape: [4, 3], dtype: 'float32'}, {name: 'd/bias', shape: [3], dtype: 'float32'}], data.buffer));
  const dense = loaded.layers[0];
  assert.deepEqual(dense.weights.map(w => w.name), ['d/kernel', 'd/bias', 'd/lora_kernel_a', 'd/lora_kernel_b']);
  assert.deepEqual(dense.trainableWeights.map(w => w.name), ['d/bias', 'd/lora_kernel_a', 'd/lora_kernel_b']);
  assert.deepEqual(dense.getConfig().loraRank, 2);
  assert.deepEqual(dense.getConfig().loraAlpha, 4);
  const factors = dense.getWeights().slice(2);
  assert.ok(factors.every(t => t.dataSync().every(v => v === 0)), 'the factors are zero, as after Keras\'s load');
  tf.dispose(factors);
  const xv = seededData([5, 4], 5);
  const x = tf.tensor2d(xv, [5, 4]);
  const want = tfjs.tidy(() => tfjs.matMul(tfjs.tensor2d(xv, [5, 4]), tfjs.tensor2d(kernel, [4, 3])).add(tfjs.tensor1d(bias)).arraySync());
  const got = tf.tidy(() => loaded.predict(x).arraySync());
  got.flat().forEach((v, i) => assert.ok(Math.abs(v - want.flat()[i]) < 1e-5, `${v} vs ${want.flat()[i]}`));
  loaded.dispose();

  // A fresh LoRA layer: 3 SGD steps of fit() against tfjs minimizing the same function of
  // the same variables (kernel + alpha/r A B, kernel held constant).
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 3, inputShape: [4], loraRank: 2, loraAlpha: 4, name: 'lora'}));
  const init = {kernel, bias, a: seededData([4, 2], 6), b: seededData([2, 3], 7)};
  const values = [tf.tensor2d(init.kernel, [4, 3]), tf.tensor1d(init.bias), tf.tensor2d(init.a, [4, 2]), tf.tensor2d(init.b, [2, 3])];
  model.layers[0].setWeights(values);
  tf.dispose(values);
  const yv = seededData([5, 3], 8);
  const y = tf.tensor2d(yv, [5, 3]);
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
  await model.fit(x, y, {epochs: 3, batchSize: 5, shuffle: false, verbose: 0});
  const ref = tfjs.tidy(() => {
    const K = tfjs.tensor2d(init.kernel, [4, 3]);
    const vars = {bias: tfjs.variable(tfjs.tensor1d(init.bias)), a: tfjs.variable(tfjs.tensor2d(init.a, [4, 2])),
                  b: tfjs.variable(tfjs.tensor2d(init.b, [2, 3]))};
    const X = tfjs.tensor2d(xv, [5, 4]), Y = tfjs.tensor2d(yv, [5, 3]);
    const opt = tfjs.train.sgd(0.1);
    for (let s = 0; s < 3; s++) {
      opt.minimize(() => tfjs.losses.meanSquaredError(Y, X.matMul(K.add(vars.a.matMul(vars.b).mul(2))).add(vars.bias)));
    }
    return [init.kernel, ...[vars.bias, vars.a, vars.b].map(v => Array.from(v.dataSync()))];
  });
  const ours = model.layers[0].getWeights();
  ours.forEach((t, k) => {
    const v = t.dataSync();
    ref[k].forEach((r, i) => assert.ok(Math.abs(v[i] - r) < 1e-5, `weight ${k}[${i}]: ${v[i]} vs ${r}`));
  });
  assert.ok(Array.from(ours[3].dataSync()).some((v, i) => Math.abs(v - init.b[i]) > 1e-3), 'the factors moved');
  tf.dispose(ours);
  // Saved with its four weights by name; loaded back it predicts the same.
  let saved;
  await model.save(tf.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
  assert.deepEqual(saved.weightSpecs.map(s => s.name).sort(), ['lora/bias', 'lora/kernel', 'lora/lora_kernel_a', 'lora/lora_kernel_b']);
  const again = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const [p1, p2] = tf.tidy(() => [model, again].map(m => Array.from(m.predict(x).dataSync())));
  assert.deepEqual(p2, p1);
  tf.dispose([x, y]);
  model.dispose();
  again.dispose();
  assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
});

test('Embedding and EinsumDense with Keras 3\'s LoRA: a Keras-saved model loads with zero factors and predicts; an Embedding LoRA step equals tfjs\'s', async () => {
  const start = tf.memory().numTensors;
  const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
  const init = cls => ({module: 'keras.initializers', class_name: cls, config: cls === 'Zeros' ? {} : {seed: null}, registered_name: null});
  const topo = {class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow', config: {name: 's', trainable: true, layers: [
    {module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: {batch_shape: [null, 3], dtype: 'int32', sparse: false, name: 'in'}},
    {module: 'keras.layers', class_name: 'Embedding', registered_name: null, build_config: {input_shape: [null, 3]},
     config: {name: 'emb', trainable: true, dtype: policy, input_dim: 5, output_dim: 4, embeddings_initializer: init('RandomUniform'),
              embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false, lora_rank: 2}},
    {module: 'keras.layers', class_name: 'EinsumDense', registered_name: null, build_config: {input_shape: [null, 3, 4]},
     config: {name: 'ed', trainable: true, dtype: policy, equation: 'abc,cd->abd', output_shape: [null, 2], activation: 'linear',
              bias_axes: 'd', kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros'), kernel_regularizer: null,
              bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
              lora_rank: 1, lora_alpha: 2}}]}};
  const table = seededData([5, 4], 11), kernel = seededData([4, 2], 12), bias = seededData([2], 13);
  const bytes = new Uint8Array(4 * (20 + 8 + 2));
  [table, kernel, bias].reduce((at, a) => { bytes.set(new Uint8Array(Float32Array.from(a).buffer), at); return at + 4 * a.length; }, 0);
  const model = await tf.loadLayersModel(tf.io.fromMemory(topo, [
    {name: 'emb/embeddings', shape: [5, 4], dtype: 'float32'}, {name: 'ed/kernel', shape: [4, 2], dtype: 'float32'},
    {name: 'ed/bias', shape: [2], dtype: 'float32'}], bytes.buffer));
  assert.deepEqual(model.layers[0].weights.map(w => w.name), ['emb/embeddings', 'emb/lora_embeddings_a', 'emb/lora_embeddings_b']);
  assert.deepEqual(model.layers[1].weights.map(w => w.name), ['ed/kernel', 'ed/bias', 'ed/lora_kernel_a', 'ed/lora_kernel_b']);
  for (const layer of model.layers) {
    const ws = layer.getWeights().filter((_, i) => layer.weights[i].name.includes('lora'));
    assert.ok(ws.every(t => t.dataSync().every(v => v === 0)), `${layer.name}: zero factors`);
    tf.dispose(ws);
  }
  const ids = [[0, 4, 2], [3, 3, 1]];
  const want = tfjs.tidy(() => tfjs.gather(tfjs.tensor2d(table, [5, 4]), tfjs.tensor2d(ids, [2, 3], 'int32'))
    .reshape([6, 4]).matMul(tfjs.tensor2d(kernel, [4, 2])).add(tfjs.tensor1d(bias)).reshape([2, 3, 2]).arraySync());
  const x = tf.tensor2d(ids, [2, 3], 'int32');
  const got = tf.tidy(() => model.predict(x).arraySync());
  got.flat(2).forEach((v, i) => assert.ok(Math.abs(v - want.flat(2)[i]) < 1e-5, `${v} vs ${want.flat(2)[i]}`));
  model.dispose();

  // An Embedding LoRA layer, 2 SGD steps against tfjs minimizing the same function.
  const m = tf.sequential();
  m.add(tf.layers.embedding({inputDim: 5, outputDim: 4, inputLength: 3, loraRank: 2, loraAlpha: 1, name: 'e'}));
  m.add(tf.layers.flatten());
  const a0 = seededData([5, 2], 14), b0 = seededData([2, 4], 15);
  const vals = [tf.tensor2d(table, [5, 4]), tf.tensor2d(a0, [5, 2]), tf.tensor2d(b0, [2, 4])];
  m.layers[0].setWeights(vals);
  tf.dispose(vals);
  const yv = seededData([2, 12], 16);
  const y = tf.tensor2d(yv, [2, 12]);
  m.compile({optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError'});
  await m.fit(x, y, {epochs: 2, batchSize: 2, shuffle: false, verbose: 0});
  const ref = tfjs.tidy(() => {
    const T = tfjs.tensor2d(table, [5, 4]), A = tfjs.variable(tfjs.tensor2d(a0, [5, 2])), B = tfjs.variable(tfjs.tensor2d(b0, [2, 4]));
    const X = tfjs.tensor2d(ids, [2, 3], 'int32'), Y = tfjs.tensor2d(yv, [2, 12]), opt = tfjs.train.sgd(0.5);
    for (let s = 0; s < 2; s++) {
      opt.minimize(() => tfjs.losses.meanSquaredError(Y, tfjs.gather(T.add(A.matMul(B).mul(0.5)), X).reshape([2, 12])));
    }
    return [table, Array.from(A.dataSync()), Array.from(B.dataSync())];
  });
  const ours = m.layers[0].getWeights();
  ours.forEach((t, k) => t.dataSync().forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) < 1e-5, `weight ${k}[${i}]: ${v} vs ${ref[k][i]}`)));
  tf.dispose([...ours, x, y]);
  m.dispose();
  assert.equal(tf.memory().numTensors, start, 'no tensors left behind');
});

test('activity regularizers: a Keras 3 model adds penalty(output) as it is, a tf.keras model divides it by the batch (as each Keras does)', async () => {
  const start = tf.memory().numTensors;
  const kernel = seededData([3, 2], 21), xv = seededData([4, 3], 22), yv = seededData([4, 2], 23);
  const denseConfig = keras3 => ({name: 'd', trainable: true, dtype: keras3 ? {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null} : 'float32',
    units: 2, activation: 'linear', use_bias: false,
    kernel_initializer: keras3 ? {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null} : {class_name: 'Zeros', config: {}},
    kernel_regularizer: null, kernel_constraint: null,
    activity_regularizer: keras3 ? {module: 'keras.regularizers', class_name: 'L2', config: {l2: 0.1}, registered_name: null}
                                 : {class_name: 'L2', config: {l2: 0.1}}});
  const topo = keras3 => ({class_name: 'Sequential', keras_version: keras3 ? '3.6.0' : '2.15.0', backend: 'tensorflow', config: {name: 's', layers: [
    keras3 ? {module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: {batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'in'}}
           : {class_name: 'InputLayer', config: {batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'in'}},
    {...(keras3 ? {module: 'keras.layers', registered_name: null} : {}), class_name: 'Dense', config: denseConfig(keras3)}]}});
  const x = tf.tensor2d(xv, [4, 3]), y = tf.tensor2d(yv, [4, 2]);
  // tfjs as oracle: mse + 0.1 * sum(out^2) (Keras 3) or that penalty / 4 (tf.keras).
  const [mse, penalty] = tfjs.tidy(() => {
    const out = tfjs.tensor2d(xv, [4, 3]).matMul(tfjs.tensor2d(kernel, [3, 2]));
    return [tfjs.losses.meanSquaredError(tfjs.tensor2d(yv, [4, 2]), out).dataSync()[0], 0.1 * tfjs.sum(tfjs.square(out)).dataSync()[0]];
  });
  const losses = {};
  for (const keras3 of [true, false]) {
    const model = await tf.loadLayersModel(tf.io.fromMemory(topo(keras3), [{name: 'd/kernel', shape: [3, 2], dtype: 'float32'}],
                                                          Float32Array.from(kernel).buffer));
    assert.equal(model.layers[0].getConfig().activityRegularizerBatchMean, keras3 ? false : undefined);
    model.compile({optimizer: tf.train.sgd(0), loss: 'meanSquaredError'});
    const h = await model.fit(x, y, {epochs: 1, batchSize: 4, shuffle: false, verbose: 0});
    losses[keras3 ? 'keras3' : 'keras2'] = h.history.loss[0];
    if (keras3) {  // kept through a save and a load
      let saved;
      await model.save(tf.io.withSaveHandler(async a => { saved = a; return {modelArtifactsInfo: {}}; }));
      const again = await tf.loadLayersModel(tf.io.fromMemory(saved));
      again.compile({optimizer: tf.train.sgd(0), loss: 'meanSquaredError'});
      const h2 = await again.fit(x, y, {epochs: 1, batchSize: 4, shuffle: false, verbose: 0});
      assert.ok(Math.abs(h2.history.loss[0] - h.history.loss[0]) < 1e-6, 'the reloaded model adds the same penalty');
      again.dispose();
    }
    model.dispose();
  }
  assert.ok(Math.abs(losses.keras3 - (mse + penalty)) < 1e-5, `Keras 3: ${losses.keras3} vs ${mse + penalty}`);
  assert.ok(Math.abs(losses.keras2 - (mse + penalty / 4)) < 1e-5, `tf.keras: ${losses.keras2} vs ${mse + penalty / 4}`);
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, start);
});

test('Keras\'s ActivityRegularization layer: the identity plus an L1L2 activity penalty, per batch from tf.keras, as it is from Keras 3', async () => {
  const start = tf.memory().numTensors;
  const kernel = seededData([3, 2], 31), xv = seededData([4, 3], 32), yv = seededData([4, 2], 33);
  const x = tf.tensor2d(xv, [4, 3]), y = tf.tensor2d(yv, [4, 2]);
  const [mse, penalty, out] = tfjs.tidy(() => {
    const h = tfjs.tensor2d(xv, [4, 3]).matMul(tfjs.tensor2d(kernel, [3, 2]));
    return [tfjs.losses.meanSquaredError(tfjs.tensor2d(yv, [4, 2]), h).dataSync()[0],
            0.01 * tfjs.sum(tfjs.abs(h)).dataSync()[0] + 0.1 * tfjs.sum(tfjs.square(h)).dataSync()[0], Array.from(h.dataSync())];
  });
  const lossOf = async model => {
    model.compile({optimizer: tf.train.sgd(0), loss: 'meanSquaredError'});
    const h = await model.fit(x, y, {epochs: 1, batchSize: 4, shuffle: false, verbose: 0});
    return h.history.loss[0];
  };
  // Made here: tf.keras's form (penalty / batch); the identity in predict.
  const m = tf.sequential();
  m.add(tf.layers.dense({units: 2, inputShape: [3], useBias: false, name: 'd'}));
  m.add(tf.layers.activityRegularization({l1: 0.01, l2: 0.1}));
  const kt = tf.tensor2d(kernel, [3, 2]);
  m.layers[0].setWeights([kt]);
  kt.dispose();
  assert.deepEqual(m.layers[1].getConfig().l1, 0.01);
  assert.deepEqual(m.layers[1].getConfig().l2, 0.1);
  const p = tf.tidy(() => Array.from(m.predict(x).dataSync()));
  p.forEach((v, i) => assert.ok(Math.abs(v - out[i]) < 1e-6));
  const made = await lossOf(m);
  assert.ok(Math.abs(made - (mse + penalty / 4)) < 1e-5, `${made} vs ${mse + penalty / 4}`);
  // A Keras 3 model.json: the penalty as it is.
  const k3 = {class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow', config: {name: 's', layers: [
    {module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: {batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'in'}},
    {module: 'keras.layers', class_name: 'Dense', registered_name: null, config: {name: 'd', trainable: true, units: 2, activation: 'linear', use_bias: false}},
    {module: 'keras.layers', class_name: 'ActivityRegularization', registered_name: null, config: {name: 'ar', trainable: true, l1: 0.01, l2: 0.1}}]}};
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(k3, [{name: 'd/kernel', shape: [3, 2], dtype: 'float32'}], Float32Array.from(kernel).buffer));
  const k3loss = await lossOf(loaded);
  assert.ok(Math.abs(k3loss - (mse + penalty)) < 1e-5, `${k3loss} vs ${mse + penalty}`);
  assert.throws(() => tf.layers.activityRegularization({l1: -1}), /ActivityRegularization: l1 must be a non-negative number, got -1/);
  tf.dispose([x, y]);
  m.dispose();
  loaded.dispose();
  assert.equal(tf.memory().numTensors, start);
});
