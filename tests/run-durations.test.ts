import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastRunDurations, longestFirst, recordRunDurations, timesFileOf } from '../src/cli/run-durations.js';

/** A spec of its own per test run, so that parallel test runs do not share a times file. */
const spec = (tag: string) => ({ name: `durations-${tag}-${process.pid}-${Math.random()}` });

describe('run durations (the order --jobs starts runs in)', () => {
  it('starts the longest first, spec order among equal times and without times', () => {
    expect(longestFirst(6, [3205, 3259, 5634, 2064, 3125, 4524])).toEqual([2, 5, 1, 0, 4, 3]);
    expect(longestFirst(4, [10, 20, 20, 10])).toEqual([1, 2, 0, 3]);
    expect(longestFirst(3, undefined)).toEqual([0, 1, 2]);
  });

  it('reads back what the last complete run recorded, only for the same spec and number of runs', () => {
    const s = spec('round-trip');
    expect(lastRunDurations(s, 3)).toBeUndefined();
    recordRunDurations(s, [1.4, 2.6, 0]);
    expect(lastRunDurations(s, 3)).toEqual([1, 3, 0]);
    expect(lastRunDurations(s, 2)).toBeUndefined();
    expect(lastRunDurations(spec('other'), 3)).toBeUndefined();
  });

  it('ignores a times file that is not a list of times (spec order then)', () => {
    const s = spec('torn');
    recordRunDurations(s, [1, 2]);
    for (const text of ['{', '{"a":1}', '[1,"2"]', '[1,-2]', '[1,null]']) {
      writeFileSync(timesFileOf(s), text);
      expect(lastRunDurations(s, 2)).toBeUndefined();
    }
  });
});
