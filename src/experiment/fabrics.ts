import { psFromNs } from '../engine/index.js';
import { flowControlOf, pfcHeadroomBytes, PRESETS, routingOf, type FabricConfig, type FabricModelName } from '../fabric/index.js';
import type { ExperimentSpec, FabricSpec } from './spec.js';

const MECHANISMS = new Set(['routing', 'flowControl', 'lossRecovery', 'cc', 'model']);

/**
 * A fabric as a run needs it: the mechanisms, and which model simulates them (absent:
 * packet). The model is chosen per fabric, so one spec can put the packet and the flow
 * model of the same fabric side by side on the same topology and workload.
 */
export type FabricChoice = FabricConfig & { model?: FabricModelName };

/** Which model simulates a resolved fabric. */
export const modelOf = (config: FabricConfig): FabricModelName => (config as FabricChoice).model ?? 'packet';

const isGroup = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/**
 * A preset with the spec's overrides applied (parameter groups such as `dcqcn` merge field
 * by field). Unnamed fabrics are labelled by what they change: mechanisms by their value
 * ("roce+adaptive"), parameters as key=value ("ethernet+bufferBytesPerPort=65536").
 */
export function resolveFabric(spec: FabricSpec): FabricChoice {
  const { preset, name, ...overrides } = spec;
  const base = PRESETS[preset]!;
  const config: Record<string, unknown> = { ...base };
  const labels: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (isGroup(value)) {
      const fields = Object.entries(value).filter(([, v]) => v !== undefined);
      config[key] = { ...(base[key as keyof FabricConfig] as object), ...Object.fromEntries(fields) };
      labels.push(...fields.map(([k, v]) => `${key}.${k}=${String(v)}`));
    } else {
      config[key] = value;
      labels.push(MECHANISMS.has(key) ? String(value) : `${key}=${String(value)}`);
    }
  }
  return { ...(config as unknown as FabricChoice), name: name ?? [preset, ...labels].join('+') };
}

/** Resolves every fabric and makes labels unique (a repeated one gets "#2", "#3"). */
export function resolveFabrics(specs: FabricSpec[]): FabricChoice[] {
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const config = resolveFabric(s);
    const n = (seen.get(config.name) ?? 0) + 1;
    seen.set(config.name, n);
    return n === 1 ? config : { ...config, name: `${config.name}#${n}` };
  });
}

/** A bad value found only once a fabric is resolved on its topology: the field's path and what is wrong. */
export interface FabricIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What only a resolved fabric on its topology can tell (the schema's superRefine reports
 * these, so every entry point refuses them alike): a PFC buffer must hold its headroom.
 */
export function fabricIssues(topology: ExperimentSpec['topology'], fabrics: FabricSpec[]): FabricIssue[] {
  const issues: FabricIssue[] = [];
  resolveFabrics(fabrics).forEach((config, i) => {
    if (config.nicOverheadNs > 0 && modelOf(config) === 'flow')
      issues.push({ path: ['fabrics', i, 'nicOverheadNs'], message: 'the flow model does not model a per-message NIC overhead yet; use model: packet or nicOverheadNs: 0' });
    const kinds = routingOf(config).topologies;
    if (kinds !== undefined && !kinds.includes(topology.kind))
      issues.push({ path: ['fabrics', i, 'routing'], message: `${config.routing} routing needs a ${kinds.join(' or ')} topology, not ${topology.kind}` });
    // Only lossless flow control keeps headroom; the flow model has no buffers at all.
    if (!flowControlOf(config).lossless || modelOf(config) === 'flow') return;
    const t = topology;
    // NVSwitches run the fabric's flow control on NVLink-speed ports: their headroom counts too.
    const links: [number, number, string][] = [[t.linkGbps, t.linkDelayNs, 'hop']];
    if (t.kind === 'rail-optimized') links.push([t.nvlinkGbps, t.nvlinkDelayNs, 'NVLink hop']);
    if (t.kind === 'dragonfly') links.push([t.localGbps, t.localDelayNs, 'local hop'], [t.globalGbps, t.globalDelayNs, 'global hop']);
    const frame = config.mtuBytes + config.headerBytes;
    for (const [linkGbps, linkDelayNs, hop] of links) {
      const needed = pfcHeadroomBytes(config, linkGbps, psFromNs(linkDelayNs)) + frame;
      if (config.bufferBytesPerPort < needed) {
        issues.push({
          path: ['fabrics', i, 'bufferBytesPerPort'],
          message: `PFC needs at least ${needed} bytes per port at ${linkGbps} Gb/s and ${linkDelayNs} ns per ${hop} (headroom plus one frame), got ${config.bufferBytesPerPort}`,
        });
        return;
      }
    }
  });
  return issues;
}
