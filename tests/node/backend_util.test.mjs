// tf.backend_util against tfjs 4.22's: the same return values (deepEqual) and the same
// error messages, over many inputs per helper; the three tensor helpers by values.
import test from 'node:test';
import assert from 'node:assert/strict';
import {assertAllClose, loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const ours = tf.backend_util;
const theirs = tfjs.backend_util;

// Tensor-like stand-ins for the helpers that only read shape/rank/dtype/size.
const info = (shape, dtype = 'float32') => ({shape, dtype, rank: shape.length, size: shape.reduce((a, b) => a * b, 1)});
const clone = (v) => (Array.isArray(v) ? v.map(clone) : v && typeof v === 'object' && !ArrayBuffer.isView(v) ?
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) : v);

function run(fn, args) {
  const a = clone(args);
  try {
    return {value: fn(...a), args: a};
  } catch (e) {
    return {error: e.message};
  }
}
// Calls ns[name] in both packages (each on its own copy of args: some helpers fill in
// their arguments, as tfjs's do) and compares results, errors, and argument mutation.
let compared = 0;
function same(name, args, ns = null) {
  const o = ns ? ours[ns][name] : ours[name];
  const t = ns ? theirs[ns][name] : theirs[name];
  assert.equal(typeof o, 'function', `${name} missing`);
  const a = run(o, args);
  const b = run(t, args);
  assert.deepEqual(a, b, `${ns ? ns + '.' : ''}${name}(${JSON.stringify(args)})`);
  compared++;
  return b;
}

test('every name tfjs exports is here, of the same kind, constants equal', () => {
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
  assert.equal(Object.keys(theirs).length, 86);
  for (const k of Object.keys(theirs)) {
    assert.equal(typeof ours[k], typeof theirs[k], k);
    if (typeof theirs[k] === 'number') assert.equal(ours[k], theirs[k], k);
  }
  for (const ns of ['slice_util', 'segment_util']) assert.deepEqual(Object.keys(ours[ns]).sort(), Object.keys(theirs[ns]).sort());
  assert.deepEqual({...ours.RowPartitionType}, {...theirs.RowPartitionType});
});

test('conv/pool info objects: strides, dilations, pads, rounding modes, data formats', () => {
  const pads = ['same', 'valid', 0, 1, 2, 1.5, [[0, 0], [1, 2], [0, 3], [0, 0]], [[0, 0], [0, 0], [0, 0], [0, 0]],
    [[0, 0], [0, 0], [2, 1], [1, 0]], 'bogus'];
  const rounds = [undefined, null, 'floor', 'round', 'ceil', 'bad'];
  let n = 0;
  for (const inShape of [[2, 7, 9, 3], [1, 5, 5, 4], [1, 1, 8, 2]]) {
    for (const filter of [[3, 3, 3, 4], [1, 2, 3, 5], [5, 4, 3, 2]]) {
      for (const strides of [1, 2, [1, 3], [2, 1]]) {
        for (const dil of [1, 2, [1, 2]]) {
          for (const pad of pads) {
            for (const rm of rounds) {
              for (const fmt of ['channelsLast', 'channelsFirst', 'NHWC']) {
                same('computeConv2DInfo', [inShape, filter, strides, dil, pad, rm, false, fmt]);
                n++;
              }
            }
            same('computeConv2DInfo', [inShape, filter, strides, dil, pad, null, true]);
            same('computePool2DInfo', [inShape, [filter[0], filter[1]], strides, dil, pad, null, 'channelsLast']);
            same('computePool2DInfo', [inShape, filter[0], strides, dil, pad, 'ceil', 'channelsFirst']);
            same('computePool2DInfo', [inShape, filter[0], strides, dil, pad, 'ceil', 'NCHW']);
            same('computeDilation2DInfo', [inShape, filter.slice(0, 2), strides, pad, 'NHWC', dil]);
            same('computeDilation2DInfo', [inShape, filter.slice(0, 2), strides, pad, 'NCHW', dil]);
          }
        }
      }
    }
  }
  assert.ok(n > 5000);
  for (const inShape of [[1, 4, 6, 5, 2], [2, 3, 3, 3, 1]]) {
    for (const filter of [[2, 2, 2, 2, 3], [1, 3, 2, 2, 2], [3, 3, 3, 1, 1]]) {
      for (const strides of [1, 2, [1, 2, 3]]) {
        for (const dil of [1, [1, 2, 1]]) {
          for (const pad of ['same', 'valid', 0, 1, 2, 'bogus', [[0, 0], [1, 1], [1, 1], [1, 1], [0, 0]]]) {
            for (const rm of [undefined, 'floor', 'ceil', 'round', 'bad']) {
              for (const fmt of ['channelsLast', 'channelsFirst', 'NDHWC']) {
                same('computeConv3DInfo', [inShape, filter, strides, dil, pad, false, fmt, rm]);
              }
              same('computeConv3DInfo', [inShape, filter, strides, dil, pad, true, 'channelsLast', rm]);
              for (const fmt of ['NDHWC', 'NCDHW', 'channelsLast']) {
                same('computePool3DInfo', [inShape, filter.slice(0, 3), strides, dil, pad, rm, fmt]);
                same('computePool3DInfo', [inShape, filter[0], strides, dil, pad, rm, fmt]);
              }
            }
          }
        }
      }
    }
  }
});

