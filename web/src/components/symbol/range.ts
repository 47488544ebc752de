/**
 * The Symbol view's state in the URL: the date range (a preset such as 1Y, or custom days),
 * the indicators, the compared symbols, the price scale and a run whose trades are marked.
 * `fromQuery` reads a route query (anything invalid falls back to the default), `toQuery`
 * writes one back, leaving out what is at its default so a plain link stays plain.
 */
import type { BarsRange, Period } from '@/api/market'

export const PRESETS: { period: Period; label: string }[] = [
  { period: '1M', label: '1M' },
  { period: '3M', label: '3M' },
  { period: '6M', label: '6M' },
  { period: 'YTD', label: 'YTD' },
  { period: '1Y', label: '1Y' },
  { period: '3Y', label: '3Y' },
  { period: '5Y', label: '5Y' },
  { period: 'ALL', label: 'All' },
]
export const DEFAULT_PERIOD: Period = '1Y'
export const DEFAULT_INDICATORS = ['sma20', 'sma50']
export type Scale = 'linear' | 'log' | 'percent'
export const SCALES: Scale[] = ['linear', 'log', 'percent']
const MAX_COMPARED = 3
const DAY = /^\d{4}-\d{2}-\d{2}$/
const SYMBOL = /^[A-Z0-9.^=_-]{1,32}$/

export interface ChartState {
  range: BarsRange
  indicators: string[]
  compare: string[]
  scale: Scale
  run: string | null
}

type QueryValue = string | null | (string | null)[] | undefined
export type RouteQuery = Record<string, QueryValue>

function one(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' && first !== '' ? first : null
}

function list(value: QueryValue): string[] {
  return (one(value) ?? '').split(',').map((item) => item.trim()).filter(Boolean)
}

function isDay(text: string | null): text is string {
  return text !== null && DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
}

function rangeOf(query: RouteQuery): BarsRange {
  const from = one(query.from)
  const to = one(query.to)
  if (isDay(from) && isDay(to) && from <= to) return { start: from, end: to }
  const preset = PRESETS.find((choice) => choice.period === one(query.range)?.toUpperCase())
  return { period: preset?.period ?? DEFAULT_PERIOD }
}

export function fromQuery(query: RouteQuery, known: string[]): ChartState {
  const indicators = query.ind === undefined ? DEFAULT_INDICATORS : list(query.ind).filter((id) => known.includes(id))
  const scale = one(query.scale)
  return {
    range: rangeOf(query),
    indicators,
    compare: [...new Set(list(query.compare).map((s) => s.toUpperCase()).filter((s) => SYMBOL.test(s)))].slice(0, MAX_COMPARED),
    scale: SCALES.includes(scale as Scale) ? (scale as Scale) : 'linear',
    run: one(query.run),
  }
}

export function toQuery(state: ChartState): Record<string, string> {
  const query: Record<string, string> = {}
  if ('period' in state.range) {
    if (state.range.period !== DEFAULT_PERIOD) query.range = state.range.period
  } else {
    query.from = state.range.start
    query.to = state.range.end
  }
  const defaults = state.indicators.length === DEFAULT_INDICATORS.length && state.indicators.every((id, i) => id === DEFAULT_INDICATORS[i])
  if (!defaults) query.ind = state.indicators.join(',')
  if (state.compare.length) query.compare = state.compare.join(',')
  if (state.scale !== 'linear') query.scale = state.scale
  if (state.run) query.run = state.run
  return query
}

/** The first day of `period` ending on `last` (null for All), as the API resolves it. */
export function periodStart(period: Period, last: string): string | null {
  if (period === 'ALL') return null
  if (period === 'YTD') return `${last.slice(0, 4)}-01-01`
  const months = { '1M': 1, '3M': 3, '6M': 6, '1Y': 12, '3Y': 36, '5Y': 60, '10Y': 120 }[period]
  const [year, month, day] = last.split('-').map(Number) as [number, number, number]
  const total = year * 12 + (month - 1) - months
  const targetYear = Math.floor(total / 12)
  const targetMonth = total % 12
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate()
  const earlier = Date.UTC(targetYear, targetMonth, Math.min(day, lastDay))
  return new Date(earlier + 86_400_000).toISOString().slice(0, 10)
}
