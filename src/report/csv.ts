import type { ExperimentResult, FabricResult } from '../experiment/index.js';

type Cell = string | number | boolean;

/**
 * Flattens nested fields at any depth: latencyUs.p99 becomes the column latencyUs_p99, a
 * jobs row's jobs[0].jctUs jobs_0_jctUs. Series (detail) and per-flow rows (flows) stay in the JSON.
 */
function flatten({ detail: _detail, flows: _flows, ...r }: FabricResult): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  const visit = (prefix: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(prefix === '' ? k : `${prefix}_${k}`, v);
    else out[prefix] = value as Cell;
  };
  visit('', r);
  return out;
}

/**
 * One CSV cell. A text starting with =, +, -, @ (or tab/CR) would be run as a formula by a
 * spreadsheet (CSV injection, OWASP): it gets a leading ' and quotes. Numbers stay numbers.
 */
export const csvCell = (v: Cell): string => {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One header line, one row per fabric, the experiment name and seed on every row. */
export function formatCsv(result: ExperimentResult): string {
  const rows = result.results.map((r) => ({ experiment: result.experiment, seed: result.seed, ...flatten(r) }));
  // Rows may differ in fields (a flow-model row has `model`, a jobs row its jobs): every field gets a column, empty where absent.
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (row: Record<string, Cell>, h: string) => (h in row ? csvCell(row[h]!) : '');
  return [headers.map(csvCell).join(','), ...rows.map((row) => headers.map((h) => cell(row, h)).join(','))].join('\n') + '\n';
}
