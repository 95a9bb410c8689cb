// Random image augmentation layers (tf.layers.randomWidth from tfjs 4.22, its twin
// randomHeight, and Keras 3's randomFlip, randomRotation, randomTranslation,
// randomZoom, randomContrast): the identity at inference; in training (apply with
// {training: true}, or fit) structural checks: a flip gives exactly the mirrored
// image or the original, a rotation/translation/zoom with a fixed factor equals
// tf.image.transform with Keras's matrix (and tfjs's tf.image.transform for one
// image), contrast keeps each channel's mean, randomWidth with a fixed factor equals
// tfjs's randomWidth; seeds repeat; config round trips, save/load, a Keras 3
// model.json that loads; the errors for what is not supported.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {artifactsOf, assertAllClose, loadTfjs, seededData as data, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const vals = t => Array.from(t.dataSync());
const take = t => {
  const v = vals(t);
  t.dispose();
  return v;
};
const norm = c => JSON.parse(JSON.stringify(c));

const LAYERS = [
  ['randomWidth', {factor: 0.4}],
  ['randomHeight', {factor: [0.2, 0.5], interpolation: 'nearest'}],
  ['randomFlip', {mode: 'horizontal'}],
  ['randomRotation', {factor: 0.2, fillMode: 'constant', fillValue: 3}],
  ['randomTranslation', {heightFactor: 0.3, widthFactor: [-0.2, 0.1], fillMode: 'wrap'}],
  ['randomZoom', {heightFactor: [-0.3, 0.2], interpolation: 'nearest', fillMode: 'nearest'}],
  ['randomContrast', {factor: 0.5, valueRange: [-10, 10]}],
];

// ---- inference ------------------------------------------------------------------------------

