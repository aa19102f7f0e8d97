import { Worker } from 'node:worker_threads';

/** What `fabsim run` needs beyond the sweep's plain pool: notes while a task runs, and stopping. */
export interface PoolHooks<R, T = unknown> {
  /** A message that is not the task's reply (e.g. progress): handed here; the worker keeps its task. */
  isNote?: (message: unknown) => boolean;
  onNote?: (message: unknown, slot: number) => void;
  /** Each reply as it arrives (completion order); the promise still resolves in task order. */
  onReply?: (reply: R, slot: number) => void;
  /**
   * Once aborted, no further task starts and each running worker is sent `stopMessage`; the
   * pool resolves when the running tasks have replied. Tasks never started have no reply
   * (their slots stay empty, after the replies: tasks start in order).
   */
  signal?: AbortSignal;
  stopMessage?: unknown;
  /**
   * Which phase a note says the worker's task is in: `deaf` (synchronous work that cannot
   * hear `stopMessage`: building a big topology) or `listening` again. A worker deaf at the
   * abort, or still deaf `deafGraceMs` after it, is terminated and its task has no reply.
   */
  phaseOf?: (message: unknown) => 'deaf' | 'listening' | undefined;
  deafGraceMs?: number;
  /**
   * Runs a task on this thread: this thread is then one of the `size` executors (one worker
   * fewer to start and load). It must yield to the event loop as it goes (workers' messages
   * wait for it) and stop by itself on the abort.
   */
  local?: (task: T, slot: number) => Promise<R>;
  /** A worker already loading `bootUrl`: the pool's first (terminated if the pool needs none). */
  prestarted?: Worker;
}

/**
 * Runs `tasks` on up to `size` worker threads (each loads `bootUrl`), or on this thread and
 * `size` − 1 workers with `hooks.local`, one task per executor at a time, started in task
 * order (the first on this thread, which has nothing to load); resolves with the replies in
 * task order. A worker error (or the local task's) rejects.
 */
export function runOnWorkers<T, R>(bootUrl: URL, tasks: T[], size: number, hooks: PoolHooks<R, T> = {}): Promise<R[]> {
  const replies: R[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const executors = Math.max(1, Math.min(size, tasks.length));
    const count = tasks.length === 0 ? 0 : hooks.local ? executors - 1 : executors;
    if (count === 0) void hooks.prestarted?.terminate();
    if (tasks.length === 0) return resolve(replies);
    const workers = Array.from({ length: count }, (_, i) => (i === 0 && hooks.prestarted ? hooks.prestarted : new Worker(bootUrl)));
    const stopped = () => hooks.signal?.aborted === true;
    // Tasks whose worker was terminated on abort: they never reply (no row, not a hole).
    let dropped = 0;
    const finish = () => {
      if (done + dropped === next && (next >= tasks.length || stopped())) resolve(stopped() ? replies.slice(0, next).filter((r) => r !== undefined) : replies);
    };
    const deaf = new Set<Worker>();
    const drop = (worker: Worker) => {
      if (!deaf.has(worker) || (running.get(worker) ?? -1) < 0) return;
      running.set(worker, -1);
      dropped++;
      void worker.terminate();
      finish();
    };
    // The slot each worker runs, or -1 when idle.
    const running = new Map<Worker, number>();
    const feed = (worker: Worker) => {
      if (next >= tasks.length || stopped()) {
        running.set(worker, -1);
        void worker.terminate();
        return finish();
      }
      const slot = next++;
      running.set(worker, slot);
      worker.postMessage(tasks[slot]);
    };
    hooks.signal?.addEventListener('abort', () => {
      for (const [worker, slot] of running) if (slot >= 0) deaf.has(worker) ? drop(worker) : worker.postMessage(hooks.stopMessage);
      finish();
    });
    const local = hooks.local;
    const feedLocal = (taken?: number): void => {
      if (!local) return;
      if (taken === undefined && (next >= tasks.length || stopped())) return finish();
      const slot = taken ?? next++;
      local(tasks[slot]!, slot).then((reply) => {
        replies[slot] = reply;
        done++;
        hooks.onReply?.(reply, slot);
        feedLocal();
      }, (error: unknown) => {
        for (const w of workers) void w.terminate();
        reject(error);
      });
    };
    // The first task to this thread: it starts now, while the workers still load their modules.
    const firstLocal = local ? next++ : undefined;
    for (const worker of workers) {
      worker.on('message', (message: unknown) => {
        const slot = running.get(worker)!;
        if (slot < 0) return; // terminated on abort; a message already on its way
        const phase = hooks.phaseOf?.(message);
        if (phase === 'deaf') {
          deaf.add(worker);
          // Told to stop before it went deaf: it has this long to come back and hear it.
          if (stopped()) setTimeout(() => drop(worker), hooks.deafGraceMs ?? 0);
        } else if (phase === 'listening') deaf.delete(worker);
        if (hooks.isNote?.(message)) return hooks.onNote?.(message, slot);
        replies[slot] = message as R;
        done++;
        hooks.onReply?.(message as R, slot);
        feed(worker);
      });
      worker.on('error', (error) => {
        for (const w of workers) void w.terminate();
        reject(error);
      });
      feed(worker);
    }
    if (firstLocal !== undefined) feedLocal(firstLocal);
  });
}
