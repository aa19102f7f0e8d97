import { bytesInPs, serializationPs } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import { DropTail } from './drop-tail.js';
import type { BufferPolicy, SendPause } from './flow-control.js';
import { Pfc } from './pfc.js';

export type { BufferPolicy, SendPause } from './flow-control.js';
export { Pfc } from './pfc.js';

/**
 * PFC headroom of a port: what keeps arriving after the switch decides to pause — the
 * PAUSE frame's own serialization and flight, the upstream's frame in progress, and a
 * round trip of the cable at line rate — plus one frame of slack.
 */
export function pfcHeadroomBytes(config: FabricConfig, rateGbps: number, linkDelayPs: number): number {
  const frame = config.mtuBytes + config.headerBytes;
  const inFlightPs = 2 * linkDelayPs + serializationPs(config.controlBytes, rateGbps);
  return Math.ceil(bytesInPs(inFlightPs, rateGbps)) + 2 * frame;
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
      );
  }
}
