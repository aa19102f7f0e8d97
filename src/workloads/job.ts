import { psFromUs, Timer } from '../engine/index.js';
import { attributeChain, newBreakdown, Part, type Breakdown, type FabricModel } from '../fabric/index.js';
import { everyReplicaOf } from '../fabric/partition/replay.js';
import type { Collective } from './collectives/index.js';

/** What a job reports: its completion time and the spread of its iterations. */
export interface JobReport {
  name: string;
  ranks: number;
  completed: boolean;
  /** When the job started (its spec's startUs). */
  startUs: number;
  /** Job completion time: its start to the end of its last iteration. */
  jctUs: number;
  /** Wall-clock (simulated) time of each finished iteration: compute plus communication. */
  iterationUs: number[];
  /** Communication time of each collective run, in order. */
  collectiveUs: number[];
  /** Chakra traces: time computing, and in communication no compute overlapped (of the rank with the most). */
  computeUs?: number;
  exposedCommUs?: number;
}

/**
 * A training job: `iterations` times, compute for `computeUs`, then run its collectives
 * one after another. Iterations are bulk-synchronous: the next compute starts when the
 * last rank has finished the last collective (the collective is the barrier).
 */
export class Job {
  private iteration = 0;
  private step = 0;
  private iterationStartPs = 0;
  finishedPs = -1;
  readonly iterationPs: number[] = [];
  readonly collectivePs: number[] = [];
  private net!: FabricModel;
  private computeDone!: Timer;
  /** Where its time went (when the run asks): each collective's critical path, and compute. */
  attribution: Breakdown | null = null;
  /** The same per collective of an iteration (k), summed over the iterations. */
  readonly collectiveAttribution: Breakdown[] = [];

  constructor(
    readonly name: string,
    readonly gpus: number[],
    private readonly iterations: number,
    private readonly computeUs: number,
    /** A fresh instance of collective k of an iteration, on this job's GPUs. */
    private readonly makeCollective: (k: number) => Pick<Collective, 'onFinished' | 'start' | 'deliveredBytes' | 'startedPs' | 'criticalTail'>,
    private readonly collectivesPerIteration: number,
    private readonly onDone: (atPs: number) => void,
    /** When the job starts: jobs of one fabric may start at different times. */
    private readonly startPs = 0,
    /** Bytes its collectives send in one iteration (plannedCollectiveBytes of each). */
    plannedBytesPerIteration = 0,
  ) {
    this.plannedBytes = iterations * plannedBytesPerIteration;
  }

  /** Bytes its collectives send in all, known up front; and those delivered so far. */
  readonly plannedBytes: number;
  private doneBytes = 0;
  private current: Pick<Collective, 'deliveredBytes'> | undefined;

  get deliveredBytes(): number {
    return this.doneBytes + (this.current?.deliveredBytes ?? 0);
  }

  get finished(): boolean {
    return this.finishedPs >= 0;
  }

  start(net: FabricModel): void {
    this.net = net;
    if (net.attribution) this.attribution = newBreakdown();
    this.computeDone = new Timer(net.sim, () => this.computed());
    if (this.startPs === 0) this.beginIteration();
    else new Timer(net.sim, () => this.beginIteration()).set(this.startPs);
  }

  private computed(): void {
    if (this.attribution) this.attribution.parts[Part.Compute]! += psFromUs(this.computeUs);
    this.runCollective();
  }

  /** `atPs`: now (the last collective's end; under --threads a replica may run this later, at that time). */
  private beginIteration(atPs = this.net.sim.nowPs): void {
    if (this.iteration === this.iterations) {
      this.finishedPs = atPs;
      this.onDone(this.finishedPs);
      return;
    }
    this.iterationStartPs = atPs;
    this.step = 0;
    // Under --threads every replica starts the next iteration, at one key (see EveryReplica); its first goes with the setup.
    const everywhere = this.iteration > 0 ? everyReplicaOf(this.net) : null;
    if (everywhere !== null) everywhere.atEveryReplica(atPs + psFromUs(this.computeUs), this.gpus[0]! * 2048 + (this.iteration % 2048), () => this.computed());
    else this.computeDone.set(psFromUs(this.computeUs));
  }

  private runCollective(): void {
    const collective = this.makeCollective(this.step);
    this.current = collective;
    const startedPs = this.net.sim.nowPs;
    collective.onFinished = (atPs) => {
      this.doneBytes += collective.deliveredBytes;
      this.current = undefined;
      this.collectivePs.push(atPs - startedPs);
      if (this.attribution) {
        attributeChain(collective.criticalTail, startedPs, atPs, this.attribution);
        attributeChain(collective.criticalTail, startedPs, atPs, (this.collectiveAttribution[this.step] ??= newBreakdown()));
      }
      if (++this.step < this.collectivesPerIteration) return this.runCollective();
      this.iterationPs.push(atPs - this.iterationStartPs);
      this.iteration++;
      this.beginIteration(atPs);
    };
    collective.start(this.net);
  }

  /** Collective k of an iteration as the job builds it, never started (to inspect before the run: algorithm auto's pick). */
  collectiveSpecimen(k: number): unknown {
    return this.makeCollective(k);
  }

  report(): JobReport {
    return {
      name: this.name,
      ranks: this.gpus.length,
      completed: this.finished,
      startUs: this.startPs / 1e6,
      jctUs: Math.max(0, (this.finished ? this.finishedPs : this.net.sim.nowPs) - this.startPs) / 1e6,
      iterationUs: this.iterationPs.map((ps) => ps / 1e6),
      collectiveUs: this.collectivePs.map((ps) => ps / 1e6),
    };
  }
}