test('conv parameter helpers', () => {
  for (const shape of [[5, 5], [8, 3], [1, 1]]) {
    for (const f of [1, 2, 3, 5]) for (const s of [1, 2, 3]) for (const d of [undefined, 1, 2, 3]) same('computeDefaultPad', [shape, f, s, d]);
  }
  for (const f of ['NHWC', 'NCHW', 'NDHWC', 'x']) same('convertConv2DDataFormat', [f]);
  for (const v of [1, 2, 0, -1, [1, 1], [1, 2], [2, 1], [1, 1, 1], [1, 1, 2], [0, 1], [-1, 2]]) {
    same('tupleValuesAreOne', [v]);
    same('stridesOrDilationsArePositive', [v]);
    for (const w of [1, 2, [1, 2], [1, 1]]) same('eitherStridesOrDilationsAreOne', [v, w]);
  }
  for (const pad of ['same', 'valid', 1, 1.5, [[0, 0], [1, 2]], [[0, 0], [1.5, 2]], undefined, true]) {
    for (const rm of [undefined, null, 'floor', 'ceil']) same('checkPadOnDimRoundingMode', ['conv2d', pad, rm]);
  }
});

test('axis, concat, broadcast, array-ops, split, reduce, rotate helpers', () => {
  const axesSets = [[], [0], [1], [2], [0, 1], [1, 2], [0, 2], [2, 0], [1, 0], [0, 1, 2], [3]];
  for (const rank of [0, 1, 2, 3, 4]) {
    for (const axes of axesSets) {
      same('axesAreInnerMostDims', [axes, rank]);
      same('getAxesPermutation', [axes, rank]);
      same('assertAxesAreInnerMostDims', ['sum', axes, rank]);
    }
    for (let k = 0; k <= rank; k++) same('getInnerMostAxes', [k, rank]);
  }
  for (const axes of axesSets) {
    same('getUndoAxesPermutation', [axes]);
    same('computeOutAndReduceShapes', [[2, 3, 4, 5], axes]);
    same('expandShapeToKeepDim', [[7, 8], axes.filter((a) => a < 3)]);
    same('combineLocations', [[9, 8, 7].slice(0, 3 - axes.length), axes.map((a) => a * 10), axes]);
  }
  const shapeSets = [[[2, 3], [2, 4]], [[2, 3], [5, 3]], [[2, 3], [2, 3, 1]], [[2, 3, 4], [2, 1, 4], [2, 6, 4]],
    [[1], [2]], [[2, 3], [3, 3]]];
  for (const shapes of shapeSets) for (const axis of [-1, 0, 1, 2, 3]) {
    same('assertParamsConsistent', [shapes, axis]);
    same('computeOutShape', [shapes, axis]);
  }
  for (const [a, b] of [[[2, 3], [3]], [[2, 1], [1, 4]], [[2, 3], [4]], [[], [5, 1]], [[5, 1, 3], [2, 1]]]) {
    same('assertAndGetBroadcastShape', [a, b]);
    same('getBroadcastDims', [a, [5, 2, 3]]);
    same('getReductionAxes', [a, [5, 2, 3]]);
  }
  for (const [x, y] of [['float32', 'int32'], ['bool', 'int32'], ['complex64', 'float32'], ['string', 'float32'], ['bool', 'bool']]) {
    same('upcastType', [x, y]);
  }
  for (const b2s of [true, false]) {
    for (const [inShape, block] of [[[8, 2, 3, 1], [2, 2]], [[4, 4, 6, 2], [2, 3]], [[3, 6, 5], [3]]]) {
      const prod = block.reduce((a, b) => a * b);
      same('getReshaped', [inShape, block, prod, b2s]);
      same('getReshapedPermuted', [inShape, block, prod, b2s]);
      same('getPermuted', [inShape.length + block.length, block.length, b2s]);
    }
  }
  same('getSliceBeginCoords', [[[1, 2], [0, 3]], 2]);
  same('getSliceSize', [[4, 9, 9, 3], [[1, 2], [0, 3]], 2]);
  for (const split of [1, 2, 3, 4, 5, [2, 4], [-1, 2], [2, -1, 1], [-1, -1], [1, 1], [6], [-1], [-3, -1]]) {
    for (const axis of [undefined, 0, 1]) same('prepareSplitSize', [info([6, 12]), split, axis]);
  }
  for (const n of [1, 5, 30, 31, 64, 97, 100, 1000, 1024, 4099]) {
    same('computeOptimalWindowSize', [n]);
    for (const segs of [1, 3, 10, 50]) same('segOpComputeOptimalWindowSize', [n, segs], 'segment_util');
  }
  for (const c of [0.5, 0, 1, [0.25, 0.75], [1, 0]]) same('getImageCenter', [c, 10, 20]);
});

