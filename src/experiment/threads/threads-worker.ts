/** A worker thread of `fabsim run --threads N`: simulates one part of one run, posts how far it has got, then its share. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPart, type PartTask, type ThreadsWorkerMessage } from './run-part.js';

const post = (message: ThreadsWorkerMessage) => parentPort!.postMessage(message);
post({ result: runPart(workerData as PartTask, (progress) => post({ progress })) });
