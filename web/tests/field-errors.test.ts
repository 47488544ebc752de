// A 422's field problems go next to the fields of the run form and leave when the field changes.
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import StrategyForm from '@/components/strategies/StrategyForm.vue'
import { fieldErrors } from '@/lib/errors'
import { crossover } from './fixtures'

function unprocessable(details: unknown[]): ApiError {
  return new ApiError('The request is not valid.', 422, 'invalid_request', details)
}

describe('fieldErrors', () => {
  it('keys each problem by the form field it names', () => {
    const found = fieldErrors(
      unprocessable([
        { loc: ['body', 'params'], msg: 'Value error, fast (300) must be shorter than slow (50)' },
        { loc: ['body', 'params', 'fast'], msg: 'Input should be greater than 0' },
        { loc: ['body', 'symbols'], msg: 'List should have at least 1 item' },
        { loc: ['body', 'commission_bps'], msg: 'Input should be greater than or equal to 0' },
        { loc: ['body', 'end'], msg: 'Input should be a valid date' },
        { loc: ['body'], msg: 'Value error, end is before start' },
      ]),
    )

    expect(found).toEqual({
      params: 'fast (300) must be shorter than slow (50)',
      fast: 'Input should be greater than 0',
      symbols: 'List should have at least 1 item',
      commission: 'Input should be greater than or equal to 0',
      dates: 'Input should be a valid date',
      form: 'end is before start',
    })
  })

  it('puts an unknown @group, named by its position in the list, by the symbols', () => {
    const found = fieldErrors(
      unprocessable([{ loc: ['body', 'symbols', 1], msg: "unknown group 'nope'; valid groups: crypto" }]),
    )

    expect(found).toEqual({ symbols: "unknown group 'nope'; valid groups: crypto" })
  })

  it('joins two problems of one field and ignores other failures', () => {
    const two = unprocessable([
      { loc: ['body', 'cash'], msg: 'first' },
      { loc: ['body', 'cash'], msg: 'second' },
    ])
    expect(fieldErrors(two)).toEqual({ cash: 'first; second' })
    expect(fieldErrors(new ApiError('down', 503))).toEqual({})
    expect(fieldErrors(new Error('boom'))).toEqual({})
  })
})

describe('StrategyForm with server errors', () => {
  beforeEach(() => setActivePinia(createPinia()))

  function form(serverErrors: Record<string, string> = {}) {
    return mount(StrategyForm, {
      props: { strategies: [crossover], defaults: { start: '2024-01-02', end: '2024-12-31' }, busy: false, serverErrors },
    })
  }

  it('shows a parameter check by the parameters and clears it when a parameter changes', async () => {
    const wrapper = form()
    await wrapper.setProps({ serverErrors: { params: 'fast (300) must be shorter than slow (50)', symbols: 'no bars for ZZZ' } })

    expect(wrapper.get('[data-testid="error-params"]').text()).toBe('fast (300) must be shorter than slow (50)')
    expect(wrapper.get('[data-testid="error-symbols"]').text()).toBe('no bars for ZZZ')

    await wrapper.get('#param-fast').setValue('10')

    expect(wrapper.find('[data-testid="error-params"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="error-symbols"]').exists()).toBe(true)
    expect(wrapper.emitted('edited')).toBeTruthy()
  })

  it('sends an @group as the API reads it and says what it means', async () => {
    const wrapper = form()
    await wrapper.get('#symbols').setValue('@crypto, spy')
    await wrapper.get('form').trigger('submit')

    expect(wrapper.emitted('submit')?.[0]?.[0]).toMatchObject({ symbols: ['@CRYPTO', 'SPY'] })
    expect(wrapper.get('#symbols-help').text()).toContain('@crypto')
  })

  it('clears a field’s own error when that field changes', async () => {
    const wrapper = form()
    await wrapper.setProps({ serverErrors: { commission: 'Input should be greater than or equal to 0' } })
    expect(wrapper.get('[data-testid="error-commission"]').text()).toContain('greater than or equal to 0')

    await wrapper.get('#commission').setValue('3')

    expect(wrapper.find('[data-testid="error-commission"]').exists()).toBe(false)
  })
})
