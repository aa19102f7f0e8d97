import { grown } from '../engine/index.js';

/** A port's record: when its frame in transmission ends, its busy time, the start of its rate window and the rate it measured over the last one: 32 bytes, two records per cache line when the buffer is aligned to one. */
export const PORT_CLOCK_FIELDS = 4;
export const END_PS = 0;
export const BUSY_PS = 1;
export const WINDOW_START_PS = 2;
export const MEASURED_GBPS = 3;

/**
 * The picosecond fields a port updates at every transmission, and the rate telemetry reads
 * at every stamp, for all ports of a fabric side by side in one Float64Array (one record of
 * PORT_CLOCK_FIELDS per port). As object fields they were doubles (past 2^31, or
 * fractional), each boxed apart from its port: up to four more cache lines per hop than
 * this one record. Ports read the array through the store (it is replaced when it grows).
 */
export class PortClocks {
  values = new Float64Array(64 * PORT_CLOCK_FIELDS);
  private count = 0;

  /** A new port's record; returns its first index. */
  take(): number {
    const base = this.count++ * PORT_CLOCK_FIELDS;
    if (base + PORT_CLOCK_FIELDS > this.values.length) this.values = grown(this.values, 2 * this.values.length);
    return base;
  }
}
