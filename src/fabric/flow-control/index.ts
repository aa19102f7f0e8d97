import { bytesInPs, serializationPs } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import { DropTail } from './drop-tail.js';
import type { BufferPolicy, SendPause } from './flow-control.js';
import { Pfc } from './pfc.js';

export type { BufferPolicy, SendPause } from './flow-control.js';
export { Pfc } from './pfc.js';

/**
 * PFC headroom of a port: what can arrive from the packet that crossed the threshold on —
 * that packet itself, the frame our port is sending when the PAUSE is due (the PAUSE waits
 * for it), the PAUSE's serialization and a round trip of the cable at line rate, and the
 * frame the upstream had started when the PAUSE reached it.
 */
export function pfcHeadroomBytes(config: FabricConfig, rateGbps: number, linkDelayPs: number): number {
  // The telemetry CC's INT header rides on every data frame (nic.ts), so frames are longer.
  const intBytes = config.cc === 'telemetry' ? config.telemetry.intHeaderBytes : 0;
  const frame = config.mtuBytes + config.headerBytes + intBytes;
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
  const capacityBytes = ports * config.bufferBytesPerPort;
  switch (config.flowControl) {
    case 'none':
      return new DropTail(capacityBytes);
    case 'pfc':
      return new Pfc(
        ports,
        capacityBytes,
        pfcHeadroomBytes(config, rateGbps, linkDelayPs),
        config.pfc.alpha,
        config.pfc.resumeOffsetBytes,
        sendPause,
        config.pfc.xoffBytes === undefined ? undefined : { xoffBytes: config.pfc.xoffBytes, xonBytes: config.pfc.xonBytes ?? config.pfc.xoffBytes - config.pfc.resumeOffsetBytes },
      );
  }
}
