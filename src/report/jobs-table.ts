import type { ExperimentResult } from '../experiment/index.js';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/**
 * Per-job lines for `jobs` workloads: JCT and the iteration-time tail per fabric, so a
 * tenant sees whether another's traffic hurt it; and the background's FCT slowdown.
 */
export function formatJobsTable(result: ExperimentResult): string {
  const lines: string[] = [];
  for (const r of result.results) {
    for (const job of r.jobs ?? []) {
      const sorted = [...job.iterationUs].sort((a, b) => a - b);
      lines.push(
        [
          r.fabric.padEnd(12),
          `job ${job.name} (${job.ranks} GPUs)${job.startUs > 0 ? ` from ${job.startUs.toFixed(1)} us` : ''}`.padEnd(22),
          `JCT ${(job.completed ? '' : '>') + job.jctUs.toFixed(1)} us`.padEnd(18),
          // A Chakra trace is one step: what its time went to instead of an iteration tail.
          job.exposedCommUs !== undefined
            ? `most over ranks: compute ${job.computeUs!.toFixed(1)} us, exposed communication ${job.exposedCommUs.toFixed(1)} us`
            : `iteration p50 ${percentile(sorted, 50).toFixed(1)} p99 ${percentile(sorted, 99).toFixed(1)} max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} us`,
        ].join('  '),
      );
    }
    if (r.background) {
      const { flows, completed, slowdown } = r.background;
      lines.push(
        `${r.fabric.padEnd(12)}  background: ${completed}/${flows} flows, FCT slowdown p50 ${slowdown.p50.toFixed(2)} p99 ${slowdown.p99.toFixed(2)} max ${slowdown.max.toFixed(2)}`,
      );
    }
  }
  return lines.join('\n');
}
