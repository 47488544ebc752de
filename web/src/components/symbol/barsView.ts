/**
 * The Symbol view's data shaping: the indicators it asks the API for, the date ranges it offers,
 * and the API's bars, indicator columns and events turned into chart bars, overlays and markers.
 */
import type { BarsResponse, MarketBar } from '@/api/market'
import type { Bar, ChartMarker, LineOverlay, LinePoint } from '@/components/chart/mapping'
import { yearsBefore } from '@/lib/format'

export interface IndicatorChoice {
  id: string
  label: string
  /** The `indicator` query parameter. */
  query: string
  /** The bar columns it fills (Bollinger has three bands). */
  columns: string[]
  /** Drawn in its own pane below the candles instead of over them. */
  pane?: boolean
}

export const INDICATORS: IndicatorChoice[] = [
  { id: 'sma20', label: 'SMA 20', query: 'sma:20', columns: ['sma_20'] },
  { id: 'sma50', label: 'SMA 50', query: 'sma:50', columns: ['sma_50'] },
  { id: 'ema20', label: 'EMA 20', query: 'ema:20', columns: ['ema_20'] },
  { id: 'bb20', label: 'Bollinger 20', query: 'bollinger:20', columns: ['bollinger_20_upper', 'bollinger_20_middle', 'bollinger_20_lower'] },
  { id: 'rsi14', label: 'RSI 14', query: 'rsi:14', columns: ['rsi_14'], pane: true },
]

export interface RangeChoice {
  label: string
  years: number | null
}

export const RANGES: RangeChoice[] = [
  { label: '1Y', years: 1 },
  { label: '3Y', years: 3 },
  { label: '5Y', years: 5 },
  { label: 'All', years: null },
]

/** A daily bar's day, else its instant: daily bars chart as business days. */
export function barTime(bar: MarketBar, interval: string): string {
  return interval === '1d' ? bar.ts.slice(0, 10) : bar.ts
}

/** The bars of the last `years` before the newest bar (all of them for null). */
export function inRange(bars: MarketBar[], years: number | null): MarketBar[] {
  const last = bars[bars.length - 1]
  if (years === null || !last) return bars
  const from = yearsBefore(last.ts.slice(0, 10), years)
  return bars.filter((bar) => bar.ts.slice(0, 10) > from)
}

export function toBars(bars: MarketBar[], interval: string): Bar[] {
  return bars.map((bar) => ({ time: barTime(bar, interval), open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }))
}

export function columnPoints(bars: MarketBar[], column: string, interval: string): LinePoint[] {
  return bars.flatMap((bar) => {
    const value = bar.indicators[column]
    return value === null || value === undefined ? [] : [{ time: barTime(bar, interval), value }]
  })
}

const BAND_COLOURS: Record<string, string> = { bollinger_20_upper: '#8b5cf6', bollinger_20_middle: '#a78bfa', bollinger_20_lower: '#8b5cf6' }
const LINE_COLOURS: Record<string, string> = { sma_20: '#2563eb', sma_50: '#d97706', ema_20: '#0891b2' }

/** Overlays of the chosen indicators that draw over the candles. */
export function overlaysFor(bars: MarketBar[], chosen: Set<string>, interval: string): LineOverlay[] {
  return INDICATORS.filter((choice) => chosen.has(choice.id) && !choice.pane).flatMap((choice) =>
    choice.columns.map((column) => ({
      id: column,
      label: choice.columns.length > 1 ? '' : choice.label,
      ...(BAND_COLOURS[column] ?? LINE_COLOURS[column] ? { color: BAND_COLOURS[column] ?? LINE_COLOURS[column] } : {}),
      points: columnPoints(bars, column, interval),
    })),
  )
}

/** The first bar day on or after `day`, so an event on a holiday still sits on a candle. */
function snap(days: string[], day: string): string | null {
  let low = 0
  let high = days.length
  while (low < high) {
    const mid = (low + high) >> 1
    if ((days[mid] ?? '') < day) low = mid + 1
    else high = mid
  }
  return days[low] ?? null
}

/** Split, dividend, earnings and geopolitical-spike markers that fall within the bars shown. */
export function eventMarkers(
  response: Pick<BarsResponse, 'corporate_actions' | 'earnings'> & Partial<Pick<BarsResponse, 'geopolitical'>>,
  bars: MarketBar[],
): ChartMarker[] {
  const days = bars.map((bar) => bar.ts.slice(0, 10))
  const first = days[0]
  if (first === undefined) return []
  const markers: ChartMarker[] = []
  const place = (day: string, marker: Omit<ChartMarker, 'time'>) => {
    const time = day >= first ? snap(days, day) : null
    if (time) markers.push({ time, ...marker })
  }
  for (const action of response.corporate_actions) {
    if (action.action === 'split')
      place(action.ex_date, { position: 'aboveBar', shape: 'square', color: '#7c3aed', text: `Split ${action.split_to ?? ''}:${action.split_from ?? ''}` })
    else place(action.ex_date, { position: 'belowBar', shape: 'circle', color: '#0891b2', text: 'D' })
  }
  for (const report of response.earnings) place(report.report_date, { position: 'aboveBar', shape: 'arrowDown', color: '#d97706', text: 'E' })
  for (const spike of response.geopolitical ?? []) place(spike.date, { position: 'belowBar', shape: 'arrowUp', color: '#dc2626', text: 'G' })
  return markers
}

export type Sentiment = 'bullish' | 'bearish' | 'neutral'

/** Scores above this are bullish, below its negative bearish. */
export const SENTIMENT_THRESHOLD = 0.15

export function sentimentOf(score: number): Sentiment {
  if (score > SENTIMENT_THRESHOLD) return 'bullish'
  return score < -SENTIMENT_THRESHOLD ? 'bearish' : 'neutral'
}
