import { z } from 'zod';
import { parseSize } from './sizes.js';

export const positiveInt = z.number().int().positive();
export const positive = z.number().positive();
export const nonNegative = z.number().nonnegative();

/** A byte count: a whole number, or a string such as "64MiB", "1GB", "4096". */
export const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) {
    ctx.addIssue({ code: 'custom', message: `expected a size in bytes such as 4096, "64MiB" or "1GB", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
});
export const positiveSize = size.refine((b) => b > 0, 'must be greater than 0 bytes');

