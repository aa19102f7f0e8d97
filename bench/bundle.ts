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
    const srcDir = join(ROOT, 'src');
    const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' });
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    buildSync(bundleOptions(srcDir, sources, { one: join(ROOT, 'bench/one.ts'), 'threads-one': join(ROOT, 'bench/threads-one.ts') }, BUNDLE_DIR));
    built = true;
  }
  return [join(BUNDLE_DIR, `${name}.mjs`)];
}