test('every augmentation layer is the identity at inference (apply and predict)', () => {
  const shape = [2, 5, 6, 3];
  const x = tf.tensor(data(shape, 1), shape);
  const before = tf.memory().numTensors;
  for (const [factory, opts] of LAYERS) {
    const layer = tf.layers[factory]({...opts, seed: 7});
    assertAllClose(take(layer.apply(x)), vals(x), `${factory}: apply`, 0);
    assertAllClose(take(layer.apply(x, {training: false})), vals(x), `${factory}: training false`, 0);
    // An unbatched image too.
    const one = tf.tidy(() => tf.slice(x, [0], [1]).reshape([5, 6, 3]));
    const y = layer.apply(one);
    assert.deepEqual(y.shape, [5, 6, 3]);
    assertAllClose(take(y), vals(one), `${factory}: one image`, 0);
    one.dispose();
    const model = tf.sequential({layers: [tf.layers[factory]({...opts, inputShape: [5, 6, 3]})]});
    assertAllClose(take(model.predict(x)), vals(x), `${factory}: predict`, 0);
    model.dispose();
    layer.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  x.dispose();
});

// ---- training ---------------------------------------------------------------------------------

test('randomFlip in training: each image is exactly the original or its mirror; both happen; seeds repeat', () => {
  const shape = [16, 3, 4, 2];
  const x = tf.tensor(data(shape, 2), shape);
  const cases = [['horizontal', [2]], ['vertical', [1]], ['horizontal_and_vertical', [1, 2]]];
  for (const [mode, axes] of cases) {
    const layer = tf.layers.randomFlip({mode, seed: 11});
    const y = layer.apply(x, {training: true});
    const mirrored = tf.reverse(x, axes);
    let flipped = 0;
    for (let i = 0; i < 16; i++) {
      const yi = take(tf.slice(y, [i], [1])), xi = take(tf.slice(x, [i], [1])), mi = take(tf.slice(mirrored, [i], [1]));
      const same = yi.every((v, k) => v === xi[k]), mirror = yi.every((v, k) => v === mi[k]);
      assert.ok(same || mirror, `${mode}: image ${i} is the original or the mirror`);
      if (mirror && !same) flipped += 1;
    }
    assert.ok(flipped > 0 && flipped < 16, `${mode}: some images flipped, some not (${flipped} of 16)`);
    // The same seed gives the same flips from a fresh layer.
    const again = tf.layers.randomFlip({mode, seed: 11});
    assertAllClose(take(again.apply(x, {training: true})), vals(y), `${mode}: seeded`, 0);
    tf.dispose([y, mirrored]);
    layer.dispose();
    again.dispose();
  }
  // Keras's model.json spelling of the mode, camelCased by the loader.
  assert.equal(tf.layers.randomFlip({mode: 'horizontalAndVertical'}).getConfig().mode, 'horizontal_and_vertical');
  x.dispose();
});

/** Keras's _compute_affine_matrix for a rotation (radians) about the center, as tf.image.transform's 8 numbers. */
function rotationMatrix(angle, h, w) {
  const cx = (w - 1) / 2, cy = (h - 1) / 2, c = Math.cos(angle), s = Math.sin(angle);
  return [c, -s, cx - cx * c + cy * s, s, c, cy - cx * s - cy * c, 0, 0];
}

test('randomRotation with a fixed factor matches tf.image.transform with Keras\'s matrix (and tfjs\'s transform)', () => {
  const shape = [2, 5, 7, 2];
  const xs = data(shape, 3);
  const x = tf.tensor(xs, shape);
  for (const fillMode of ['reflect', 'wrap', 'constant', 'nearest']) {
    for (const interpolation of ['bilinear', 'nearest']) {
      const factor = 0.1;  // 36 degrees
      const layer = tf.layers.randomRotation({factor: [factor, factor], fillMode, interpolation, fillValue: -2});
      const y = layer.apply(x, {training: true});
      const m = rotationMatrix(factor * 2 * Math.PI, 5, 7);
      const ref = tf.image.transform(x, tf.tensor2d([m, m]), interpolation, fillMode, -2);
      assertAllClose(vals(y), vals(ref), `rotation ${fillMode} ${interpolation}`, 1e-4);
      // tfjs's kernel transforms one image correctly (4.22 leaves the others at the fill value).
      const refT = tfjs.image.transform(tfjs.tensor(xs.slice(0, 70), [1, 5, 7, 2]), tfjs.tensor2d([m]), interpolation, fillMode, -2);
      assertAllClose(vals(y).slice(0, 70), vals(refT), `rotation ${fillMode} ${interpolation} vs tfjs`, 1e-4);
      tf.dispose([y, ref]);
      layer.dispose();
    }
  }
  // A half turn with nearest sampling is the image reversed on both axes.
  const half = tf.layers.randomRotation({factor: [0.5, 0.5], interpolation: 'nearest'});
  assertAllClose(take(half.apply(x, {training: true})), take(tf.reverse(x, [1, 2])), 'half turn', 1e-6);
  // A random factor: each image is rotated by some angle in the range (the center pixel of an odd image stays).
  const rnd = tf.layers.randomRotation({factor: 0.25, seed: 5});
  const odd = tf.tensor(data([4, 5, 5, 1], 9), [4, 5, 5, 1]);
  const yr = vals(rnd.apply(odd, {training: true}));
  const xo = vals(odd);
  for (let b = 0; b < 4; b++) assertAllClose([yr[b * 25 + 12]], [xo[b * 25 + 12]], `image ${b}: the center stays`, 1e-4);
  tf.dispose([x, odd]);
});

test('randomTranslation and randomZoom with fixed factors match tf.image.transform with Keras\'s matrices', () => {
  const shape = [2, 4, 6, 3];
  const x = tf.tensor(data(shape, 4), shape);
  // Translation by a quarter of the height and -1/3 of the width: [[1, 0, -dx], [0, 1, -dy]].
  for (const fillMode of ['reflect', 'wrap', 'constant', 'nearest']) {
    const layer = tf.layers.randomTranslation({heightFactor: [0.25, 0.25], widthFactor: [-1 / 3, -1 / 3], fillMode, fillValue: 5});
    const m = [1, 0, 2, 0, 1, -1, 0, 0];
    const ref = tf.image.transform(x, tf.tensor2d([m, m]), 'bilinear', fillMode, 5);
    assertAllClose(take(layer.apply(x, {training: true})), take(ref), `translation ${fillMode}`, 1e-4);
  }
  // An integer shift with constant fill moves pixels exactly.
  const shift = tf.layers.randomTranslation({heightFactor: [0.25, 0.25], widthFactor: 0, fillMode: 'constant', interpolation: 'nearest'});
  const ys = take(shift.apply(x, {training: true})), xv = vals(x);
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 6 * 3; j++) {
        const want = i === 0 ? 0 : xv[((b * 4 + i - 1) * 6) * 3 + j];
        assert.equal(ys[((b * 4 + i) * 6) * 3 + j], want);
      }
    }
  }
  // Zoom: [[zx, 0, (w - 1) / 2 * (1 - zx)], [0, zy, (h - 1) / 2 * (1 - zy)]]; widthFactor null uses the height's zoom.
  for (const [heightFactor, widthFactor, zy, zx] of [[[0.5, 0.5], null, 1.5, 1.5], [[-0.25, -0.25], [0.2, 0.2], 0.75, 1.2]]) {
    const layer = tf.layers.randomZoom({heightFactor, widthFactor, fillMode: 'reflect'});
    const m = [zx, 0, 2.5 * (1 - zx), 0, zy, 1.5 * (1 - zy), 0, 0];
    const ref = tf.image.transform(x, tf.tensor2d([m, m]), 'bilinear', 'reflect');
    assertAllClose(take(layer.apply(x, {training: true})), take(ref), `zoom ${zy} ${zx}`, 1e-4);
  }
  x.dispose();
});

