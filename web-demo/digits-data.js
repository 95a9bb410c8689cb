// Handwritten-looking digits made in the page: each digit is rendered from one of the
// system's fonts (family, weight, slant and stroke vary) with a random rotation,
// shear, scale and offset, normalized as MNIST is (the ink's bounding box scaled into
// 20x20 and centred in 28x28), and sprinkled with noise. Nothing is downloaded.
// The visitor's drawing goes through the same normalization (toInput).

/** A small seeded generator (mulberry32): the same seed gives the same data set. */
export function makeRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILIES = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif',
                  'Liberation Mono', 'Liberation Sans Narrow', 'sans-serif', 'serif', 'monospace', 'cursive',
                  'Comic Sans MS', 'Segoe Print', 'Bradley Hand', 'Arial', 'Georgia', 'Verdana', 'Courier New'];

function canvas(w, h) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** Work canvases, made once. */
function workspace() {
  const big = canvas(64, 64), small = canvas(28, 28);
  return {big, bigCtx: big.getContext('2d', {willReadFrequently: true}),
          small, smallCtx: small.getContext('2d', {willReadFrequently: true})};
}
let ws = null;

/**
 * The MNIST-style 28x28 input (784 floats in [0, 1]) from a canvas with light ink on
 * a dark background; null when the canvas is blank.
 */
export function toInput(source, width, height) {
  ws = ws || workspace();
  const ctx = source.getContext('2d', {willReadFrequently: true});
  const {data} = ctx.getImageData(0, 0, width, height);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4] > 40) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const scale = 20 / Math.max(w, h);
  const {smallCtx} = ws;
  smallCtx.setTransform(1, 0, 0, 1, 0, 0);
  smallCtx.fillStyle = '#000';
  smallCtx.fillRect(0, 0, 28, 28);
  smallCtx.imageSmoothingEnabled = true;
  smallCtx.imageSmoothingQuality = 'high';
  smallCtx.drawImage(source, x0, y0, w, h, 14 - (w * scale) / 2, 14 - (h * scale) / 2, w * scale, h * scale);
  const px = smallCtx.getImageData(0, 0, 28, 28).data;
  const out = new Float32Array(784);
  for (let i = 0; i < 784; i++) out[i] = px[i * 4] / 255;
  return out;
}

/** One distorted, noisy rendering of `digit` as 784 floats. */
export function renderDigit(digit, rng) {
  ws = ws || workspace();
  const {big, bigCtx: ctx} = ws;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, 64, 64);
  const family = FAMILIES[Math.floor(rng() * FAMILIES.length)];
  const weight = rng() < 0.4 ? 'bold' : 'normal';
  const style = rng() < 0.3 ? 'italic' : 'normal';
  const angle = (rng() - 0.5) * 0.5;              // about ±14°
  const shear = (rng() - 0.5) * 0.5;
  const sx = 0.8 + rng() * 0.4, sy = 0.8 + rng() * 0.4;
  const c = Math.cos(angle), s = Math.sin(angle);
  // rotation · shear · scale, about the centre
  ctx.setTransform(c * sx, s * sx, (c * shear - s) * sy, (s * shear + c) * sy, 32 + (rng() - 0.5) * 6,
                   34 + (rng() - 0.5) * 6);
  ctx.font = `${style} ${weight} 40px "${family}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#fff';
  ctx.lineJoin = 'round';
  ctx.fillText(String(digit), 0, 0);
  const stroke = rng();
  if (stroke < 0.5) {  // thicker pen
    ctx.lineWidth = 1 + stroke * 6;
    ctx.strokeText(String(digit), 0, 0);
  }
  const out = toInput(big, 64, 64) || new Float32Array(784);
  const noise = rng() * 0.15;
  for (let i = 0; i < 784; i++) {
    let v = out[i] + (rng() - 0.5) * 2 * noise;
    if (rng() < 0.01) v = rng();  // specks
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/**
 * `n` samples with balanced labels: {xs: Float32Array(n*784), labels: Int32Array(n)}.
 * Yields to the page every few hundred samples; `onProgress(done, n)`.
 */
export async function makeDataset(n, seed, onProgress = () => {}) {
  const rng = makeRng(seed);
  const xs = new Float32Array(n * 784), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const digit = (i + Math.floor(rng() * 10)) % 10;
    labels[i] = digit;
    xs.set(renderDigit(digit, rng), i * 784);
    if (i % 250 === 249) {
      onProgress(i + 1, n);
      await new Promise(r => setTimeout(r, 0));
    }
  }
  onProgress(n, n);
  return {xs, labels};
}

/** Paints `count` samples as a grid with their labels onto a canvas. */
export function paintSamples(target, xs, labels, count) {
  const cols = Math.min(count, 12), rows = Math.ceil(count / cols), cell = 34;
  target.width = cols * cell;
  target.height = rows * (cell + 12);
  const ctx = target.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, target.width, target.height);
  const img = ctx.createImageData(28, 28);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < 784; i++) {
      const v = 255 - Math.round(xs[k * 784 + i] * 255);
      img.data.set([v, v, v, 255], i * 4);
    }
    const x = (k % cols) * cell + 3, y = Math.floor(k / cols) * (cell + 12) + 2;
    ctx.putImageData(img, x, y);
    ctx.fillStyle = '#444';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(String(labels[k]), x + 14, y + 40);
  }
}
