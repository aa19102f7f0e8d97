import { spawn } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { envWithHugePages } from './huge-pages.js';

/** Set in the relaunched process, so it does not relaunch again. */
const RELAUNCHED = 'FABSIM_HEAP_RAISED';

/** The message a relaunched child sends its parent when it has seen an interrupt (acknowledgeInterrupt). */
const INTERRUPT_SEEN = 'fabsim:interrupt-seen';

/**
 * How long the parent waits for the child to acknowledge Ctrl-C. A run yields to its event
 * loop every 50 ms (live-run.ts), so a child silent this long is inside synchronous work that
 * cannot see the signal (building a big topology): the parent then kills it.
 */
export const INTERRUPT_GRACE_MS = 1_000;

/** The V8 heap a large run may use: most of physical memory, not Node's default (~4 GiB here). */
export function targetHeapMiB(): number {
  return Math.floor((totalmem() / 2 ** 20) * 0.85);
}

/**
 * Relaunches this CLI in a child Node with `--max-old-space-size` raised to most of physical
 * memory, so a 100,000-GPU run does not die at V8's default limit and the user never needs
 * the flag. The child runs in its own process group, so Ctrl-C reaches it once, forwarded
 * from here; its exit code becomes ours. It dies with this process (dieWithParent).
 * Returns false when no relaunch is needed.
 */
export function relaunchWithLargerHeap(): boolean {
  const targetMiB = targetHeapMiB();
  const currentMiB = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (process.env[RELAUNCHED] !== undefined || currentMiB >= targetMiB * 0.9) return false;
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${targetMiB}`, ...process.argv.slice(1)], {
    // An IPC channel, only so that the child sees it close when this process dies (even by SIGKILL).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    // Huge pages for its typed arrays (huge-pages.ts): the runs that need the larger heap are the ones with millions of page faults.
    env: envWithHugePages({ [RELAUNCHED]: '1' }),
  });
  // Forward the signal; a child that does not acknowledge it in time is stuck in synchronous
  // work (a topology build) that would ignore it for minutes: kill it, exit as interrupted.
  // It has written nothing then: results are written only after the simulation, and whole.
  let watchdog: NodeJS.Timeout | undefined;
  let killedExitCode: number | undefined;
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
    watchdog ??= setTimeout(() => {
      killedExitCode = signal === 'SIGTERM' ? 143 : 130;
      process.stderr.write('\nfabsim: interrupted while building the topology: stopped at once, nothing written\n');
      child.kill('SIGKILL');
    }, INTERRUPT_GRACE_MS);
  };
  child.on('message', (message) => {
    if (message === INTERRUPT_SEEN && watchdog !== undefined) clearTimeout(watchdog);
  });
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('exit', () => child.exitCode === null && child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    if (watchdog !== undefined) clearTimeout(watchdog);
    process.exitCode = killedExitCode ?? code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2);
  });
  return true;
}

/** Is this the relaunched child, whose parent kills it if Ctrl-C goes unacknowledged for INTERRUPT_GRACE_MS? */
export const isRelaunchedChild = (): boolean => process.env[RELAUNCHED] !== undefined;

/** Exit code of a relaunched child whose parent vanished (no one reads it): 128 + SIGHUP's 1, as a terminal hang-up. */
const ORPHANED_EXIT_CODE = 129;

/**
 * In the relaunched child: exit as soon as the parent is gone (its IPC channel closes, even
 * when the parent was SIGKILLed), so nothing keeps simulating or writes results for no one.
 * Files are written synchronously and whole, so exiting between event-loop turns tears none.
 */
export function dieWithParent(): void {
  if (process.env[RELAUNCHED] === undefined || process.channel === undefined) return;
  process.on('disconnect', () => process.exit(ORPHANED_EXIT_CODE));
  process.channel.unref(); // the channel alone must not keep the child alive
}

/**
 * In the relaunched child, from its SIGINT handler: tells the parent the interrupt was seen,
 * so it lets the child stop cleanly (and write its partial results) instead of killing it.
 */
export function acknowledgeInterrupt(): void {
  if (process.env[RELAUNCHED] !== undefined && process.connected) process.send?.(INTERRUPT_SEEN);
}