test('randomContrast in training keeps each image\'s channel means and scales deviations within the factor range', () => {
  const shape = [6, 4, 5, 3];
  const xv = data(shape, 5, 0, 1);
  const x = tf.tensor(xv, shape);
  const layer = tf.layers.randomContrast({factor: [0.2, 0.6], valueRange: [-100, 100], seed: 3});
  const y = layer.apply(x, {training: true});
  const mx = vals(tf.mean(x, [1, 2])), my = vals(tf.mean(y, [1, 2]));
  assertAllClose(my, mx, 'channel means preserved', 1e-5);
  const yv = vals(y);
  for (let b = 0; b < 6; b++) {
    const k = ((b * 4) * 5) * 3;  // pixel (0, 0), channel 0
    const ratio = (yv[k] - mx[b * 3]) / (xv[k] - mx[b * 3]);
    assert.ok(ratio >= 0.8 - 1e-4 && ratio <= 1.6 + 1e-4, `image ${b}: contrast factor ${ratio} in [0.8, 1.6]`);
    for (let i = 0; i < 20; i++) {
      for (let c = 0; c < 3; c++) {
        const o = (b * 20 + i) * 3 + c;
        assertAllClose([yv[o] - mx[b * 3 + c]], [ratio * (xv[o] - mx[b * 3 + c])], `image ${b}: one factor for all pixels`, 1e-4);
      }
    }
  }
  // The value range clips; factor 0 is the identity.
  const clip = tf.layers.randomContrast({factor: [0.9, 1], valueRange: [0.4, 0.6]});
  const yc = vals(clip.apply(x, {training: true}));
  assert.ok(yc.every(v => v >= Math.fround(0.4) && v <= Math.fround(0.6)), 'clipped to the value range');
  assert.ok(yc.some(v => v === Math.fround(0.4)) && yc.some(v => v === Math.fround(0.6)), 'some values clipped at both ends');
  assertAllClose(take(tf.layers.randomContrast({factor: 0, valueRange: [0, 1]}).apply(x, {training: true})), xv, 'factor 0', 1e-6);
  // Keras's _set_factor: a number f gives [max(-f, 0), f].
  assert.deepEqual(tf.layers.randomContrast({factor: 0.3}).getConfig().factor, [0, 0.3]);
  tf.dispose([x, y]);
});

