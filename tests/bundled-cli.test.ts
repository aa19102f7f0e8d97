import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFromSource, node, type CliOutcome } from './cli-helpers.js';

/** Runs `node bin/fabsim.mjs ARGS` (the bundled CLI, npm start's) from `cwd`. */
const bundled = (cwd: string, ...args: string[]): Promise<CliOutcome> => node(['bin/fabsim.mjs', ...args], cwd);

const withoutWallMs = (json: string) => JSON.stringify(JSON.parse(json, (key, value) => (key === 'wallMs' ? 0 : value)));

describe('bin/fabsim.mjs: the CLI bundled, no TypeScript loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-bundled-'));
  const spec = (name: string, body: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\nseed: 3\n${body}`);
    return file;
  };

  it('prints what src/cli.ts under tsx prints, on each kind of worker thread (--jobs, --threads, sweep)', async () => {
    const jobs = spec('jobs', 'topology: { kind: leaf-spine, gpus: 16, gpusPerLeaf: 8, linkGbps: 100 }\nfabrics: [ethernet, roce]\nworkload: [{ kind: allreduce, bytes: 256KiB }, { kind: permutation, bytes: 64KiB }]\n');
    const threads = spec('threads', 'topology: { kind: fat-tree, radix: 4, linkGbps: 100 }\nfabrics: [{ preset: roce, bufferBytesPerPort: 64KiB }]\nworkload: { kind: incast, target: 0, senders: 8, bytes: 64KiB }\n');
    const sweep = spec('sweep', 'topology: { kind: leaf-spine, gpus: 16, gpusPerLeaf: 8, linkGbps: 100 }\nfabrics: [spectrum-x]\nworkload: { kind: allreduce, bytes: 64KiB }\nsweep: { field: workload.bytes, values: 64KiB..256KiB x2 }\n');
    const cases = [
      ['run', jobs, '--json', '--jobs', '2'],
      ['run', threads, '--json', '--threads', '2'],
      ['sweep', sweep, '--json'],
    ];
    // One at a time through the bundle: the first builds it, the others reuse it.
    const fromBundle: CliOutcome[] = [];
    for (const args of cases) fromBundle.push(await bundled('.', ...args));
    const fromSource = await Promise.all(cases.map((args) => cliFromSource(...args)));
    cases.forEach((args, i) => {
      expect([fromBundle[i]!.code, fromBundle[i]!.stderr.includes('Error')], args.join(' ')).toEqual([0, false]);
      expect(withoutWallMs(fromBundle[i]!.stdout), args.join(' ')).toBe(withoutWallMs(fromSource[i]!.stdout));
    });
    // Each worker kind really ran: rows of both fabrics, a run split over 2 threads, 3 sweep points.
    expect(JSON.parse(fromBundle[0]!.stdout).results).toHaveLength(4);
    expect(fromBundle[1]!.stderr).toMatch(/on 2 threads/);
    expect(JSON.parse(fromBundle[2]!.stdout).points).toHaveLength(3);
  }, 180_000); // 6 CLI runs, 3 with worker threads

  it('an edited source runs at once: the bundle is rebuilt, never reused stale', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'fabsim-bundled-copy-'));
    for (const part of ['bin', 'src', 'tsconfig.json', 'package.json']) cpSync(part, join(copy, part), { recursive: true });
    symlinkSync(join(process.cwd(), 'node_modules'), join(copy, 'node_modules'));
    const before = await bundled(copy, '--help');
    expect(before.stdout).toMatch(/^usage: fabsim run SPEC/);
    const cliFile = join(copy, 'src', 'cli.ts');
    writeFileSync(cliFile, readFileSync(cliFile, 'utf8').replace('`usage: ${RUN_USAGE}', '`edited usage: ${RUN_USAGE}'));
    const after = await bundled(copy, '--help');
    expect(after.stdout).toMatch(/^edited usage: fabsim run SPEC/);
  }, 60_000); // two bundle builds (~0.2 s each) and two CLI starts
});
