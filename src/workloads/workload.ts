import type { FabricModel } from '../fabric/index.js';

/**
 * Traffic that runs on a FabricModel. It posts its first messages in `start`; later ones
 * follow from delivery callbacks (per-rank state machines, never a full transfer list).
 */
export interface Workload {
  /** GPUs that take part. */
  readonly ranks: number;
  /** Which GPUs, when known before it starts (`--threads` balances its threads by them); unset: any of the fabric's. */
  readonly gpusInUse?: readonly number[] | undefined;
  start(net: FabricModel): void;
  readonly finished: boolean;
  /** Simulated time at which the last message of the workload was delivered. */
  readonly finishedPs: number;
  /** Application bytes the workload delivers in total (for conservation checks). */
  readonly totalBytes: number;
  /**
   * For progress: the bytes it delivers in all, known before it starts, and those delivered
   * so far, message by message (collectives and jobs: each message counted once at its ends,
   * relay legs and protocol flags not; background traffic not). Unset: progress reads the
   * fabric's arrivals against `totalBytes`, known up front for fixed transfers.
   */
  readonly plannedBytes?: number;
  readonly deliveredBytes?: number;
  /** S in nccl-tests' algbw = S / t. */
  readonly algBytes: number;
  /** nccl-tests' busbw = algbw × busFactor. */
  readonly busFactor: number;
}

/** Splits `total` into `parts` near-equal integers whose sum is exactly `total`. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const rem = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < rem ? 1 : 0));
}