test('randomWidth / randomHeight in training: a fixed factor matches tfjs\'s randomWidth; random sizes stay in range', () => {
  const shape = [2, 4, 10, 3];
  const xs = data(shape, 6);
  const x = tf.tensor(xs, shape);
  for (const interpolation of ['bilinear', 'nearest']) {
    const ours = tf.layers.randomWidth({factor: [0.3, 0.3], interpolation, name: `rw_${interpolation}`});
    const theirs = tfjs.layers.randomWidth({factor: [0.3, 0.3], interpolation, name: `rw_${interpolation}`});
    const y = ours.apply(x, {training: true});
    const yT = theirs.apply(tfjs.tensor(xs, shape), {training: true});
    assert.deepEqual(y.shape, yT.shape);
    assert.deepEqual(y.shape, [2, 4, 13, 3]);
    assertAllClose(take(y), vals(yT), `randomWidth ${interpolation} vs tfjs`, 1e-5);
    assert.deepEqual(norm(ours.getConfig()), norm(theirs.getConfig()), 'getConfig as tfjs');
  }
  const h = tf.layers.randomHeight({factor: [-0.5, -0.5]});
  const yh = h.apply(x, {training: true});
  assert.deepEqual(yh.shape, [2, 2, 10, 3]);
  assertAllClose(take(yh), take(tf.image.resizeBilinear(x, [2, 10])), 'randomHeight = resizeBilinear', 1e-6);
  const rnd = tf.layers.randomWidth({factor: 0.5, seed: 1});
  const widths = new Set();
  for (let i = 0; i < 12; i++) {
    const y = rnd.apply(x, {training: true});
    assert.ok(y.shape[2] >= 5 && y.shape[2] <= 15, `width ${y.shape[2]} in [5, 15]`);
    widths.add(y.shape[2]);
    y.dispose();
  }
  assert.ok(widths.size > 1, 'the width varies');
  // Symbolically the width is unknown (tfjs 4.22 fails here with a negative dimension).
  assert.deepEqual(tf.layers.randomWidth({factor: 0.2}).apply(tf.input({shape: [4, 10, 3]})).shape, [null, 4, null, 3]);
  assert.deepEqual(tf.layers.randomWidth({factor: 0.2, seed: 4}).getConfig().seed, 4);
  x.dispose();
});

test('augmentation layers train inside a model (fit) and leave no tensors behind', async () => {
  const model = tf.sequential({layers: [
    tf.layers.randomFlip({inputShape: [6, 6, 1], seed: 1}),
    tf.layers.randomRotation({factor: 0.1, seed: 2}),
    tf.layers.randomZoom({heightFactor: 0.1, seed: 3}),
    tf.layers.randomTranslation({heightFactor: 0.1, widthFactor: 0.1, seed: 4}),
    tf.layers.randomContrast({factor: 0.2, valueRange: [0, 1], seed: 5}),
    tf.layers.flatten(),
    tf.layers.dense({units: 1}),
  ]});
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const x = tf.tensor(data([8, 6, 6, 1], 8, 0, 1), [8, 6, 6, 1]);
  const y = tf.ones([8, 1]);
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, {epochs: 3, batchSize: 4, verbose: 0});
  assert.ok(h.history.loss.every(Number.isFinite));
  assert.equal(tf.memory().numTensors, before, 'fit leaves no tensors behind');
  // Gradients flow through the augmentation to an input.
  const g = tf.grad(v => tf.layers.randomRotation({factor: 0.1, seed: 9}).apply(v, {training: true}).sum())(x);
  assert.ok(vals(g).some(v => v !== 0));
  tf.dispose([x, y, g]);
  model.dispose();
});

