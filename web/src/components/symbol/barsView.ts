/**
 * The Symbol view's data shaping: the indicators it offers (the API's library), and the API's
 * bar columns, indicator columns, events, compared symbols and a run's trades turned into
 * chart bars, overlays, panes and markers. Pure functions, tested without a canvas.
 */
import type { BarColumns, BarsResponse } from '@/api/market'
import type { TradeOut } from '@/api/backtests'
import type { Bar, ChartMarker, LineOverlay, LinePoint } from '@/components/chart/mapping'

export interface IndicatorChoice {
  id: string
  label: string
  /** The `indicator` query parameter. */
  query: string
  /** The columns it fills, with their colours (Bollinger has three bands, MACD three lines). */
  columns: { name: string; color: string; kind?: 'line' | 'histogram'; label?: string }[]
  /** Drawn in its own pane below the price instead of over it. */
  pane?: boolean
  /** Dashed levels of its pane (RSI's 30 and 70). */
  guides?: number[]
}

const BAND = '#8b5cf6'
export const INDICATORS: IndicatorChoice[] = [
  { id: 'sma20', label: 'SMA 20', query: 'sma:20', columns: [{ name: 'sma_20', color: '#2563eb' }] },
  { id: 'sma50', label: 'SMA 50', query: 'sma:50', columns: [{ name: 'sma_50', color: '#d97706' }] },
  { id: 'sma200', label: 'SMA 200', query: 'sma:200', columns: [{ name: 'sma_200', color: '#be123c' }] },
  { id: 'ema20', label: 'EMA 20', query: 'ema:20', columns: [{ name: 'ema_20', color: '#0891b2' }] },
  { id: 'wma20', label: 'WMA 20', query: 'wma:20', columns: [{ name: 'wma_20', color: '#4d7c0f' }] },
  {
    id: 'bb20',
    label: 'Bollinger 20',
    query: 'bollinger:20',
    columns: [
      { name: 'bollinger_20_upper', color: BAND, label: 'BB upper' },
      { name: 'bollinger_20_middle', color: '#a78bfa', label: 'BB middle' },
      { name: 'bollinger_20_lower', color: BAND, label: 'BB lower' },
    ],
  },
  { id: 'vwap20', label: 'VWAP 20', query: 'vwap:20', columns: [{ name: 'vwap_20', color: '#db2777' }] },
  { id: 'rsi14', label: 'RSI 14', query: 'rsi:14', columns: [{ name: 'rsi_14', color: '#7c3aed' }], pane: true, guides: [30, 70] },
  {
    id: 'macd',
    label: 'MACD',
    query: 'macd:12,26,9',
    pane: true,
    columns: [
      { name: 'macd_12_26_9_histogram', color: '#94a3b8', kind: 'histogram', label: 'MACD hist' },
      { name: 'macd_12_26_9', color: '#2563eb', label: 'MACD' },
      { name: 'macd_12_26_9_signal', color: '#d97706', label: 'signal' },
    ],
  },
  { id: 'atr14', label: 'ATR 14', query: 'atr:14', columns: [{ name: 'atr_14', color: '#0f766e' }], pane: true },
  {
    id: 'adx14',
    label: 'ADX 14',
    query: 'adx:14',
    pane: true,
    guides: [25],
    columns: [
      { name: 'adx_14', color: '#334155', label: 'ADX 14' },
      { name: 'adx_14_plus_di', color: '#059669', label: '+DI' },
      { name: 'adx_14_minus_di', color: '#dc2626', label: '−DI' },
    ],
  },
  {
    id: 'stoch',
    label: 'Stochastic',
    query: 'stochastic:5,3,3',
    pane: true,
    guides: [20, 80],
    columns: [
      { name: 'stochastic_5_3_3_k', color: '#2563eb', label: '%K' },
      { name: 'stochastic_5_3_3_d', color: '#d97706', label: '%D' },
    ],
  },
  { id: 'roc10', label: 'ROC 10', query: 'roc:10', columns: [{ name: 'roc_10', color: '#9333ea' }], pane: true, guides: [0] },
  { id: 'obv', label: 'OBV', query: 'obv', columns: [{ name: 'obv', color: '#0369a1' }], pane: true },
]
export const INDICATOR_IDS = INDICATORS.map((choice) => choice.id)

export function chosenIndicators(ids: string[]): IndicatorChoice[] {
  return INDICATORS.filter((choice) => ids.includes(choice.id))
}

const DAY_SECONDS = 86_400

/** A bar time for the chart: a day for daily bars (date-only labels), else UTC seconds. */
export function chartTime(epochSeconds: number, interval: string): string | number {
  return interval === '1d' ? new Date(epochSeconds * 1000).toISOString().slice(0, 10) : epochSeconds
}

/** The bars' days (ISO), for placing events and trades on a bar. */
export function barDays(columns: Pick<BarColumns, 't'>): string[] {
  return columns.t.map((t) => new Date(t * 1000).toISOString().slice(0, 10))
}

