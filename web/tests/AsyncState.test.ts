import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import AsyncState from '@/components/AsyncState.vue'

const mountState = (props: Record<string, unknown>) =>
  mount(AsyncState, { props: { loading: false, ...props }, slots: { default: '<p>the data</p>' } })

describe('AsyncState', () => {
  it('shows a skeleton while loading', () => {
    const wrapper = mountState({ loading: true, error: 'stale error', skeletonRows: 3 })

    expect(wrapper.find('[data-state="loading"]').attributes('aria-busy')).toBe('true')
    expect(wrapper.findAll('.animate-pulse')).toHaveLength(3)
    expect(wrapper.text()).not.toContain('stale error')
  })

  it('shows the error and asks for a retry', async () => {
    const wrapper = mountState({ error: 'The API is not reachable.' })

    await wrapper.get('button').trigger('click')

    expect(wrapper.get('[role="alert"]').text()).toContain('The API is not reachable.')
    expect(wrapper.emitted('retry')).toHaveLength(1)
  })

  it('shows the empty message when there is nothing', () => {
    const wrapper = mountState({ empty: true, emptyMessage: 'No bars stored.' })

    expect(wrapper.get('[data-state="empty"]').text()).toBe('No bars stored.')
  })

  it('shows the content once loaded', () => {
    expect(mountState({}).get('[data-state="ready"]').text()).toBe('the data')
  })
})
