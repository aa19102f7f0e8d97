import { z } from 'zod';
import type { FailureEvent, TopologyShape } from '../fabric/index.js';
import { durationUs, linkRateGbps, ranged } from './schema-primitives.js';

const tier = z.string().min(1);
const index = z.number().int().nonnegative();

/**
 * One failure event: when (`atUs`), what (exactly one of `link`, `switch`, `random`: a
 * seeded share of a tier's links) and its new state; `degraded` needs `rateGbps`.
 * Tier names and indices are checked against the topology by failureIssues.
 */
export const failureSchema = z
  .strictObject({
    atUs: durationUs,
    link: z.strictObject({ tier, switch: index, port: index }).optional(),
    switch: z.strictObject({ tier, index }).optional(),
    random: z.strictObject({ tier, linksPercent: ranged('a share', 0, 100, '%') }).optional(),
    state: z.enum(['down', 'up', 'degraded']),
    rateGbps: linkRateGbps.optional(),
  })
  .superRefine((f, ctx) => {
    const targets = [f.link, f.switch, f.random].filter((t) => t !== undefined).length;
    if (targets !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of link, switch or random, got ${targets}` });
    if (f.state === 'degraded' && f.rateGbps === undefined) ctx.addIssue({ code: 'custom', path: ['rateGbps'], message: 'required when state is degraded' });
    if (f.state !== 'degraded' && f.rateGbps !== undefined) ctx.addIssue({ code: 'custom', path: ['rateGbps'], message: `only a degraded link has a rate, got state ${f.state}` });
  })
  .transform((f) => f as FailureEvent);

export const failuresSchema = z.array(failureSchema).default([]);

/** Failures against the topology: tier names as it names them, switch and port numbers in range. */
export function failureIssues(shape: TopologyShape, failures: readonly FailureEvent[]): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const tiers = shape.tierNames.slice(0, shape.fabricTiers);
  const layouts = shape.switches();
  failures.forEach((f, i) => {
    const target = 'link' in f ? 'link' : 'switch' in f ? 'switch' : 'random';
    const t = 'link' in f ? f.link : 'switch' in f ? f.switch : f.random;
    const tierIndex = tiers.indexOf(t.tier);
    if (tierIndex < 0) return void issues.push({ path: ['failures', i, target, 'tier'], message: `expected one of ${tiers.join(', ')}, got ${JSON.stringify(t.tier)}` });
    const inTier = layouts.filter((s) => s.tier === tierIndex);
    const n = 'link' in f ? f.link.switch : 'switch' in f ? f.switch.index : 0;
    if (n >= inTier.length)
      return void issues.push({ path: ['failures', i, target, 'link' in f ? 'switch' : 'index'], message: `expected a ${t.tier} switch number below ${inTier.length}, got ${n}` });
    if ('link' in f) {
      const ports = inTier[n]!.downPorts + inTier[n]!.upPorts;
      if (f.link.port >= ports) issues.push({ path: ['failures', i, 'link', 'port'], message: `expected a port number below ${ports} (${t.tier} ${n}'s ports), got ${f.link.port}` });
    }
  });
  return issues;
}
