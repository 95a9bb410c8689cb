// The digits demo: data made in the page, a small CNN trained with wasm-layers, live
// charts, a confusion matrix, a drawing pad with top-3 predictions, save/load, and a
// speed comparison with @tensorflow/tfjs. The lazy module lets the page say what went
// wrong when the engine cannot load (instead of a failed import).
import * as tf from '../dist/wasm-layers.browser.lazy.mjs';

import {confusionMatrix, lineChart} from './charts.js';
import {makeDataset, paintSamples, toInput} from './digits-data.js';

const $ = id => document.getElementById(id);
const statusEl = $('status');
const say = (text, error = false) => {
  statusEl.textContent = text;
  statusEl.classList.toggle('error', error);
};

const VALIDATION = 1000;
const MODEL_KEY = 'indexeddb://wasm-layers-digits';
const state = {model: null, training: false, data: null, dataKey: '', curves: null, epochsDone: 0};
window.demo = {tf, state};  // for the console (and the browser test)

/** The network: two conv/pool blocks and a small dense head (about 14k weights). */
function buildModel(lib) {
  const model = lib.sequential();
  model.add(lib.layers.conv2d({inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu'}));
  model.add(lib.layers.maxPooling2d({poolSize: 2}));
  model.add(lib.layers.conv2d({filters: 16, kernelSize: 3, activation: 'relu'}));
  model.add(lib.layers.maxPooling2d({poolSize: 2}));
  model.add(lib.layers.flatten());
  model.add(lib.layers.dense({units: 32, activation: 'relu'}));
  model.add(lib.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}

function settings() {
  const num = (id, lo, hi) => {
    const v = Number($(id).value);
    if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`${$(id).labels[0].textContent.trim()} must be between ${lo} and ${hi}`);
    return v;
  };
  return {epochs: Math.round(num('epochs', 1, 100)), batchSize: Math.round(num('batch', 1, 1024)),
          lr: num('lr', 1e-6, 1), optimizer: $('optimizer').value, samples: Math.round(num('samples', 100, 60000)),
          inWorker: $('in-worker').checked};
}

function makeOptimizer(lib, name, lr) {
  if (name === 'sgd') return lib.train.momentum(lr, 0.9);
  return lib.train[name](lr);
}

function compile(lib, model, s) {
  model.compile({optimizer: makeOptimizer(lib, s.optimizer, s.lr), loss: 'categoricalCrossentropy',
                 metrics: ['accuracy']});
}

async function getData(samples) {
  const key = String(samples);
  if (state.dataKey !== key) {
    const t0 = performance.now();
    const progress = (done, n) => say(`Making the data set: ${done} / ${n} training digits…`);
    const train = await makeDataset(samples, 1, progress);
    const val = await makeDataset(VALIDATION, 2, (done, n) => say(`Making the validation set: ${done} / ${n}…`));
    state.data = {train, val, ms: performance.now() - t0};
    state.dataKey = key;
    paintSamples($('samples-canvas'), train.xs, train.labels, 24);
    const shown = Array.from(train.labels.slice(0, 24)).join(', ');
    $('samples-canvas').setAttribute('aria-label', `24 sample training images, showing the digits ${shown}`);
  }
  return state.data;
}

const tensors = (lib, set) => [lib.tensor4d(set.xs, [set.labels.length, 28, 28, 1]),
                              lib.oneHot(lib.tensor1d(set.labels, 'int32'), 10)];

function drawCurves() {
  const c = state.curves;
  const xMax = c.epochs;
  lineChart($('loss-chart'), [
    {name: 'training', color: '#0b5cad', points: c.trainLoss},
    {name: 'validation', color: '#d2691e', points: c.valLoss, dots: true, dashed: true},
  ], {title: 'Loss', xLabel: 'Epoch', yLabel: 'loss', yMin: 0, xMax});
  lineChart($('acc-chart'), [
    {name: 'training', color: '#0b5cad', points: c.trainAcc},
    {name: 'validation', color: '#d2691e', points: c.valAcc, dots: true, dashed: true},
  ], {title: 'Accuracy', xLabel: 'Epoch', yLabel: 'accuracy', yMin: 0, yMax: 1, xMax});
}

function setBusy(busy) {
  state.training = busy;
  $('start').disabled = busy;
  $('stop').disabled = !busy;
  $('compare').disabled = busy;
  $('backend').disabled = busy;
  $('save-idb').disabled = busy || !state.model;
  $('download').disabled = busy || !state.model;
}

function showSummary(model) {
  const lines = [];
  model.summary(undefined, undefined, line => lines.push(line));
  $('summary').textContent = lines.join('\n');
}

async function train(event) {
  event.preventDefault();
  let s;
  try {
    s = settings();
  } catch (e) {
    say(e.message, true);
    return;
  }
  setBusy(true);
  const {train: trainSet, val} = await getData(s.samples);
  const [xTrain, yTrain] = tensors(tf, trainSet);
  const [xVal, yVal] = tensors(tf, val);
  state.model?.dispose();
  const model = buildModel(tf);
  compile(tf, model, s);
  state.model = model;
  state.epochsDone = 0;
  showSummary(model);
  const batches = Math.ceil(s.samples / s.batchSize);
  state.curves = {epochs: s.epochs, trainLoss: [], trainAcc: [], valLoss: [], valAcc: []};
  let epochStart = 0, lastDraw = 0;
  const callbacks = {
    onEpochBegin: async epoch => {
      epochStart = performance.now();
      say(`Training on ${tf.getBackend()}${s.inWorker ? ' in a Web Worker' : ''}: epoch ${epoch + 1} / ${s.epochs}…`);
    },
    onBatchEnd: async (batch, logs) => {
      const x = state.epochsDone + (batch + 1) / batches;
      state.curves.trainLoss.push([x, logs.loss]);
      state.curves.trainAcc.push([x, logs.acc ?? logs.accuracy]);
      if (performance.now() - lastDraw > 100) {
        lastDraw = performance.now();
        drawCurves();
      }
    },
    onEpochEnd: async (epoch, logs) => {
      const ms = performance.now() - epochStart;
      state.epochsDone = epoch + 1;
      if (logs.val_loss == null) return;  // stopped inside the epoch: no validation pass
      state.curves.valLoss.push([epoch + 1, logs.val_loss]);
      state.curves.valAcc.push([epoch + 1, logs.val_acc ?? logs.val_accuracy]);
      $('stat-epoch').textContent = `${epoch + 1} / ${s.epochs}`;
      $('stat-ms').textContent = ms.toFixed(0);
      $('stat-sps').textContent = Math.round(s.samples / (ms / 1000)).toLocaleString('en');
      $('stat-acc').textContent = `${(100 * state.curves.valAcc.at(-1)[1]).toFixed(1)}%`;
      drawCurves();
      say(`Epoch ${epoch + 1} / ${s.epochs}: loss ${logs.loss.toFixed(3)}, validation accuracy ` +
          `${$('stat-acc').textContent} (${ms.toFixed(0)} ms, ${$('stat-sps').textContent} samples/s)`);
    },
  };
  const args = {epochs: s.epochs, batchSize: s.batchSize, validationData: [xVal, yVal], shuffle: true, callbacks};
  try {
    if (s.inWorker) await tf.fitInWorker(model, xTrain, yTrain, args);
    else await model.fit(xTrain, yTrain, args);
    drawCurves();
    evaluate(model, xVal, val.labels);
    const stopped = state.epochsDone < s.epochs;
    say(`${stopped ? 'Stopped' : 'Done'} after ${state.epochsDone} epoch${state.epochsDone === 1 ? '' : 's'}: ` +
        `validation accuracy ${$('stat-acc').textContent}. Draw a digit below.`);
    predictDrawing();
  } catch (e) {
    say(`Training failed: ${e.message}`, true);
    console.error(e);
  } finally {
    tf.dispose([xTrain, yTrain, xVal, yVal]);
    setBusy(false);
  }
}

function evaluate(model, xVal, labels) {
  const predicted = tf.tidy(() => model.predict(xVal).argMax(-1).dataSync());
  const counts = Array.from({length: 10}, () => new Array(10).fill(0));
  labels.forEach((t, i) => counts[t][predicted[i]]++);
  confusionMatrix($('confusion'), counts);
  const rows = counts.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return `<tr><th scope="row">${t}</th><td>${row[t]} / ${total}</td><td>${(100 * row[t] / (total || 1)).toFixed(1)}%</td></tr>`;
  });
  $('per-class').tBodies[0].innerHTML = rows.join('');
  const correct = counts.reduce((a, row, t) => a + row[t], 0);
  $('eval-note').textContent = `Validation set: ${correct} of ${labels.length} digits right ` +
                               `(${(100 * correct / labels.length).toFixed(1)}%). Rows: the true digit; columns: the prediction.`;
}

// ---- the drawing pad ---------------------------------------------------------------------
const pad = $('pad');
const padCtx = pad.getContext('2d', {willReadFrequently: true});
function clearPad() {
  padCtx.fillStyle = '#000';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  $('top3').innerHTML = `<li>${state.model ? 'Draw a digit.' : 'Train or load a model, then draw.'}</li>`;
}
clearPad();
let drawing = false, last = null, predictQueued = false;
const at = e => {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * (pad.width / r.width), (e.clientY - r.top) * (pad.height / r.height)];
};
pad.addEventListener('pointerdown', e => {
  drawing = true;
  last = at(e);
  pad.setPointerCapture(e.pointerId);
  stroke(last);
});
pad.addEventListener('pointermove', e => drawing && stroke(at(e)));
pad.addEventListener('pointerup', () => { drawing = false; });
pad.addEventListener('pointercancel', () => { drawing = false; });
$('clear').addEventListener('click', clearPad);

