/**
 * Simulated time is an integer number of picoseconds held in a JS number
 * (exact up to 2^53 ps ≈ 2.5 h), so ties are exact and nothing drifts.
 */
export const PS_PER_NS = 1_000;
export const PS_PER_US = 1_000_000;
export const PS_PER_MS = 1_000_000_000;
export const PS_PER_S = 1_000_000_000_000;

export const psFromNs = (ns: number): number => Math.round(ns * PS_PER_NS);
export const psFromUs = (us: number): number => Math.round(us * PS_PER_US);
export const nsFromPs = (ps: number): number => ps / PS_PER_NS;
export const usFromPs = (ps: number): number => ps / PS_PER_US;
export const sFromPs = (ps: number): number => ps / PS_PER_S;

/** Picoseconds needed to put one bit on a wire of `rateGbps` (1 Gb/s = 1000 ps/bit). */
export const psPerBitAt = (rateGbps: number): number => 1_000 / rateGbps;

/** Serialization delay of `sizeBytes` at `rateGbps`, rounded up to a whole picosecond. */
export const serializationPs = (sizeBytes: number, rateGbps: number): number =>
  Math.ceil((sizeBytes * 8 * 1_000) / rateGbps);

/** Bytes a link of `rateGbps` carries in `ps` picoseconds. */
export const bytesInPs = (ps: number, rateGbps: number): number => (ps * rateGbps) / 8_000;
