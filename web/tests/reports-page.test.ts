// The Reports page against an API mocked at the fetch level: the newest report opens rendered,
// and "Send again" shows what the server recorded.
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { DeliveryRecord, ReportSummary } from '@/api/reports'
import ReportsPage from '@/pages/ReportsPage.vue'

const reports: ReportSummary[] = [
  { report_id: 'sod:core:2025-12-31', kind: 'sod', book: 'core', session: '2025-12-31', created_at: '2026-01-01T12:00:00Z' },
  { report_id: 'eod:core:2025-12-30', kind: 'eod', book: 'core', session: '2025-12-30', created_at: '2025-12-30T22:00:00Z' },
]
const sent: DeliveryRecord = { attempt: 1, at: '2026-01-01T12:01:00Z', status: 'sent', recipients: ['me@example.com'], error: null }

function mockApi(): string[] {
  const seen: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${decodeURIComponent(new URL(request.url).pathname)}`
    seen.push(route)
    if (route === 'GET /api/reports') return new Response(JSON.stringify(reports), { headers: { 'Content-Type': 'application/json' } })
    if (route === 'GET /api/reports/sod:core:2025-12-31/html') {
      return new Response('<html><body><h1>Start of day: core</h1></body></html>', { headers: { 'Content-Type': 'text/html' } })
    }
    if (route === 'POST /api/reports/sod:core:2025-12-31/send') return new Response(JSON.stringify(sent), { headers: { 'Content-Type': 'application/json' } })
    return new Response(JSON.stringify({ error: { code: 'not_found', message: route } }), { status: 404, headers: { 'Content-Type': 'application/json' } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return seen
}

describe('ReportsPage', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('lists reports by date and book and opens the newest one rendered', async () => {
    mockApi()
    const wrapper = mount(ReportsPage, { attachTo: document.body })
    await flushPromises()
    await flushPromises()

    expect(wrapper.findAll('[data-testid="report"]').map((b) => b.text())).toEqual(['2025-12-31 · core · SOD', '2025-12-30 · core · EOD'])
    expect(wrapper.get('[data-testid="report-frame"]').attributes('srcdoc')).toContain('Start of day: core')
    wrapper.unmount()
  })

  it('sends a report again and says to whom', async () => {
    const seen = mockApi()
    const wrapper = mount(ReportsPage, { attachTo: document.body })
    await flushPromises()
    await flushPromises()

    await wrapper.get('[data-testid="report-send"]').trigger('click')
    await flushPromises()

    expect(seen).toContain('POST /api/reports/sod:core:2025-12-31/send')
    expect(wrapper.get('[data-testid="report-send-note"]').text()).toBe('Sent to me@example.com.')
    wrapper.unmount()
  })
})
