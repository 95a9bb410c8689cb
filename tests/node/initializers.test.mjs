// tf.initializers and the seeded random ops against @tensorflow/tfjs 4.22: a seed draws
// tfjs's values exactly (Alea, MPRandGauss and UniformRandom ported to the engine,
// cpp/core/js_random.h), so a model built with seeded initializers and a seeded Dropout
// starts and trains as tfjs's does. Unseeded draws are compared as distributions.
// Options tfjs refuses throw as they are given; the two that hang tfjs throw too.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadTfjs, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const startTensors = tf.memory().numTensors;

const values = t => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

function sameAsTfjs(name, draw, tol = 0) {
  test(`seeded: ${name} draws tfjs's values`, () => {
    const quiet = console.warn;
    console.warn = () => {};  // tfjs's orthogonal warns about large matrices
    let want;
    try {
      want = values(draw(tfjs));
    } finally {
      console.warn = quiet;
    }
    const got = values(draw(tf));
    assert.equal(got.length, want.length);
    assert.ok(maxDiff(got, want) <= tol, `${name}: max |ours - tfjs| ${maxDiff(got, want)} > ${tol}`);
  });
}

const initializerCases = {
  glorotUniform: l => l.initializers.glorotUniform({seed: 1}).apply([20, 30]),
  glorotNormal: l => l.initializers.glorotNormal({seed: 1}).apply([20, 30]),
  heNormal: l => l.initializers.heNormal({seed: 2}).apply([3, 3, 4, 5]),
  heUniform: l => l.initializers.heUniform({seed: 2}).apply([3, 3, 4, 5]),
  leCunNormal: l => l.initializers.leCunNormal({seed: 3}).apply([7, 9]),
  leCunUniform: l => l.initializers.leCunUniform({seed: 3}).apply([7, 9]),
  'varianceScaling uniform fanOut': l => l.initializers.varianceScaling({scale: 0.3, mode: 'fanOut', distribution: 'uniform', seed: 4}).apply([7, 9]),
  'varianceScaling normal fanAvg': l => l.initializers.varianceScaling({scale: 2.5, mode: 'fanAvg', seed: 4}).apply([2, 7, 9]),
  randomNormal: l => l.initializers.randomNormal({mean: 1, stddev: 0.3, seed: 5}).apply([7, 9]),
  'randomNormal negative stddev': l => l.initializers.randomNormal({stddev: -0.5, seed: 5}).apply([40]),
  randomUniform: l => l.initializers.randomUniform({minval: 1, maxval: 1.3, seed: 5}).apply([7, 9]),
  truncatedNormal: l => l.initializers.truncatedNormal({mean: 1, stddev: 0.3, seed: 5}).apply([7, 9]),
  'fractional seed': l => l.initializers.glorotUniform({seed: 0.125}).apply([6, 6]),
  'large seed': l => l.initializers.heUniform({seed: 123456789012}).apply([6, 6]),
};
for (const [name, draw] of Object.entries(initializerCases)) sameAsTfjs(`initializers.${name}`, draw);
// Orthogonal: the same normal matrix, Q made unique by R's diagonal signs; tfjs's QR runs in
// float32 (Householder), ours in double (Gram-Schmidt), so the values agree to rounding.
sameAsTfjs('initializers.orthogonal (rows > cols)', l => l.initializers.orthogonal({gain: 1.5, seed: 6}).apply([8, 5]), 1e-5);
sameAsTfjs('initializers.orthogonal (rows < cols, 3D)', l => l.initializers.orthogonal({seed: 6}).apply([2, 3, 12]), 1e-5);
sameAsTfjs('initializers.orthogonal (square)', l => l.initializers.orthogonal({seed: 7}).apply([30, 30]), 1e-5);

