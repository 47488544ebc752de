import { describe, expect, it } from 'vitest'
import type { BarColumns } from '@/api/market'
import { rebased } from '@/components/symbol/barsView'
import { earlierSpan, prependColumns } from '@/components/symbol/history'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000
function columns(days: string[], close: number[], values: Record<string, (number | null)[]> = {}, firstAvailable = days[0]!): BarColumns {
  return {
    symbol: 'A', interval: '1d', source: 'test', period: null, first_available: firstAvailable, last_available: days[days.length - 1]!,
    start: days[0]!, end: days[days.length - 1]!, t: days.map(day), open: close, high: close, low: close, close, volume: close.map(() => 10),
    indicators: Object.keys(values), values, corporate_actions: [], earnings: [], geopolitical: [],
  }
}

// A year loaded (2025-01-01 .. 2025-12-31, 365 days), data stored since 2020.
const YEAR = { start: '2025-01-01', end: '2025-12-31', firstAvailable: '2020-01-02' }

describe('which earlier bars to load as the chart scrolls back', () => {
  it('loads nothing while the first bar is well left of the view', () => {
    expect(earlierSpan(YEAR, { from: 40, to: 250 })).toBeNull()
    expect(earlierSpan(YEAR, null)).toBeNull()
  })

  it('loads the span before, as long again, once the first bar nears or passes the left edge', () => {
    const before = { start: '2024-01-02', end: '2024-12-31' }
    expect(earlierSpan(YEAR, { from: 20, to: 250 })).toEqual(before) // within a tenth of the 230 bars shown
    expect(earlierSpan(YEAR, { from: -30, to: 220 })).toEqual(before) // dragged past the first bar
    expect(earlierSpan(YEAR, { from: 2, to: 12 })).toEqual(before) // zoomed in: at least 3 bars of lead
    expect(earlierSpan(YEAR, { from: 4, to: 12 })).toBeNull()
  })

  it('stops at the first stored day, and loads nothing once it is loaded', () => {
    expect(earlierSpan({ ...YEAR, firstAvailable: '2024-08-01' }, { from: -5, to: 250 })).toEqual({ start: '2024-08-01', end: '2024-12-31' })
    expect(earlierSpan({ ...YEAR, firstAvailable: '2025-01-01' }, { from: -5, to: 250 })).toBeNull()
  })
})

describe('earlier bars put in front of the loaded ones', () => {
  it('joins bars and indicator columns in order, dropping any overlap, and widens the range', () => {
    const loaded = columns(['2025-06-04', '2025-06-05'], [3, 4], { sma_2: [2.5, 3.5], rsi_14: [60, 70] }, '2025-06-02')
    const earlier = columns(['2025-06-02', '2025-06-03', '2025-06-04'], [1, 2, 99], { sma_2: [null, 1.5, 99] }, '2025-06-02')
    earlier.earnings = [{ report_date: '2025-06-03' } as BarColumns['earnings'][number]]
    const joined = prependColumns(earlier, loaded)
    expect(joined.t).toEqual(['2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05'].map(day))
    expect(joined.close).toEqual([1, 2, 3, 4])
    expect(joined.values).toEqual({ sma_2: [null, 1.5, 2.5, 3.5], rsi_14: [null, null, 60, 70] })
    expect([joined.start, joined.end]).toEqual(['2025-06-02', '2025-06-05'])
    expect(joined.earnings).toHaveLength(1)
  })

  it('keeps a compared symbol rebased on the first day first shown', () => {
    const main = columns(['2025-06-02', '2025-06-03', '2025-06-04'], [90, 100, 110])
    const other = columns(['2025-06-02', '2025-06-03', '2025-06-04'], [45, 50, 55])
    const points = rebased(main, other, day('2025-06-03'))
    expect(points.map((p) => p.value)).toEqual([90, 100, 110]) // equal at 2025-06-03: base 2
    expect(rebased(main, other).map((p) => p.value)).toEqual([90, 100, 110])
    const lagging = columns(['2025-06-02', '2025-06-03', '2025-06-04'], [30, 50, 55])
    expect(rebased(main, lagging, day('2025-06-03'))[0]!.value).toBe(60)
    expect(rebased(main, lagging)[0]!.value).toBe(90)
  })
})
