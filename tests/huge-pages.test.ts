import { describe, expect, it } from 'vitest';
import { withHugePages } from '../src/cli/huge-pages.js';

describe('GLIBC_TUNABLES for huge pages', () => {
  it('asks for them when nothing is set', () => {
    expect(withHugePages(undefined)).toBe('glibc.malloc.hugetlb=1');
    expect(withHugePages('')).toBe('glibc.malloc.hugetlb=1');
  });

  it("keeps the user's other tunables (colon-separated)", () => {
    expect(withHugePages('glibc.malloc.arena_max=2')).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it("keeps the user's own choice of the same tunable", () => {
    expect(withHugePages('glibc.malloc.hugetlb=0')).toBe('glibc.malloc.hugetlb=0');
    expect(withHugePages('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2')).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2');
  });
});
