// The walk-forward page sends the optional risk policy, exits and sizing, and shows the API's
// refusal of one of them by its field (the rest of a refusal on the page's problem line).
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import WalkForwardPage from '@/pages/WalkForwardPage.vue'
import { routes } from '@/router'
import { json, crossover } from './fixtures'

/** The API at the fetch level: `answer` is the walk-forward POST's reply; returns the bodies sent. */
function mockApi(answer: () => Response): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    if (route === 'GET /api/backtests/strategies') return json(200, [crossover])
    if (route === 'GET /api/risk/policy') return json(200, { policy: { max_drawdown: 0.2 } })
    if (route === 'POST /api/backtests/walk-forwards') {
      bodies.push((await request.clone().json()) as Record<string, unknown>)
      return answer()
    }
    return json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return bodies
}

const accepted = () => json(202, { run_id: 'wf-1', status: 'queued', progress: 0 })
const refused = (details: unknown[]) => () => json(422, { error: { code: 'invalid_request', message: 'The request is not valid.', details } })

async function mountPage(): Promise<VueWrapper> {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push('/walk-forward')
  const wrapper = mount(WalkForwardPage, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.get('[data-testid="walk-forward-form"]').trigger('submit')
  await flushPromises()
}

beforeEach(() => setActivePinia(createPinia()))

describe('WalkForwardPage risk controls', () => {
  it('sends the risk policy, exits and sizing', async () => {
    const bodies = mockApi(accepted)
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="risk-policy-toggle"]').setValue(true)
    await flushPromises()
    await wrapper.get('textarea[aria-label="Risk policy (JSON)"]').setValue('{"max_position_weight": 0.1}')
    await wrapper.get('[data-testid="exit-take_profit"]').setValue('10')
    await wrapper.get('[data-testid="exit-time"]').setValue('20')
    await wrapper.get('[data-testid="sizing-method"]').setValue('equal_weight')

    await submit(wrapper)

    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toMatchObject({
      strategy: 'sma_crossover',
      grid: { fast: [10, 20, 30, 40], slow: [25, 50, 75, 100] },
      risk_policy: { max_position_weight: 0.1 },
      exits: { take_profit: 0.1, time_exit: 20, atr_window: 14, both_touched: 'stop' },
      sizing: { method: 'equal_weight', gross: 1 },
    })
  })

  it('sends none of them until they are set', async () => {
    const bodies = mockApi(accepted)
    const wrapper = await mountPage()

    await submit(wrapper)

    expect(bodies[0]).not.toHaveProperty('risk_policy')
    expect(bodies[0]).not.toHaveProperty('exits')
    expect(bodies[0]).not.toHaveProperty('sizing')
  })

  it('shows a 422 on a sizing setting at that setting until it is edited', async () => {
    mockApi(refused([{ loc: ['body', 'sizing', 'target'], msg: 'Value error, target: must be below 5' }]))
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="sizing-method"]').setValue('volatility_target')

    await submit(wrapper)

    expect(wrapper.get('[data-testid="error-sizing-target"]').text()).toBe('target: must be below 5')
    expect(wrapper.get('[data-testid="wf-problem"]').text()).toBe('Fix the fields marked in the form.')

    await wrapper.get('[data-testid="sizing-target"]').setValue('4')

    expect(wrapper.find('[data-testid="error-sizing-target"]').exists()).toBe(false)
  })

  it('shows a 422 on the policy at the policy, and one on the exits on the problem line', async () => {
    mockApi(
      refused([
        { loc: ['body', 'risk_policy'], msg: 'Value error, unknown limit max_leverage' },
        { loc: ['body', 'exits', 'stop_loss'], msg: 'Input should be less than 1' },
      ]),
    )
    const wrapper = await mountPage()

    await submit(wrapper)

    expect(wrapper.get('[data-testid="error-risk_policy"]').text()).toBe('unknown limit max_leverage')
    expect(wrapper.get('[data-testid="wf-problem"]').text()).toBe('Exits: Input should be less than 1. Fix the fields marked in the form.')
  })

  it('refuses a policy that is not JSON at the field without sending', async () => {
    const bodies = mockApi(accepted)
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="risk-policy-toggle"]').setValue(true)
    await flushPromises()
    await wrapper.get('textarea[aria-label="Risk policy (JSON)"]').setValue('[1, 2]')

    await submit(wrapper)

    expect(bodies).toHaveLength(0)
    expect(wrapper.get('[data-testid="error-risk_policy"]').text()).toContain('The policy must be a JSON object')
  })
})
