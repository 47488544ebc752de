// The simulation page against an API mocked at the fetch level: a Monte Carlo request carries
// the form's choices and draws the fan chart and histogram; a stress run lists scenarios and holdings.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { SimulationDetail } from '@/api/simulation'
import { fanGeometry, histogramBars, parseParams, parseShocks, parseWeights } from '@/components/simulation/geometry'
import SimulationPage from '@/pages/SimulationPage.vue'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const bands = [
  { date: '2025-12-31', p5: 1, p25: 1, p50: 1, p75: 1, p95: 1 },
  { date: '2026-06-30', p5: 0.9, p25: 0.97, p50: 1.01, p75: 1.05, p95: 1.12 },
  { date: '2026-12-31', p5: 0.8, p25: 0.95, p50: 1.03, p75: 1.1, p95: 1.25 },
]

const montecarlo: SimulationDetail = {
  run_id: 'montecarlo-1',
  status: 'done',
  progress: 1,
  kind: 'montecarlo',
  subject: 'sma_crossover(fast=10, slow=30)',
  model: 'garch',
  executor: 'local pool (2 threads)',
  spec: { paths: 3, bars: 2, drawdown_threshold: 0.2 },
  probability_of_loss: 1 / 3,
  probability_of_drawdown: 0,
  distributions: [{ metric: 'total_return', mean: 0.01, p5: -0.1, p25: 0, p50: 0.02, p75: 0.05, p95: 0.2 }],
  bands,
  histograms: [{ metric: 'total_return', edges: [-0.2, 0, 0.2, 0.4], counts: [1, 1, 1] }],
  scenarios: [],
  parameters: [],
  warnings: [],
}

const stress: SimulationDetail = {
  ...montecarlo,
  run_id: 'stress-1',
  kind: 'stress',
  subject: 'SPY 60%, TLT 40%',
  scenarios: [
    {
      scenario: 'covid_crash', title: 'covid_crash', method: 'replay', why: 'the store holds the window',
      scenario_return: -0.12, pnl: -120000, max_drawdown: -0.15, proxy_drawdown: -0.2,
      holdings: [{ symbol: 'SPY', weight: 0.6, scenario_return: -0.2, pnl: -120000, betas: {} }],
    },
    {
      scenario: 'rates_up_200bp', title: 'rates_up_200bp', method: 'factor', why: 'hypothetical scenario',
      scenario_return: -0.16, pnl: -160000, max_drawdown: -0.16, proxy_drawdown: null,
      holdings: [{ symbol: 'TLT', weight: 0.4, scenario_return: -0.31, pnl: -124000, betas: { TLT: 1 } }],
    },
  ],
}

