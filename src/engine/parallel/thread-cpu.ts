import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * CPU time of the calling thread, ms: user + system from /proc/thread-self/stat (Linux, 10 ms
 * resolution). Node 20's process.cpuUsage() is the whole process's even in a worker, so the
 * threads of one run would each report their sum. Elsewhere: the process's, said so by `perThread`.
 */
export function threadCpuMs(): { ms: number; perThread: boolean } {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S, perThread: true };
  } catch {
    const usage = process.cpuUsage();
    return { ms: (usage.user + usage.system) / 1000, perThread: false };
  }
}
