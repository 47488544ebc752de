import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ExitsFieldset from '@/components/strategies/ExitsFieldset.vue'
import InterventionsPanel from '@/components/strategies/InterventionsPanel.vue'
import { emptyExits, exitLabel, exitsRequest, interventionCounts, type InterventionOut } from '@/components/strategies/exits'

const row = (fields: Partial<InterventionOut>): InterventionOut => ({
  ts: '2024-03-01',
  symbol: 'SPY',
  action: 'resized',
  code: 'position_weight',
  requested: 120,
  allowed: 95,
  state: 'active',
  reason: 'buy of 120 SPY resized to 95 by the position_weight cap',
  ...fields,
})

describe('exits form helpers', () => {
  it('sends nothing when no exit is set', () => {
    expect(exitsRequest(emptyExits())).toEqual({ exits: null, errors: {} })
  })

  it('turns percents into fractions and ATR legs into multiples', () => {
    const values = emptyExits()
    values.stopLoss = { value: 5, unit: 'percent' }
    values.trailingStop = { value: 2.5, unit: 'atr' }
    values.timeExit = 20
    values.bothTouched = 'target'
    expect(exitsRequest(values)).toEqual({
      exits: { stop_loss: 0.05, trailing_stop_atr: 2.5, time_exit: 20, atr_window: 14, both_touched: 'target' },
      errors: {},
    })
  })

  it('names each bad field', () => {
    const values = emptyExits()
    values.stopLoss = { value: 120, unit: 'percent' }
    values.takeProfit = { value: -1, unit: 'atr' }
    values.timeExit = 1.5
    expect(exitsRequest(values).errors).toEqual({
      stop_loss: 'Stop loss must be below 100%',
      take_profit: 'Take profit must be above 0',
      time_exit: 'Time exit is a whole number of bars, at least 1',
    })
    expect(exitsRequest(values).exits).toBeNull()
  })

  it('labels exit reasons for the trades table', () => {
    expect(['stop_loss', 'trailing_stop', null].map(exitLabel)).toEqual(['stop loss', 'trailing stop', ''])
  })
})

describe('exits fieldset', () => {
  it('edits the bound values and shows field errors', async () => {
    const values = emptyExits()
    const wrapper = mount(ExitsFieldset, { props: { modelValue: values, errors: { stop_loss: 'Stop loss must be above 0' } } })
    await wrapper.get('[data-testid="exit-stop_loss"]').setValue('4')
    await wrapper.get('[data-testid="exit-time"]').setValue('10')
    expect(values.stopLoss.value).toBe(4)
    expect(values.timeExit).toBe(10)
    expect(wrapper.text()).toContain('Stop loss must be above 0')
  })
})

describe('risk interventions panel', () => {
  it('counts interventions per action and lists each reason', () => {
    const rows = [row({}), row({ action: 'tripped', code: 'drawdown', reason: 'drawdown 21% > cap 20%: tripped, the book is halted' }), row({})]
    expect(interventionCounts(rows)).toEqual([
      { action: 'resized', count: 2 },
      { action: 'tripped', count: 1 },
    ])
    const wrapper = mount(InterventionsPanel, { props: { rows, total: 7 } })
    expect(wrapper.findAll('[data-testid="intervention-row"]')).toHaveLength(3)
    expect(wrapper.get('[data-testid="intervention-counts"]').text()).toContain('resized 2')
    expect(wrapper.text()).toContain('the book is halted')
    expect(wrapper.text()).toContain('shown of 7')
  })

  it('says so when the policy never stepped in', () => {
    const wrapper = mount(InterventionsPanel, { props: { rows: [], total: 0 } })
    expect(wrapper.text()).toContain('never had to step in')
  })
})
