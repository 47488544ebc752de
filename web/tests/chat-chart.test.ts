import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ResultColumn } from '@/api/chat'
import { chartData, extent, niceDomain, niceTicks, parseTime, timeTicks } from '@/components/chat/chartData'
import ResultChart from '@/components/chat/ResultChart.vue'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)

describe('chartData', () => {
  const longColumns: ResultColumn[] = [
    { name: 'symbol', type: 'text' },
    { name: 'ts', type: 'time' },
    { name: 'close', type: 'number' },
  ]
  const longRows = [
    ['ADA', '2024-01-02', 2],
    ['BCH', '2024-01-01', 10],
    ['ADA', '2024-01-01', 1],
    ['BCH', '2024-01-02', null],
    ['BCH', '2024-01-03', 12],
  ]

  it('splits long format into one line per value of the series column, sorted by time', () => {
    const chart = chartData({ kind: 'line', x: 'ts', y: ['close'], series: 'symbol', title: '', rebase: false }, longColumns, longRows)

    expect(chart?.xKind).toBe('time')
    expect(chart?.yLabel).toBe('close')
    expect(chart?.series).toEqual([
      { name: 'ADA', points: [{ x: day('2024-01-01'), y: 1 }, { x: day('2024-01-02'), y: 2 }] },
      { name: 'BCH', points: [{ x: day('2024-01-01'), y: 10 }, { x: day('2024-01-03'), y: 12 }] },
    ])
  })

  it('makes one line per y column in wide format', () => {
    const columns: ResultColumn[] = [
      { name: 'date', type: 'time' },
      { name: 'dgs10', type: 'number' },
      { name: 'dgs2', type: 'number' },
    ]
    const rows = [
      ['2024-01-02T15:30:00Z', 4.1, 4.3],
      ['2024-01-01T15:30:00Z', 4.0, '4.2'],
    ]

    const chart = chartData({ kind: 'line', x: 'date', y: ['dgs10', 'dgs2'], series: null, title: 'Yields', rebase: false }, columns, rows)

    expect(chart?.title).toBe('Yields')
    expect(chart?.series.map((line) => line.name)).toEqual(['dgs10', 'dgs2'])
    expect(chart?.series[1]?.points).toEqual([
      { x: Date.parse('2024-01-01T15:30:00Z'), y: 4.2 },
      { x: Date.parse('2024-01-02T15:30:00Z'), y: 4.3 },
    ])
  })

  it('names long-format lines by group and column when there are several y', () => {
    const chart = chartData({ kind: 'line', x: 'ts', y: ['close', 'open'], series: 'symbol', title: '', rebase: false }, [...longColumns, { name: 'open', type: 'number' }], [
      ['ADA', '2024-01-01', 1, 0.9],
    ])

    expect(chart?.series.map((line) => line.name)).toEqual(['ADA · close', 'ADA · open'])
  })

  it('puts bars on categories in the order they first appear, keeping the row order', () => {
    const columns: ResultColumn[] = [
      { name: 'symbol', type: 'text' },
      { name: 'return_pct', type: 'number' },
    ]

    const chart = chartData({ kind: 'bar', x: 'symbol', y: ['return_pct'], series: null, title: '', rebase: false }, columns, [
      ['SOL', 12.5],
      ['ADA', -3],
    ])

    expect(chart?.xKind).toBe('category')
    expect(chart?.categories).toEqual(['SOL', 'ADA'])
    expect(chart?.series[0]?.points).toEqual([{ x: 0, y: 12.5 }, { x: 1, y: -3 }])
  })

  it('refuses a spec that names a column the result lacks', () => {
    expect(chartData({ kind: 'line', x: 'ts', y: ['volume'], series: null, title: '', rebase: false }, longColumns, longRows)).toBeNull()
    expect(chartData({ kind: 'line', x: 'ts', y: ['close'], series: 'sector', title: '', rebase: false }, longColumns, longRows)).toBeNull()
  })
})

