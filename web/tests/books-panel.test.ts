// The Reports page's Books panel against an API mocked at the fetch level: what a book runs
// under, versions with what changed, confirmed holdings, and the form that confirms a recommend
// book's holdings.
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import type { Book, BookVersion, Holdings } from '@/api/books'
import { createApiClient } from '@/api/client'
import BooksPanel from '@/components/reports/BooksPanel.vue'

const book: Book = {
  name: 'core',
  version: 2,
  saved_at: '2026-01-02T10:00:00Z',
  mode: 'recommend',
  capital: '20000',
  benchmark: 'SPY',
  symbols: ['SPY', 'QQQ'],
  strategies: ['sma_crossover'],
  risk_policy: 'default',
  risk_policy_table: null,
  sizing: null,
  description: '',
}
// as an approval writes a spec's book: its policy written out, its sizing table in full
const approved: Book = {
  ...book,
  name: 'ideas',
  mode: 'paper',
  risk_policy: null,
  risk_policy_table: { policy: { max_position_weight: 0.05, persistence: 1, group_caps: { crypto: 0.2 } }, limits: ['position_weight', 'group_exposure'], problem: null },
  sizing: { method: 'volatility_target', settings: { target: 0.02, lookback: 63 }, summary: 'volatility_target(target=0.02)', problem: null },
}
const versions: BookVersion[] = [
  { version: 2, saved_at: '2026-01-02T10:00:00Z', digest: 'b', mode: 'recommend', definition: {}, changed: ['capital'] },
  { version: 1, saved_at: '2026-01-01T10:00:00Z', digest: 'a', mode: 'recommend', definition: {}, changed: [] },
]
const confirmed: Holdings = { book: 'core', as_of: '2026-01-05', cash: '15000.5', positions: [{ symbol: 'SPY', quantity: '10', cost: '4125', average_cost: '412.5' }] }

function mockApi(holdings: Holdings | null, ...posts: { status: number; body: unknown }[]) {
  return mockBooks([book], holdings, ...posts)
}

function mockBooks(listed: Book[], holdings: Holdings | null, ...posts: { status: number; body: unknown }[]) {
  const posted: unknown[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
    if (route === 'GET /api/books') return json(listed)
    if (route === `GET /api/books/${listed[0]!.name}/versions`) return json(versions)
    if (route === `GET /api/books/${listed[0]!.name}/holdings`) return json(holdings)
    if (route === 'POST /api/books/core/holdings') {
      posted.push(await request.json())
      const answer = posts[posted.length - 1] ?? posts[posts.length - 1]!
      return json(answer.body, answer.status)
    }
    return json({ error: { code: 'not_found', message: route } }, 404)
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return posted
}

describe('BooksPanel', () => {
  it('lists the versions of a book with what changed and its confirmed holdings', async () => {
    mockApi(confirmed, { status: 201, body: confirmed })
    const wrapper = mount(BooksPanel)
    await flushPromises()
    await flushPromises()

    const listed = wrapper.findAll('[data-testid="book-version"]').map((v) => v.text())
    expect(listed[0]).toContain('v2')
    expect(listed[0]).toContain('changed capital')
    expect(listed[1]).toContain('first version')
    expect(wrapper.get('[data-testid="book-holdings"]').text()).toContain('cash 15000.5, SPY 10 @ 412.5')
    expect((wrapper.get('[data-testid="holdings-cash"]').element as HTMLInputElement).value).toBe('15000.5')
  })

  it('shows what a book runs under: its named policy, and no sizing of its own', async () => {
    mockApi(null)
    const wrapper = mount(BooksPanel)
    await flushPromises()

    expect(wrapper.get('[data-testid="book-policy"]').text()).toBe('default (the shipped policy)')
    expect(wrapper.get('[data-testid="book-sizing"]').text()).toBe('none: each strategy keeps its own sizes')
  })

  it("shows an approved book's written-out policy with its limits, and its sizing", async () => {
    mockBooks([approved], null)
    const wrapper = mount(BooksPanel)
    await flushPromises()

    expect(wrapper.get('[data-testid="book-policy"]').text()).toBe(
      'written out in the book: max_position_weight 0.05, persistence 1, group_caps { crypto 0.2 } (limits: position weight, group exposure)',
    )
    expect(wrapper.get('[data-testid="book-sizing"]').text()).toBe('volatility_target(target=0.02)')
    expect(wrapper.get('[data-testid="book-risk"]').classes()).not.toContain('text-red-700')
  })

  it('shows a sizing table that does not validate in red, with why', async () => {
    const bad = { ...approved, sizing: { method: 'fixed_risk', settings: {}, summary: null, problem: 'sizing: risk: fixed_risk needs risk' } }
    mockBooks([bad], null)
    const wrapper = mount(BooksPanel)
    await flushPromises()

    expect(wrapper.get('[data-testid="book-sizing"]').text()).toBe('fixed_risk, but it does not validate: sizing: risk: fixed_risk needs risk')
    expect(wrapper.get('[data-testid="book-risk"]').classes()).toContain('text-red-700')
  })

  it('confirms holdings through the form and shows a 422 in words', async () => {
    const refused = { error: { code: 'invalid_input', message: 'positions[0].symbol: TSLA is not a symbol of book' } }
    const posted = mockApi(null, { status: 201, body: { ...confirmed, as_of: '2026-01-06' } }, { status: 422, body: refused })
    const wrapper = mount(BooksPanel)
    await flushPromises()
    await flushPromises()

    await wrapper.get('[data-testid="holdings-cash"]').setValue('15000.50')
    await wrapper.get('[aria-label="SPY quantity"]').setValue('10')
    await wrapper.get('[aria-label="SPY average cost"]').setValue('412.5')
    await wrapper.get('[data-testid="holdings-form"]').trigger('submit')
    await flushPromises()

    expect(posted.slice(0, 1)).toEqual([
      { cash: '15000.50', as_of: null, positions: [{ symbol: 'SPY', quantity: '10', average_cost: '412.5' }], confirmed_by: 'web' },
    ])
    expect(wrapper.get('[data-testid="holdings-note"]').text()).toContain('Confirmed as of 2026-01-06')

    await wrapper.get('[data-testid="holdings-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="books-error"]').text()).toContain('TSLA is not a symbol of book')
  })
})
