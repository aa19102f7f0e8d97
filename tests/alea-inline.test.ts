import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { rngStream } from '../src/engine/index.js';
import type { Port } from '../src/fabric/port.js';
import { leastLoaded } from '../src/fabric/routing/adaptive.js';

/** A port as leastLoaded reads it: queued bytes, up, no onward check. */
const port = (dataQueuedBytes: number, down = false) => ({ dataQueuedBytes, down, routeDown: down, checkOnward: false }) as unknown as Port;

describe('AleaRng', () => {
  it('draws exactly what seedrandom.alea draws for the same seed text', () => {
    for (const [seed, name] of [[1, 'routing/adaptive'], [7, 'x'], [123456, 'routing/flowlet']] as const) {
      const ref = seedrandom.alea(`${seed}/${name}`);
      const rng = rngStream(seed, name);
      for (let i = 0; i < 6_000; i++) {
        if (i % 3 === 0) expect(rng.int(37)).toBe(Math.floor(ref() * 37));
        else expect(rng.next()).toBe(ref());
      }
    }
  });
});

describe('leastLoaded with Alea stepped inline', () => {
  // The reservoir rule written out with seedrandom's own generator: the k-th tie takes the
  // pick when floor(u·k) === 0; a strictly smaller queue resets the count.
  function reference(ports: readonly Port[], prng: () => number): Port {
    let first = 0;
    while (first < ports.length && ports[first]!.down) first++;
    if (first === ports.length) return ports[0]!;
    let best = ports[first]!;
    let ties = 1;
    for (let i = first + 1; i < ports.length; i++) {
      const p = ports[i]!;
      if (p.down) continue;
      if (p.dataQueuedBytes < best.dataQueuedBytes) {
        best = p;
        ties = 1;
      } else if (p.dataQueuedBytes === best.dataQueuedBytes && Math.floor(prng() * ++ties) === 0) best = p;
    }
    return best;
  }

  it('picks the same port and leaves the stream where seedrandom leaves it, over 5,000 mixed choices', () => {
    const ref = seedrandom.alea('3/ll');
    const rng = rngStream(3, 'll');
    const shape = seedrandom.alea('shape'); // independent: which queues tie, which ports are down
    for (let round = 0; round < 5_000; round++) {
      const n = 2 + Math.floor(shape() * 40);
      const levels = 1 + Math.floor(shape() * 3); // few levels: many ties
      const ports = Array.from({ length: n }, () => port(Math.floor(shape() * levels) * 4096, shape() < 0.1));
      expect(leastLoaded(ports, rng, 0, true)).toBe(reference(ports, ref));
    }
    expect(rng.next()).toBe(ref()); // the same number of draws consumed
  });

  it('at 32 idle uplinks draws 31 times, each port chosen about 1/32 of the time', () => {
    const rng = rngStream(5, 'idle');
    const ref = seedrandom.alea('5/idle');
    const ports = Array.from({ length: 32 }, () => port(0));
    const counts = new Array<number>(32).fill(0);
    const rounds = 32_000;
    for (let r = 0; r < rounds; r++) counts[ports.indexOf(leastLoaded(ports, rng, 0, true))]!++;
    for (let i = 0; i < rounds * 31; i++) ref();
    expect(rng.next()).toBe(ref());
    // Binomial(32000, 1/32): mean 1000, sd ~31; 6 sd either side.
    for (const k of counts) expect(Math.abs(k - 1000)).toBeLessThan(190);
  });
});
