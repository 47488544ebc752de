import type { components } from '@/api/schema'

export type ExitsIn = components['schemas']['ExitsIn']
export type InterventionOut = components['schemas']['InterventionOut']

/** One exit leg as typed in the form: a number and its unit (percent of entry, or ATRs). */
export interface ExitLeg {
  value: number | null
  unit: 'percent' | 'atr'
}

export interface ExitValues {
  stopLoss: ExitLeg
  takeProfit: ExitLeg
  trailingStop: ExitLeg
  timeExit: number | null
  atrWindow: number
  bothTouched: 'stop' | 'target'
}

export function emptyExits(): ExitValues {
  return {
    stopLoss: { value: null, unit: 'percent' },
    takeProfit: { value: null, unit: 'percent' },
    trailingStop: { value: null, unit: 'percent' },
    timeExit: null,
    atrWindow: 14,
    bothTouched: 'stop',
  }
}

type LegName = 'stop_loss' | 'take_profit' | 'trailing_stop'
const LEGS: [LegName, keyof ExitValues, string][] = [
  ['stop_loss', 'stopLoss', 'Stop loss'],
  ['take_profit', 'takeProfit', 'Take profit'],
  ['trailing_stop', 'trailingStop', 'Trailing stop'],
]

/**
 * The request's `exits` from the form: null when nothing is set, else the API's fields
 * (percent becomes a fraction of the entry price). Problems come back per field.
 */
export function exitsRequest(values: ExitValues): { exits: ExitsIn | null; errors: Record<string, string> } {
  const exits: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const [name, key, label] of LEGS) {
    const leg = values[key] as ExitLeg
    if (leg.value === null || Number.isNaN(leg.value)) continue
    if (!(leg.value > 0)) errors[name] = `${label} must be above 0`
    else if (leg.unit === 'percent' && name !== 'take_profit' && leg.value >= 100) errors[name] = `${label} must be below 100%`
    else exits[leg.unit === 'atr' ? `${name}_atr` : name] = leg.unit === 'atr' ? leg.value : leg.value / 100
  }
  if (values.timeExit !== null && !Number.isNaN(values.timeExit)) {
    if (!Number.isInteger(values.timeExit) || values.timeExit < 1) errors.time_exit = 'Time exit is a whole number of bars, at least 1'
    else exits.time_exit = values.timeExit
  }
  if (!Object.keys(exits).length || Object.keys(errors).length) return { exits: null, errors }
  if (!Number.isInteger(values.atrWindow) || values.atrWindow < 1) return { exits: null, errors: { atr_window: 'ATR window is at least 1 bar' } }
  return { exits: { ...exits, atr_window: values.atrWindow, both_touched: values.bothTouched } as ExitsIn, errors }
}

/** Counts of a run's interventions per action, in a fixed order, for the panel's summary. */
export function interventionCounts(rows: InterventionOut[]): { action: string; count: number }[] {
  const order = ['resized', 'refused', 'cancelled', 'tripped', 'cleared']
  return order.map((action) => ({ action, count: rows.filter((r) => r.action === action).length })).filter((c) => c.count > 0)
}

/** Tailwind classes of an intervention's badge: amber for resizes, red for refusals and trips. */
export function actionTone(action: string): string {
  if (action === 'resized') return 'bg-amber-100 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200'
  if (action === 'cleared') return 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200'
  return 'bg-red-100 text-red-900 dark:bg-red-950/50 dark:text-red-200'
}

/** A trade's exit reason in words ('' for signal exits and open trades). */
export function exitLabel(reason: string | null | undefined): string {
  const labels: Record<string, string> = {
    stop_loss: 'stop loss',
    take_profit: 'take profit',
    trailing_stop: 'trailing stop',
    time_exit: 'time exit',
    signal: 'signal',
  }
  return reason ? (labels[reason] ?? reason) : ''
}
