/**
 * Loading earlier bars as the chart is scrolled or zoomed back: `earlierSpan` decides, from the
 * days loaded and the bars in view, whether to fetch and which days (the span before the loaded
 * one, as long again, never before the first stored day); `prependColumns` joins the answer in
 * front of what is loaded. Pure functions, tested without a canvas or a server.
 */
import type { BarColumns } from '@/api/market'

/** The days loaded and the first day the series has. */
export interface LoadedSpan {
  start: string
  end: string
  firstAvailable: string
}

/** The chart's visible logical range: bar indexes from the first loaded bar (0). */
export interface LogicalSpan {
  from: number
  to: number
}

export interface DaySpan {
  start: string
  end: string
}

/** Fetch once the first loaded bar is within this share of a screen of the left edge... */
export const LEAD_SHARE = 0.1
/** ...or this many bars, whichever is more. */
export const LEAD_BARS = 3

const DAY_MS = 86_400_000

function shifted(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The days to fetch before `loaded` when `visible` comes near its first bar, or null: when the
 * first bar is still well inside the view's right part, or nothing is stored before it.
 */
export function earlierSpan(loaded: LoadedSpan, visible: LogicalSpan | null): DaySpan | null {
  if (!visible || loaded.start <= loaded.firstAvailable) return null
  const lead = Math.max(LEAD_BARS, (visible.to - visible.from) * LEAD_SHARE)
  if (visible.from > lead) return null
  const length = Math.round((Date.parse(loaded.end) - Date.parse(loaded.start)) / DAY_MS) + 1
  const start = shifted(loaded.start, -length)
  return { start: start < loaded.firstAvailable ? loaded.firstAvailable : start, end: shifted(loaded.start, -1) }
}

/**
 * `earlier` (the answer for the days before `loaded`) in front of `loaded`: bars, indicator
 * columns and event markers joined, bars at or after `loaded`'s first dropped. Indicators
 * missing from `earlier` are null there.
 */
export function prependColumns(earlier: BarColumns, loaded: BarColumns): BarColumns {
  const firstLoaded = loaded.t[0] ?? Infinity
  const keep = earlier.t.findIndex((t) => t >= firstLoaded)
  const count = keep < 0 ? earlier.t.length : keep
  const join = (before: (number | null)[] | undefined, after: (number | null)[]) => [
    ...(before ?? new Array<null>(count).fill(null)).slice(0, count),
    ...after,
  ]
  return {
    ...loaded,
    start: earlier.start < loaded.start ? earlier.start : loaded.start,
    first_available: earlier.first_available,
    t: [...earlier.t.slice(0, count), ...loaded.t],
    open: [...earlier.open.slice(0, count), ...loaded.open],
    high: [...earlier.high.slice(0, count), ...loaded.high],
    low: [...earlier.low.slice(0, count), ...loaded.low],
    close: [...earlier.close.slice(0, count), ...loaded.close],
    volume: [...earlier.volume.slice(0, count), ...loaded.volume],
    values: Object.fromEntries(Object.entries(loaded.values).map(([name, after]) => [name, join(earlier.values[name], after)])),
    corporate_actions: [...earlier.corporate_actions, ...loaded.corporate_actions],
    earnings: [...earlier.earnings, ...loaded.earnings],
    geopolitical: [...earlier.geopolitical, ...loaded.geopolitical],
  }
}
