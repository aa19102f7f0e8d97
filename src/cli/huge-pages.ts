/**
 * The GLIBC_TUNABLES value that asks glibc's malloc for transparent huge pages on its large
 * mappings (glibc ≥ 2.35; other C libraries ignore it), keeping whatever tunables the user
 * set, and their own choice of this one.
 *
 * Why: Node's typed arrays are malloc'd, and a large run's state (the flow model's solver,
 * pool and flow records; the packet engine's queues and port records) is typed arrays grown
 * by doubling. With THP in its common `madvise` mode each fresh 4 KiB page costs a page
 * fault; on this project's machine (a paravirtualized VM, ~13 µs a fault) the 1,000,000-GPU
 * flow run spent 24 of its 216 CPU s in the kernel, taking 1.77 M faults (0.64 M with huge
 * pages, 9% less CPU; README "Flow-level model"). glibc reads the tunable only at process
 * start, so it is set for a process this one starts (the larger-heap relaunch, the bench's
 * children). Results do not change: only where memory comes from.
 */
export function withHugePages(tunables: string | undefined): string {
  const own = 'glibc.malloc.hugetlb=1';
  if (tunables === undefined || tunables === '') return own;
  return tunables.includes('glibc.malloc.hugetlb=') ? tunables : `${tunables}:${own}`;
}

/** This process's environment, for a child Node process that should use huge pages (withHugePages). */
export function envWithHugePages(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, GLIBC_TUNABLES: withHugePages(process.env['GLIBC_TUNABLES']) };
}
