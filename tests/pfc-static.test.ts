import { describe, expect, it } from 'vitest';
import { Pfc } from '../src/fabric/flow-control/index.js';
import { Packet } from '../src/fabric/index.js';

const frame = (sizeBytes: number): Packet => {
  const p = new Packet();
  p.sizeBytes = sizeBytes;
  return p;
};

describe('PFC with static thresholds (pfc.xoffBytes / xonBytes, htsim\'s LosslessInputQueue)', () => {
  it('pauses an ingress when it holds more than xoff, resumes when it falls below xon, independent of the other ingresses', () => {
    const signals: [number, boolean][] = [];
    // 4 ports of 1 MB: the dynamic threshold would be ~1/8 of ~4 MB; the static one is 60,000 B.
    const pfc = new Pfc(4, 4_000_000, 40_000, 1 / 8, 3072, (port, pause) => signals.push([port, pause]), { xoffBytes: 60_000, xonBytes: 48_000 });
    for (let i = 0; i < 14; i++) expect(pfc.admit(frame(4064), 1)).toBe(true); // 56,896 B ≤ 60,000
    expect(signals).toEqual([]);
    expect(pfc.admit(frame(4064), 1)).toBe(true); // 60,960 B > 60,000: XOFF
    expect(signals).toEqual([[1, true]]);
    pfc.admit(frame(4064), 2); // another ingress is not affected
    for (let i = 0; i < 3; i++) pfc.release(1, 4064); // 48,768 B: not below 48,000 yet
    expect(signals).toEqual([[1, true]]);
    pfc.release(1, 4064); // 44,704 B < 48,000: XON
    expect(signals).toEqual([
      [1, true],
      [1, false],
    ]);
  });
});
