import { PRESETS, type FabricConfig } from '../fabric/index.js';
import type { FabricSpec } from './spec.js';

const MECHANISMS = new Set(['routing', 'flowControl', 'lossRecovery', 'cc']);

/**
 * A preset with the spec's overrides applied. Unnamed fabrics are labelled by what they
 * change: mechanism overrides by their value ("ethernet+spray"), parameters as key=value.
 */
export function resolveFabric(spec: FabricSpec): FabricConfig {
  const { preset, name, ...overrides } = spec;
  const changes = Object.entries(overrides).filter(([, v]) => v !== undefined);
  const label =
    name ?? [preset, ...changes.map(([k, v]) => (MECHANISMS.has(k) ? String(v) : `${k}=${String(v)}`))].join('+');
  return { ...PRESETS[preset]!, ...Object.fromEntries(changes), name: label };
}

/** Resolves every fabric and makes labels unique (a repeated one gets "#2", "#3"). */
export function resolveFabrics(specs: FabricSpec[]): FabricConfig[] {
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const config = resolveFabric(s);
    const n = (seen.get(config.name) ?? 0) + 1;
    seen.set(config.name, n);
    return n === 1 ? config : { ...config, name: `${config.name}#${n}` };
  });
}
