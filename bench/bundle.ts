/**
 * The bench's child runs (one.ts, threads-one.ts) bundled with esbuild exactly as the CLI is
 * (bin/bundle-options.mjs): users run fabsim from that bundle, and the same code costs 12–20%
 * more CPU under tsx's loader, so children started with `--import tsx` overstated its cost.
 */
import { buildSync } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from '../bin/bundle-options.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * One level below the root, as bench/ is, so the scenarios' `new URL('../experiments/…',
 * import.meta.url)` finds the same files from the bundle. Rebuilt by each bench process.
 */
const BUNDLE_DIR = join(ROOT, '.bench-bundle');

let built = false;

/** `node` arguments that run bench/NAME.ts (one or threads-one) from the bundle, built on first use. */
export function benchChildArgs(name: 'one' | 'threads-one'): string[] {
  if (!built) {
    bundleBench(ROOT, ['one', 'threads-one'], BUNDLE_DIR);
    built = true;
  }
  return [join(BUNDLE_DIR, `${name}.mjs`)];
}

/** Bundles `tree`'s bench/NAME.ts for each name (and its src/) into `outdir`, emptied first, as the CLI is bundled. */
export function bundleBench(tree: string, names: readonly string[], outdir: string): void {
  const srcDir = join(tree, 'src');
  const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' });
  rmSync(outdir, { recursive: true, force: true });
  buildSync(bundleOptions(srcDir, sources, Object.fromEntries(names.map((name) => [name, join(tree, 'bench', `${name}.ts`)])), outdir));
}
