import { z } from 'zod';
import { cdfPointsProblem } from '../workloads/flow-size-cdf.js';
import { formatSize, parseSize } from './sizes.js';

export const positiveInt = z.number().int().positive();
export const positive = z.number().positive();
export const nonNegative = z.number().nonnegative();

/** A value as the user wrote it: YAML's .inf/.nan rather than JSON's null. */
export const showValue = (value: unknown): string =>
  typeof value === 'number' && !Number.isFinite(value)
    ? Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'
    : JSON.stringify(value) ?? String(value);

/**
 * A number within a physical range; the error gives the range and the unit. Every number
 * that becomes simulated time or a byte count is bounded, so no accepted spec overflows
 * integer picoseconds (exact to 2^53 ps ≈ 2.5 h) or stalls the clock.
 */
export function ranged(what: string, min: number, max: number, unit: string, minExclusive = false) {
  const range = `${what} ${minExclusive ? `above ${min}` : `from ${min.toLocaleString('en-US')}`} to ${max.toLocaleString('en-US')} ${unit}`;
  const error = (issue: { input?: unknown }) => `expected ${range}, got ${showValue(issue.input)}`;
  const base = z.number({ error });
  return (minExclusive ? base.gt(min, { error }) : base.min(min, { error })).max(max, { error });
}

/** Link rates: 1 Gb/s to 100,000 Gb/s (beyond NVLink 5's 7,200 Gb/s per direction per GPU). */
export const linkRateGbps = ranged('a rate', 1, 100_000, 'Gb/s');
/** Propagation delays: 0 to 1 s (a link across a continent is ~20 ms). */
export const delayNs = ranged('a delay', 0, 1e9, 'ns');
/** Timers and intervals: 1 ns (the clock's smallest useful step) to 1 s. */
export const timerUs = ranged('a time', 0.001, 1e6, 'µs');
/**
 * Retransmission timeouts: 1 µs to 1 s. InfiniBand's Local ACK Timeout is 4.096 µs × 2^n
 * (n ≥ 1, so at least 8.192 µs; IRN uses 320 µs); below ~1 µs a timer fires many times per
 * packet serialization and go-back-N resends without end.
 */
export const retransmitTimeoutUs = ranged('a timeout', 1, 1e6, 'µs');
/** Intervals that may be 0 (e.g. a CNP on every marked packet): 0 to 1 s. */
export const intervalUs = ranged('an interval', 0, 1e6, 'µs');
/** Simulated durations (compute phases, run limits): 0 to 10^9 µs (1,000 s, under the 2^53 ps clock's ~9,007 s). */
export const durationUs = ranged('a duration', 0, 1e9, 'µs');
/** As durationUs, but above 0. */
export const positiveDurationUs = ranged('a duration', 0, 1e9, 'µs', true);

/** The largest byte count a spec may name: 2^50 B (1 PiB), so sums of sizes stay exact integers. */
export const MAX_SIZE_BYTES = 2 ** 50;
/** The largest packet part (MTU, headers, control frames): 64 KiB, the IPv4 datagram ceiling (jumbo frames are 9 KiB). */
export const MAX_FRAME_BYTES = 2 ** 16;

function sizeUpTo(maxBytes: number) {
  const expected = `expected a size from 0 to ${formatSize(maxBytes)} (${maxBytes} B) such as 4096, "64MiB" or "1GB"`;
  // Any input: a non-finite number or a wrong type gets this message, not zod's union error.
  return z.unknown().transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseSize(value) : undefined;
    if (bytes === undefined || bytes > maxBytes || !Number.isSafeInteger(bytes) || bytes < 0) {
      ctx.addIssue({ code: 'custom', message: value === undefined ? `required, ${expected}` : `${expected}, got ${showValue(value)}` });
      return z.NEVER;
    }
    return bytes;
  });
}

/** A byte count from 0 to 2^50 B (1 PiB): a whole number, or a string such as "64MiB", "1GB", "4096". */
export const size = sizeUpTo(MAX_SIZE_BYTES);
export const positiveSize = size.refine((b) => b > 0, 'must be greater than 0 bytes');
/** A packet part (MTU, header, control frame): 0 to 64 KiB. */
export const frameSize = sizeUpTo(MAX_FRAME_BYTES);
export const positiveFrameSize = frameSize.refine((b) => b > 0, 'must be greater than 0 bytes');
/** An MTU: 256 B (InfiniBand's smallest) to 64 KiB; 1-byte packets would only multiply events. */
export const mtuSize = frameSize.refine((b) => b >= 256, { error: (i) => `expected an MTU from 256 B to 64KiB, got ${showValue(i.input)}` });

/** Flow-size CDF points [bytes, cumulative %]: sizes 0 to 2^50 B and shares never decreasing, the last at 100%. */
export const cdfPercentPoints = z
  .array(z.tuple([ranged('a size', 0, MAX_SIZE_BYTES, 'bytes'), ranged('a share', 0, 100, '%')]))
  .min(2)
  .superRefine((points, ctx) => {
    const problem = cdfPointsProblem(points);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
