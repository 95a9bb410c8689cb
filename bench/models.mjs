// The benchmark's models, built with the tfjs layers API of whichever library is
// passed in (ours or @tensorflow/tfjs); shared by bench/run.mjs and the tests.

export function buildMlp(lib, dims, acts) {
  const m = lib.sequential();
  for (let i = 1; i < dims.length; ++i) {
    const cfg = {units: dims[i], activation: acts[i - 1]};
    if (i === 1) cfg.inputShape = [dims[0]];
    m.add(lib.layers.dense(cfg));
  }
  return m;
}

export function buildCnn(lib) {
  const m = lib.sequential();
  m.add(lib.layers.conv2d({inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu'}));
  m.add(lib.layers.maxPooling2d({poolSize: 2}));
  m.add(lib.layers.conv2d({filters: 64, kernelSize: 3, activation: 'relu'}));
  m.add(lib.layers.maxPooling2d({poolSize: 2}));
  m.add(lib.layers.flatten());
  m.add(lib.layers.dense({units: 10, activation: 'softmax'}));
  return m;
}

// LSTM(64) over 32 steps x 16 features, then dense(1): a sequence regressor.
export function buildLstm(lib) {
  const m = lib.sequential();
  m.add(lib.layers.lstm({units: 64, inputShape: [32, 16]}));
  m.add(lib.layers.dense({units: 1}));
  return m;
}

// A bidirectional LSTM over 32 steps of 16 features (the sentiment example's shape).
export function buildBiLstm(lib) {
  const m = lib.sequential();
  m.add(lib.layers.bidirectional({layer: lib.layers.lstm({units: 32}), inputShape: [32, 16]}));
  m.add(lib.layers.dense({units: 1}));
  return m;
}

export function buildGru(lib) {
  const m = lib.sequential();
  m.add(lib.layers.gru({units: 64, inputShape: [32, 16]}));
  m.add(lib.layers.dense({units: 1}));
  return m;
}

// MobileNetV2 (alpha 1.0, 224x224x3 unless `size` says) with the functional API.
export function buildMobileNetV2(lib, size = 224) {
  const L = lib.layers;
  const inp = lib.input({shape: [size, size, 3]});
  const convBn = (x, filters, k, strides, act) => {
    x = L.conv2d({filters, kernelSize: k, strides, padding: 'same', useBias: false}).apply(x);
    x = L.batchNormalization({epsilon: 1e-3, momentum: 0.999}).apply(x);
    return act ? L.reLU({maxValue: 6}).apply(x) : x;
  };
  let x = convBn(inp, 32, 3, 2, true);
  let inC = 32;
  const cfg = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  for (const [t, c, n, s] of cfg) {
    for (let i = 0; i < n; ++i) {
      const stride = i === 0 ? s : 1;
      let y = x;
      if (t !== 1) y = convBn(y, inC * t, 1, 1, true);
      y = L.depthwiseConv2d({kernelSize: 3, strides: stride, padding: 'same', useBias: false}).apply(y);
      y = L.batchNormalization({epsilon: 1e-3, momentum: 0.999}).apply(y);
      y = L.reLU({maxValue: 6}).apply(y);
      y = convBn(y, c, 1, 1, false);
      x = stride === 1 && inC === c ? L.add().apply([x, y]) : y;
      inC = c;
    }
  }
  x = convBn(x, 1280, 1, 1, true);
  x = L.globalAveragePooling2d({}).apply(x);
  x = L.dense({units: 1000, activation: 'softmax'}).apply(x);
  return lib.model({inputs: inp, outputs: x});
}
