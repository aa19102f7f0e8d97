type NumberArray = Float64Array | Int32Array | Uint8Array;

/**
 * `a`'s values at the start of a new array of the same kind, `length` long (≥ a.length): how
 * every growable typed-array store grows. The rest is 0, or `fill` (e.g. −1 for "none").
 */
export function grown<T extends NumberArray>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (length: number) => T)(length);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
