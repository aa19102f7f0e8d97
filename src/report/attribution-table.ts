import type { ExperimentResult } from '../experiment/index.js';
import { flatParts } from '../fabric/index.js';

const us = (ps: number): string => (ps / 1e6).toFixed(2);

/**
 * `fabsim run --explain`: per fabric, and per job for job mixes, where the completion time
 * went along its critical path, in µs, one column per cause that any row has (the columns
 * add up to `total`); then the five links that cost each row most.
 */
export function formatAttributionTable(result: ExperimentResult): string {
  const several = new Set(result.results.map((r) => r.workload)).size > 1;
  const rows = result.results.flatMap((r) =>
    (r.attribution ?? []).map((a) => ({ fabric: r.fabric, what: a.label === 'workload' && several ? r.workload : a.label, a, parts: flatParts(a) })),
  );
  if (rows.length === 0) return '';
  const names = rows[0]!.parts.map(([name]) => name);
  const shown = names.filter((name) => rows.some((row) => (row.parts.find(([n]) => n === name)?.[1] ?? 0) > 0));
  const header = ['fabric', 'what', 'total', ...shown];
  const cells = rows.map((row) => [row.fabric, row.what, us(row.a.completionPs), ...shown.map((name) => us(row.parts.find(([n]) => n === name)?.[1] ?? 0))]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = ['Where the time goes (critical path, us; the parts add up to total)', line(header)];
  rows.forEach((row, i) => {
    out.push(line(cells[i]!));
    if (row.a.topLinks.length > 0) out.push(`  top links: ${row.a.topLinks.map((l) => `${l.link} ${us(l.ps)}`).join(', ')}`);
  });
  return out.join('\n');
}
