import { describe, expect, it } from 'vitest';
import { grown } from '../src/engine/index.js';

describe('grown', () => {
  it('keeps the values and the kind of array; the new tail is 0, or the fill value', () => {
    const a = Float64Array.of(1.5, -2, 3);
    const b = grown(a, 6);
    expect(b).toBeInstanceOf(Float64Array);
    expect(Array.from(b)).toEqual([1.5, -2, 3, 0, 0, 0]);
    const c = grown(Int32Array.of(7, 8), 5, -1);
    expect(c).toBeInstanceOf(Int32Array);
    expect(Array.from(c)).toEqual([7, 8, -1, -1, -1]);
    expect(Array.from(a)).toEqual([1.5, -2, 3]); // a copy: the old array is untouched
  });
});