function stroke(p) {
  padCtx.strokeStyle = '#fff';
  padCtx.lineWidth = 20;
  padCtx.lineCap = padCtx.lineJoin = 'round';
  padCtx.beginPath();
  padCtx.moveTo(last[0], last[1]);
  padCtx.lineTo(p[0], p[1]);
  padCtx.stroke();
  last = p;
  if (!predictQueued) {
    predictQueued = true;
    requestAnimationFrame(() => {
      predictQueued = false;
      predictDrawing();
    });
  }
}

function predictDrawing() {
  if (!state.model) return;
  const input = toInput(pad, pad.width, pad.height);
  if (!input) return;
  const probs = tf.tidy(() => state.model.predict(tf.tensor4d(input, [1, 28, 28, 1])).dataSync());
  const top = Array.from(probs, (p, d) => [d, p]).sort((a, b) => b[1] - a[1]).slice(0, 3);
  $('top3').innerHTML = top.map(([d, p]) =>
    `<li data-digit="${d}"><strong>${d}</strong> — ${(100 * p).toFixed(1)}%` +
    `<span class="bar" style="width:${Math.max(2, 100 * p)}%"></span></li>`).join('');
}

// ---- save and load ---------------------------------------------------------------------
function useModel(model, from) {
  if (state.model && state.model !== model) state.model.dispose();
  state.model = model;
  showSummary(model);
  setBusy(false);
  say(`Loaded the model from ${from}. Draw a digit.`);
  predictDrawing();
}

