/** Text escaped for XML/HTML content and attribute values. */
export const esc = (text: string | number): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type Attrs = Record<string, string | number | undefined>;

/** ` name="value"` pairs; undefined values are left out. */
export const attrs = (a: Attrs): string =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join('');

/** A pixel coordinate, short: a tenth of a pixel is below what a screen shows. */
export const px = (x: number): string => String(Math.round(x * 10) / 10);

/** An element; `content` undefined gives a self-closing tag. */
export const el = (name: string, a: Attrs, content?: string): string =>
  content === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${content}</${name}>`;

/** A standalone inline SVG of fixed size (so it has a size before any CSS applies). */
export const svg = (width: number, height: number, a: Attrs, content: string): string =>
  el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', ...a }, content);

/** A polyline path through points, skipping none: callers filter what a scale cannot show. */
export const pathD = (points: [number, number][]): string =>
  points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x)},${px(y)}`).join('');

/** Rough width of a label at the report's 11 px font, to lay out legends without a DOM. */
export const textWidth = (text: string): number => text.length * 6.2;

/** Plot area inside a chart's margins. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const frame = (width: number, height: number, margin: { top: number; right: number; bottom: number; left: number }): Frame => ({
  width,
  height,
  left: margin.left,
  top: margin.top,
  right: width - margin.right,
  bottom: height - margin.bottom,
});

/** The chart title, top left. */
export const title = (text: string): string => el('text', { class: 'title', x: 4, y: 14 }, esc(text));
