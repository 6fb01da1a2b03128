// Small canvas charts: a sparkline per metric tile and the flow panel's two-series chart.
// Drawn only when their data changed, from the page's one animation frame.

// CSS sizes of the canvases, kept by a ResizeObserver: reading clientWidth while drawing would
// force a layout in every frame that also changed the DOM (the log), which under a flood cost
// more than everything else the page does.
const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) {
    const { width, height } = e.contentRect;
    sizes.set(e.target, { width, height });
    e.target.dispatchEvent(new Event("resized"));
  }
});

/** Watches a canvas's size; `redraw` runs when it changes. */
export function track(canvas, redraw) {
  observer.observe(canvas);
  canvas.addEventListener("resized", redraw);
}

/**
 * Sizes the canvas backing store to its CSS box at the device pixel ratio; returns the 2D
 * context and the CSS size, or null while the size is not known yet.
 */
function fit(canvas) {
  const size = sizes.get(canvas);
  if (!size || size.width === 0) return null;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(size.width * dpr));
  const h = Math.max(1, Math.round(size.height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size.width, size.height);
  return { ctx, W: size.width, H: size.height };
}

/** A ring buffer of [time, value] points, oldest first when read. */
export class Series {
  constructor(capacity) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.start = 0;
    this.length = 0;
  }
  push(t, v) {
    const cap = this.t.length;
    const i = (this.start + this.length) % cap;
    this.t[i] = t;
    this.v[i] = v;
    if (this.length < cap) this.length++;
    else this.start = (this.start + 1) % cap;
  }
  at(k) {
    const i = (this.start + k) % this.t.length;
    return [this.t[i], this.v[i]];
  }
  range(from = 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = from; k < this.length; k++) {
      const v = this.at(k)[1];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  }
}

/**
 * The last `windowMs` of `series` as a line with a soft fill, scaled to its own range (with a
 * minimum span so sensor noise does not look like a storm).
 */
export function sparkline(canvas, series, { windowMs, now, color, minSpan }) {
  const f = fit(canvas);
  if (!f || series.length === 0) return;
  const { ctx, W, H } = f;
  // The window grows with the data (from 15 s up to windowMs), so a fresh page has a chart.
  windowMs = Math.min(windowMs, Math.max(15_000, now - series.at(0)[0]));
  let first = 0;
  while (first < series.length - 1 && series.at(first)[0] < now - windowMs) first++;
  let [lo, hi] = series.range(first);
  if (hi - lo < minSpan) {
    const mid = (hi + lo) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
  }
  const pad = 3;
  const x = (t) => W - ((now - t) / windowMs) * W;
  const y = (v) => pad + (1 - (v - lo) / (hi - lo)) * (H - 2 * pad);
  ctx.beginPath();
  for (let k = first; k < series.length; k++) {
    const [t, v] = series.at(k);
    if (k === first) ctx.moveTo(x(t), y(v));
    else ctx.lineTo(x(t), y(v));
  }
  ctx.lineWidth = 1.5;
  ctx.lineJoin = "round";
  ctx.strokeStyle = color;
  ctx.stroke();
  const [tEnd] = series.at(series.length - 1);
  const [tStart] = series.at(first);
  ctx.lineTo(x(tEnd), H);
  ctx.lineTo(x(tStart), H);
  ctx.closePath();
  ctx.globalAlpha = 0.12;
  ctx.fillStyle = color;
  ctx.fill();
  ctx.globalAlpha = 1;
  const [, last] = series.at(series.length - 1);
  ctx.beginPath();
  ctx.arc(x(tEnd), y(last), 2.5, 0, 2 * Math.PI);
  ctx.fillStyle = color;
  ctx.fill();
}

/**
 * Two series on one time axis, each on its own scale (messages/s left, queue depth right, the
 * queue's capacity drawn as a dashed line so the bound is visible).
 */
export function flowChart(canvas, rate, queue, { windowMs, now, capacity }) {
  const f = fit(canvas);
  if (!f) return;
  const { ctx, W, H } = f;
  const x = (t) => W - ((now - t) / windowMs) * W;
  const pad = 4;
  const draw = (series, top, color, fill) => {
    if (series.length === 0) return;
    const y = (v) => pad + (1 - v / top) * (H - 2 * pad);
    ctx.beginPath();
    for (let k = 0; k < series.length; k++) {
      const [t, v] = series.at(k);
      if (k === 0) ctx.moveTo(x(t), y(v));
      else ctx.lineTo(x(t), y(v));
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    if (fill) {
      ctx.lineTo(x(series.at(series.length - 1)[0]), H);
      ctx.lineTo(x(series.at(0)[0]), H);
      ctx.closePath();
      ctx.globalAlpha = 0.12;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
  };
  const [, rateHi] = rate.range();
  draw(rate, Math.max(10, rateHi) * 1.1, "#2f6fdf", true);
  const qTop = capacity * 1.15;
  const yCap = pad + (1 - capacity / qTop) * (H - 2 * pad);
  ctx.setLineDash([4, 4]);
  ctx.strokeStyle = "#d0822b";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, yCap);
  ctx.lineTo(W, yCap);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = "#b5691d";
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillText(`queue capacity ${capacity}`, 4, Math.max(10, yCap - 3));
  draw(queue, qTop, "#e0902f", false);
}
