// MQTT framing for the benchmark's minimal clients and relay (Node and the browser alike):
// where the next whole packet in a byte buffer starts and ends.

/**
 * The whole packet at `off` in `buf` (a Buffer or Uint8Array): `{ start, end }`, its body being
 * `buf[start..end]` and its first byte `buf[off]`; null while the packet is incomplete.
 */
export function nextPacket(buf, off) {
  if (buf.length - off < 2) return null;
  let rl = 0;
  let mul = 1;
  let i = off + 1;
  let b = 0x80;
  while (b & 0x80) {
    if (i >= buf.length) return null;
    b = buf[i++];
    rl += (b & 0x7f) * mul;
    mul *= 128;
  }
  return i + rl > buf.length ? null : { start: i, end: i + rl };
}

/** The Remaining Length field for `n`: 1-4 bytes, 7 bits each, high bit "more follows". */
export function remainingLength(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
