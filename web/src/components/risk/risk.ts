/**
 * The Risk page's pure helpers: reading the holdings editor, the heatmap's colours, gauge
 * and bar geometry, and the book's effective state. Kept apart from the components so the
 * unit tests can pin them.
 */
import type { Exposure, LimitUsage, MarketModel, ScenarioLoss } from '@/api/risk'

export interface HoldingRow {
  symbol: string
  /** Percent of equity, e.g. 25 for 25 %; negative for a short. */
  percent: number | null
}

export interface ParsedHoldings {
  holdings: Record<string, number>
  errors: string[]
}

const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,19}$/

/** Turn the editor's rows into weights (fractions); blank rows are skipped, problems listed. */
export function parseHoldings(rows: HoldingRow[]): ParsedHoldings {
  const holdings: Record<string, number> = {}
  const errors: string[] = []
  for (const row of rows) {
    const symbol = row.symbol.trim().toUpperCase()
    if (!symbol && (row.percent === null || Number.isNaN(row.percent))) continue
    if (!SYMBOL.test(symbol)) errors.push(`"${row.symbol}" is not a symbol`)
    else if (row.percent === null || !Number.isFinite(row.percent)) errors.push(`${symbol}: give a weight in %`)
    else if (Math.abs(row.percent) > 1000) errors.push(`${symbol}: ${row.percent}% is beyond ±1000%`)
    else if (symbol in holdings) errors.push(`${symbol} is listed twice`)
    else holdings[symbol] = row.percent / 100
  }
  if (!errors.length && !Object.keys(holdings).length) errors.push('List at least one holding')
  return { holdings, errors }
}

export type CellStyle = { background: string; color?: string }

/** Diverging colours for a correlation: red for moving together, blue for moving apart. */
export function correlationColour(value: number | null | undefined): CellStyle {
  if (value === null || value === undefined || !Number.isFinite(value)) return { background: 'rgba(148, 163, 184, 0.15)' }
  const strength = Math.min(Math.abs(value), 1)
  const alpha = Number((0.08 + 0.82 * strength).toFixed(3))
  const rgb = value >= 0 ? '220, 38, 38' : '37, 99, 235'
  return { background: `rgba(${rgb}, ${alpha})`, ...(alpha >= 0.55 ? { color: '#ffffff' } : {}) }
}

/** The filled share of a gauge (0..1): usage capped at 100 %; null usage (zero cap) is full. */
export function gaugeFill(row: LimitUsage): number {
  if (row.usage === null) return row.breached ? 1 : 0
  return Math.max(0, Math.min(row.usage, 1))
}

export type Severity = 'ok' | 'warn' | 'breach'

export function severity(row: LimitUsage): Severity {
  if (row.breached) return 'breach'
  return row.usage !== null && row.usage >= 0.8 ? 'warn' : 'ok'
}

/** "position_weight" -> "Position weight"; "gross_leverage" -> "Gross leverage". */
export function limitLabel(kind: string): string {
  const text = kind.replace(/_exposure$/, '').replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface ExposureBar {
  name: string
  long: number
  short: number
  net: number
  /** Widths in percent of the bar's track, long to the right and short to the left. */
  longWidth: number
  shortWidth: number
}

/** The bars of one exposure kind, scaled to the largest side so they compare. */
export function exposureBars(exposures: Exposure[], kind: Exposure['kind'], limit = 12): ExposureBar[] {
  const rows = exposures.filter((e) => e.kind === kind).slice(0, limit)
  const scale = Math.max(...rows.map((e) => Math.max(e.long, e.short)), 1e-12)
  return rows.map((e) => ({
    name: e.name,
    long: e.long,
    short: e.short,
    net: e.net,
    longWidth: (e.long / scale) * 50,
    shortWidth: (e.short / scale) * 50,
  }))
}

export type StateName = 'active' | 'reducing' | 'halted'
const ORDER: StateName[] = ['active', 'reducing', 'halted']

/** The stricter of two states (a kill switch and the limits each have one). */
export function stricter(a: StateName, b: StateName): StateName {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b
}

export const POLICY_NOT_JSON = 'The policy must be a JSON object, e.g. {"max_drawdown": 0.15}'

/** Read a policy typed as JSON: the object, or the message to show when it is not one. */
export function parsePolicy(text: string): Record<string, unknown> | string {
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {
    // not JSON at all: the same message
  }
  return POLICY_NOT_JSON
}

/** A scenario row's colour: a loss, a gain, or nothing to show (unavailable). */
export function scenarioTone(row: ScenarioLoss): 'loss' | 'gain' | 'none' {
  if (row.pnl === null || !Number.isFinite(row.pnl)) return 'none'
  return row.pnl < 0 ? 'loss' : 'gain'
}

export const MARKET_MODELS = ['bootstrap', 'gbm', 'merton', 'garch', 'regime'] as const satisfies readonly MarketModel[]

/** Check the Monte Carlo inputs the API accepts: 100 to 10,000 paths, a seed of 0 or more. */
export function monteCarloErrors(paths: number | null, seed: number | null): string[] {
  const errors: string[] = []
  if (paths === null || !Number.isInteger(paths) || paths < 100 || paths > 10_000) errors.push('Monte Carlo paths: a whole number from 100 to 10,000')
  if (seed === null || !Number.isInteger(seed) || seed < 0) errors.push('Monte Carlo seed: a whole number, 0 or more')
  return errors
}
