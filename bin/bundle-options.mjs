/**
 * How fabsim is bundled with esbuild, for the CLI (bin/fabsim.mjs) and the benchmark's runs
 * (bench/bundle.ts), so the bench measures the code users run.
 */
import { basename, dirname, join } from 'node:path';

/**
 * esbuild options for `entries` (output name → source file) plus each worker thread's module
 * under the name of the boot file that loads it from source (`run-worker-boot.mjs` →
 * `run-worker.ts`). Every output file sits in `outdir`, so the sources'
 * `new URL('./run-worker-boot.mjs', import.meta.url)` finds the bundled worker from whichever
 * chunk it ends up in. `sources`: the files under `srcDir`, relative to it.
 */
export function bundleOptions(srcDir, sources, entries, outdir) {
  const entryPoints = Object.entries(entries).map(([out, file]) => ({ in: file, out }));
  for (const file of sources.filter((f) => f.endsWith('-boot.mjs'))) {
    entryPoints.push({ in: join(srcDir, dirname(file), `${basename(file, '-boot.mjs')}.ts`), out: basename(file, '.mjs') });
  }
  return {
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    // Bundling renames colliding top-level names; keep functions' and classes' `.name` as in the sources.
    keepNames: true,
    sourcemap: true,
    logLevel: 'silent',
  };
}
