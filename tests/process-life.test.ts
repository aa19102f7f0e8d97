import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFilesWhole } from '../src/report/write-whole.js';
import { LONG_RUN_SPEC } from './interrupt-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-life-'));

/** A process that exists and is not a zombie (an exited child not yet reaped by init). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const direct = directChildrenOf(pid);
  return [...direct, ...direct.flatMap(childrenOf)];
}

/** The relaunched CLI among `pids` (tsx also runs an esbuild service process). */
const relaunchedCli = (pids: number[]) => pids.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('max-old-space-size'));

function directChildrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * 16,384 GPUs on the packet model: 4× its estimated peak (79 KiB a GPU, run-jobs.ts) is more
 * than Node's default heap (~4 GiB on a 24 GiB machine), so the CLI relaunches itself.
 */
const BIG_RUN_SPEC = LONG_RUN_SPEC.replace('gpus: 128, gpusPerLeaf: 16', 'gpus: 16384, gpusPerLeaf: 64');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `fabsim run` and resolves once the simulating process has printed its first line. */
function startRun(out: string, specText = LONG_RUN_SPEC): Promise<{ cli: ChildProcess; exit: Promise<number | null>; stdout: () => string }> {
  const spec = join(dir, `${out.split('/').pop()}.yaml`);
  writeFileSync(spec, specText); // signalled a moment after the start, it lands mid-run
  const env = { ...process.env };
  delete env['GLIBC_TUNABLES']; // what the relaunch adds, checked below
  const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', spec, '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  cli.stdout!.on('data', (d) => (stdout += d));
  const exit = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
  return new Promise((resolve) => {
    let stderr = '';
    cli.stderr!.on('data', (d) => {
      const first = stderr === '';
      stderr += d;
      if (first) setTimeout(() => resolve({ cli, exit, stdout: () => stdout }), 300);
    });
  });
}

/** Waits up to `ms` for none of `pids` to be running. */
async function gone(pids: number[], ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (!pids.some(running)) return true;
  return !pids.some(running);
}

const tempFiles = (out: string) => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.tmp')) : []);

describe('process life', () => {
  it('SIGKILL of the CLI also ends the child it relaunched itself into (and its descendants): no process, no result, no temp file', async () => {
    const out = join(dir, 'killed');
    const { cli, exit } = await startRun(out, BIG_RUN_SPEC);
    const relaunched = childrenOf(cli.pid!);
    expect(relaunchedCli(relaunched).length).toBe(1); // this machine's memory makes the CLI raise its heap in a child for a big run
    // …and asks glibc for huge pages there (huge-pages.ts). (glibc cuts the string /proc shows
    // after the first tunable's value as it parses it, so one tunable is all this can check.)
    const environ = readFileSync(`/proc/${relaunchedCli(relaunched)[0]}/environ`, 'utf8').split('\0');
    expect(environ).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    cli.kill('SIGKILL');
    await exit;
    expect(await gone(relaunched, 5000)).toBe(true);
    await sleep(500); // a survivor would write now
    expect(existsSync(join(out, 'result.json'))).toBe(false);
    expect(tempFiles(out)).toEqual([]);
  }, 30_000);

  it('SIGTERM acts as Ctrl-C: partial results written whole, exit 143, nothing left running', async () => {
    const out = join(dir, 'terminated');
    const { cli, exit, stdout } = await startRun(out);
    const relaunched = childrenOf(cli.pid!);
    expect(relaunchedCli(relaunched)).toEqual([]); // a small run simulates in the CLI's own process
    cli.kill('SIGTERM');
    expect(await exit).toBe(143);
    expect(JSON.parse(stdout()).partial).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).partial).toBe(true);
    expect(tempFiles(out)).toEqual([]);
    expect(await gone(relaunched, 2000)).toBe(true);
  }, 30_000);

  it('a write removes the temp files a killed writer left in the folder, not those of a live one', () => {
    const out = join(dir, 'stale');
    mkdirSync(out);
    // No process has pid 2^22 + 1 (above Linux's pid_max ceiling); process.pid is alive.
    const dead = `.result.json.${2 ** 22 + 1}.tmp`;
    const live = `.report.html.${process.ppid}.tmp`;
    writeFileSync(join(out, dead), '{"half":');
    writeFileSync(join(out, live), '<html>');
    writeFilesWhole(out, [['result.json', '{}\n']]);
    expect(readdirSync(out).sort()).toEqual([live, 'result.json'].sort());
    removeStaleTempFiles(out);
    expect(readdirSync(out)).toContain(live);
  });
});
