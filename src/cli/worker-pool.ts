import { Worker } from 'node:worker_threads';

/**
 * Runs `tasks` on up to `size` worker threads (each loads `bootUrl`), one task per worker
 * at a time; resolves with the replies in task order. A worker error rejects.
 */
export function runOnWorkers<T, R>(bootUrl: URL, tasks: T[], size: number): Promise<R[]> {
  const replies: R[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    if (tasks.length === 0) return resolve(replies);
    const workers = Array.from({ length: Math.max(1, Math.min(size, tasks.length)) }, () => new Worker(bootUrl));
    const feed = (worker: Worker) => {
      if (next >= tasks.length) return void worker.terminate();
      const slot = next++;
      worker.once('message', (reply: R) => {
        replies[slot] = reply;
        if (++done === tasks.length) resolve(replies);
        feed(worker);
      });
      worker.postMessage(tasks[slot]);
    };
    for (const worker of workers) {
      worker.on('error', (error) => {
        for (const w of workers) void w.terminate();
        reject(error);
      });
      feed(worker);
    }
  });
}
