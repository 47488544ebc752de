// The Models page against an API mocked at the fetch level: the newest run opens beside the
// baseline, its model's predictions are ranked, and a version is promoted for a book.
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { MlRunDetail, MlRunSummary, Predictions, RegisteredModel } from '@/api/ml'
import { backtestRows, importanceBars, rollingMean, signalRows } from '@/components/models/modelView'
import ModelsPage from '@/pages/ModelsPage.vue'
import { routes } from '@/router'

vi.mock('lightweight-charts', async (importOriginal) => {
  const series = () => ({ setData: vi.fn(), applyOptions: vi.fn(), createPriceLine: vi.fn() })
  const chart = {
    addSeries: vi.fn(() => series()),
    removeSeries: vi.fn(),
    applyOptions: vi.fn(),
    priceScale: vi.fn(() => ({ applyOptions: vi.fn() })),
    timeScale: vi.fn(() => ({ fitContent: vi.fn() })),
    remove: vi.fn(),
  }
  return { ...(await importOriginal<typeof import('lightweight-charts')>()), createChart: vi.fn(() => chart) }
})

const summary = { days: 250, ic: 0.0425, ic_std: 0.28, icir: 0.152, ic_t_stat: 2.4, rank_ic: 0.03, rank_icir: 0.12, hit_rate: 0.508, top_minus_bottom: 0.0039, top_minus_bottom_annual: 0.2 }
const baseline = { ...summary, ic: 0.0004, icir: 0.001, rank_ic: 0.0135, hit_rate: 0.517 }

const runs: MlRunSummary[] = [
  { run_id: 'r2', name: 'demo-ridge linear', model: 'linear', label: 'excess_return', started_at: '2026-01-02T06:00:00Z', metrics: { ic: 0.0425, baseline_ic: 0.0004 } },
  { run_id: 'r1', name: 'old lightgbm', model: 'lightgbm', label: 'excess_return', started_at: '2026-01-01T06:00:00Z', metrics: { ic: 0.01 } },
]

const detail: MlRunDetail = {
  run_id: 'r2',
  name: 'demo-ridge linear',
  started_at: '2026-01-02T06:00:00Z',
  spec: { name: 'demo-ridge', model: 'linear', label: 'excess_return', horizon: 5, validation: 'walk_forward' },
  data: { first_day: '2022-01-03', last_day: '2025-12-31', symbols: 24, rows: 20000 },
  summary,
  baseline_summary: baseline,
  backtest: { total_return: 0.281, annual_return: 0.133, sharpe_ratio: 0.8, max_drawdown: -0.18 },
  baseline_backtest: { total_return: 0.083, annual_return: 0.041, sharpe_ratio: 0.32, max_drawdown: -0.148 },
  backtest_warnings: [],
  path_ic: [],
  daily: Array.from({ length: 30 }, (_, i) => ({ date: `2025-01-${String(i + 1).padStart(2, '0')}`, ic: 0.1, rank_ic: 0.05, baseline_ic: 0 })),
  importance: [
    { feature: 'dist_sma_20', importance: 0.4 },
    { feature: 'mom_12_1', importance: 0.2 },
  ],
  equity: [{ date: '2025-01-02', equity: 1_000_000 }],
  baseline_equity: [{ date: '2025-01-02', equity: 1_000_000 }],
}

const predictions: Predictions = {
  model: 'demo-ridge',
  model_version: 3,
  date: '2025-12-31',
  predictions: [
    { symbol: 'NVDA', score: 0.012, rank: 1 },
    { symbol: 'JNJ', score: 0.004, rank: 0.5 },
    { symbol: 'XLE', score: -0.003, rank: 0.25 },
  ],
}

