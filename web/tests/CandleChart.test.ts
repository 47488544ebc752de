// jsdom has no canvas, so the chart library is replaced by a recording fake; the data mapping it
// receives is tested for real in chart-mapping.test.ts.
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import CandleChart from '@/components/chart/CandleChart.vue'
import { useThemeStore } from '@/stores/theme'

const fake = vi.hoisted(() => {
  const series = () => ({ setData: vi.fn(), applyOptions: vi.fn() })
  const chart = {
    addSeries: vi.fn(() => series()),
    removeSeries: vi.fn(),
    applyOptions: vi.fn(),
    priceScale: vi.fn(() => ({ applyOptions: vi.fn() })),
    timeScale: vi.fn(() => ({ fitContent: vi.fn() })),
    remove: vi.fn(),
  }
  const markers = { setMarkers: vi.fn() }
  return { chart, markers }
})

vi.mock('lightweight-charts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('lightweight-charts')>()),
  createChart: vi.fn(() => fake.chart),
  createSeriesMarkers: vi.fn(() => fake.markers),
}))

const bars = [
  { time: '2024-01-03', open: 2, high: 3, low: 1, close: 1, volume: 10 },
  { time: '2024-01-02', open: 1, high: 2, low: 0.5, close: 2, volume: 20 },
]

function seriesAt(index: number) {
  return fake.chart.addSeries.mock.results[index]?.value as { setData: ReturnType<typeof vi.fn> }
}

describe('CandleChart', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.clearAllMocks()
  })

  it('draws sorted candles, volumes, overlays and markers on mount', () => {
    mount(CandleChart, {
      props: {
        bars,
        overlays: [{ id: 'sma', points: [{ time: '2024-01-02', value: 1.5 }] }],
        markers: [{ time: '2024-01-02', position: 'belowBar', shape: 'arrowUp', text: 'buy' }],
      },
    })

    expect(fake.chart.addSeries).toHaveBeenCalledTimes(3)
    expect(seriesAt(0).setData).toHaveBeenCalledWith([
      { time: '2024-01-02', open: 1, high: 2, low: 0.5, close: 2 },
      { time: '2024-01-03', open: 2, high: 3, low: 1, close: 1 },
    ])
    expect(seriesAt(1).setData.mock.calls[0]?.[0]).toHaveLength(2)
    expect(seriesAt(2).setData).toHaveBeenCalledWith([{ time: '2024-01-02', value: 1.5 }])
    expect(fake.markers.setMarkers).toHaveBeenCalledWith([expect.objectContaining({ text: 'buy', shape: 'arrowUp' })])
  })

  it('redraws when new bars arrive and replaces overlays rather than stacking them', async () => {
    const wrapper = mount(CandleChart, { props: { bars: [], overlays: [{ id: 'a', points: [] }] } })

    await wrapper.setProps({ bars })
    await wrapper.setProps({ overlays: [{ id: 'b', points: [] }] })

    expect(seriesAt(0).setData).toHaveBeenLastCalledWith(expect.arrayContaining([expect.objectContaining({ open: 2 })]))
    expect(fake.chart.removeSeries).toHaveBeenCalledTimes(1)
  })

  it('recolours on a theme change and frees the chart on unmount', async () => {
    const wrapper = mount(CandleChart, { props: { bars } })
    const appliedBefore = fake.chart.applyOptions.mock.calls.length

    useThemeStore().toggle()
    await wrapper.vm.$nextTick()
    wrapper.unmount()

    expect(fake.chart.applyOptions.mock.calls.length).toBeGreaterThan(appliedBefore)
    expect(fake.chart.remove).toHaveBeenCalledOnce()
  })
})
