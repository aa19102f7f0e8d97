const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};

/** Parses "64MiB", "1GB", "4096", "1.5 KB" into whole bytes; undefined if it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]i?B|B)?\s*$/.exec(text);
  if (!m) return undefined;
  const factor = UNITS[m[2] ?? 'B'];
  if (factor === undefined) return undefined;
  const bytes = Number(m[1]) * factor;
  return Number.isInteger(bytes) ? bytes : undefined;
}

/** Formats bytes the way nccl-tests users read them: 64MiB, 512KiB, 1000B. */
export function formatSize(bytes: number): string {
  for (const unit of ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'] as const) {
    const f = UNITS[unit]!;
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return `${bytes}B`;
}
