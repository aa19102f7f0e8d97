import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { GraphError } from '../fabric/index.js';

/** A parsed value with the line it starts on: a scalar, a list or a map. */
export interface RawValue {
  readonly value: string | number | boolean | null | RawValue[] | RawMap;
  readonly line: number;
}
export interface RawMap {
  readonly entries: { readonly key: string; readonly line: number; readonly value: RawValue }[];
  readonly line: number;
}

/** Any YAML or JSON document, through the YAML reader's syntax tree (for the lines). */
export function rawGraphFromYaml(text: string): RawMap {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : 0;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new GraphError(e.linePos?.[0].line ?? 0, `not valid YAML or JSON: ${e.message.split('\n')[0]}`);
  }
  const convert = (node: unknown): RawValue => {
    const line = lineOf(node);
    if (isMap(node))
      return {
        line,
        value: {
          line,
          entries: node.items.map((pair) => ({ key: isScalar(pair.key) ? String(pair.key.value) : '?', line: lineOf(pair.key), value: convert(pair.value) })),
        },
      };
    if (isSeq(node)) return { line, value: node.items.map(convert) };
    const v = isScalar(node) ? node.value : null;
    return { line, value: typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null };
  };
  const root = convert(doc.contents);
  if (root.value === null || typeof root.value !== 'object' || Array.isArray(root.value)) throw new GraphError(root.line, 'expected an object with hosts, switches and links');
  return root.value;
}

/** A plain name, a decimal number or a "quoted string" without escapes; YAML's own words and anything else: undefined. */
function scalar(token: string): string | number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  if (/^[A-Za-z_][\w./-]*$/.test(token)) return /^(true|false|null|True|False|TRUE|FALSE|Null|NULL)$/.test(token) ? undefined : token;
  const quoted = /^"([^"\\]*)"$/.exec(token);
  return quoted ? quoted[1] : undefined;
}

const TOP = /^([A-Za-z_]\w*):[ \t]*(.*?)[ \t]*$/;
const LIST = /^\[(.*)\]$/;
const LINK = /^ +-[ \t]*\{(.*)\}[ \t]*$/;
const PAIR = /^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]*(.*?)[ \t]*$/;

/**
 * The layout export-topology writes, read line by line: comments, `key: scalar`, `key: [a, b]`
 * on one line, and `links:` followed by one `- { key: value, … }` per line. The same values
 * the YAML reader gives; undefined for anything else (the caller then uses the YAML reader).
 */
export function rawGraphFromLines(text: string): RawMap | undefined {
  const entries: RawMap['entries'] = [];
  let links: RawValue[] | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (/^[ \t]*(#.*)?\r?$/.test(raw)) continue;
    const text = raw.replace(/\r$/, '');
    const link = LINK.exec(text);
    if (link) {
      if (links === null) return undefined;
      const pairs: RawMap['entries'] = [];
      for (const part of link[1]!.split(',')) {
        if (part.trim() === '' && pairs.length === 0 && link[1]!.trim() === '') break;
        const m = PAIR.exec(part);
        const v = m ? scalar(m[2]!) : undefined;
        if (!m || v === undefined || pairs.some((p) => p.key === m[1])) return undefined;
        pairs.push({ key: m[1]!, line, value: { value: v, line } });
      }
      links.push({ value: { entries: pairs, line }, line });
      continue;
    }
    const top = TOP.exec(text);
    if (!top || entries.some((e) => e.key === top[1])) return undefined;
    const [, key, rest] = top as unknown as [string, string, string];
    links = null;
    let value: RawValue;
    if (rest === '') {
      if (key !== 'links') return undefined;
      links = [];
      value = { value: links, line };
    } else {
      const list = LIST.exec(rest);
      if (list) {
        const items = list[1]!.trim() === '' ? [] : list[1]!.split(',').map((t) => scalar(t.trim()));
        if (items.some((t) => t === undefined)) return undefined;
        value = { value: items.map((v) => ({ value: v!, line })), line };
      } else {
        const v = scalar(rest);
        if (v === undefined) return undefined;
        value = { value: v, line };
      }
    }
    entries.push({ key, line, value });
  }
  if (entries.length === 0) return undefined;
  // Lines as the YAML reader gives them: a map starts at its first key, a list at its first item.
  for (const e of entries) if (Array.isArray(e.value.value) && e.value.value.length > 0) (e.value as { line: number }).line = e.value.value[0]!.line;
  return { entries, line: entries[0]!.line };
}