describe('scales', () => {
  it('reads days and zone-less times as UTC, and refuses what is not a time', () => {
    expect(parseTime('2024-01-02')).toBe(day('2024-01-02'))
    expect(parseTime('2024-01-02T10:00:00')).toBe(Date.parse('2024-01-02T10:00:00Z'))
    expect(parseTime('soon')).toBeNull()
    expect(parseTime(null)).toBeNull()
  })

  it('picks round ticks inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10])
    expect(niceTicks(0.13, 0.47, 4)).toEqual([0.2, 0.3, 0.4])
    expect(niceTicks(3, 3)).toEqual([3])
  })

  it('widens a range out to round ends', () => {
    expect(niceDomain(0.27, 0.81, 5)).toEqual([0.2, 1])
    expect(niceDomain(-3, 12.5, 5)).toEqual([-5, 15])
  })

  it('ticks a time axis on whole days', () => {
    const ticks = timeTicks(day('2024-01-01'), day('2024-03-01'), 4)

    expect(ticks.length).toBeGreaterThan(1)
    for (const tick of ticks) expect(tick % 86_400_000).toBe(0)
  })

  it('widens a flat extent so a scale never divides by zero', () => {
    const single = [{ name: 'a', points: [{ x: 1_700_000_000_000, y: 5 }] }]

    expect(extent(single, 'y')).toEqual([4.5, 5.5])
    expect(extent(single, 'x', 86_400_000)).toEqual([1_699_913_600_000, 1_700_086_400_000])
    expect(extent([{ name: 'zero', points: [{ x: 0, y: 0 }] }], 'y')).toEqual([-1, 1])
  })
})

describe('ResultChart', () => {
  it('draws a path per series, axis labels and a legend', () => {
    const wrapper = mount(ResultChart, {
      props: {
        spec: { kind: 'line', x: 'ts', y: ['close'], series: 'symbol', title: '', rebase: false },
        columns: [
          { name: 'symbol', type: 'text' },
          { name: 'ts', type: 'time' },
          { name: 'close', type: 'number' },
        ],
        rows: [
          ['ADA', '2024-01-01', 1],
          ['ADA', '2024-01-02', 2],
          ['BCH', '2024-01-01', 3],
          ['BCH', '2024-01-02', 4],
        ],
      },
    })

    expect(wrapper.findAll('path')).toHaveLength(2)
    expect(wrapper.get('[data-testid="x-label"]').text()).toBe('ts')
    expect(wrapper.get('[data-testid="y-label"]').text()).toBe('close')
    expect(wrapper.get('[data-testid="chart-legend"]').text()).toContain('BCH')
  })

  it('draws bars from zero for a bar spec', () => {
    const wrapper = mount(ResultChart, {
      props: {
        spec: { kind: 'bar', x: 'symbol', y: ['return_pct'], series: null, title: '', rebase: false },
        columns: [
          { name: 'symbol', type: 'text' },
          { name: 'return_pct', type: 'number' },
        ],
        rows: [
          ['SOL', 12.5],
          ['ADA', -3],
        ],
      },
    })

    expect(wrapper.findAll('rect')).toHaveLength(2)
  })
})

describe('rebased and long series', () => {
  const columns: ResultColumn[] = [
    { name: 'date', type: 'time' },
    { name: 'spy', type: 'number' },
    { name: 'btc', type: 'number' },
  ]
  const days = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10))
  const rows = days.map((date, i) => [date, 600 + i, 90_000 - i * 10])

  it('rebases each line to 100 at its first value when the spec says so', () => {
    const chart = chartData({ kind: 'line', x: 'date', y: ['spy', 'btc'], series: null, title: 'Rebased', rebase: true }, columns, rows)

    expect(chart?.yLabel).toBe('rebased to 100')
    expect(chart?.series.map((line) => line.points[0]?.y)).toEqual([100, 100])
    expect(chart?.series[0]?.points[1]?.y).toBeCloseTo((100 * 601) / 600)
  })

  it('reads out the values nearest the pointer on a line too long for a dot per point', async () => {
    const wrapper = mount(ResultChart, {
      props: { spec: { kind: 'line', x: 'date', y: ['spy', 'btc'], series: null, title: '', rebase: false }, columns, rows },
    })
    expect(wrapper.findAll('circle')).toHaveLength(0)

    await wrapper.get('[data-testid="chart-hover-area"]').trigger('mousemove', { clientX: 60 })

    const readout = wrapper.get('[data-testid="chart-hover"]').text()
    expect(readout).toContain('spy: 600')
    expect(readout).toContain('btc: 90,000')
    await wrapper.get('[data-testid="chart-hover-area"]').trigger('mouseleave')
    expect(wrapper.get('[data-testid="chart-hover"]').text()).toBe('')
  })
})
