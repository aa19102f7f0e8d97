/** A worker thread of `fabsim run --threads N`: simulates one part of one run and posts its share. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPart, type PartTask } from './run-part.js';

parentPort!.postMessage(runPart(workerData as PartTask));
