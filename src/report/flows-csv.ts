import type { ExperimentResult } from '../experiment/index.js';

const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** One line per message of every row that carries `flows`: fabric, workload, then the flow; an undelivered flow has an empty fctUs. */
export function formatFlowsCsv(result: ExperimentResult): string {
  const lines = ['fabric,workload,src,dst,sizeBytes,startUs,fctUs'];
  for (const r of result.results) {
    const label = `${quote(r.fabric)},${quote(r.workload)}`;
    for (const f of r.flows ?? []) lines.push(`${label},${f.src},${f.dst},${f.sizeBytes},${f.startUs},${f.fctUs ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}
