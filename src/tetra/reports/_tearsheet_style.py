"""The tearsheet's stylesheet: responsive, dark mode via prefers-color-scheme, print-safe."""

from __future__ import annotations

STYLESHEET = """
:root {
  --bg: #ffffff; --fg: #1f2937; --muted: #6b7280; --border: #e5e7eb; --grid: #eef0f3;
  --line-0: #2563eb; --line-1: #9ca3af; --drawdown: #dc2626; --area: rgba(220, 38, 38, 0.22);
  --banner-bg: #fef3c7; --banner-fg: #92400e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f172a; --fg: #e5e7eb; --muted: #94a3b8; --border: #334155; --grid: #1e293b;
    --line-0: #60a5fa; --line-1: #94a3b8; --drawdown: #f87171; --area: rgba(248, 113, 113, 0.25);
    --banner-bg: #422006; --banner-fg: #fde68a;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
main { max-width: 960px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 0.5rem; }
h3 { font-size: 0.95rem; margin: 0 0 0.25rem; color: var(--muted); }
.period, .note, footer { color: var(--muted); font-size: 0.9rem; }
.banner {
  display: inline-block; margin: 0.25rem 0; padding: 0.2rem 0.6rem; border-radius: 0.25rem;
  background: var(--banner-bg); color: var(--banner-fg); font-weight: 600;
}
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
svg { display: block; width: 100%; height: auto; }
svg.heatmap { min-width: 34rem; }
svg .line { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg .series-0 { stroke: var(--line-0); }
svg .series-1 { stroke: var(--line-1); stroke-dasharray: 5 3; }
.drawdown svg .series-0 { stroke: var(--drawdown); }
svg .area { fill: var(--area); stroke: none; }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .label { fill: var(--muted); font-size: 12px; }
svg .cell-label { fill: var(--fg); font-size: 11px; }
svg .cell-empty { fill: none; stroke: var(--grid); }
.metric-tables {
  display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
}
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--border); text-align: left; }
.trades th, .trades td { white-space: nowrap; font-size: 0.85rem; }
td.num { text-align: right; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 0.75rem; }
}
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #374151; --border: #d1d5db; --grid: #e5e7eb;
    --line-0: #1d4ed8; --line-1: #6b7280; --drawdown: #b91c1c; --area: rgba(185, 28, 28, 0.2);
    --banner-bg: #ffffff; --banner-fg: #000000;
  }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  section { break-inside: avoid; }
  section.trades-section { break-inside: auto; }
  .scroll { overflow: visible; }
  svg.heatmap { min-width: 0; }
  .banner { border: 1px solid #000000; }
}
"""
