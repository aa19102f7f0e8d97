import { bytesInPs, serializationPs } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import { lookup } from '../mechanism.js';
import { fabricNeeds } from '../needs.js';
import { none } from './drop-tail.js';
import type { BufferPolicy, SendPause } from './flow-control.js';
import { pfc } from './pfc.js';

export type { BufferPolicy, SendPause } from './flow-control.js';
export { Pfc } from './pfc.js';

/** Every flow-control module; a spec names one. Its order is the order errors list the names in. */
export const FLOW_CONTROLS = [none, pfc] as const;

/** The flow-control module a config names. */
export const flowControlOf = (config: Pick<FabricConfig, 'flowControl'>) =>
  lookup<(typeof FLOW_CONTROLS)[number]>(FLOW_CONTROLS, config.flowControl, 'flow control');

/**
 * PFC headroom of a port: what can arrive from the packet that crossed the threshold on —
 * that packet itself, the frame our port is sending when the PAUSE is due (the PAUSE waits
 * for it), the PAUSE's serialization and a round trip of the cable at line rate, and the
 * frame the upstream had started when the PAUSE reached it.
 */
export function pfcHeadroomBytes(config: FabricConfig, rateGbps: number, linkDelayPs: number): number {
  // A telemetry CC's INT header rides on every data frame (nic.ts), so frames are longer.
  const frame = config.mtuBytes + config.headerBytes + fabricNeeds(config).telemetryHeaderBytes;
  const inFlightPs = 2 * linkDelayPs + serializationPs(config.controlBytes, rateGbps);
  return Math.ceil(bytesInPs(inFlightPs, rateGbps)) + 3 * frame;
}

export function createBufferPolicy(
  config: FabricConfig,
  ports: number,
  rateGbps: number,
  linkDelayPs: number,
  sendPause: SendPause,
): BufferPolicy {
  const mechanism = flowControlOf(config);
  const headroomBytes = mechanism.lossless ? pfcHeadroomBytes(config, rateGbps, linkDelayPs) : 0;
  return mechanism.create({ config, ports, capacityBytes: ports * config.bufferBytesPerPort, headroomBytes, sendPause });
}
