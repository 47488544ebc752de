import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { AlertItem } from '@/api/monitor'
import AlertsPanel from '@/components/monitor/AlertsPanel.vue'

const alert = (fields: Partial<AlertItem> = {}): AlertItem => ({
  alert_id: 'stale_data:market_data.ohlcv',
  rule: 'stale_data',
  subject: 'market_data.ohlcv',
  severity: 'critical',
  state: 'firing',
  message: 'newest row of market_data.ohlcv is 7.5 days old (2026-02-27)',
  first_seen: '2026-03-06T12:00:00Z',
  last_seen: '2026-03-06T13:00:00Z',
  resolved_at: null,
  notified_state: 'firing',
  delivery_error: null,
  ...fields,
})

describe('AlertsPanel', () => {
  it('counts firing alerts and lists each with its rule, subject and delivery', () => {
    const wrapper = mount(AlertsPanel, {
      props: {
        alerts: [alert(), alert({ alert_id: 'halted_book:book:growth', rule: 'halted_book', subject: 'book:growth', notified_state: null, delivery_error: 'webhook: webhook answered HTTP 503' })],
        showResolved: false,
      },
    })

    expect(wrapper.get('[data-testid="alerts-firing"]').text()).toBe('2 firing')
    const rows = wrapper.findAll('[data-testid="alert-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('7.5 days old')
    expect(rows[0]!.text()).toContain('delivered')
    expect(rows[1]!.text()).toContain('not delivered: webhook: webhook answered HTTP 503')
  })

  it('says all clear with nothing firing and asks for resolved alerts through the checkbox', async () => {
    const wrapper = mount(AlertsPanel, { props: { alerts: [], showResolved: false } })

    await wrapper.get('[data-testid="alerts-show-resolved"]').setValue(true)

    expect(wrapper.get('[data-testid="alerts-firing"]').text()).toBe('all clear')
    expect(wrapper.get('[data-testid="alerts-empty"]').text()).toContain('No alerts firing')
    expect(wrapper.emitted('update:showResolved')).toEqual([[true]])
  })

  it('marks resolved alerts as resolved, not by severity', () => {
    const wrapper = mount(AlertsPanel, {
      props: { alerts: [alert({ state: 'resolved', resolved_at: '2026-03-06T14:00:00Z', notified_state: 'resolved' })], showResolved: true },
    })

    expect(wrapper.get('[data-testid="alert-row"]').attributes('data-state')).toBe('resolved')
    expect(wrapper.text()).toContain('resolved')
    expect(wrapper.get('[data-testid="alerts-firing"]').text()).toBe('all clear')
  })
})
