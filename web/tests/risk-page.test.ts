// The Risk page against an API mocked at the fetch level: a book's report drawn part by part,
// the kill switch asking for a reason and confirmation, and the API's refusals shown.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { KillSwitch, RiskReport } from '@/api/risk'
import RiskPage from '@/pages/RiskPage.vue'

const report: RiskReport = {
  book: 'holdings',
  as_of: '2025-12-31',
  equity: 1_000_000,
  gross: 0.95,
  net: 0.95,
  state: 'reducing',
  holdings: [
    { symbol: 'SPY', weight: 0.35, value: 350_000, volatility: 0.16, beta: 1, marginal: 0.1, component: 0.035, share: 0.5, cluster: 1 },
    { symbol: 'BTC', weight: 0.05, value: 50_000, volatility: 0.6, beta: 0.3, marginal: 0.2, component: 0.01, share: 0.14, cluster: 2 },
  ],
  exposures: [
    { kind: 'group', name: 'largest_etfs', long: 0.9, short: 0, gross: 0.9, net: 0.9, symbols: ['SPY'] },
    { kind: 'group', name: 'crypto', long: 0.05, short: 0, gross: 0.05, net: 0.05, symbols: ['BTC'] },
    { kind: 'asset_class', name: 'etf', long: 0.9, short: 0, gross: 0.9, net: 0.9, symbols: ['SPY'] },
  ],
  var: [
    { method: 'historical', label: 'historical', confidence: 0.95, horizon: 1, var: 0.0151, cvar: 0.022, var_amount: 15_100, cvar_amount: 22_000, observations: 504 },
    { method: 'parametric_normal', label: 'parametric (normal)', confidence: 0.95, horizon: 1, var: 0.0149, cvar: 0.0187, var_amount: 14_900, cvar_amount: 18_700, observations: 504 },
    { method: 'cornish_fisher', label: 'Cornish-Fisher', confidence: 0.95, horizon: 1, var: 0.0157, cvar: 0.023, var_amount: 15_700, cvar_amount: 23_000, observations: 504 },
    {
      method: 'monte_carlo',
      label: 'Monte Carlo (bootstrap, 1,000 paths, seed 0)',
      confidence: 0.95,
      horizon: 1,
      var: 0.0163,
      cvar: 0.0241,
      var_amount: 16_300,
      cvar_amount: 24_100,
      observations: 1000,
      model: 'bootstrap',
      seed: 0,
    },
  ],
  scenarios: [
    {
      scenario: 'gfc',
      title: 'Global financial crisis, full bear',
      method: 'replay',
      why: 'the store holds the window 2007-10-09 .. 2009-03-09',
      pnl: -181_250,
      pnl_pct: -0.18125,
      worst_symbol: 'SPY',
      worst_pnl: -198_800,
      holdings: [
        { symbol: 'SPY', scenario_return: -0.568, pnl: -198_800 },
        { symbol: 'BTC', scenario_return: 0.351, pnl: 17_550 },
      ],
    },
    {
      scenario: 'rates_up_200bp',
      title: 'Rates +200 bp',
      method: 'factor',
      why: 'hypothetical scenario',
      pnl: 12_000,
      pnl_pct: 0.012,
      worst_symbol: 'BTC',
      worst_pnl: -10_000,
      holdings: [],
    },
    { scenario: 'mine', title: 'Oil spike', method: 'unavailable', why: 'unknown symbol XLE', pnl: null, pnl_pct: null, worst_symbol: null, worst_pnl: null, holdings: [] },
  ],
  correlation: { symbols: ['SPY', 'BTC'], matrix: [[1, 0.2], [0.2, 1]], clusters: [['SPY'], ['BTC']], window: 126 },
  limits: [
    { kind: 'position_weight', subject: 'SPY', value: 0.35, cap: 0.25, usage: 1.4, breached: true },
    { kind: 'group_exposure', subject: 'crypto', value: 0.05, cap: 0.2, usage: 0.25, breached: false },
    { kind: 'gross_leverage', subject: 'book', value: 0.95, cap: 1, usage: 0.95, breached: false },
  ],
  transitions: [{ at: '2025-12-30', previous: 'active', current: 'reducing', reason: 'position_weight SPY 35.00% > cap 25.00%', limit: 'position_weight' }],
  volatility: { book: 0.12, target: null, realised: null },
  notes: ['loss limits measured on the current book replayed over its history'],
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mockApi(overrides: Record<string, (body: Record<string, unknown>) => Response> = {}) {
  const switches: KillSwitch[] = []
  const requests: { route: string; body: Record<string, unknown> }[] = []
  const routes: Record<string, (body: Record<string, unknown>) => Response> = {
    'GET /api/backtests/runs': () => json(200, { items: [], total: 0, offset: 0, limit: 100 }),
    'GET /api/risk/policy': () => json(200, { policy: { max_drawdown: 0.2 }, limits: ['drawdown'] }),
    'GET /api/risk/state': () => {
      const engaged = switches.find((s) => s.engaged)
      return json(200, { book: 'default', state: engaged ? 'halted' : 'active', halted_by: engaged?.scope ?? null, reason: engaged?.reason ?? null })
    },
    'GET /api/risk/kill-switches': () => json(200, switches),
    'POST /api/risk/kill-switches': (body) => {
      const made = { ...(body as unknown as KillSwitch), changed_at: '2025-12-31T12:00:00Z' }
      const index = switches.findIndex((s) => s.scope === made.scope)
      if (index >= 0) switches.splice(index, 1)
      switches.push(made)
      return json(200, made)
    },
    'POST /api/risk/report': () => json(200, report),
    ...overrides,
  }
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    const body = request.method === 'POST' ? ((await request.clone().json()) as Record<string, unknown>) : {}
    requests.push({ route, body })
    const handler = routes[route]
    return handler ? handler(body) : json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return { bodiesOf: (route: string) => requests.filter((r) => r.route === route).map((r) => r.body) }
}

async function mountPage(): Promise<VueWrapper> {
  const wrapper = mount(RiskPage, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => setActivePinia(createPinia()))

describe('RiskPage', () => {
  it('measures the typed holdings and draws every part of the report', async () => {
    const api = mockApi()
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()

    expect(api.bodiesOf('POST /api/risk/report')).toEqual([
      {
        confidence: 0.95,
        horizon: 1,
        equity: 1_000_000,
        lookback: 504,
        monte_carlo: { model: 'bootstrap', paths: 1000, seed: 0 },
        scenarios: true,
        holdings: { SPY: 0.35, QQQ: 0.25, TLT: 0.2, GLD: 0.1, BTC: 0.05 },
        policy: null,
      },
    ])
    const methods = wrapper.findAll('[data-testid="var-table"] tbody tr').map((row) => row.find('th').text())
    expect(methods).toEqual(['historical', 'parametric (normal)', 'Cornish-Fisher', 'Monte Carlo (bootstrap, 1,000 paths, seed 0)'])
    expect(wrapper.get('[data-testid="var-table"] tr[data-method="monte_carlo"] td').text()).toBe('1.63%')
    expect(wrapper.get('[data-testid="var-table"] tbody tr td').text()).toBe('1.51%')
    expect(wrapper.findAll('[data-testid="exposure-group"] [data-testid="exposure-bar"]')).toHaveLength(2)
    const gauges = wrapper.findAll('[data-testid="limit-gauge"]')
    expect(gauges.map((g) => g.attributes('data-severity'))).toEqual(['breach', 'ok', 'warn'])
    expect(wrapper.findAll('[data-testid="correlation-heatmap"] td').map((td) => td.text())).toEqual(['1.00', '0.20', '0.20', '1.00'])
    expect(wrapper.get('[data-testid="trading-state"]').attributes('data-state')).toBe('reducing')
    expect(wrapper.get('[data-testid="risk-events"]').text()).toContain('position_weight SPY 35.00% > cap 25.00%')
  })

  it('shows each scenario with its P&L, worst holding and method, and the unavailable ones with why', async () => {
    mockApi()
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()

    const rows = wrapper.findAll('[data-testid="scenario-table"] tbody tr')
    expect(rows.map((row) => row.attributes('data-method'))).toEqual(['replay', 'factor', 'unavailable'])
    const gfc = rows[0]!.findAll('td').map((td) => td.text())
    expect(rows[0]!.get('th').text()).toBe('Global financial crisis, full bear')
    expect(gfc).toEqual(['replay', '-181,250', '-18.13%', 'SPY -198,800', 'the store holds the window 2007-10-09 .. 2009-03-09'])
    expect(rows[1]!.findAll('td')[1]!.classes()).toContain('text-emerald-700')
    expect(rows[2]!.findAll('td').map((td) => td.text())).toEqual(['unavailable', '—', '—', '—', 'unknown symbol XLE'])
  })

  it('sends the chosen Monte Carlo model, paths and seed, or none, and checks them first', async () => {
    const api = mockApi()
    const wrapper = await mountPage()

    await wrapper.get('#risk-mc-model').setValue('gbm')
    await wrapper.get('#risk-mc-paths').setValue(50)
    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()
    expect(api.bodiesOf('POST /api/risk/report')).toEqual([])
    expect(wrapper.text()).toContain('Monte Carlo paths: a whole number from 100 to 10,000')

    await wrapper.get('#risk-mc-paths').setValue(2000)
    await wrapper.get('#risk-mc-seed').setValue(7)
    await wrapper.get('[data-testid="scenarios-on"]').setValue(false)
    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()
    await wrapper.get('[data-testid="monte-carlo-on"]').setValue(false)
    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()

    const sent = api.bodiesOf('POST /api/risk/report').map((body) => [body.monte_carlo, body.scenarios])
    expect(sent).toEqual([
      [{ model: 'gbm', paths: 2000, seed: 7 }, false],
      [null, false],
    ])
  })

  it('engages the kill switch only after a reason and a confirmation, then shows the halt', async () => {
    const api = mockApi()
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="kill-switch-global"] button').trigger('click')
    expect(wrapper.get('[data-testid="kill-switch-confirm"]').text()).toContain('Halt every book?')
    await wrapper.get('[data-testid="kill-switch-confirm"] button').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/risk/kill-switches')).toEqual([])
    expect(wrapper.get('[data-testid="kill-switch-confirm"]').text()).toContain('Say why')

    await wrapper.get('#kill-switch-reason').setValue('exchange outage')
    await wrapper.get('[data-testid="kill-switch-confirm"] button').trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/risk/kill-switches')).toEqual([{ scope: '*', engaged: true, reason: 'exchange outage', changed_by: 'web' }])
    expect(wrapper.find('[data-testid="kill-switch-confirm"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="kill-switch-global"]').attributes('data-engaged')).toBe('true')
    expect(wrapper.get('[data-testid="trading-state"]').attributes('data-state')).toBe('halted')
    expect(wrapper.get('[data-testid="halted-by"]').text()).toContain('exchange outage')
  })

  it('shows what the API refused, field by field', async () => {
    mockApi({
      'POST /api/risk/report': () =>
        json(422, { error: { code: 'invalid_request', message: 'the request is not valid', details: [{ loc: ['body', 'policy', 'max_drawdown'], msg: 'max_drawdown: Input should be less than 1' }] } }),
    })
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="custom-policy"]').setValue(true)
    await flushPromises()
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toContain('"max_drawdown": 0.2')
    await wrapper.get('textarea').setValue('{"max_drawdown": 2}')
    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()

    expect(wrapper.get('[role="alert"]').text()).toBe('the request is not valid: max_drawdown: Input should be less than 1')
  })

  it('refuses a policy that is not JSON before calling the API', async () => {
    const api = mockApi()
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="custom-policy"]').setValue(true)
    await wrapper.get('textarea').setValue('max_drawdown = 0.2')
    await wrapper.get('[data-testid="risk-form"]').trigger('submit')
    await flushPromises()

    expect(api.bodiesOf('POST /api/risk/report')).toEqual([])
    expect(wrapper.text()).toContain('The policy must be a JSON object')
  })
})
