// The monitor's card of missed and failed scheduled runs, against an API mocked at the fetch level.
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { RunIssues } from '@/api/runIssues'
import RunIssuesCard from '@/components/monitor/RunIssuesCard.vue'

function mockApi(body: RunIssues, status = 200): string[] {
  const seen: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL((input as Request).url)
    seen.push(`${url.pathname}?${url.searchParams}`)
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return seen
}

describe('RunIssuesCard', () => {
  it('lists each missed or failed run with its day, job, book and detail', async () => {
    const seen = mockApi({
      start: '2024-01-05',
      end: '2024-01-11',
      issues: [
        { job: 'pipeline', book: null, day: '2024-01-10', status: 'failed', detail: 'daily run r10 failed: market_data: HTTP 503' },
        { job: 'sod', book: 'core', day: '2024-01-10', status: 'missed', detail: 'no SOD report of core for 2024-01-10' },
      ],
    })
    const wrapper = mount(RunIssuesCard)
    await flushPromises()

    expect(seen).toEqual(['/api/monitor/run-issues?days=7'])
    expect(wrapper.get('[data-testid="run-issues-count"]').text()).toBe('2 missed or failed')
    const rows = wrapper.findAll('[data-testid="run-issue"]').map((r) => r.text())
    expect(rows[0]).toContain('2024-01-10 · pipeline')
    expect(rows[0]).toContain('HTTP 503')
    expect(rows[1]).toContain('2024-01-10 · sod · core')
  })

  it('says all ran when nothing was missed', async () => {
    mockApi({ start: '2024-01-05', end: '2024-01-11', issues: [] })
    const wrapper = mount(RunIssuesCard)
    await flushPromises()

    expect(wrapper.get('[data-testid="run-issues-count"]').text()).toBe('all ran')
    expect(wrapper.text()).toContain('from 2024-01-05 to 2024-01-11: nothing missed or failed')
  })
})
