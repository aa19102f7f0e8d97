/** The report's stylesheet, inlined: the page needs no network and no script. */
export const STYLE = `
:root { color-scheme: light; --ink: #222; --muted: #666; --rule: #ddd; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1560px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 22px 0 6px; }
p.meta, p.note { color: var(--muted); margin: 4px 0; }
.chart-note { color: var(--muted); font-size: 12px; padding: 24px 8px; max-width: 280px; }
.partial { background: #fff3cd; border: 1px solid #e0c36a; padding: 8px 12px; margin: 12px 0; border-radius: 4px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0 10px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; color: #444; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.row { display: flex; flex-wrap: wrap; gap: 18px 28px; align-items: flex-start; }
.grid { display: grid; gap: 10px 18px; align-items: start; }
.column-head { font-weight: 600; padding-left: 4px; }
figure { margin: 0; }
pre { background: #f6f8fa; border: 1px solid var(--rule); padding: 10px 12px; overflow: auto; font-size: 12.5px; }
code { font-size: 12.5px; }
svg.chart { display: block; overflow: visible; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.chart text { fill: #333; }
svg.chart .title { font-size: 12.5px; font-weight: 600; }
svg.chart .subtitle, svg.chart .axis-label { fill: var(--muted); }
svg.chart .grid { stroke: #eee; }
svg.chart .domain { stroke: #999; }
svg.chart .lines path { stroke-width: 1.6; stroke-linejoin: round; }
svg.chart .marker { stroke: #fff; stroke-width: 1; }
svg.chart .bar-value { fill: #222; }
svg.chart .x-mark-label { fill: #c00; font-size: 9.5px; }
`;
