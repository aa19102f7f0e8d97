#!/usr/bin/env node
/**
 * fabsim's command line, started without a TypeScript loader: `node bin/fabsim.mjs run SPEC`
 * does what `npx tsx src/cli.ts run SPEC` does, same output. Through tsx every thread resolves
 * and loads ~240 source files via loader hooks (~0.8 s a thread on this project's 2-core
 * machine, paid again by each worker of `--jobs`); here each thread loads a few bundled files.
 *
 * The bundle is built with esbuild (the transpiler tsx itself uses, so the code is the same)
 * once per version of the sources, into node_modules/.cache/fabsim/<hash of src/>, and reused
 * while src/ is unchanged; an edit gives a new hash, so a stale bundle never runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'src');
const cacheDir = join(root, 'node_modules', '.cache', 'fabsim');
/** Bundles of other source versions are removed once this old (a running one may still load its chunks). */
const STALE_BUNDLE_MS = 24 * 3600 * 1000;

const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.(ts|mjs|json)$/.test(file))
  .sort();
// tsconfig.json too: esbuild reads it (class fields follow its target), as tsx does; and how it bundles.
const hash = createHash('sha256').update(readFileSync(join(root, 'tsconfig.json'))).update(readFileSync(new URL('./bundle-options.mjs', import.meta.url)));
for (const file of sources) hash.update(`${file}\0`).update(readFileSync(join(srcDir, file))).update('\0');
const bundleDir = join(cacheDir, hash.digest('hex').slice(0, 16));

if (existsSync(join(bundleDir, 'cli.mjs')) || (await buildBundle())) {
  // A bug's stack trace then names the source files and lines, not the bundle's.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(bundleDir, 'cli.mjs')).href);
} else {
  // No bundle (node_modules read-only, or a source that does not parse): the same CLI from
  // the sources under tsx, which names a syntax error the way a developer expects.
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}

/** Builds the CLI and its worker threads' modules (bundle-options.mjs) into bundleDir. */
async function buildBundle() {
  const { build } = await import('esbuild');
  // Built aside and renamed into place, so a concurrent start never sees half a bundle.
  const buildDir = `${bundleDir}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    await build(bundleOptions(srcDir, sources, { cli: join(srcDir, 'cli.ts') }, buildDir));
    renameSync(buildDir, bundleDir);
  } catch {
    // Could not build or write it, or another start put the same bundle in place first.
    rmSync(buildDir, { recursive: true, force: true });
  }
  for (const old of readdirSync(cacheDir)) {
    const path = join(cacheDir, old);
    const ageMs = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()); // another start may remove it first
    if (path !== bundleDir && ageMs > STALE_BUNDLE_MS) rmSync(path, { recursive: true, force: true });
  }
  return existsSync(join(bundleDir, 'cli.mjs'));
}