test('gatherND / scatterND / segment shape validation', () => {
  for (const [x, idx] of [[[4, 5], [3, 1]], [[4, 5, 6], [2, 2]], [[4, 5], [2, 3]], [[], [1]], [[4], []],
    [[0, 3], [1, 1]], [[4, 5, 6], [2, 3, 3]]]) {
    same('prepareAndValidate', [info(x), info(idx, 'int32')]);
    same('prepareAndValidate', [info(x), info(idx, 'float32')]);
  }
  const cases = [[[4, 3], [2, 1], [2, 3]], [[4, 3], [2, 2], [2]], [[4, 3], [2, 1], [2, 4]], [[4, 3], [2, 1], [3, 3]],
    [[4, 3, 2], [5, 2], [5, 2]], [[8], [4, 1], [4]], [[8], [4], [4]], [[], [2, 1], [2]], [[4, 3], [2, 1], []],
    [[4, 3], [2, 1], [2, 3, 1]], [[2, 3, 4], [1, 2, 1], [1, 2, 3, 4]]];
  for (const [shape, idx, upd] of cases) {
    for (const dt of ['int32', 'float32']) {
      same('validateInput', [info(upd), info(idx, dt), shape]);
      same('validateUpdateShape', [shape, info(idx, dt), info(upd)]);
    }
    same('calculateShapes', [info(upd), info(idx, 'int32'), shape]);
  }
  for (const [x, idx] of [[[4, 5, 6], [2, 3]], [[4, 5, 6], [4, 3]], [[4, 5], [3]]]) {
    for (const axis of [0, 1, 2]) for (const bd of [0, 1, -1, 2, -3, 3]) {
      same('collectGatherOpShapeInfo', [info(x), info(idx, 'int32'), axis, bd], 'segment_util');
    }
    for (const axis of [0, 1, 5]) same('computeOutShape', [x, axis, 7], 'segment_util');
  }
});

