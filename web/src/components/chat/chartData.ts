/**
 * From the API's declarative chart spec and a result's columns and rows to drawable series, kept
 * apart from ResultChart.vue so it is tested without an SVG. Long format (a `series` column)
 * gives one series per distinct value; wide format (several `y`) one series per column. Rows
 * whose x or y cannot be read are left out; line points are sorted by x.
 */
import type { ChartSpec, ResultCell, ResultColumn } from '@/api/chat'

export type AxisKind = 'time' | 'number' | 'category'

export interface ChartPoint {
  /** Epoch milliseconds (time), the value (number) or the index into `categories`. */
  x: number
  y: number
}

export interface ChartLine {
  name: string
  points: ChartPoint[]
}

export interface ChartData {
  kind: ChartSpec['kind']
  title: string
  xKind: AxisKind
  xLabel: string
  yLabel: string
  categories: string[]
  series: ChartLine[]
}

export const SERIES_COLOURS = ['#0284c7', '#d97706', '#7c3aed', '#059669', '#db2777', '#0891b2', '#65a30d', '#dc2626']

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length]!
}

export const DAY_MS = 86_400_000

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** An ISO day or date-time as epoch milliseconds (a day, or a time without zone, is read as UTC). */
export function parseTime(value: ResultCell): number | null {
  if (typeof value !== 'string') return typeof value === 'number' && Number.isFinite(value) ? value : null
  const text = ISO_DATE.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`
  const milliseconds = Date.parse(text)
  return Number.isNaN(milliseconds) ? null : milliseconds
}

export function parseNumber(value: ResultCell): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value)
    return Number.isFinite(number) ? number : null
  }
  return null
}

function axisKind(kind: ChartSpec['kind'], column: ResultColumn | undefined): AxisKind {
  if (kind === 'bar') return 'category'
  if (column?.type === 'time') return 'time'
  if (column?.type === 'number') return 'number'
  return 'category'
}

function categoryLabel(value: ResultCell): string {
  return value === null ? '—' : String(value)
}

interface Reader {
  x: (row: ResultCell[]) => number | null
  categories: string[]
}

function xReader(xKind: AxisKind, xIndex: number): Reader {
  const categories: string[] = []
  const positions = new Map<string, number>()
  const category = (row: ResultCell[]): number => {
    const label = categoryLabel(row[xIndex] ?? null)
    if (!positions.has(label)) {
      positions.set(label, categories.length)
      categories.push(label)
    }
    return positions.get(label)!
  }
  if (xKind === 'time') return { x: (row) => parseTime(row[xIndex] ?? null), categories }
  if (xKind === 'number') return { x: (row) => parseNumber(row[xIndex] ?? null), categories }
  return { x: category, categories }
}

/** The drawable chart for `spec`, or null when the spec names a column the result lacks. */
export function chartData(spec: ChartSpec, columns: ResultColumn[], rows: ResultCell[][]): ChartData | null {
  const indexOf = (name: string) => columns.findIndex((column) => column.name === name)
  const xIndex = indexOf(spec.x)
  const yIndexes = spec.y.map(indexOf)
  const seriesIndex = spec.series ? indexOf(spec.series) : null
  if (xIndex < 0 || yIndexes.length === 0 || yIndexes.some((i) => i < 0) || seriesIndex === -1) return null

  const xKind = axisKind(spec.kind, columns[xIndex])
  const reader = xReader(xKind, xIndex)
  const lines = new Map<string, ChartLine>()
  const lineFor = (name: string): ChartLine => {
    if (!lines.has(name)) lines.set(name, { name, points: [] })
    return lines.get(name)!
  }
  for (const row of rows) {
    const x = reader.x(row)
    if (x === null) continue
    const group = seriesIndex === null ? null : categoryLabel(row[seriesIndex] ?? null)
    spec.y.forEach((yName, position) => {
      const y = parseNumber(row[yIndexes[position]!] ?? null)
      if (y === null) return
      const name = group === null ? yName : spec.y.length > 1 ? `${group} · ${yName}` : group
      lineFor(name).points.push({ x, y })
    })
  }
  const series = [...lines.values()]
  if (spec.kind === 'line') for (const line of series) line.points.sort((a, b) => a.x - b.x)
  if (spec.kind === 'line' && spec.rebase) for (const line of series) rebase(line)
  return {
    kind: spec.kind,
    title: spec.title ?? '',
    xKind,
    xLabel: spec.x,
    yLabel: spec.rebase ? 'rebased to 100' : spec.series || spec.y.length === 1 ? spec.y.join(', ') : '',
    categories: reader.categories,
    series,
  }
}

/** Each point as 100 x its value / the line's first value (a line starting at 0 stays as is). */
function rebase(line: ChartLine): void {
  const first = line.points[0]?.y
  if (!first) return
  line.points = line.points.map((point) => ({ ...point, y: (100 * point.y) / first }))
}

/** The point of each line nearest to `x` (within the lines' own x values), for a hover readout. */
export function nearestPoints(series: ChartLine[], x: number): { name: string; x: number; y: number }[] {
  const found: { name: string; x: number; y: number }[] = []
  for (const line of series) {
    let best: ChartPoint | null = null
    for (const point of line.points) if (best === null || Math.abs(point.x - x) < Math.abs(best.x - x)) best = point
    if (best) found.push({ name: line.name, x: best.x, y: best.y })
  }
  return found
}

/** A round step (1, 2 or 5 times a power of ten) that cuts [min, max] into about `count` parts. */
function niceStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  return ([1, 2, 5, 10].find((multiple) => multiple * power >= raw) ?? 10) * power
}

/** About `count` round values inside [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) return [min]
  const step = niceStep(min, max, count)
  const ticks: number[] = []
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step)
    ticks.push(Number(tick.toPrecision(12)))
  return ticks
}

/** [min, max] widened out to the round ticks around it, so the axis starts and ends on a label. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min === max) return [min, max]
  const step = niceStep(min, max, count)
  return [Number((Math.floor(min / step) * step).toPrecision(12)), Number((Math.ceil(max / step) * step).toPrecision(12))]
}

/**
 * The extent of every point's x or y. A flat one is widened by `pad` each side (a day on a time
 * axis, else a tenth of the value) so a scale never divides by zero.
 */
export function extent(series: ChartLine[], axis: 'x' | 'y', pad?: number): [number, number] {
  let low = Infinity
  let high = -Infinity
  for (const line of series)
    for (const point of line.points) {
      low = Math.min(low, point[axis])
      high = Math.max(high, point[axis])
    }
  if (low === Infinity) return [0, 1]
  if (low !== high) return [low, high]
  const margin = pad ?? (Math.abs(low) / 10 || 1)
  return [low - margin, high + margin]
}


/** Ticks on a time axis: whole days over a span of days, else round multiples of milliseconds. */
export function timeTicks(min: number, max: number, count = 5): number[] {
  if (max - min >= 2 * DAY_MS) return niceTicks(min / DAY_MS, max / DAY_MS, count).map((day) => Math.round(day) * DAY_MS)
  return niceTicks(min, max, count)
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 })

export function formatTick(value: number, kind: AxisKind, span: number): string {
  if (kind !== 'time') return compact.format(value)
  const iso = new Date(value).toISOString()
  return span >= 2 * DAY_MS ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}
