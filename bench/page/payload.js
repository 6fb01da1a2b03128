// Payloads shared by the page and the Node helpers: 4 bytes of sequence number (big endian),
// then a fixed pseudo-random body, so a receiver checks count, order and content.
export const TEMPLATE_BYTES = 1 << 20;
let template;

/** The body every payload copies (1 MiB, deterministic). */
export function bodyTemplate() {
  if (!template) {
    template = new Uint8Array(TEMPLATE_BYTES);
    let x = 0x9e3779b9;
    for (let i = 0; i < TEMPLATE_BYTES; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      template[i] = x & 0xff;
    }
  }
  return template;
}

/** A fresh payload of `size` (>= 4) bytes for sequence number `seq`. */
export function makePayload(seq, size) {
  const p = bodyTemplate().slice(0, size);
  p[0] = seq >>> 24;
  p[1] = (seq >>> 16) & 0xff;
  p[2] = (seq >>> 8) & 0xff;
  p[3] = seq & 0xff;
  return p;
}

export function seqOf(p) {
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

/**
 * Whether the body (bytes 4..) matches the template. Payloads up to 1 KiB are compared in full;
 * larger ones at 64 spread positions plus the last byte, and in full when `full` (the caller
 * passes it for every 16th message): a byte loop over every 64 KiB payload would cost more
 * than some clients' own work and blur the comparison.
 */
export function bodyOk(p, size, full) {
  const t = bodyTemplate();
  if (p.length !== size) return false;
  if (size <= 1024 || full) {
    for (let i = 4; i < size; i++) if (p[i] !== t[i]) return false;
    return true;
  }
  const step = Math.floor((size - 4) / 64);
  for (let i = 4; i < size; i += step) if (p[i] !== t[i]) return false;
  return p[size - 1] === t[size - 1];
}