function mockApi(detail: SimulationDetail) {
  const bodies: Record<string, unknown>[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    if (route === 'GET /api/backtests/strategies') return json(200, [{ name: 'sma_crossover', description: '', config_schema: {} }])
    if (route === 'GET /api/simulation/models') return json(200, [{ name: 'bootstrap', description: '' }, { name: 'garch', description: '' }])
    if (route === 'GET /api/simulation/scenarios')
      return json(200, [
        { name: 'covid_crash', title: 'COVID crash', kind: 'historical', window: '2020-02-19 .. 2020-03-23', shock: { SPY: -0.339 }, reference: '', notes: '', origin: 'shipped' },
        { name: 'rates_up_200bp', title: 'Rates +200 bp', kind: 'hypothetical', window: 'hypothetical', shock: { TLT: -0.31 }, reference: '', notes: '', origin: 'shipped' },
      ])
    if (route === 'POST /api/simulation/runs') {
      bodies.push((await request.clone().json()) as Record<string, unknown>)
      return json(202, { run_id: detail.run_id, status: 'queued' })
    }
    if (route === `GET /api/simulation/runs/${detail.run_id}`) return json(200, detail)
    return json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return bodies
}

async function mountPage(): Promise<VueWrapper> {
  const wrapper = mount(SimulationPage, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => setActivePinia(createPinia()))

describe('SimulationPage', () => {
  it('sends the Monte Carlo form and draws the fan chart, the histogram and the distribution', async () => {
    const bodies = mockApi(montecarlo)
    const wrapper = await mountPage()
    await wrapper.get('input[placeholder="fast=20, slow=50"]').setValue('fast=10, slow=30')
    await wrapper.get('[data-testid="model-select"]').setValue('garch')
    await wrapper.get('textarea').setValue('halt:symbol=SPY,at=10,bars=3')
    await wrapper.get('[data-testid="simulation-form"]').trigger('submit')
    await flushPromises()

    expect(bodies[0]).toMatchObject({
      kind: 'montecarlo', strategy: 'sma_crossover', params: { fast: 10, slow: 30 }, model: 'garch',
      symbols: ['SPY', 'TLT', 'GLD'], shocks: [{ kind: 'halt', symbol: 'SPY', at: 10, bars: 3 }],
    })
    expect(wrapper.get('[data-testid="probability-of-loss"]').text()).toBe('33.3%')
    expect(wrapper.get('[data-testid="band-median"]').attributes('d')).toMatch(/^M44\.0,/)
    expect(wrapper.findAll('[data-testid="histogram-bar"]')).toHaveLength(3)
    expect(wrapper.get('[data-testid="distribution-table"]').text()).toContain('Total return')
  })

  it('runs a stress test of a portfolio and opens a scenario to its holdings', async () => {
    const bodies = mockApi(stress)
    const wrapper = await mountPage()
    await wrapper.findAll('[role="radio"]')[1]!.trigger('click')
    await wrapper.get('input[value="portfolio"]').setValue(true)
    await wrapper.get('[data-testid="portfolio-input"]').setValue('SPY=0.6, TLT=0.4')
    await wrapper.findAll('input[type="checkbox"]')[0]!.setValue(false)
    await wrapper.get('[data-testid="simulation-form"]').trigger('submit')
    await flushPromises()

    expect(bodies[0]).toMatchObject({ kind: 'stress', portfolio: { SPY: 0.6, TLT: 0.4 }, scenarios: ['rates_up_200bp'] })
    const rows = wrapper.findAll('[data-testid="scenario-row"]')
    expect(rows.map((r) => r.find('td').text())).toEqual(['COVID crash', 'Rates +200 bp'])
    expect(rows[1]!.find('[data-method]').text()).toBe('factor')
    await rows[1]!.trigger('click')
    expect(wrapper.get('[data-testid="holding-row"]').text()).toContain('TLT +1.00')
  })

  it('shows a refusal from the API instead of a result', async () => {
    mockApi(montecarlo)
    const wrapper = await mountPage()
    await wrapper.get('input[placeholder="fast=20, slow=50"]').setValue('fast')
    await wrapper.get('[data-testid="simulation-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('"fast" is not name=value')
  })
})

describe('simulation geometry', () => {
  it('draws the outer band around the inner one and the median inside both', () => {
    const shape = fanGeometry(bands)
    expect(shape.outer.startsWith('M')).toBe(true)
    expect(shape.outer.endsWith('Z')).toBe(true)
    expect(shape.yTicks.map((t) => t.label)).toEqual(['0.80', '1.02', '1.25'])
    expect(shape.xTicks.map((t) => t.label)).toEqual(['2025-12', '2026-06', '2026-12'])
    expect(fanGeometry([]).median).toBe('')
  })

  it('scales histogram bars to the largest count', () => {
    const bars = histogramBars({ metric: 'total_return', edges: [0, 1, 2], counts: [2, 4] })
    expect(bars[1]!.height).toBeCloseTo(2 * bars[0]!.height)
    expect(bars.map((b) => [b.from, b.to])).toEqual([[0, 1], [1, 2]])
  })

  it('parses weights, parameters and shocks, naming what is wrong', () => {
    expect(parseWeights('spy=0.6; TLT = 0.4')).toEqual({ SPY: 0.6, TLT: 0.4 })
    expect(() => parseWeights('SPY=lots')).toThrow('"SPY=lots" is not SYMBOL=weight')
    expect(parseParams('fast=10, average=ema')).toEqual({ fast: 10, average: 'ema' })
    expect(parseShocks('crash:at=5,days=3,drop=0.2,symbols=SPY+QQQ\n\n')).toEqual([
      { kind: 'crash', at: 5, days: 3, drop: 0.2, symbols: ['SPY', 'QQQ'] },
    ])
  })
})
