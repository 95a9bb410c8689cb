// Small Canvas 2D charts (no library): line charts with axes, ticks, labels and a
// legend, a confusion matrix heat map and a horizontal bar list. Each sizes itself to
// its canvas's CSS width (sharp on high-DPI screens) and sets the canvas's
// aria-label to a text summary of what it shows.

function fit(canvas, cssHeight) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.clientWidth || canvas.parentElement.clientWidth || 300);
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.style.height = cssHeight + 'px';
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return {ctx, width, height: cssHeight};
}

function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const step0 = span / count, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= step0);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  return ticks;
}

const fmt = v => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(2));

/**
 * series: [{name, color, points: [[x, y], ...], dashed?, dots?}]; opts: {xLabel, yLabel,
 * yMin?, yMax?, xMax?, height?, title}.
 */
export function lineChart(canvas, series, opts) {
  series = series.map(s => ({...s, points: s.points.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]))}));
  const {ctx, width, height} = fit(canvas, opts.height || 220);
  const m = {l: 52, r: 12, t: 26, b: 40};
  const pw = width - m.l - m.r, ph = height - m.t - m.b;
  const all = series.flatMap(s => s.points);
  const xMax = Math.max(opts.xMax || 1, ...all.map(p => p[0]));
  let yMin = opts.yMin ?? Math.min(...all.map(p => p[1]), Infinity);
  let yMax = opts.yMax ?? Math.max(...all.map(p => p[1]), -Infinity);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) { yMin = 0; yMax = 1; }
  if (yMax - yMin < 1e-6) yMax = yMin + 1;
  const X = x => m.l + (x / xMax) * pw, Y = y => m.t + (1 - (y - yMin) / (yMax - yMin)) * ph;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.strokeStyle = '#ddd';
  ctx.fillStyle = '#333';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(yMin, yMax, 4)) {
    ctx.beginPath(); ctx.moveTo(m.l, Y(t)); ctx.lineTo(m.l + pw, Y(t)); ctx.stroke();
    ctx.fillText(fmt(t), m.l - 6, Y(t));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(0, xMax, Math.max(2, Math.floor(pw / 70)))) {
    ctx.beginPath(); ctx.moveTo(X(t), m.t + ph); ctx.lineTo(X(t), m.t + ph + 4); ctx.stroke();
    ctx.fillText(fmt(t), X(t), m.t + ph + 6);
  }
  ctx.strokeStyle = '#888';
  ctx.beginPath(); ctx.moveTo(m.l, m.t); ctx.lineTo(m.l, m.t + ph); ctx.lineTo(m.l + pw, m.t + ph); ctx.stroke();
  ctx.fillText(opts.xLabel, m.l + pw / 2, height - 16);
  ctx.save();
  ctx.translate(12, m.t + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(opts.yLabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath(); ctx.rect(m.l, m.t - 2, pw + 2, ph + 4); ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [6, 4] : []);
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
    ctx.stroke();
    if (s.dots) for (const [x, y] of s.points) { ctx.beginPath(); ctx.arc(X(x), Y(y), 3.5, 0, 7); ctx.fill(); }
  }
  ctx.restore();
  ctx.setLineDash([]);
  let lx = m.l + 8;  // legend
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, 8, 14, 4);
    ctx.fillStyle = '#333';
    ctx.fillText(s.name, lx + 18, 10);
    lx += 26 + ctx.measureText(s.name).width;
  }
  const last = series.filter(s => s.points.length)
    .map(s => `${s.name} ${fmt(s.points.at(-1)[1])} at ${opts.xLabel.toLowerCase()} ${fmt(s.points.at(-1)[0])}`);
  canvas.setAttribute('aria-label', `${opts.title}. ${last.length ? last.join('; ') : 'No data yet'}.`);
}

/** counts[t][p]: samples of true class t predicted as p. */
export function confusionMatrix(canvas, counts) {
  const n = counts.length;
  const {ctx, width} = fit(canvas, Math.min(360, (canvas.clientWidth || 300)));
  const size = Math.min(width, 360), m = 34, cell = (size - m - 6) / n;
  ctx.clearRect(0, 0, width, size);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let t = 0; t < n; t++) {
    const total = counts[t].reduce((a, b) => a + b, 0) || 1;
    for (let p = 0; p < n; p++) {
      const share = counts[t][p] / total;
      ctx.fillStyle = t === p ? `rgba(30, 110, 200, ${0.1 + share * 0.9})` : `rgba(210, 80, 30, ${share * 2})`;
      ctx.fillRect(m + p * cell, m + t * cell, cell - 1, cell - 1);
      if (counts[t][p] && cell > 18) {
        ctx.fillStyle = share > 0.5 ? '#fff' : '#222';
        ctx.fillText(String(counts[t][p]), m + p * cell + cell / 2, m + t * cell + cell / 2);
      }
    }
    ctx.fillStyle = '#333';
    ctx.fillText(String(t), m - 8, m + t * cell + cell / 2);
    ctx.fillText(String(t), m + t * cell + cell / 2, m - 8);
  }
  ctx.fillText('predicted →', m + (n * cell) / 2, 9);
  ctx.save();
  ctx.translate(9, m + (n * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('true →', 0, 0);
  ctx.restore();
  const acc = counts.map((row, t) => `${t}: ${Math.round((100 * row[t]) / (row.reduce((a, b) => a + b, 0) || 1))}%`);
  canvas.setAttribute('aria-label', `Confusion matrix on the validation set. Per-class accuracy: ${acc.join(', ')}.`);
}
