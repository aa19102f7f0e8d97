import { congestionControlOf } from './cc/index.js';
import type { FabricConfig } from './config.js';
import type { FlowEventQueue } from './flow-model/flow-event-queue.js';

/** What a fabric's chosen mechanisms need from its switches and NICs: read once when it is built. */
export interface FabricNeeds {
  /** Switches stamp in-band telemetry on data packets as they leave (a telemetry CC asks for it). */
  readonly stampTelemetry: boolean;
  /** The telemetry header each fabric data packet and its ACK carry; 0 without stamping. */
  readonly telemetryHeaderBytes: number;
  /** The run asks where the time goes: NICs log sends, ports stamp each data packet's hops (off: one test per packet). */
  readonly attribution: boolean;
}

/** What a run asks of a fabric beyond its mechanisms. */
export interface RunNeeds {
  /** Split completion times by cause (`fabsim run --explain`). */
  attribution?: boolean;
  /** Every switch draws from streams of its own (routing ties, ECN), so no random stream is shared between nodes (`--threads`). */
  perNodeStreams?: boolean;
  /** The simulator's queue, when it is the flow model's (buildModel's for `model: flow`): the model cancels superseded events in it. */
  flowEvents?: FlowEventQueue;
}

export function fabricNeeds(config: FabricConfig, run: RunNeeds = {}): FabricNeeds {
  const cc = congestionControlOf(config);
  const telemetryHeaderBytes = cc.telemetryHeaderBytes?.(config);
  return { stampTelemetry: telemetryHeaderBytes !== undefined, telemetryHeaderBytes: telemetryHeaderBytes ?? 0, attribution: run.attribution ?? false };
}
