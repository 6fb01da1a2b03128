// Small statistics helpers: medians and spreads of runs, percentiles of samples.

export function sorted(xs) {
  return [...xs].sort((a, b) => a - b);
}

/** Linear-interpolated quantile q (0..1) of a sorted array. */
export function quantile(s, q) {
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

export function median(xs) {
  return quantile(sorted(xs), 0.5);
}

/** { median, min, max, n, spread } where spread is (max - min) / median. */
export function summary(xs) {
  const s = sorted(xs.filter((x) => Number.isFinite(x)));
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0, spread: NaN };
  const m = quantile(s, 0.5);
  return { median: m, min: s[0], max: s[s.length - 1], n: s.length, spread: (s[s.length - 1] - s[0]) / m };
}

/** Fisher-Yates, with Math.random (the order is printed with the results). */
export function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function fmtRate(x) {
  if (!Number.isFinite(x)) return "n/a";
  if (x >= 100000) return `${Math.round(x / 1000)}k`;
  if (x >= 1000) return `${(x / 1000).toFixed(1)}k`;
  return x.toFixed(x >= 100 ? 0 : 1);
}

export function fmtBytes(x) {
  if (!Number.isFinite(x)) return "n/a";
  if (x >= 1 << 20) return `${(x / (1 << 20)).toFixed(1)} MiB`;
  if (x >= 1024) return `${(x / 1024).toFixed(1)} KiB`;
  return `${Math.round(x)} B`;
}

export function fmtSize(b) {
  if (b >= 1 << 20) return `${b >> 20} MiB`;
  if (b >= 1024) return `${b >> 10} KiB`;
  return `${b} B`;
}

export function fmtMs(x) {
  if (!Number.isFinite(x)) return "n/a";
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** A Markdown table from a header row and rows (right-aligned after the first column). */
export function table(header, rows) {
  const out = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const r of rows) out.push(`| ${r.join(" | ")} |`);
  return out.join("\n");
}