test('slice_util: masks, ellipsis, new/shrink axes, negative strides, parse/validate', () => {
  const su = 'slice_util';
  for (const m of [0, 1, 2, 5, 6, 13, 255]) same('maskToAxes', [m], su);
  same('computeOutShape', [[0, 1, 2], [4, 5, 3], [1, 2, -1]], su);
  same('computeOutShape', [[0, 1], [7, 2], [3, 1]], su);
  const shapes = [[5], [4, 6], [3, 4, 5], [2, 3, 4, 5]];
  const specs = [[[0], [2], [1]], [[1, 1], [3, 5], [1, 2]], [[-1], [-4], [-1]], [[0, 0], [4, 6], null],
    [[2, -1, 0], [0, -5, 4], [-1, -2, 2]], [[1], [2], [1]], [[0, 1, 0, 1], [1, 3, 2, 4], [1, 1, 1, 1]],
    [[1, 1], [-1, 100], [2, 3]], [[0, 0], [0, 0], [0, 1]], [[0, 0, 0], [1, 1, 1], [1, 1, 1]]];
  for (const xShape of shapes) {
    for (const [b, e, s] of specs) {
      for (const bm of [0, 1, 2, 5]) for (const em of [0, 1, 3]) for (const ell of [0, 1, 2, 3]) {
        for (const na of [0, 1, 4]) for (const sh of [0, 1, 2]) {
          same('sliceInfo', [xShape, b, e, s, bm, em, ell, na, sh], su);
        }
        same('getNormalizedAxes', [xShape, ell ? [Math.log2(ell & -ell)] : [], Math.max(0, xShape.length - b.length),
          b, e, s || b.map(() => 1), bm, em, ell], su);
        const axis = Math.min(b.length, xShape.length) - 1;
        same('startForAxis', [bm, b, s || [], xShape, axis, ell], su);
        same('stopForAxis', [em, e, s || [], xShape, axis, ell], su);
        same('stridesForAxis', [s || [], axis, ell], su);
        for (const at of [0, 1]) for (const num of [1, 2]) {
          same('startIndicesWithElidedDims', [bm, at, num, b, xShape], su);
          same('stopIndicesWithElidedDims', [em, at, num, e, xShape], su);
          same('stridesWithElidedDims', [s || [1], at, num, xShape], su);
        }
      }
    }
    for (const [b, size] of [[[0], undefined], [0, 2], [[1, 1], [-1, 2]], [[0, 0, 0], [1, -2, 1]], [[-1], [1]],
      [1, -1], [[0, 1, 1, 1], [2, 2, 2, 2]]]) {
      same('parseSliceParams', [info(xShape), b, size], su);
    }
    for (const [b, size] of [[[0], [1]], [[0, 0], [4, 6]], [[1, 2, 3], [2, 2, 2]], [[1, 1, 1, 1], [1, 2, 3, 4]]]) {
      same('assertParamsValid', [info(xShape), b, size], su);
      same('isSliceContinous', [xShape, b, size], su);
      same('computeFlatOffset', [b, [60, 20, 5]], su);
    }
  }
  same('computeFlatOffset', [[], []], su);
});

