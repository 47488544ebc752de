// The Orders & Positions page against an API mocked at the fetch level: status drawn, an order
// sent and its refusal shown, the kill switch asking for a reason and a confirmation.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { Approval, TradeOrder, TradingStatus } from '@/api/trading'
import OrdersPage from '@/pages/OrdersPage.vue'

const working: TradeOrder = {
  client_order_id: 'c-1', book: 'core', broker: 'paper', symbol: 'TLT', side: 'buy', quantity: '5',
  order_type: 'limit', time_in_force: 'gtc', limit_price: '80', stop_price: null, status: 'accepted',
  filled_quantity: '0', average_fill_price: null, reason: '', created_at: '2026-03-02T14:30:00Z', updated_at: '2026-03-02T14:30:00Z',
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mockApi() {
  const state: TradingStatus = {
    open_orders: [working],
    recent_orders: [],
    positions: [{ book: 'core', broker: 'paper', symbol: 'SPY', quantity: '10' }],
    fills: [{
      fill_id: 'f-1', order_id: 'c-0', book: 'core', symbol: 'SPY', side: 'buy', quantity: '10.000000000000',
      price: '510.250000000000', commission: '0.000000000000', at: '2026-03-02T14:30:05.123456Z',
    }],
    health: [{ broker: 'paper', healthy: true, reason: '' }],
    halted: [],
  }
  let pending: Approval[] = [
    { book: 'income', session: '2026-03-02', symbol: 'SPY', side: 'buy', quantity: '3', price: '510.25', client_order_id: 'a-spy' },
    { book: 'income', session: '2026-03-02', symbol: 'TLT', side: 'sell', quantity: '4', price: '88.1', client_order_id: 'a-tlt' },
  ]
  const requests: { route: string; body: Record<string, unknown> }[] = []
  const routes: Record<string, (body: Record<string, unknown>) => Response> = {
    'GET /api/trading/status': () => json(200, state),
    'GET /api/trading/approvals': () => json(200, pending),
    'POST /api/trading/orders/c-1/replace': (body) =>
      body.quantity === '0'
        ? json(422, { error: { code: 'invalid_request', message: 'the request is not valid', details: [{ loc: ['body'], msg: 'quantity must be positive, not 0' }] } })
        : json(200, { ...working, client_order_id: 'c-3', quantity: String(body.quantity ?? working.quantity), limit_price: String(body.limit_price) }),
    'POST /api/trading/approvals': (body) => {
      const symbols = body.symbols as string[]
      pending = pending.filter((a) => !symbols.includes(a.symbol))
      return json(200, symbols.map((symbol) => ({ ...working, client_order_id: `a-${symbol}`, symbol, book: 'income', order_type: 'market', status: 'filled' })))
    },
    'POST /api/trading/orders': (body) =>
      json(200, { ...working, client_order_id: 'c-2', symbol: String(body.symbol), quantity: String(body.quantity), order_type: 'market',
        status: 'rejected', reason: 'risk: unknown_symbol: NOPE is not tradable' }),
    'POST /api/trading/halt': () => {
      state.halted = ['*']
      state.open_orders = []
      return json(200, { scope: '*', cancelled: 1 })
    },
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
  const wrapper = mount(OrdersPage, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => setActivePinia(createPinia()))

describe('OrdersPage', () => {
  it('shows open orders, positions and broker health', async () => {
    mockApi()
    const wrapper = await mountPage()
    expect(wrapper.get('[data-testid="open-orders"]').text()).toContain('buy 5 TLT')
    expect(wrapper.get('[data-testid="positions"]').text()).toContain('SPY')
    expect(wrapper.get('[data-testid="broker-health"]').text()).toContain('paper: healthy')
    // a fill in exact decimals without their padding, at its UTC second
    expect(wrapper.get('[data-testid="fills"]').text()).toBe('2026-03-02 14:30:05 UTC buy 10 SPY @ 510.25')
    expect(wrapper.get('[data-testid="halt-state"]').attributes('data-halted')).toBe('false')
  })

  it('sends an order and shows why it was refused', async () => {
    const api = mockApi()
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="ticket-symbol"]').setValue('nope')
    await wrapper.get('[data-testid="ticket-quantity"]').setValue('3')
    await wrapper.get('[data-testid="order-ticket"]').trigger('submit')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/orders')).toEqual([{ symbol: 'NOPE', side: 'buy', quantity: '3', book: 'core', order_type: 'market', time_in_force: 'day' }])
    expect(wrapper.get('[data-testid="trading-message"]').text()).toContain('rejected (risk: unknown_symbol')
  })

  it('approves the chosen recommendations after a confirmation', async () => {
    const api = mockApi()
    const wrapper = await mountPage()
    expect(wrapper.findAll('[data-testid="approval"]').map((row) => row.text())).toEqual([
      expect.stringContaining('buy 3 SPY'),
      expect.stringContaining('sell 4 TLT'),
    ])
    await wrapper.get('input[aria-label="approve sell 4 TLT"]').setValue(false)
    vi.spyOn(window, 'confirm').mockReturnValueOnce(false)
    await wrapper.get('[data-testid="approve"]').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/approvals')).toEqual([])
    vi.spyOn(window, 'confirm').mockReturnValueOnce(true)
    await wrapper.get('[data-testid="approve"]').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/approvals')).toEqual([{ book: 'income', session: '2026-03-02', symbols: ['SPY'] }])
    expect(wrapper.get('[data-testid="trading-message"]').text()).toContain('buy 5 SPY: filled')
    expect(wrapper.findAll('[data-testid="approval"]').map((row) => row.text())).toEqual([expect.stringContaining('sell 4 TLT')])
  })

  it('amends a working order and shows a refusal', async () => {
    const api = mockApi()
    const wrapper = await mountPage()
    vi.spyOn(window, 'prompt').mockReturnValueOnce('').mockReturnValueOnce('81.5')
    await wrapper.get('[data-testid="amend"]').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/orders/c-1/replace')).toEqual([{ limit_price: '81.5' }])
    expect(wrapper.get('[data-testid="trading-message"]').text()).toContain('Replaced by buy 5 TLT: accepted')
    vi.spyOn(window, 'prompt').mockReturnValueOnce('0').mockReturnValueOnce('')
    await wrapper.get('[data-testid="amend"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="trading-error"]').text()).toContain('the request is not valid: quantity must be positive, not 0')
  })

  it('halts only with a reason and a confirmation', async () => {
    const api = mockApi()
    const wrapper = await mountPage()
    vi.spyOn(window, 'prompt').mockReturnValueOnce('')
    await wrapper.get('[data-testid="kill-switch"]').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/halt')).toEqual([])
    vi.spyOn(window, 'prompt').mockReturnValueOnce('exchange outage')
    vi.spyOn(window, 'confirm').mockReturnValueOnce(true)
    await wrapper.get('[data-testid="kill-switch"]').trigger('click')
    await flushPromises()
    expect(api.bodiesOf('POST /api/trading/halt')).toEqual([{ scope: '*', reason: 'exchange outage', by: 'web' }])
    expect(wrapper.get('[data-testid="halt-state"]').attributes('data-halted')).toBe('true')
    expect(wrapper.get('[data-testid="open-orders"]').text()).toBe('')
  })
})
