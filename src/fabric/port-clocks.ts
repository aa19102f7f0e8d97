import { grown } from '../engine/index.js';

/** A port's record: when its frame in transmission ends, its busy time, and the start of its rate window; a fourth, unused slot pads it to 32 bytes, two records per cache line when the buffer is aligned to one. */
export const PORT_CLOCK_FIELDS = 4;
export const END_PS = 0;
export const BUSY_PS = 1;
export const WINDOW_START_PS = 2;

/**
 * The picosecond fields a port updates at every transmission, for all ports of a fabric
 * side by side in one Float64Array (one record of PORT_CLOCK_FIELDS per port). As object
 * fields they passed 2^31 and became doubles, each boxed apart from its port: up to three
 * more cache lines per hop than this one record. Ports read the array through the store
 * (it is replaced when it grows).
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
