import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runOnWorkers } from '../src/cli/worker-pool.js';

const WORKER = new URL('./fixtures/thread-id-worker.mjs', import.meta.url);
type Reply = { id: number; threadId: number };
const tasks = [{ id: 0 }, { id: 1 }, { id: 2 }];

describe('the worker pool with a prestarted worker (fabsim run starts one before the spec loads)', () => {
  it('runs its tasks on the prestarted worker, starts no other, and ends it', async () => {
    const prestarted = new Worker(WORKER);
    const { threadId } = prestarted; // -1 once it exits
    const exited = once(prestarted, 'exit');
    const replies = await runOnWorkers<{ id: number }, Reply>(WORKER, tasks, 1, { prestarted });
    expect(replies.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(replies.map((r) => r.threadId)).toEqual([threadId, threadId, threadId]);
    await exited;
  });

  it('uses it as one of several workers', async () => {
    const prestarted = new Worker(WORKER);
    const { threadId } = prestarted;
    const replies = await runOnWorkers<{ id: number }, Reply>(WORKER, tasks, 2, { prestarted });
    expect(replies.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(replies.some((r) => r.threadId === threadId)).toBe(true);
    expect(new Set(replies.map((r) => r.threadId)).size).toBe(2);
  });

  it('ends it when this thread runs every task (one executor)', async () => {
    const prestarted = new Worker(WORKER);
    const exited = once(prestarted, 'exit');
    const replies = await runOnWorkers<{ id: number }, Reply>(WORKER, tasks, 1, { prestarted, local: async ({ id }) => ({ id, threadId: 0 }) });
    expect(replies).toEqual(tasks.map(({ id }) => ({ id, threadId: 0 })));
    await exited;
  });
});
