/**
 * Splits a switch's `radix` ports into `down` and `up` at oversubscription `o` (down/up
 * capacity): up = ⌊radix / (1 + o)⌋, down = o · up; ports left over stay unused.
 * Throws a one-line error naming `field` when o does not give whole ports.
 */
export function splitRadix(radix: number, o: number, field: string): { down: number; up: number } {
  const up = Math.floor(radix / (1 + o));
  const down = up * o;
  if (up < 1 || !Number.isInteger(down))
    throw new RangeError(
      `topology.${field}: ${radix} switch ports cannot split ${o}:1 into whole down and up ports (up = ⌊radix / (1 + ${o})⌋ = ${up}, down = ${down})`,
    );
  return { down, up };
}