test('augmentation configs round-trip (getConfig, fromConfig, save/load)', async () => {
  for (const [factory, opts] of LAYERS) {
    const layer = tf.layers[factory]({...opts, seed: 3, name: `aug_${factory}`});
    const config = layer.getConfig();
    assert.equal(config.seed, 3, `${factory}: seed`);
    const again = tf.layers[factory](config);
    assert.deepEqual(norm(again.getConfig()), norm(config), `${factory}: fromConfig`);
    const model = tf.sequential({layers: [tf.layers[factory]({...opts, inputShape: [5, 6, 2], name: `m_${factory}`})]});
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
    assert.deepEqual(norm(loaded.layers[0].getConfig()), norm(model.layers[0].getConfig()), `${factory}: save/load`);
    [layer, again, model, loaded].forEach(l => l.dispose());
  }
  // Keras's defaults.
  const r = tf.layers.randomRotation({factor: 0.2}).getConfig();
  assert.deepEqual({factor: r.factor, fillMode: r.fillMode, interpolation: r.interpolation, fillValue: r.fillValue, seed: r.seed,
                    dataFormat: r.dataFormat}, {factor: [-0.2, 0.2], fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0,
                                                seed: null, dataFormat: 'channelsLast'});
  assert.equal(tf.layers.randomFlip().getConfig().mode, 'horizontal_and_vertical');
  assert.deepEqual(tf.layers.randomContrast({factor: 0.1}).getConfig().valueRange, [0, 255]);
  assert.equal(tf.layers.randomZoom({heightFactor: 0.1}).getConfig().widthFactor, null);
});

// A Keras 3 Sequential with the augmentation layers before a Dense, as model.json.
const policy = {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}, registered_name: null};
const k3 = (cls, config, inputShape) => ({module: 'keras.layers', class_name: cls, registered_name: null,
                                         build_config: {input_shape: inputShape},
                                         config: {name: cls.toLowerCase(), trainable: true, dtype: policy, data_format: 'channels_last', ...config}});
const keras3Augment = {
  class_name: 'Sequential', keras_version: '3.6.0', backend: 'tensorflow',
  config: {name: 'sequential', trainable: true, dtype: policy, layers: [
    {module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
     config: {batch_shape: [null, 4, 4, 1], dtype: 'float32', sparse: false, name: 'input_layer'}},
    k3('RandomFlip', {mode: 'horizontal_and_vertical', seed: null}, [null, 4, 4, 1]),
    k3('RandomRotation', {factor: [-0.1, 0.1], fill_mode: 'reflect', fill_value: 0.0, interpolation: 'bilinear', seed: 42}, [null, 4, 4, 1]),
    k3('RandomTranslation', {height_factor: 0.1, width_factor: [-0.2, 0.2], fill_mode: 'constant', fill_value: 0.0, interpolation: 'nearest', seed: null}, [null, 4, 4, 1]),
    k3('RandomZoom', {height_factor: [-0.2, 0.1], width_factor: null, fill_mode: 'wrap', fill_value: 0.0, interpolation: 'bilinear', seed: null}, [null, 4, 4, 1]),
    k3('RandomContrast', {factor: [0.0, 0.2], value_range: [0, 1], seed: null}, [null, 4, 4, 1]),
    {module: 'keras.layers', class_name: 'Flatten', registered_name: null, build_config: {input_shape: [null, 4, 4, 1]},
     config: {name: 'flatten', trainable: true, dtype: policy, data_format: 'channels_last'}},
    {module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: {input_shape: [null, 16]},
     config: {name: 'dense', trainable: true, dtype: policy, units: 1, activation: 'linear', use_bias: true,
              kernel_initializer: {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null}, registered_name: null},
              bias_initializer: {module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null},
              kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null}},
  ], build_input_shape: [null, 4, 4, 1]}};