export function toBars(columns: BarColumns): Bar[] {
  return columns.t.map((t, i) => ({
    time: chartTime(t, columns.interval),
    open: columns.open[i] ?? NaN,
    high: columns.high[i] ?? NaN,
    low: columns.low[i] ?? NaN,
    close: columns.close[i] ?? NaN,
    volume: columns.volume[i] ?? 0,
  }))
}

export function columnPoints(columns: BarColumns, name: string): LinePoint[] {
  const values = columns.values[name] ?? []
  return columns.t.flatMap((t, i) => {
    const value = values[i]
    return value === null || value === undefined ? [] : [{ time: chartTime(t, columns.interval), value }]
  })
}

/** Overlays of the chosen indicators that draw over the price. */
export function overlaysFor(columns: BarColumns, chosen: IndicatorChoice[]): LineOverlay[] {
  return chosen
    .filter((choice) => !choice.pane)
    .flatMap((choice) =>
      choice.columns.map((column) => ({
        id: column.name,
        label: column.label ?? choice.label,
        color: column.color,
        points: columnPoints(columns, column.name),
      })),
    )
}

export interface IndicatorPane {
  id: string
  label: string
  guides: number[]
  series: (LineOverlay & { kind: 'line' | 'histogram' })[]
}

/** One pane per chosen pane indicator, each with its lines (and MACD's histogram). */
export function panesFor(columns: BarColumns, chosen: IndicatorChoice[]): IndicatorPane[] {
  return chosen
    .filter((choice) => choice.pane)
    .map((choice) => ({
      id: choice.id,
      label: choice.label,
      guides: choice.guides ?? [],
      series: choice.columns.map((column) => ({
        id: column.name,
        label: column.label ?? choice.label,
        color: column.color,
        kind: column.kind ?? 'line',
        points: columnPoints(columns, column.name),
      })),
    }))
}

/**
 * Another symbol's closes rebased onto the main symbol's price: both equal on the first day
 * they share (on or after `anchor`, epoch seconds, when given: earlier bars loaded later do not
 * move the lines), so the lines part by their relative performance from there. Days the other
 * symbol lacks are skipped; its days outside the main bars are dropped.
 */
export function rebased(main: BarColumns, other: BarColumns, anchor = -Infinity): LinePoint[] {
  const mainClose = new Map(main.t.map((t, i) => [Math.floor(t / DAY_SECONDS), main.close[i] ?? NaN]))
  const isShared = (t: number) => mainClose.has(Math.floor(t / DAY_SECONDS))
  const shared = other.t.findIndex((t) => t >= anchor && isShared(t))
  if (shared < 0) return []
  const base = (mainClose.get(Math.floor((other.t[shared] ?? 0) / DAY_SECONDS)) ?? NaN) / (other.close[shared] ?? NaN)
  return other.t.flatMap((t, i) => (isShared(t) ? [{ time: chartTime(t, main.interval), value: (other.close[i] ?? NaN) * base }] : []))
}

/** The first bar day on or after `day`, so an event on a holiday still sits on a bar. */
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

/** Split, dividend, earnings and geopolitical-spike markers on the bar days given. */
export function eventMarkers(
  response: Pick<BarsResponse, 'corporate_actions' | 'earnings'> & Partial<Pick<BarsResponse, 'geopolitical'>>,
  days: string[],
): ChartMarker[] {
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

/**
 * A run's entries and exits of `symbol` on the bar days given: an entry is an arrow on the side
 * it trades (buy below the bar, sell above), an exit the opposite arrow, both with the price.
 */
const price = (value: number | null) => (value === null ? '' : value.toFixed(2))

export function tradeMarkers(trades: TradeOut[], symbol: string, days: string[]): ChartMarker[] {
  const first = days[0]
  const last = days[days.length - 1]
  if (first === undefined || last === undefined) return []
  const markers: ChartMarker[] = []
  const place = (ts: string | null, buy: boolean, label: string) => {
    const day = ts?.slice(0, 10)
    const time = day && day >= first && day <= last ? snap(days, day) : null
    if (time)
      markers.push(
        buy
          ? { time, position: 'belowBar', shape: 'arrowUp', color: '#059669', text: label }
          : { time, position: 'aboveBar', shape: 'arrowDown', color: '#dc2626', text: label },
      )
  }
  for (const trade of trades.filter((t) => t.symbol.toUpperCase() === symbol.toUpperCase())) {
    const long = trade.side.toLowerCase() !== 'short' && trade.side.toLowerCase() !== 'sell'
    place(trade.entry_ts, long, `${long ? 'Buy' : 'Sell'} ${price(trade.entry_price)}`.trim())
    place(trade.exit_ts, !long, `${long ? 'Sell' : 'Cover'} ${price(trade.exit_price)}`.trim())
  }
  return markers
}

export type Sentiment = 'bullish' | 'bearish' | 'neutral'

/** Scores above this are bullish, below its negative bearish. */
export const SENTIMENT_THRESHOLD = 0.15

export function sentimentOf(score: number): Sentiment {
  if (score > SENTIMENT_THRESHOLD) return 'bullish'
  return score < -SENTIMENT_THRESHOLD ? 'bearish' : 'neutral'
}
