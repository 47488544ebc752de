import type { LinePoint } from '@/components/chart/mapping'

/** One metric of the signal, the model's value beside the baseline's. */
export interface MetricRow {
  label: string
  model: number | null
  baseline: number | null
  kind: 'ic' | 'ratio' | 'percent' | 'count'
  /** True when the model beats the baseline (higher is better for every row shown). */
  better: boolean | null
}

const SIGNAL_ROWS: [string, string, MetricRow['kind']][] = [
  ['IC (mean per day)', 'ic', 'ic'],
  ['ICIR', 'icir', 'ratio'],
  ['Rank IC', 'rank_ic', 'ic'],
  ['Rank ICIR', 'rank_icir', 'ratio'],
  ['Hit rate', 'hit_rate', 'percent'],
  ['Top − bottom quintile', 'top_minus_bottom', 'percent'],
  ['Days', 'days', 'count'],
]

const BACKTEST_ROWS: [string, string, MetricRow['kind']][] = [
  ['Total return', 'total_return', 'percent'],
  ['CAGR', 'annual_return', 'percent'],
  ['Sharpe', 'sharpe_ratio', 'ratio'],
  ['Max drawdown', 'max_drawdown', 'percent'],
]

type Numbers = Record<string, number | null | undefined>

function rows(spec: [string, string, MetricRow['kind']][], model: Numbers, baseline: Numbers): MetricRow[] {
  return spec.map(([label, key, kind]) => {
    const ours = model[key] ?? null
    const theirs = baseline[key] ?? null
    const better = kind === 'count' || ours === null || theirs === null ? null : ours > theirs
    return { label, model: ours, baseline: theirs, kind, better }
  })
}

/** The signal metrics of a run, model beside baseline. */
export function signalRows(model: Numbers, baseline: Numbers): MetricRow[] {
  return rows(SIGNAL_ROWS, model, baseline)
}

/** The backtest metrics of a run, model beside baseline. */
export function backtestRows(model: Numbers, baseline: Numbers): MetricRow[] {
  return rows(BACKTEST_ROWS, model, baseline)
}

/** Trailing mean over `window` days of a daily series, skipping missing days (IC over time). */
export function rollingMean(points: { date: string; value: number | null }[], window: number): LinePoint[] {
  const out: LinePoint[] = []
  const kept: number[] = []
  let sum = 0
  for (const point of points) {
    if (point.value === null || !Number.isFinite(point.value)) continue
    kept.push(point.value)
    sum += point.value
    if (kept.length > window) sum -= kept[kept.length - window - 1] ?? 0
    if (kept.length >= window) out.push({ time: point.date, value: sum / window })
  }
  return out
}

export interface ImportanceBar {
  feature: string
  importance: number
  /** Width in percent of the largest importance. */
  width: number
}

/** The `top` most important features as bars scaled to the largest. */
export function importanceBars(items: { feature: string; importance: number }[], top = 12): ImportanceBar[] {
  const chosen = [...items].sort((a, b) => b.importance - a.importance).slice(0, top)
  const largest = Math.max(...chosen.map((item) => item.importance), 0)
  return chosen.map((item) => ({ ...item, width: largest > 0 ? (item.importance / largest) * 100 : 0 }))
}
