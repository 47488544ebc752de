// The run form's Sizing fieldset: the request's `sizing` for a chosen method, and a 422 at its field.
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import type { RunRequest } from '@/api/backtests'
import StrategyForm from '@/components/strategies/StrategyForm.vue'
import { SIZING_METHODS, emptySizing, initialSettings, sizingRequest } from '@/components/strategies/sizing'
import { fieldErrors } from '@/lib/errors'
import { crossover } from './fixtures'

describe('sizing form helpers', () => {
  it('offers the seven methods of the risk layer', () => {
    expect(SIZING_METHODS.map((m) => m.method)).toEqual([
      'equal_weight',
      'fixed_fractional',
      'fixed_risk',
      'volatility_target',
      'inverse_volatility',
      'risk_parity',
      'kelly',
    ])
  })

  it('sends nothing without a method', () => {
    expect(sizingRequest(emptySizing())).toEqual({ sizing: null, errors: {} })
  })

  it('sends the method’s settings as fractions, the lookback only where returns matter', () => {
    const kelly = { ...emptySizing(), method: 'kelly' as const, settings: initialSettings('kelly') }
    const equal = { ...emptySizing(), method: 'equal_weight' as const, settings: { gross: 150 }, maxWeight: 40 }

    expect(sizingRequest(kelly).sizing).toEqual({ method: 'kelly', fraction: 0.5, cap: 0.25, lookback: 63 })
    expect(sizingRequest(equal).sizing).toEqual({ method: 'equal_weight', gross: 1.5, max_weight: 0.4 })
  })

  it('names each bad setting by its request key', () => {
    const values = { ...emptySizing(), method: 'fixed_risk' as const, settings: { risk: 100 }, maxWeight: 0 }
    const missing = { ...emptySizing(), method: 'volatility_target' as const, settings: {}, lookback: 1 }

    expect(sizingRequest(values)).toEqual({
      sizing: null,
      errors: { 'sizing.risk': 'Risk must be below 100%', 'sizing.max_weight': 'Max weight must be above 0% and at most 100%' },
    })
    expect(sizingRequest(missing).errors).toEqual({
      'sizing.target': 'Target volatility is required',
      'sizing.lookback': 'Lookback is a whole number of bars, at least 2',
    })
  })

  it('keys a 422 on a sizing setting by that setting', () => {
    const caught = new ApiError('The request is not valid.', 422, 'invalid_request', [
      { loc: ['body', 'sizing', 'target'], msg: 'target: volatility_target needs target' },
      { loc: ['body', 'sizing'], msg: 'Input should be a valid dictionary' },
    ])
    expect(fieldErrors(caught)).toEqual({
      'sizing.target': 'target: volatility_target needs target',
      sizing: 'Input should be a valid dictionary',
    })
  })
})

describe('StrategyForm sizing', () => {
  beforeEach(() => setActivePinia(createPinia()))

  function form(serverErrors: Record<string, string> = {}) {
    return mount(StrategyForm, {
      props: { strategies: [crossover], defaults: { start: '2024-01-02', end: '2024-12-31' }, busy: false, serverErrors },
    })
  }

  function submitted(wrapper: ReturnType<typeof form>): RunRequest[] {
    return (wrapper.emitted('submit') ?? []).map(([request]) => request as RunRequest)
  }

  it('sends no sizing until a method is chosen', async () => {
    const wrapper = form()
    await wrapper.get('form').trigger('submit')

    expect(submitted(wrapper)).toHaveLength(1)
    expect(submitted(wrapper)[0]).not.toHaveProperty('sizing')
  })

  it('sends the chosen method with its defaults and the edited settings', async () => {
    const wrapper = form()
    await wrapper.get('[data-testid="sizing-method"]').setValue('volatility_target')
    expect((wrapper.get('[data-testid="sizing-target"]').element as HTMLInputElement).value).toBe('10')

    await wrapper.get('[data-testid="sizing-target"]').setValue('12')
    await wrapper.get('[data-testid="sizing-lookback"]').setValue('21')
    await wrapper.get('[data-testid="sizing-max_weight"]').setValue('30')
    await wrapper.get('form').trigger('submit')

    expect(submitted(wrapper)[0]?.sizing).toEqual({ method: 'volatility_target', target: 0.12, lookback: 21, max_weight: 0.3 })
  })

  it('starts a new method from its own defaults', async () => {
    const wrapper = form()
    await wrapper.get('[data-testid="sizing-method"]').setValue('fixed_fractional')
    await wrapper.get('[data-testid="sizing-method"]').setValue('kelly')
    await wrapper.get('form').trigger('submit')

    expect(submitted(wrapper)[0]?.sizing).toEqual({ method: 'kelly', fraction: 0.5, cap: 0.25, lookback: 63 })
    expect(wrapper.find('[data-testid="sizing-gross"]').exists()).toBe(false)
  })

  it('refuses a bad setting by its field without sending', async () => {
    const wrapper = form()
    await wrapper.get('[data-testid="sizing-method"]').setValue('fixed_risk')
    await wrapper.get('[data-testid="sizing-risk"]').setValue('0')
    await wrapper.get('form').trigger('submit')

    expect(submitted(wrapper)).toHaveLength(0)
    expect(wrapper.get('[data-testid="error-sizing-risk"]').text()).toBe('Risk must be above 0%')
  })

  it('shows the API’s 422 at the setting it names and drops it when the setting changes', async () => {
    const wrapper = form()
    await wrapper.get('[data-testid="sizing-method"]').setValue('volatility_target')
    await wrapper.setProps({ serverErrors: { 'sizing.target': 'target: must be below 5', 'sizing.method': 'unknown method' } })

    expect(wrapper.get('[data-testid="error-sizing-target"]').text()).toBe('target: must be below 5')
    expect(wrapper.get('[data-testid="error-sizing.method"]').text()).toBe('unknown method')

    await wrapper.get('[data-testid="sizing-target"]').setValue('4')

    expect(wrapper.find('[data-testid="error-sizing-target"]').exists()).toBe(false)
    expect(wrapper.emitted('edited')).toBeTruthy()
  })
})
