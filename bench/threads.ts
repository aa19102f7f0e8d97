/**
 * `npm run bench:threads [-- NAME...]`: the parallel packet engine on bench scenarios (default:
 * htsim's 1,024-host case on its own input) at 1 and 2 threads (threads-table.ts). `npm run
 * bench` ends with the same table for every scenario the parallel engine runs.
 */
import { runThreadsBench } from './threads-table.js';

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['htsim-as-htsim-1024'];
const { table } = runThreadsBench(names, (msg) => process.stderr.write(`bench: ${msg}\n`));
process.stdout.write(`${table}\n`);
