import { congestionControlOf } from './cc/index.js';
import type { FabricConfig } from './config.js';

/** What a fabric's chosen mechanisms need from its switches and NICs: read once when it is built. */
export interface FabricNeeds {
  /** Switches stamp in-band telemetry on data packets as they leave (a telemetry CC asks for it). */
  readonly stampTelemetry: boolean;
  /** The telemetry header each fabric data packet and its ACK carry; 0 without stamping. */
  readonly telemetryHeaderBytes: number;
}

export function fabricNeeds(config: FabricConfig): FabricNeeds {
  const cc = congestionControlOf(config);
  const telemetryHeaderBytes = cc.telemetryHeaderBytes?.(config);
  return { stampTelemetry: telemetryHeaderBytes !== undefined, telemetryHeaderBytes: telemetryHeaderBytes ?? 0 };
}
