import { z } from 'zod';
import type { Packet } from '../packet.js';
import { defineFlowControl, type BufferPolicy, type SendPause } from './flow-control.js';

/**
 * Priority flow control on a shared buffer, after the HPCC simulator's MMU: each port keeps
 * `headroomBytes` in reserve for what is still on the wire after it pauses its upstream;
 * the rest is shared. Ingress i pauses its upstream when its shared use reaches a dynamic
 * threshold α × (free shared buffer), or once it spills into headroom; it resumes when the
 * headroom is empty and its shared use is `resumeOffsetBytes` below the threshold.
 * With headroom ≥ one round trip of the link plus two frames, nothing is ever dropped.
 */
export class Pfc implements BufferPolicy {
  private readonly sharedCapacityBytes: number;
  private sharedUsedBytes = 0;
  private readonly sharedByIngress: Float64Array;
  private readonly headroomByIngress: Float64Array;
  private readonly pausedUpstream: Uint8Array;
  /** Packets dropped because headroom ran out: must stay 0 when headroom is sized right. */
  headroomOverflows = 0;
  pausesSent = 0;

  constructor(
    ports: number,
    capacityBytes: number,
    private readonly headroomBytes: number,
    private readonly alpha: number,
    private readonly resumeOffsetBytes: number,
    private readonly sendPause: SendPause,
    /** Static per-ingress thresholds instead of the dynamic one (htsim's LosslessInputQueue): pause above xoff, resume below xon. */
    private readonly fixed?: { xoffBytes: number; xonBytes: number },
  ) {
    this.sharedCapacityBytes = capacityBytes - ports * headroomBytes;
    if (this.sharedCapacityBytes <= 0)
      throw new RangeError(`bufferBytesPerPort: too small for PFC headroom of ${headroomBytes} bytes per port`);
    this.sharedByIngress = new Float64Array(ports);
    this.headroomByIngress = new Float64Array(ports);
    this.pausedUpstream = new Uint8Array(ports);
  }

  get usedBytes(): number {
    let headroom = 0;
    for (const h of this.headroomByIngress) headroom += h;
    return this.sharedUsedBytes + headroom;
  }

  private threshold(): number {
    if (this.fixed) return this.fixed.xoffBytes;
    return this.alpha * (this.sharedCapacityBytes - this.sharedUsedBytes);
  }

  admit(packet: Packet, ingress: number): boolean {
    const size = packet.sizeBytes;
    const shared = this.sharedByIngress[ingress]!;
    if (shared + size > this.threshold() || this.sharedUsedBytes + size > this.sharedCapacityBytes) {
      if (this.headroomByIngress[ingress]! + size > this.headroomBytes) {
        this.headroomOverflows++;
        return false;
      }
      this.headroomByIngress[ingress]! += size;
    } else {
      this.sharedByIngress[ingress] = shared + size;
      this.sharedUsedBytes += size;
    }
    if (!this.pausedUpstream[ingress] && (this.headroomByIngress[ingress]! > 0 || this.sharedByIngress[ingress]! >= this.threshold())) {
      this.pausedUpstream[ingress] = 1;
      this.pausesSent++;
      this.sendPause(ingress, true);
    }
    return true;
  }

  release(ingress: number, size: number): void {
    const fromHeadroom = Math.min(this.headroomByIngress[ingress]!, size);
    this.headroomByIngress[ingress]! -= fromHeadroom;
    this.sharedByIngress[ingress]! -= size - fromHeadroom;
    this.sharedUsedBytes -= size - fromHeadroom;
    this.maybeResume(ingress);
  }

  releaseSignals(ingress: number): boolean {
    return this.pausedUpstream[ingress] === 1;
  }

  private maybeResume(ingress: number): void {
    if (!this.pausedUpstream[ingress] || this.headroomByIngress[ingress]! > 0) return;
    const shared = this.sharedByIngress[ingress]!;
    const resume = this.fixed ? shared < this.fixed.xonBytes : shared + this.resumeOffsetBytes <= this.threshold();
    if (shared === 0 || resume) {
      this.pausedUpstream[ingress] = 0;
      this.sendPause(ingress, false);
    }
  }
}

/** Priority flow control on the lossless (data) class. */
export interface PfcParams {
  /** Dynamic threshold: an ingress port pauses its upstream when its shared-buffer use exceeds this fraction of the free shared buffer (HPCC MMU: 1/8). */
  alpha: number;
  /** Resume once the ingress is this many bytes below the threshold (HPCC MMU: 3 KB). */
  resumeOffsetBytes: number;
  /** Static thresholds instead of α (htsim's RoCE: 15 and 12 packets): an ingress pauses its upstream above xoffBytes, resumes below xonBytes (default xoff − resumeOffsetBytes). */
  xoffBytes?: number;
  xonBytes?: number;
}

export const pfc = defineFlowControl<'pfc', { pfc: PfcParams }>({
  name: 'pfc',
  lossless: true,
  overrides: (checked) => ({
    pfc: z
      .strictObject({
        alpha: checked.positive.optional(),
        resumeOffsetBytes: checked.size.optional(),
        /** Static per-ingress thresholds (htsim's RoCE) instead of alpha's dynamic one. */
        xoffBytes: checked.positiveSize.optional(),
        xonBytes: checked.size.optional(),
      })
      .refine((p) => p.xonBytes === undefined || p.xoffBytes === undefined || p.xonBytes <= p.xoffBytes, {
        message: 'xonBytes must not exceed xoffBytes',
        path: ['xonBytes'],
      })
      .optional(),
  }),
  defaults: { pfc: { alpha: 1 / 8, resumeOffsetBytes: 3 * 1024 } },
  create: ({ config: { pfc: p }, ports, capacityBytes, headroomBytes, sendPause }) =>
    new Pfc(
      ports,
      capacityBytes,
      headroomBytes,
      p.alpha,
      p.resumeOffsetBytes,
      sendPause,
      p.xoffBytes === undefined ? undefined : { xoffBytes: p.xoffBytes, xonBytes: p.xonBytes ?? p.xoffBytes - p.resumeOffsetBytes },
    ),
});