sameAsTfjs('randomNormal', l => l.randomNormal([50], 0.5, 2, 'float32', 7));
sameAsTfjs('randomNormal int32 (Math.round)', l => l.randomNormal([50], 0.5, 3, 'int32', 7));
sameAsTfjs('truncatedNormal', l => l.truncatedNormal([50], 0.5, 2, 'float32', 7.25));
sameAsTfjs('randomUniform', l => l.randomUniform([50], -2, 3, 'float32', 7));
sameAsTfjs('randomUniform seed 0 (a seed, unlike the normal draws)', l => l.randomUniform([50], -2, 3, 'float32', 0));
sameAsTfjs('randomUniform int32 (truncated toward zero)', l => l.randomUniform([50], -5, 5, 'int32', 11));
sameAsTfjs('randomUniform tiny seed (1e-7 as JS writes it)', l => l.randomUniform([20], 0, 1, 'float32', 1e-7));
sameAsTfjs('dropout', l => l.tidy(() => l.dropout(l.ones([40]), 0.3, null, 5)));
sameAsTfjs('dropout with a noiseShape', l => l.tidy(() => l.dropout(l.ones([6, 5]), 0.5, [6, 1], 8)));

test('dropout leaves only its result (a cast of its mask leaked one tensor a call) and refuses int32 as tfjs', () => {
  const x = tf.ones([10]);
  const before = tf.memory().numTensors;
  tf.dropout(x, 0.4, null, 2).dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  const i = tf.tensor1d([1, 2, 3], 'int32');
  assert.throws(() => tf.dropout(i, 0.5), /x has to be a floating point tensor since it's going to be scaled, but got a int32 tensor instead/);
  assert.throws(() => tfjs.dropout(tfjs.tensor1d([1, 2, 3], 'int32'), 0.5), /got a int32 tensor/);
  i.dispose();
});

test('a model of seeded initializers and a seeded Dropout trains as tfjs\'s does', async () => {
  async function run(lib) {
    const m = lib.sequential();
    m.add(lib.layers.dense({units: 8, inputShape: [4], activation: 'relu', kernelInitializer: lib.initializers.heNormal({seed: 11}),
                            biasInitializer: lib.initializers.randomUniform({seed: 12})}));
    m.add(lib.layers.dropout({rate: 0.25, seed: 13}));
    m.add(lib.layers.dense({units: 3, activation: 'softmax', kernelInitializer: lib.initializers.glorotUniform({seed: 14})}));
    const optimizer = lib.train.adam(0.01);
    m.compile({optimizer, loss: 'categoricalCrossentropy'});
    const x = lib.randomNormal([16, 4], 0, 1, 'float32', 21);
    const labels = lib.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32');
    const y = lib.oneHot(labels, 3);
    const initial = m.getWeights().flatMap(w => Array.from(w.dataSync()));
    const h = await m.fit(x, y, {epochs: 3, batchSize: 8, shuffle: false, verbose: 0});
    const trained = m.getWeights().flatMap(w => Array.from(w.dataSync()));
    lib.dispose([x, labels, y]);
    m.dispose();
    optimizer.dispose();  // the user's, so not the model's to dispose (as tfjs)
    return {initial, loss: h.history.loss, trained};
  }
  const want = await run(tfjs), got = await run(tf);
  assert.deepEqual(got.initial, want.initial, 'the same initial weights, bit for bit');
  assert.ok(maxDiff(got.loss, want.loss) < 1e-5, `losses ${got.loss} vs ${want.loss}`);
  assert.ok(maxDiff(got.trained, want.trained) < 1e-5, 'the same trained weights');
});

test('unseeded initializers: the distributions of tfjs\'s (std and range over 60 000 draws)', () => {
  const stats = v => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return {mean, std, max: Math.max(...v.map(Math.abs))};
  };
  const families = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform'];
  for (const name of families) {
    const a = stats(values(tfjs.initializers[name]().apply([200, 300])));
    const b = stats(values(tf.initializers[name]().apply([200, 300])));
    assert.ok(Math.abs(b.std / a.std - 1) < 0.03, `${name}: std ${b.std} vs tfjs ${a.std}`);
    assert.ok(Math.abs(b.max / a.max - 1) < 0.03, `${name}: max |x| ${b.max} vs tfjs ${a.max}`);
    assert.ok(Math.abs(b.mean) < 0.01 * b.std * 10, `${name}: mean ${b.mean}`);
  }
  // Two unseeded draws differ.
  assert.notDeepEqual(values(tf.initializers.heNormal().apply([5])), values(tf.initializers.heNormal().apply([5])));
});

