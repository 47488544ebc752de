// The strategy mode: a turn's card shows at once, and its stress table follows from its own request.
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { StrategyStress, StrategyTurn } from '@/api/strategyChat'
import StrategyChat from '@/components/strategyChat/StrategyChat.vue'

const turn: StrategyTurn = {
  conversation_id: 'c1',
  version: {
    number: 1,
    idea: 'buy SPY when RSI(14) falls below 30 and sell above 70',
    spec: {},
    spec_hash: 'a'.repeat(64),
    words: ['Buy SPY when RSI(14) < 30.'],
    diff: [],
    evidence: {
      metrics: { total_return: 0.1, sharpe_ratio: 0.5, max_drawdown: -0.2 },
      trades: 30,
      first_day: '2020-01-02',
      last_day: '2024-12-31',
      candidates: [],
      walk_forward: { folds: 6, sharpe_ratio: 0.3 },
      deflated_sharpe: { probability: 0.4 },
      monte_carlo: {},
      equity: [{ day: '2020-01-02', value: 1 }, { day: '2024-12-31', value: 1.1 }],
      drawdown: [{ day: '2020-01-02', value: 0 }, { day: '2024-12-31', value: 0 }],
      warnings: [],
      caveats: [],
      stress: [],
    },
    results_digest: 'b'.repeat(64),
    provider: 'offline',
    model: '',
    notes: [],
    reply: 'Walk-forward over 6 folds.',
  },
}
const stress: StrategyStress = {
  rows: [{ scenario: 'COVID crash', method: 'replay', total_return: -0.12, max_drawdown: -0.2 }],
  missing: '',
}

function mockApi(release: Promise<void>): string[] {
  const seen: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL((input as Request).url)
    seen.push(url.pathname)
    const isStress = url.pathname.endsWith('/stress')
    if (isStress) await release
    return new Response(JSON.stringify(isStress ? stress : turn), { status: 200, headers: { 'Content-Type': 'application/json' } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return seen
}

describe('StrategyChat', () => {
  it('shows the first result while the stress table is computed, then the table', async () => {
    let done = (): void => {}
    const seen = mockApi(new Promise<void>((resolve) => (done = resolve)))
    const wrapper = mount(StrategyChat)
    await wrapper.get('[data-testid="strategy-input"]').setValue(turn.version.idea)
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(wrapper.get('[data-testid="strategy-reply"]').text()).toContain('Walk-forward over 6 folds')
    expect(wrapper.get('[data-testid="stress-note"]').text()).toContain('computing')
    expect(seen).toEqual(['/api/strategy-chat/turns', '/api/strategy-chat/conversations/c1/versions/1/stress'])

    done()
    await flushPromises()
    expect(wrapper.find('[data-testid="stress-note"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="stress-row"]').map((r) => r.text())).toEqual([expect.stringContaining('COVID crash')])
  })
})
