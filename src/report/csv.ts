import type { ExperimentResult, FabricResult } from '../experiment/index.js';

/** Flattens nested fields: latencyUs.p99 becomes the column latencyUs_p99. Series (detail) stay in the JSON. */
function flatten({ detail: _detail, ...r }: FabricResult): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(r)) {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, number>)) out[`${key}_${k}`] = v;
    } else out[key] = value as string | number | boolean;
  }
  return out;
}

const quote = (v: string | number | boolean): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One header line, one row per fabric, the experiment name and seed on every row. */
export function formatCsv(result: ExperimentResult): string {
  const rows = result.results.map((r) => ({ experiment: result.experiment, seed: result.seed, ...flatten(r) }));
  const headers = Object.keys(rows[0] ?? {});
  return [headers.join(','), ...rows.map((row) => headers.map((h) => quote(row[h as keyof typeof row]!)).join(','))].join('\n') + '\n';
}
