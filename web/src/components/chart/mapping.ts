/**
 * Pure conversion from Tetra's bars, overlays and markers to lightweight-charts data: times become
 * chart times, rows are sorted and de-duplicated (the library throws on either), volumes take the
 * colour of their candle. Kept apart from PriceChart.vue so it is tested without a canvas.
 */
import type {
  CandlestickData,
  HistogramData,
  LineData,
  SeriesMarker,
  SeriesMarkerBarPosition,
  SeriesMarkerShape,
  Time,
  UTCTimestamp,
} from 'lightweight-charts'

/** Epoch seconds, epoch milliseconds, an ISO date ("2024-01-31") or an ISO date-time. */
export type BarTime = number | string

export interface Bar {
  time: BarTime
  open: number
  high: number
  low: number
  close: number
  volume?: number
}

export interface LinePoint {
  time: BarTime
  value: number
}

export interface LineOverlay {
  id: string
  label?: string
  color?: string
  points: LinePoint[]
}

export interface ChartMarker {
  time: BarTime
  position: SeriesMarkerBarPosition
  shape: SeriesMarkerShape
  color?: string
  text?: string
}

export interface ChartPalette {
  up: string
  down: string
  volumeUp: string
  volumeDown: string
  marker: string
  overlays: string[]
}

export const LIGHT_PALETTE: ChartPalette = {
  up: '#059669',
  down: '#dc2626',
  volumeUp: 'rgba(5, 150, 105, 0.35)',
  volumeDown: 'rgba(220, 38, 38, 0.35)',
  marker: '#2563eb',
  overlays: ['#2563eb', '#d97706', '#7c3aed', '#0891b2'],
}

export const DARK_PALETTE: ChartPalette = {
  up: '#34d399',
  down: '#f87171',
  volumeUp: 'rgba(52, 211, 153, 0.35)',
  volumeDown: 'rgba(248, 113, 113, 0.35)',
  marker: '#60a5fa',
  overlays: ['#60a5fa', '#fbbf24', '#a78bfa', '#22d3ee'],
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
/** Below this a number is epoch seconds, above it milliseconds (1e11 s is the year 5138). */
const MILLISECONDS_FROM = 1e11

/** Convert a bar time to a chart time: a date stays a business day, anything else is UTC seconds. */
export function toChartTime(time: BarTime): Time {
  if (typeof time === 'number') {
    if (!Number.isFinite(time)) throw new RangeError(`not a time: ${time}`)
    const seconds = time >= MILLISECONDS_FROM ? Math.floor(time / 1000) : time
    return seconds as UTCTimestamp
  }
  if (ISO_DATE.test(time)) return time
  const milliseconds = Date.parse(time)
  if (Number.isNaN(milliseconds)) throw new RangeError(`not a time: ${time}`)
  return Math.floor(milliseconds / 1000) as UTCTimestamp
}

/** A number that orders chart times of either kind. */
export function timeKey(time: Time): number {
  if (typeof time === 'number') return time
  if (typeof time === 'string') return Date.parse(`${time}T00:00:00Z`) / 1000
  return Date.UTC(time.year, time.month - 1, time.day) / 1000
}

/** Sort rows by time and keep the last row of each time, as a re-sent bar replaces the earlier one. */
function sortedUnique<T extends { time: Time }>(rows: T[]): T[] {
  const byTime = new Map<number, T>()
  for (const row of rows) byTime.set(timeKey(row.time), row)
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([, row]) => row)
}

export function toCandles(bars: Bar[]): CandlestickData[] {
  return sortedUnique(
    bars.map(({ time, open, high, low, close }) => ({ time: toChartTime(time), open, high, low, close })),
  )
}

export function toVolumes(bars: Bar[], palette: ChartPalette = LIGHT_PALETTE): HistogramData[] {
  const rows = bars
    .filter((bar): bar is Bar & { volume: number } => bar.volume !== undefined)
    .map((bar) => ({
      time: toChartTime(bar.time),
      value: bar.volume,
      color: bar.close >= bar.open ? palette.volumeUp : palette.volumeDown,
    }))
  return sortedUnique(rows)
}

export function toLinePoints(points: LinePoint[]): LineData[] {
  return sortedUnique(points.map(({ time, value }) => ({ time: toChartTime(time), value })))
}

export function overlayColor(overlay: LineOverlay, index: number, palette: ChartPalette = LIGHT_PALETTE): string {
  return overlay.color ?? palette.overlays[index % palette.overlays.length] ?? palette.marker
}

export function toMarkers(markers: ChartMarker[], palette: ChartPalette = LIGHT_PALETTE): SeriesMarker<Time>[] {
  return markers
    .map((marker) => ({
      time: toChartTime(marker.time),
      position: marker.position,
      shape: marker.shape,
      color: marker.color ?? palette.marker,
      ...(marker.text === undefined ? {} : { text: marker.text }),
    }))
    .sort((a, b) => timeKey(a.time) - timeKey(b.time))
}