$('save-idb').addEventListener('click', async () => {
  try {
    const r = await state.model.save(MODEL_KEY);
    say(`Saved to IndexedDB (${MODEL_KEY}, ${r.modelArtifactsInfo.weightDataBytes.toLocaleString('en')} bytes of weights).`);
  } catch (e) { say(`Saving failed: ${e.message}`, true); }
});
$('load-idb').addEventListener('click', async () => {
  try { useModel(await tf.loadLayersModel(MODEL_KEY), 'IndexedDB'); } catch (e) { say(`Loading failed: ${e.message}`, true); }
});
$('download').addEventListener('click', async () => {
  try {
    await state.model.save('downloads://wasm-layers-digits');
    say('Downloading wasm-layers-digits.json and wasm-layers-digits.weights.bin.');
  } catch (e) { say(`Download failed: ${e.message}`, true); }
});
$('files').addEventListener('change', async e => {
  const files = Array.from(e.target.files);
  const json = files.find(f => f.name.endsWith('.json'));
  if (!json) return say('Pick a model.json and its weight file(s).', true);
  try {
    useModel(await tf.loadLayersModel(tf.io.browserFiles([json, ...files.filter(f => f !== json)])), json.name);
  } catch (err) { say(`Loading ${json.name} failed: ${err.message}`, true); }
});

