const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');

/**
 * JSON as `JSON.stringify(value, null, 2)` prints it, except that arrays of numbers (time
 * series, CDF points, utilization rows) stay on one line instead of one number per line.
 */
export function formatJson(value: unknown): string {
  const print = (v: unknown, indent: string): string | undefined => {
    if (isNumberArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
    if (v === null || typeof v !== 'object' || (v as { toJSON?: unknown }).toJSON !== undefined) return JSON.stringify(v);
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => inner + (print(x, inner) ?? 'null')).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v)
      .map(([k, x]) => [k, print(x, inner)] as const)
      .filter((e): e is readonly [string, string] => e[1] !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${x}`).join(',\n')}\n${indent}}`;
  };
  return print(value, '') ?? 'null';
}
