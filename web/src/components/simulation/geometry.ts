/** Pure geometry of the simulation charts: scales, the fan chart's areas, histogram bars, input parsing. */
import type { BandPoint, Histogram } from '@/api/simulation'

export interface Box {
  width: number
  height: number
  left: number
  right: number
  top: number
  bottom: number
}

export const BOX: Box = { width: 640, height: 260, left: 44, right: 8, top: 8, bottom: 22 }

/** A linear map of [lo, hi] onto [from, to]; a flat domain maps to the middle. */
export function scale(lo: number, hi: number, from: number, to: number): (value: number) => number {
  if (hi === lo) return () => (from + to) / 2
  return (value) => from + ((value - lo) / (hi - lo)) * (to - from)
}

export interface FanGeometry {
  outer: string
  inner: string
  median: string
  yTicks: { y: number; label: string }[]
  xTicks: { x: number; label: string }[]
}

/** The fan chart: the p5-p95 area, the p25-p75 area and the median line, as SVG path data. */
export function fanGeometry(bands: BandPoint[], box: Box = BOX): FanGeometry {
  if (bands.length === 0) return { outer: '', inner: '', median: '', yTicks: [], xTicks: [] }
  const lo = Math.min(...bands.map((b) => b.p5))
  const hi = Math.max(...bands.map((b) => b.p95))
  const x = scale(0, Math.max(bands.length - 1, 1), box.left, box.width - box.right)
  const y = scale(lo, hi, box.height - box.bottom, box.top)
  const area = (upper: keyof BandPoint, lower: keyof BandPoint): string => {
    const top = bands.map((b, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(Number(b[upper])).toFixed(1)}`)
    const bottom = bands.map((b, i) => `L${x(i).toFixed(1)},${y(Number(b[lower])).toFixed(1)}`).reverse()
    return `${top.join('')}${bottom.join('')}Z`
  }
  const median = bands.map((b, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(b.p50).toFixed(1)}`).join('')
  const yTicks = [lo, (lo + hi) / 2, hi].map((v) => ({ y: y(v), label: v.toFixed(2) }))
  const picks = [0, Math.floor((bands.length - 1) / 2), bands.length - 1]
  const xTicks = [...new Set(picks)].map((i) => ({ x: x(i), label: bands[i]!.date.slice(0, 7) }))
  return { outer: area('p95', 'p5'), inner: area('p75', 'p25'), median, yTicks, xTicks }
}

export interface Bar {
  x: number
  y: number
  width: number
  height: number
  count: number
  from: number
  to: number
}

/** The histogram's bars: one per bin, heights proportional to the count of paths. */
export function histogramBars(histogram: Histogram, box: Box = BOX): Bar[] {
  const bins = histogram.counts.length
  if (bins === 0) return []
  const most = Math.max(...histogram.counts, 1)
  const width = (box.width - box.left - box.right) / bins
  const y = scale(0, most, box.height - box.bottom, box.top)
  return histogram.counts.map((count, i) => ({
    x: box.left + i * width,
    y: y(count),
    width: Math.max(width - 1, 1),
    height: box.height - box.bottom - y(count),
    count,
    from: histogram.edges[i]!,
    to: histogram.edges[i + 1]!,
  }))
}

/** "SPY=0.6, TLT=0.4" -> { SPY: 0.6, TLT: 0.4 }; throws naming the bad part. */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {}
  for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const [symbol, value] = part.split('=').map((s) => s.trim())
    const weight = Number(value)
    if (!symbol || value === undefined || value === '' || !Number.isFinite(weight)) throw new Error(`"${part}" is not SYMBOL=weight`)
    weights[symbol.toUpperCase()] = weight
  }
  return weights
}

/** "fast=20, slow=50, average=sma" -> { fast: 20, slow: 50, average: 'sma' }. */
export function parseParams(text: string): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=').map((s) => s.trim())
    if (!name || value === undefined) throw new Error(`"${part}" is not name=value`)
    const number = Number(value)
    params[name] = value !== '' && Number.isFinite(number) ? number : value
  }
  return params
}

/** One shock per line, "halt:symbol=SPY,at=10,bars=3" -> { kind: 'halt', symbol: 'SPY', at: 10, bars: 3 }. */
export function parseShocks(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [kind, rest = ''] = line.split(':', 2)
      const fields = parseParams(rest)
      if (typeof fields.symbols === 'string') fields.symbols = fields.symbols.split('+')
      return { kind: kind!.trim(), ...fields }
    })
}
