// A parameter sweep runs under the form's risk policy, exits and sizing, and so does the backtest
// a sweep cell opens; a policy that does not parse stops the sweep with the field named.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { SweepDetail } from '@/api/backtests'
import StrategiesPage from '@/pages/StrategiesPage.vue'
import { routes } from '@/router'
import { json, crossover } from './fixtures'

const sweep: SweepDetail = {
  sweep_id: 'sweep-1',
  status: 'done',
  progress: 1,
  metric: 'sharpe_ratio',
  parameters: ['fast', 'slow'],
  rows: [{ fast: 10, slow: 50, sharpe_ratio: 0.8 }],
  skipped: 0,
  warnings: [],
}

/** The API at the fetch level; returns the bodies POSTed per route. */
function mockApi(): Record<string, Record<string, unknown>[]> {
  const posted: Record<string, Record<string, unknown>[]> = {}
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    if (request.method === 'POST') (posted[route] ??= []).push((await request.clone().json()) as Record<string, unknown>)
    if (route === 'GET /api/backtests/strategies') return json(200, [crossover])
    if (route === 'GET /api/backtests/runs') return json(200, { items: [], total: 0, offset: 0, limit: 100 })
    if (route === 'GET /api/risk/policy') return json(200, { policy: { max_drawdown: 0.2 } })
    if (route === 'POST /api/backtests/sweeps') return json(202, { ...sweep, status: 'queued', progress: 0 })
    if (route === 'GET /api/backtests/sweeps/sweep-1') return json(200, sweep)
    if (route === 'POST /api/backtests/runs') return json(202, { run_id: 'run-1', status: 'queued' })
    return json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return posted
}

async function mountPage(): Promise<VueWrapper> {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push('/strategies')
  const wrapper = mount(StrategiesPage, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

function runSweepButton(wrapper: VueWrapper) {
  const button = wrapper.get('[data-testid="sweep-panel"]').findAll('button').find((b) => b.text() === 'Run sweep')
  if (!button) throw new Error('no Run sweep button')
  return button
}

async function setPolicy(wrapper: VueWrapper, text: string): Promise<void> {
  await wrapper.get('[data-testid="risk-policy-toggle"]').setValue(true)
  await flushPromises()
  await wrapper.get('textarea[aria-label="Risk policy (JSON)"]').setValue(text)
}

beforeEach(() => setActivePinia(createPinia()))

describe('StrategiesPage sweep', () => {
  it('sends the form’s risk policy, exits and sizing with the sweep and with the cell it opens', async () => {
    const posted = mockApi()
    const wrapper = await mountPage()
    await setPolicy(wrapper, '{"max_drawdown": 0.1}')
    await wrapper.get('[data-testid="exit-stop_loss"]').setValue('5')
    await wrapper.get('[data-testid="sizing-method"]').setValue('volatility_target')

    expect(wrapper.get('[data-testid="sweep-under"]').text()).toBe(
      "Runs under risk policy · sizing: Volatility target · exits: stop loss, as the form's backtest.",
    )
    await runSweepButton(wrapper).trigger('click')
    await flushPromises()

    const expected = {
      risk_policy: { max_drawdown: 0.1 },
      exits: { stop_loss: 0.05, atr_window: 14, both_touched: 'stop' },
      sizing: { method: 'volatility_target', target: 0.1, lookback: 63 },
    }
    expect(posted['POST /api/backtests/sweeps']).toHaveLength(1)
    expect(posted['POST /api/backtests/sweeps']![0]).toMatchObject({ strategy: 'sma_crossover', ...expected })
    expect(wrapper.get('[data-testid="sweep-heatmap"]').text()).toContain('under risk policy · sizing: Volatility target · exits: stop loss')

    await wrapper.get('[data-testid="sweep-cell"]').trigger('click')
    await flushPromises()

    expect(posted['POST /api/backtests/runs']![0]).toMatchObject({ params: { fast: 10, slow: 50 }, ...expected })
  })

  it('sends none of them while the form sets none', async () => {
    const posted = mockApi()
    const wrapper = await mountPage()

    expect(wrapper.find('[data-testid="sweep-under"]').exists()).toBe(false)
    await runSweepButton(wrapper).trigger('click')
    await flushPromises()

    const body = posted['POST /api/backtests/sweeps']![0]
    expect(body).not.toHaveProperty('risk_policy')
    expect(body).not.toHaveProperty('exits')
    expect(body).not.toHaveProperty('sizing')
  })

  it('does not start a sweep under a policy that is not JSON, and names the field', async () => {
    const posted = mockApi()
    const wrapper = await mountPage()
    await setPolicy(wrapper, '{"max_drawdown": ')

    await runSweepButton(wrapper).trigger('click')
    await flushPromises()

    expect(posted['POST /api/backtests/sweeps']).toBeUndefined()
    const alert = wrapper.get('[data-testid="sweep-panel"] [role="alert"]').text()
    expect(alert).toContain('Risk policy: The policy must be a JSON object')

    await wrapper.get('textarea[aria-label="Risk policy (JSON)"]').setValue('{"max_drawdown": 0.1}')

    expect(wrapper.find('[data-testid="sweep-panel"] [role="alert"]').exists()).toBe(false)
  })

  it('does not start a sweep under a bad sizing setting', async () => {
    const posted = mockApi()
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="sizing-method"]').setValue('fixed_risk')
    await wrapper.get('[data-testid="sizing-risk"]').setValue('0')

    await runSweepButton(wrapper).trigger('click')
    await flushPromises()

    expect(posted['POST /api/backtests/sweeps']).toBeUndefined()
    expect(wrapper.get('[data-testid="sweep-panel"] [role="alert"]').text()).toContain('Sizing: Risk must be above 0%')
  })
})
