import { describe, expect, it } from 'vitest';
import { topoSpec } from './topology-helpers.js';

const topology = (t: Record<string, unknown>) => topoSpec(t).topology;
const error = (t: Record<string, unknown>) => {
  try {
    topoSpec(t);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('topology specs', () => {
  it('fill defaults that depend on other fields, and stay plain JSON (they are echoed in results)', () => {
    const fat = topology({ kind: 'fat-tree', radix: 16 });
    expect(fat).toMatchObject({ gpus: 16 ** 3 / 4, oversubscription: 1, spineOversubscription: 1, linkGbps: 400, linkDelayNs: 500 });
    // 3:1 leaves: 12 GPUs and 4 uplinks per 16-port leaf; 16 pods × 8 leaves.
    expect(topology({ kind: 'fat-tree', radix: 16, oversubscription: 3 }).gpus).toBe(16 * 8 * 12);
    const rails = topology({ kind: 'rail-optimized', radix: 64, gpus: 2048 });
    expect(rails).toMatchObject({ gpusPerNode: 8, tiers: 2, nvlinkGbps: 3600, nvlinkDelayNs: 300 });
    expect(topology({ kind: 'rail-optimized', radix: 64, gpus: 2056 })).toMatchObject({ tiers: 3 });
    for (const t of [fat, rails]) expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it.each([
    [{ kind: 'fat-tree', radix: 8, gpus: 130 }, /^topology\.gpus: a radix-8 fat-tree holds at most 128 GPUs/],
    [{ kind: 'fat-tree', radix: 8, gpus: 18 }, /^topology\.gpus: must fill whole leaves of 4 GPUs, got 18$/],
    [{ kind: 'fat-tree', radix: 64, oversubscription: 1.5 }, /^topology\.oversubscription: 64 switch ports cannot split 1.5:1 into whole down and up ports/],
    [{ kind: 'fat-tree', radix: 8, spineOversubscription: 9 }, /^topology\.spineOversubscription: /],
    [{ kind: 'fat-tree', radix: 1 }, /^topology\.radix: /],
    [{ kind: 'fat-tree', gpus: 16 }, /^topology\.radix: required/],
    [{ kind: 'rail-optimized', radix: 64, gpus: 100 }, /^topology\.gpus: must be whole servers of gpusPerNode \(8\) GPUs, got 100$/],
    [{ kind: 'rail-optimized', radix: 64, gpus: 4096, tiers: 2 }, /^topology\.gpus: a 2-tier rail-optimized fabric of radix-64 switches holds at most 2048 GPUs/],
    [{ kind: 'rail-optimized', radix: 8, gpus: 64, gpusPerNode: 16 }, /^topology\.gpusPerNode: /],
    [{ kind: 'rail-optimized', radix: 8, gpus: 64, tiers: 4 }, /^topology\.tiers: expected 2 or 3$/],
    [{ kind: 'rail-optimized', radix: 8, gpus: 64, nvlinkGbps: 0 }, /^topology\.nvlinkGbps: /],
    [{ kind: 'rail-optimized', radix: 8, gpus: 64, spines: 2 }, /^topology\.spines: unknown field$/],
    [{ kind: 'torus', gpus: 64 }, /^topology\.kind: expected one of "leaf-spine", "fat-tree", "rail-optimized", "dragonfly", "file"$/],
    [{ kind: 'dragonfly', gpus: 64 }, /^topology\.groups: required/],
  ])('%j is refused with one line naming the field', (t, message) => {
    const m = error(t);
    expect(m).toMatch(message);
    expect(m).not.toContain('\n');
  });
});

describe('PFC buffers on a rail-optimized fabric', () => {
  it('must also hold the headroom of an NVLink port (the NVSwitch runs the fabric flow control at NVLink speed)', () => {
    const rails = { kind: 'rail-optimized', radix: 8, gpus: 32, gpusPerNode: 4 };
    // 256 KiB covers a 400G hop's headroom, not a 3600G NVLink hop's (≈ 2 × 300 ns × 450 B/ns).
    const small = { preset: 'roce', bufferBytesPerPort: '256KiB' };
    expect(() => topoSpec(rails, small)).toThrow(/^fabrics\.0\.bufferBytesPerPort: PFC needs at least \d+ bytes per port at 3600 Gb\/s and 300 ns per NVLink hop/);
    expect(() => topoSpec({ kind: 'fat-tree', radix: 8 }, small)).not.toThrow();
    expect(() => topoSpec(rails, { ...small, bufferBytesPerPort: '512KiB' })).not.toThrow();
  });
});