test('varianceScaling distribution truncatedNormal is Keras\'s: variance = scale, cut at 2 sigma', () => {
  // tfjs 4.22 accepts the name and draws a uniform; Keras's truncated_normal keeps the variance.
  const scale = 2 / 250;  // scale 2, fanAvg of [200, 300]
  const v = values(tf.initializers.varianceScaling({scale: 2, mode: 'fanAvg', distribution: 'truncatedNormal', seed: 3}).apply([200, 300]));
  const variance = v.reduce((a, b) => a + b * b, 0) / v.length;
  const sigma = Math.sqrt(scale) / 0.87962566103423978;
  assert.ok(Math.abs(variance / scale - 1) < 0.03, `variance ${variance} vs ${scale}`);
  assert.ok(v.every(x => Math.abs(x) <= 2 * sigma + 1e-7), 'within 2 sigma');
  assert.ok(Math.max(...v.map(Math.abs)) > 1.95 * sigma, 'reaches the cut (not a uniform)');
  // Keras's snake_case values in a layer config (a converted model's), read as tfjs camelCases them.
  const layer = tf.layers.dense({units: 50, inputShape: [40], kernelInitializer:
    {className: 'VarianceScaling', config: {scale: 1, mode: 'fan_out', distribution: 'truncated_normal', seed: 1}}});
  const m = tf.sequential({layers: [layer]});
  const cfg = layer.getConfig().kernelInitializer.config;
  assert.equal(cfg.mode, 'fanOut');
  assert.equal(cfg.distribution, 'truncatedNormal');
  const k = values(m.getWeights()[0].clone());
  const kv = k.reduce((a, b) => a + b * b, 0) / k.length;
  assert.ok(Math.abs(kv / (1 / 50) - 1) < 0.15, `kernel variance ${kv} vs 1/fanOut = 0.02`);
  m.dispose();
});

test('bad initializer options throw as they are given (tfjs\'s words), and where tfjs hangs', () => {
  const cases = [
    [() => tf.initializers.varianceScaling({mode: 'foo'}), /"foo" is not a valid FanMode/],
    [() => tf.initializers.varianceScaling({distribution: 'gaussian'}), /"gaussian" is not a valid Distribution/],
    [() => tf.initializers.varianceScaling({scale: -1}), /scale must be a positive float. Got: -1/],
    [() => tf.layers.dense({units: 2, kernelInitializer: {className: 'VarianceScaling', config: {mode: 'fanMiddle'}}}),
     /"fanMiddle" is not a valid FanMode/],
    // tfjs redraws forever: no value lies within 2 * (-1) of the mean.
    [() => tf.initializers.truncatedNormal({stddev: -1}), /stddev must be >= 0. Got: -1/],
    [() => tf.truncatedNormal([3], 0, -1), /truncatedNormal: stdDev must be >= 0, got -1/],
    [() => tf.randomNormal([3], 0, 1, 'bool'), /Unsupported data type bool/],
  ];
  for (const [fn, message] of cases) assert.throws(fn, message);
  for (const [fn, message] of cases.slice(0, 3)) assert.throws(() => fn.call(null), message);
  // tfjs throws the same for the first three.
  assert.throws(() => tfjs.initializers.varianceScaling({mode: 'foo'}), /not a valid FanMode/);
  assert.throws(() => tfjs.initializers.varianceScaling({scale: -1}), /scale must be a positive float/);
  // The module keeps working.
  assert.equal(values(tf.initializers.ones().apply([2])).join(), '1,1');
});

test('no tensors left behind', () => {
  assert.equal(tf.memory().numTensors, startTensors);
});
