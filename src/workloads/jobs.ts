import type { FabricModel } from '../fabric/index.js';
import type { Background, BackgroundReport } from './background.js';
import type { Job, JobReport } from './job.js';
import type { Workload } from './workload.js';

/**
 * Several jobs sharing one fabric (each on its own GPUs), optionally over background
 * traffic: the multi-tenant case. Finished when every job is; the background then stops
 * starting flows. Each job reports its own completion time and iteration times.
 */
export class Jobs implements Workload {
  readonly ranks: number;
  /** A mix of jobs has no single nccl-tests bandwidth: the per-job reports carry the figures. */
  readonly algBytes = 0;
  readonly busFactor = 0;
  readonly totalBytes = 0;
  /** The jobs' collectives' bytes (background traffic has no planned end, so progress leaves it out). */
  readonly plannedBytes: number;
  finishedPs = 0;
  private pending: number;

  constructor(
    readonly jobs: Job[],
    private readonly background: Background | undefined,
  ) {
    this.ranks = jobs.reduce((n, j) => n + j.gpus.length, 0);
    this.pending = jobs.length;
    this.plannedBytes = jobs.reduce((sum, j) => sum + j.plannedBytes, 0);
  }

  get deliveredBytes(): number {
    return this.jobs.reduce((sum, j) => sum + j.deliveredBytes, 0);
  }

  /** The jobs' GPUs (background traffic may use any). */
  get gpusInUse(): readonly number[] | undefined {
    return this.background === undefined ? this.jobs.flatMap((j) => j.gpus) : undefined;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  /** Called by each job when it ends. */
  jobDone(atPs: number): void {
    if (--this.pending > 0) return;
    this.finishedPs = atPs;
    this.background?.stop();
  }

  start(net: FabricModel): void {
    for (const job of this.jobs) job.start(net);
    this.background?.start(net);
  }

  reports(): { jobs: JobReport[]; background?: BackgroundReport } {
    return { jobs: this.jobs.map((j) => j.report()), ...(this.background ? { background: this.background.report() } : {}) };
  }
}