test('einsum helpers', () => {
  const eqs = [['ij,jk->ik', 2], ['i,i->', 2], ['ij->ji', 1], ['ij->j', 1], ['bij,bjk->bik', 2], ['i, j -> ij', 2],
    ['ij,jk', 2], ['ij->->i', 1], ['...ij->ij', 1], ['ij,jk->ik', 1], ['a,b,c->abc', 3], ['ii->i', 1],
    ['ij->k', 1], ['ijk,kj->i', 2], [',i->i', 2]];
  for (const [eq, n] of eqs) {
    const r = same('decodeEinsumEquation', [eq, n]);
    if (r.error) continue;
    const {allDims, summedDims, idDims} = r.value;
    for (const ids of idDims) {
      same('getEinsumPermutation', [allDims.length, ids]);
      same('isIdentityPermutation', [ids]);
    }
    same('getEinsumComputePath', [summedDims, idDims]);
    const shapes = idDims.map((ids) => ids.map((d) => d + 2));
    same('checkEinsumDimSizes', [allDims.length, idDims, shapes.map((s) => info(s))]);
    if (shapes.length && shapes[0].length) {
      shapes[shapes.length - 1][0] += 1;
      same('checkEinsumDimSizes', [allDims.length, idDims, shapes.map((s) => info(s))]);
    }
  }
  same('getEinsumComputePath', [[], [[0, 1], []]]);
  same('getEinsumComputePath', [[2, 3], [[0, 2], [3, 1], []]]);
  for (const p of [[], [0], [0, 1, 2], [1, 0], [0, 2, 1]]) same('isIdentityPermutation', [p]);
});

test('ragged-to-dense, complex packing, sparse messages, strings, shouldFuse', () => {
  for (const types of [[], ['FIRST_DIM_SIZE', 'VALUE_ROWIDS'], ['ROW_SPLITS', 'ROW_SPLITS'], ['ROW_LENGTHS', 'x', 'ROW_STARTS'],
    ['ROW_LIMITS']]) {
    const r = same('getRowPartitionTypesHelper', [types]);
    same('getRaggedRank', [r.value]);
  }
  for (const [rr, shape, vs] of [[1, null, null], [1, null, [4, 3]], [2, [2, -1, 3], [5, 3]], [1, [2, 3], [4, 3, 2]],
    [1, [2, 4], [5, 3]], [2, [-1, -1, -1, 2], [6, 1, 2]], [1, [2, 5, -1], [9, 3, 1]], [2, [2, 3, 4], null]]) {
    same('combineRaggedTensorToTensorShapes', [rr, shape, vs]);
  }
  for (const [d, v] of [[null, [2]], [[], [4, 3]], [[3], [4, 3]], [[1], [4, 3]], [[2], [4, 3]], [[4, 3], [4, 3]],
    [[2, 3], [5, 2, 4]], [[-1, 3], [5, 2, 3]]]) {
    same('validateDefaultValueShape', [d, v]);
  }
  const c8 = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const c6 = new Float32Array([1, 2, 3, 4, 5, 6]);
  for (const c of [c8, c6, new Float32Array(0)]) {
    same('splitRealAndImagArrays', [c]);
    same('complexWithEvenIndex', [c]);
    same('complexWithOddIndex', [c]);
    same('getComplexWithIndex', [c, 1]);
  }
  same('mergeRealAndImagArrays', [new Float32Array([1, 2]), new Float32Array([3, 4])]);
  same('mergeRealAndImagArrays', [new Float32Array([1, 2]), new Float32Array([3])]);
  for (const n of [2, 4, 8, 5]) for (const inv of [false, true]) {
    same('exponents', [n, inv]);
    for (let k = 0; k < n; k++) same('exponent', [k, n, inv]);
  }
  const data = new Float32Array(6);
  ours.assignToTypedArray(data, 7, 8, 1);
  assert.deepEqual(Array.from(data), [0, 0, 7, 8, 0, 0]);
  const msgs = Object.keys(theirs).filter((k) => k.startsWith('getSparse'));
  assert.equal(msgs.length, 12);
  for (const k of msgs) {
    same(k, [3, 5, 7]);
    same(k, [[2, 3], [4, 5]]);
  }
  const strs = ['', 'abc', 'héllo wörld', '日本'];
  same('fromStringArrayToUint8', [strs]);
  same('fromUint8ToStringArray', [theirs.fromStringArrayToUint8(strs)]);
  for (const depth of [0, 1, 2]) for (const act of ['linear', 'relu', 'elu', undefined]) same('shouldFuse', [depth, act]);
  assert.ok(compared > 1000);
});

