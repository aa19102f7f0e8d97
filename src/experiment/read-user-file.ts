import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SpecError } from './spec-error.js';

/** Largest spec or data file read: 1 MiB (a spec is a few KB; an HPCC CDF file a few hundred bytes). */
export const MAX_USER_FILE_BYTES = 2 ** 20;

export interface UserFileOptions {
  /** The spec field (or "spec") named in errors. */
  field: string;
  /** Relative paths resolve against this folder, and may not leave it unless `allowOutside`. */
  baseDir?: string;
  /** Read files outside `baseDir` too (the CLI's --allow-outside-files). */
  allowOutside?: boolean;
  maxBytes?: number;
}

/** Process-wide default of `allowOutside`, set once by the CLI's --allow-outside-files. */
let allowOutsideByDefault = false;
export function allowOutsideFiles(allow: boolean): void {
  allowOutsideByDefault = allow;
}

/** A short, printable excerpt of file content for error messages (never a whole line of a file). */
export { excerpt } from '../workloads/connection-matrix.js';

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'error';

/** `path` resolved against `baseDir`, refused when it leaves that folder (symlinks followed). */
function resolveInside(path: string, o: UserFileOptions): string {
  if (o.baseDir === undefined) return path;
  const full = resolve(o.baseDir, path);
  if (o.allowOutside ?? allowOutsideByDefault) return full;
  let real: string;
  let base: string;
  try {
    [real, base] = [realpathSync(full), realpathSync(o.baseDir)];
  } catch (error) {
    throw new SpecError(`${o.field}: cannot read ${path} (${errnoOf(error)})`);
  }
  const rel = relative(base, real);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new SpecError(`${o.field}: ${path} is outside the spec's folder ${base} (paths are relative to it; pass --allow-outside-files to read it anyway)`);
  return real;
}

/** Reads a user-named file as UTF-8, under readUserBytes' rules. */
export function readUserFile(path: string, o: UserFileOptions): string {
  return readUserBytes(path, o).toString('utf8');
}

/**
 * Reads a user-named file's bytes, safely: only a regular file (no directory, device such
 * as /dev/zero, or FIFO, which is opened without blocking), at most `maxBytes`, and inside
 * the spec's folder unless allowed. Errors are SpecErrors naming the field; none echoes content.
 */
export function readUserBytes(path: string, o: UserFileOptions): Buffer {
  const maxBytes = o.maxBytes ?? MAX_USER_FILE_BYTES;
  const full = resolveInside(path, o);
  let fd: number;
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new SpecError(`${o.field}: cannot read ${path} (${errnoOf(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SpecError(`${o.field}: ${path} is not a regular file (a directory, device or pipe)`);
    if (stat.size > maxBytes) throw new SpecError(`${o.field}: ${path} is ${stat.size} B, more than the ${maxBytes} B limit`);
    // Read at most one byte past the limit: a file growing while read is caught, never read whole.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n; length <= maxBytes && (n = readSync(fd, buffer, length, maxBytes + 1 - length, null)) > 0; ) length += n;
    if (length > maxBytes) throw new SpecError(`${o.field}: ${path} is more than the ${maxBytes} B limit`);
    // A copy of what was read: the buffer sized for the limit is left to the collector.
    return Buffer.from(buffer.subarray(0, length));
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(`${o.field}: cannot read ${path} (${errnoOf(error)})`);
  } finally {
    closeSync(fd);
  }
}

/** The folder relative paths in a spec resolve against: the spec file's own. */
export const specFolder = (specPath: string): string => dirname(resolve(specPath));
