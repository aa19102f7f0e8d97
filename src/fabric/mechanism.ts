import type { z } from 'zod';

/**
 * One mechanism module (a routing policy, a flow control, a congestion control, a loss
 * recovery): its name as specs write it, the fabric-config fields it owns (each with its
 * zod override schema, every field optional since a spec overrides a preset, and its
 * default), and its factory. Kinds add what they need from the fabric (see each kind's
 * index.ts). Adding a mechanism: one file that exports such an object, one line in its
 * kind's list.
 */
export interface Mechanism<Name extends string, Params extends object, Ctx, Instance> {
  readonly name: Name;
  /** Zod schema of each config field this mechanism owns, as a spec may override it (built from the schema's checked values). */
  overrides(checked: ParamPrimitives): { readonly [K in keyof Params]: z.ZodOptional<z.ZodType<Override<Params[K]>>> };
  /** Default of each config field this mechanism owns (the presets' value). */
  readonly defaults: Params;
  create(ctx: Ctx): Instance;
}

/**
 * The checked values a mechanism's override schema is made of, lent by the spec schema
 * (experiment/schema-primitives.ts: its ranges, units and one-line errors), so fabric/
 * depends on nothing above it.
 */
export interface ParamPrimitives {
  readonly positive: z.ZodType<number>;
  /** A byte count: a whole number or a string such as "64MiB". */
  readonly size: z.ZodType<number>;
  readonly positiveSize: z.ZodType<number>;
  /** Timers: 1 ns to 1 s, in µs. */
  readonly timerUs: z.ZodType<number>;
  /** Intervals that may be 0: 0 to 1 s, in µs. */
  readonly intervalUs: z.ZodType<number>;
}

/** What a spec may write for a config field: any subset of a parameter group's fields, or the value. */
export type Override<T> = T extends object ? Partial<T> : T;

/** The names a kind's list declares, as a union type. */
export type NameOf<L extends readonly { name: string }[]> = L[number]['name'];

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The config fields every mechanism of a kind's list owns, as one object type. */
export type ParamsOf<L extends readonly { defaults: object }[]> = UnionToIntersection<L[number]['defaults']>;

/** The names of a list, in its order, for a zod enum (its order is the order errors list them). */
export const namesOf = <L extends readonly { name: string }[]>(list: L): [NameOf<L>, ...NameOf<L>[]] =>
  list.map((m) => m.name) as [NameOf<L>, ...NameOf<L>[]];

/** The mechanism a config names (the schema admits only listed names). */
export function lookup<M extends { name: string }>(list: readonly M[], name: string, kind: string): M {
  const m = list.find((x) => x.name === name);
  if (m === undefined) throw new Error(`unknown ${kind} '${name}' (known: ${list.map((x) => x.name).join(', ')})`);
  return m;
}

/** Every list's overrides merged, in list order (a zod shape), and every list's defaults. */
type OverridesOf<M> = M extends { overrides(p: ParamPrimitives): infer O } ? O : never;
export function overridesOf<L extends readonly { overrides(p: ParamPrimitives): object }[]>(list: L, p: ParamPrimitives): UnionToIntersection<OverridesOf<L[number]>> {
  return Object.assign({}, ...list.map((m) => m.overrides(p))) as UnionToIntersection<OverridesOf<L[number]>>;
}
export function defaultsOf<L extends readonly { defaults: object }[]>(list: L): ParamsOf<L> {
  return Object.assign({}, ...list.map((m) => m.defaults)) as ParamsOf<L>;
}