test('log and warn print unless IS_TEST or PROD', (t) => {
  const seen = [];
  t.mock.method(console, 'log', (...m) => seen.push(['log', ...m]));
  t.mock.method(console, 'warn', (...m) => seen.push(['warn', ...m]));
  const before = tf.env().getBool('PROD');
  ours.log('a', 1);
  ours.warn('b');
  tf.env().set('PROD', true);
  ours.log('hidden');
  ours.warn('hidden');
  tf.env().set('PROD', before);
  assert.deepEqual(seen, [['log', 'a', 1], ['warn', 'b']]);
});

test('fused activation helpers match tfjs values and dispose their intermediates', () => {
  const xs = [-2, -0.5, 0, 0.3, 1, 4, 7, -9];
  const shape = [2, 4];
  const alpha = [0.1, 0.2, 0.3, 0.4];
  const before = tf.memory().numTensors;
  for (const act of ['linear', 'relu', 'elu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'bogus']) {
    for (const lr of [undefined, 0.3]) {
      const x = tf.tensor(xs, shape);
      const w = tf.tensor1d(alpha);
      const tx = tfjs.tensor(xs, shape);
      const tw = tfjs.tensor1d(alpha);
      let mine; let ref;
      try {
        ref = Array.from(theirs.applyActivation(tx, act, tw, lr).dataSync());
      } catch (e) {
        ref = e.message;
      }
      try {
        const y = ours.applyActivation(x, act, w, lr);
        mine = Array.from(y.dataSync());
        if (y !== x) y.dispose();
      } catch (e) {
        mine = e.message;
      }
      if (typeof ref === 'string') assert.equal(mine, ref);
      else assertAllClose(mine, ref, `applyActivation ${act}`, 1e-6);
      x.dispose(); w.dispose(); tx.dispose(); tw.dispose();
    }
  }
  const dyv = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const act of [undefined, 'linear', 'relu', 'elu']) {
    const dy = tf.tensor(dyv, shape);
    const y = tf.tensor(xs, shape);
    let mine; let ref;
    try {
      ref = Array.from(theirs.getFusedDyActivation(tfjs.tensor(dyv, shape), tfjs.tensor(xs, shape), act).dataSync());
    } catch (e) {
      ref = e.message;
    }
    try {
      const r = ours.getFusedDyActivation(dy, y, act);
      mine = Array.from(r.dataSync());
      if (r !== dy) r.dispose();
    } catch (e) {
      mine = e.message;
    }
    assert.deepEqual(mine, ref);
    dy.dispose(); y.dispose();
  }
  for (const [biasShape, dyShape] of [[[4], [2, 4]], [[1, 4], [2, 4]], [[2, 4], [2, 4]], [[], [2, 4]], [[2, 1], [2, 4]],
    [[3], [2, 2, 3]]]) {
    const n = dyShape.reduce((a, b) => a * b);
    const dyVals = Array.from({length: n}, (_, i) => i * 0.5 - 1);
    const bias = tf.zeros(biasShape);
    const dy = tf.tensor(dyVals, dyShape);
    const r = ours.getFusedBiasGradient(bias, dy);
    const ref = theirs.getFusedBiasGradient(tfjs.zeros(biasShape), tfjs.tensor(dyVals, dyShape));
    assert.deepEqual(r.shape, ref.shape);
    assertAllClose(Array.from(r.dataSync()), Array.from(ref.dataSync()), `bias grad ${biasShape}`, 1e-6);
    r.dispose(); bias.dispose(); dy.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
