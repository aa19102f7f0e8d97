/** MurmurHash3's 32-bit finalizer: a fast, well-mixed integer hash. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of a RoCEv2 5-tuple (src IP, dst IP, UDP source port, UDP dst port 4791, protocol UDP). */
export function fiveTupleHash(srcHost: number, dstHost: number, srcPort: number): number {
  let h = mix32(srcHost + 0x9e3779b9);
  h = mix32(h ^ dstHost);
  h = mix32(h ^ ((srcPort << 16) | 4791));
  return mix32(h ^ 17);
}