test('a Keras 3 model.json with the augmentation layers loads, predicts (identity before the Dense) and trains', async () => {
  const kernel = data([16, 1], 12), bias = [0.25];
  const artifacts = {
    format: 'layers-model', generatedBy: 'keras v3.6.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: keras3Augment,
    weightSpecs: [{name: 'dense/kernel', shape: [16, 1], dtype: 'float32'}, {name: 'dense/bias', shape: [1], dtype: 'float32'}],
    weightData: new Float32Array([...kernel, ...bias]).buffer,
  };
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.deepEqual(model.layers.map(l => l.getClassName()),
                   ['RandomFlip', 'RandomRotation', 'RandomTranslation', 'RandomZoom', 'RandomContrast', 'Flatten', 'Dense']);
  const c = model.layers[1].getConfig();
  assert.deepEqual([c.factor, c.fillMode, c.seed], [[-0.1, 0.1], 'reflect', 42]);
  assert.equal(model.layers[2].getConfig().interpolation, 'nearest');
  assert.deepEqual(model.layers[4].getConfig().valueRange, [0, 1]);
  const xs = data([3, 4, 4, 1], 13, 0, 1);
  const expected = [0, 1, 2].map(n => bias[0] + xs.slice(n * 16, n * 16 + 16).reduce((s, v, i) => s + v * kernel[i], 0));
  assertAllClose(take(model.predict(tf.tensor(xs, [3, 4, 4, 1]))), expected, 'predict', 1e-5);
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  const h = await model.fit(tf.tensor(xs, [3, 4, 4, 1]), tf.ones([3, 1]), {epochs: 2, verbose: 0});
  assert.ok(h.history.loss.every(Number.isFinite));
  // Saved here, it loads again with the same configs.
  const again = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(tf, model)));
  model.layers.forEach((l, i) => assert.deepEqual(norm(again.layers[i].getConfig()), norm(l.getConfig()), l.name));
  model.dispose();
  again.dispose();
});

test('augmentation errors: unsupported fill modes, interpolations, data formats and bad factors throw', () => {
  assert.throws(() => tf.layers.randomRotation({factor: 0.1, fillMode: 'mirror'}), /fill_mode.*mirror/);
  assert.throws(() => tf.layers.randomZoom({heightFactor: 0.1, interpolation: 'bicubic'}), /interpolation.*bicubic/);
  assert.throws(() => tf.layers.randomTranslation({heightFactor: 0.1, widthFactor: 0.1, dataFormat: 'channelsFirst'}), /channelsFirst.*not supported/);
  assert.throws(() => tf.layers.randomFlip({mode: 'diagonal'}), /unknown mode/);
  assert.throws(() => tf.layers.randomRotation({factor: 1.5}), /factor/);
  assert.throws(() => tf.layers.randomRotation({}), /factor/);
  assert.throws(() => tf.layers.randomZoom({heightFactor: -1}), /height_factor/);
  assert.throws(() => tf.layers.randomTranslation({heightFactor: 0.1}), /width_factor/);
  assert.throws(() => tf.layers.randomContrast({factor: 2}), /factor/);
  assert.throws(() => tf.layers.randomWidth({factor: -0.5}), /Invalid factor/);
  assert.throws(() => tf.layers.randomWidth({factor: [-2, 0]}), /larger than -1/);
  assert.throws(() => tf.layers.randomWidth({factor: [0.5, 0.1]}), /upper bound less than lower bound/);
  assert.throws(() => tf.layers.randomWidth({factor: 0.2, interpolation: 'area'}), /area is not implemented/);
  assert.throws(() => tf.layers.randomFlip({seed: 1.5}), /seed must be an integer/);
  assert.throws(() => tf.layers.randomFlip().apply(tf.zeros([2, 3])), /rank 3.*or 4/);
});
