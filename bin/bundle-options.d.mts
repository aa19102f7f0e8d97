import type { BuildOptions } from 'esbuild';

export function bundleOptions(srcDir: string, sources: readonly string[], entries: Record<string, string>, outdir: string): BuildOptions;