const models: RegisteredModel[] = [{ name: 'demo-ridge', versions: [{ version: 3, run_id: 'r2', books: [] }] }]

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mockApi() {
  const seen: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const url = new URL(request.url)
    const route = `${request.method} ${url.pathname}`
    seen.push(`${route}${url.search}`)
    if (route === 'GET /api/ml/runs') return json(200, runs)
    if (route === 'GET /api/ml/runs/r2') return json(200, detail)
    if (route === 'GET /api/ml/models') return json(200, models)
    if (route === 'GET /api/ml/predictions') return json(200, predictions)
    if (route === 'POST /api/ml/models/demo-ridge/versions/3/promote') {
      const body = (await request.clone().json()) as { book: string }
      if (body.book.includes(' ')) return json(422, { error: { code: 'invalid_data', message: 'book id "a b": use letters' } })
      return json(200, [{ name: 'demo-ridge', versions: [{ version: 3, run_id: 'r2', books: [body.book] }] }][0])
    }
    return json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return seen
}

async function mountPage() {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push('/models')
  return mount(ModelsPage, { attachTo: document.body, global: { plugins: [router] } })
}

describe('ModelsPage', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('opens the newest run beside the baseline and ranks its model predictions', async () => {
    const seen = mockApi()
    const wrapper = await mountPage()
    await flushPromises()
    await flushPromises()

    expect(wrapper.findAll('[data-testid="ml-run"]')).toHaveLength(2)
    expect(wrapper.get('[data-testid="run-report"]').text()).toContain('demo-ridge linear')
    expect(wrapper.get('[data-testid="model-IC (mean per day)"]').text()).toBe('0.0425')
    expect(wrapper.get('[data-testid="model-IC (mean per day)"]').classes()).toContain('font-semibold')
    expect(wrapper.findAll('[data-testid="prediction-symbol"]').map((cell) => cell.text())).toEqual(['NVDA', 'JNJ', 'XLE'])
    expect(seen).toContain('GET /api/ml/predictions?model=demo-ridge')
    expect(wrapper.get('[data-testid="importance"]').text()).toContain('dist_sma_20')
    wrapper.unmount()
  })

  it('promotes a version for a book and shows the server refusing a bad book id', async () => {
    mockApi()
    const wrapper = await mountPage()
    await flushPromises()

    await wrapper.get('[data-testid="book-input"]').setValue('a b')
    await wrapper.get('[data-testid="models"] button').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="promote-message"]').text()).toContain('book id')

    await wrapper.get('[data-testid="book-input"]').setValue('core-us')
    await wrapper.get('[data-testid="models"] button').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="promote-message"]').text()).toBe('demo-ridge v3 is in production for core-us')
    expect(wrapper.get('[data-testid="models"]').text()).toContain('production: core-us')
    wrapper.unmount()
  })
})

describe('model view helpers', () => {
  it('marks where the model beats the baseline', () => {
    const rows = signalRows({ ic: 0.04, days: 10 }, { ic: 0.01, days: 10 })
    expect(rows[0]).toMatchObject({ label: 'IC (mean per day)', model: 0.04, baseline: 0.01, better: true })
    expect(rows.find((r) => r.label === 'Days')?.better).toBeNull()
    expect(backtestRows({ sharpe_ratio: 0.2 }, { sharpe_ratio: 0.5 }).find((r) => r.label === 'Sharpe')?.better).toBe(false)
  })

  it('averages IC over a trailing window, skipping missing days', () => {
    const points = [1, null, 2, 3, 4].map((value, i) => ({ date: `2025-01-0${i + 1}`, value }))
    expect(rollingMean(points, 2)).toEqual([
      { time: '2025-01-03', value: 1.5 },
      { time: '2025-01-04', value: 2.5 },
      { time: '2025-01-05', value: 3.5 },
    ])
  })

  it('scales importance bars to the largest and keeps the top ones', () => {
    const bars = importanceBars([{ feature: 'a', importance: 1 }, { feature: 'b', importance: 4 }, { feature: 'c', importance: 2 }], 2)
    expect(bars.map((b) => [b.feature, b.width])).toEqual([['b', 100], ['c', 50]])
  })
})
