import { describe, expect, it } from 'vitest'
import type { IChartApi, ISeriesApi, LogicalRange, MouseEventParams, SeriesType, Time } from 'lightweight-charts'
import { ChartGroup } from '@/components/chart/sync'

/** Just the chart calls a ChartGroup makes, recorded. */
function fakeChart() {
  let onRange: ((range: LogicalRange | null) => void) | null = null
  let onMove: ((param: MouseEventParams) => void) | null = null
  const calls: unknown[][] = []
  const chart = {
    timeScale: () => ({
      subscribeVisibleLogicalRangeChange: (handler: typeof onRange) => (onRange = handler),
      unsubscribeVisibleLogicalRangeChange: () => (onRange = null),
      setVisibleLogicalRange: (range: LogicalRange) => calls.push(['range', range]),
    }),
    subscribeCrosshairMove: (handler: typeof onMove) => (onMove = handler),
    unsubscribeCrosshairMove: () => (onMove = null),
    setCrosshairPosition: (price: number, time: Time) => calls.push(['crosshair', price, time]),
    clearCrosshairPosition: () => calls.push(['clear']),
  }
  return {
    chart: chart as unknown as IChartApi,
    calls,
    zoom: (range: LogicalRange) => onRange?.(range),
    point: (time?: Time) => onMove?.({ time } as MouseEventParams),
  }
}

describe('linked charts', () => {
  const series = {} as ISeriesApi<SeriesType>

  it('zoom and point together, at each chart own value of the time', () => {
    const equity = fakeChart()
    const drawdown = fakeChart()
    const group = new ChartGroup()
    group.add(equity.chart, series, [{ time: '2025-01-02', value: 100 }])
    group.add(drawdown.chart, series, [{ time: '2025-01-02', value: -0.05 }])

    equity.zoom({ from: 3, to: 40 } as LogicalRange)
    equity.point('2025-01-02')
    equity.point(undefined)

    expect(drawdown.calls).toEqual([['range', { from: 3, to: 40 }], ['crosshair', -0.05, '2025-01-02'], ['clear']])
    expect(equity.calls).toEqual([])
  })

  it('stops following once a chart leaves the group', () => {
    const a = fakeChart()
    const b = fakeChart()
    const group = new ChartGroup()
    group.add(a.chart, series, [])
    group.add(b.chart, series, [])
    group.remove(b.chart)

    a.zoom({ from: 0, to: 1 } as LogicalRange)
    expect(b.calls).toEqual([])
  })
})
