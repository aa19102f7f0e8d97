import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fabricOverrides } from '../src/experiment/fabric-schema.js';
import { intervalUs, positive, positiveSize, size, timerUs } from '../src/experiment/schema-primitives.js';
import { fabricNeeds, MECHANISMS, PRESETS, routingOf, type FabricConfig, type ParamPrimitives } from '../src/fabric/index.js';

interface Mechanism {
  name: string;
  overrides(checked: ParamPrimitives): object;
  defaults: object;
}

const kinds = Object.entries(MECHANISMS) as [keyof typeof MECHANISMS, readonly Mechanism[]][];
const checked: ParamPrimitives = { positive, size, positiveSize, timerUs, intervalUs };

describe('mechanism registry', () => {
  it('the schema accepts exactly the names each kind lists', () => {
    for (const [kind, list] of kinds) {
      for (const m of list) expect(fabricOverrides.safeParse({ preset: 'ethernet', [kind]: m.name }).success).toBe(true);
      expect(fabricOverrides.safeParse({ preset: 'ethernet', [kind]: 'no-such-mechanism' }).success).toBe(false);
    }
  });

  it("every mechanism's defaults pass its own override schema unchanged and are what every preset starts from", () => {
    for (const [, list] of kinds) {
      for (const m of list) {
        const parsed = z.strictObject(m.overrides(checked) as Record<string, z.ZodType>).parse(m.defaults);
        expect(parsed).toEqual(m.defaults);
        for (const preset of Object.values(PRESETS)) {
          for (const [key, value] of Object.entries(m.defaults)) {
            // A preset may change a field of a group, never drop one.
            expect(Object.keys(preset[key as keyof FabricConfig] as object)).toEqual(Object.keys(value as object));
          }
        }
      }
    }
  });

  it('fabric needs come from the chosen mechanisms, not their names', () => {
    const sx = PRESETS['spectrum-x']!;
    expect(fabricNeeds(sx)).toEqual({ stampTelemetry: true, telemetryHeaderBytes: sx.telemetry.intHeaderBytes, attribution: false });
    expect(fabricNeeds({ ...sx, telemetry: { ...sx.telemetry, intHeaderBytes: 0 } })).toEqual({ stampTelemetry: true, telemetryHeaderBytes: 0, attribution: false });
    expect(fabricNeeds(PRESETS.roce!)).toEqual({ stampTelemetry: false, telemetryHeaderBytes: 0, attribution: false });
    expect(fabricNeeds(PRESETS.roce!, { attribution: true }).attribution).toBe(true);
    expect(routingOf({ routing: 'ecmp' }).flowModel).toBe('one-path');
    for (const r of ['spray', 'adaptive', 'flowlet', 'adaptive-global'] as const) expect(routingOf({ routing: r }).flowModel).toBe('even-split');
  });
});