// ---- backend switch, start/stop ----------------------------------------------------------
$('backend').addEventListener('change', async e => {
  const want = e.target.value;
  // setBackend resolves false where the backend cannot start (webgl without WebGL2):
  // the engine stays where it was, and so does the menu.
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
  let ok;
  try {
    ok = await tf.setBackend(want);
  } finally {
    console.warn = warn;
  }
  if (!ok) {
    e.target.value = tf.getBackend();
    say(`Backend ${want} is not available here: ${warnings.join(' ') || 'it failed to start'} Staying on ${tf.getBackend()}.`);
    return;
  }
  const notes = {
    cpu: 'The scalar reference kernels: expect slower training.',
    webgl: 'GLSL kernels on the GPU; the first epoch compiles the shaders.',
  };
  say(`Backend: ${tf.getBackend()}. ${notes[want] || ''}`);
});
$('controls').addEventListener('submit', train);
$('stop').addEventListener('click', () => {
  if (state.model) state.model.stopTraining = true;
  say('Stopping after the current batch…');
});

// ---- speed comparison ----------------------------------------------------------------------
function loadTfjs() {
  if (window.tf) return Promise.resolve(window.tf);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '../node_modules/@tensorflow/tfjs/dist/tf.min.js';
    script.onload = () => resolve(window.tf);
    script.onerror = () => reject(new Error('could not load ../node_modules/@tensorflow/tfjs/dist/tf.min.js ' +
                                            '(run `npm ci` in the repository and serve it with `npm start`)'));
    document.head.append(script);
  });
}

async function timeOneEpoch(lib, s, set) {
  const model = buildModel(lib);
  compile(lib, model, s);
  const [x, y] = tensors(lib, set);
  const t0 = performance.now();
  await model.fit(x, y, {epochs: 1, batchSize: s.batchSize, shuffle: false, verbose: 0});
  const ms = performance.now() - t0;
  lib.dispose([x, y]);
  model.dispose();
  return ms;
}

$('compare-form').addEventListener('submit', async event => {
  event.preventDefault();
  setBusy(true);
  $('stop').disabled = true;
  const body = $('compare-table').tBodies[0];
  const row = (lib, backend, ms, n) => `<tr><th scope="row">${lib}</th><td>${backend}</td><td>${ms.toFixed(0)}</td>` +
                                       `<td>${Math.round(n / (ms / 1000)).toLocaleString('en')}</td></tr>`;
  try {
    const s = {...settings(), samples: Math.round(Number($('compare-samples').value))};
    const {train: full} = await getData(Math.max(s.samples, state.dataKey ? Number(state.dataKey) : 0));
    const set = {xs: full.xs.subarray(0, s.samples * 784), labels: full.labels.subarray(0, s.samples)};
    say(`Comparison: wasm-layers trains one epoch on ${s.samples} samples…`);
    const ours = await timeOneEpoch(tf, s, set);
    body.innerHTML = row('wasm-layers', tf.getBackend(), ours, s.samples);
    say('Comparison: loading @tensorflow/tfjs…');
    const tfjs = await loadTfjs();
    const want = $('compare-backend').value;
    if (want !== 'auto' && !(await tfjs.setBackend(want))) throw new Error(`tfjs could not start its ${want} backend`);
    await tfjs.ready();
    say(`Comparison: @tensorflow/tfjs (${tfjs.getBackend()}) trains one epoch on ${s.samples} samples…`);
    await new Promise(r => setTimeout(r, 50));
    const theirs = await timeOneEpoch(tfjs, s, set);
    body.innerHTML += row(`@tensorflow/tfjs ${tfjs.version.tfjs}`, tfjs.getBackend(), theirs, s.samples);
    say(`Comparison done: wasm-layers ${ours.toFixed(0)} ms, @tensorflow/tfjs (${tfjs.getBackend()}) ` +
        `${theirs.toFixed(0)} ms for one epoch of ${s.samples} samples (${(theirs / ours).toFixed(1)}× ours).`);
  } catch (e) {
    say(`Comparison failed: ${e.message}`, true);
  } finally {
    setBusy(false);
  }
});

// ---- start ---------------------------------------------------------------------------------
if (location.protocol !== 'file:') {
  try {
    await tf.ready();
    $('start').disabled = false;
    $('compare').disabled = false;
    say(`Ready: the engine is loaded (backend ${tf.getBackend()}). Choose the settings and start training.`);
  } catch (e) {
    say(e.message, true);
  }
}

let resizeQueued = false;
window.addEventListener('resize', () => {
  if (resizeQueued || !state.curves) return;
  resizeQueued = true;
  requestAnimationFrame(() => { resizeQueued = false; drawCurves(); });
});
