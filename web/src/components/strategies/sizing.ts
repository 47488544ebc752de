/**
 * The run form's sizing: a method of `tetra.risk.sizing` and the settings it reads, as the
 * API's `sizing` mapping (see `SizingPolicy`). Settings are typed in percent and sent as
 * fractions; a setting the chosen method does not read is never sent (the API refuses it).
 */
import type { RunRequest } from '@/api/backtests'

export type SizingIn = NonNullable<RunRequest['sizing']>
export type SizingMethod =
  | 'equal_weight'
  | 'fixed_fractional'
  | 'fixed_risk'
  | 'volatility_target'
  | 'inverse_volatility'
  | 'risk_parity'
  | 'kelly'
export type SettingName = 'gross' | 'fraction' | 'risk' | 'target' | 'cap'

/** One method setting as the form shows it: a percent within (0, max] (below max when `below`). */
export interface SettingSpec {
  name: SettingName
  label: string
  initial: number
  max: number
  below?: boolean
  hint: string
}

export interface MethodSpec {
  method: SizingMethod
  label: string
  settings: SettingSpec[]
  /** Whether the method reads past returns, so the lookback matters. */
  readsReturns: boolean
  hint: string
}

const GROSS: SettingSpec = { name: 'gross', label: 'Gross', initial: 100, max: 1000, hint: 'summed |weight| of the entries' }

export const SIZING_METHODS: MethodSpec[] = [
  { method: 'equal_weight', label: 'Equal weight', settings: [GROSS], readsReturns: false, hint: 'Split the gross equally among the signalled symbols.' },
  {
    method: 'fixed_fractional',
    label: 'Fixed fraction',
    settings: [{ name: 'fraction', label: 'Fraction', initial: 10, max: 100, hint: 'of equity per position' }],
    readsReturns: false,
    hint: 'Put a fixed share of equity in each signalled symbol.',
  },
  {
    method: 'fixed_risk',
    label: 'Fixed risk to the stop',
    settings: [{ name: 'risk', label: 'Risk', initial: 1, max: 100, below: true, hint: 'of equity lost at the stop' }],
    readsReturns: false,
    hint: "Size so a fill at the stop loses this share of equity: needs the strategy's stops or a stop loss under Exits.",
  },
  {
    method: 'volatility_target',
    label: 'Volatility target',
    settings: [{ name: 'target', label: 'Target volatility', initial: 10, max: 200, hint: 'annualised, per position' }],
    readsReturns: true,
    hint: "Weight each position by the target over the symbol's annualised volatility.",
  },
  { method: 'inverse_volatility', label: 'Inverse volatility', settings: [GROSS], readsReturns: true, hint: 'Weights proportional to 1 / volatility, summing to the gross.' },
  { method: 'risk_parity', label: 'Risk parity', settings: [GROSS], readsReturns: true, hint: 'Equal risk contributions, summing to the gross.' },
  {
    method: 'kelly',
    label: 'Capped Kelly',
    settings: [
      { name: 'fraction', label: 'Kelly fraction', initial: 50, max: 100, hint: 'of the full Kelly weights' },
      { name: 'cap', label: 'Cap', initial: 25, max: 100, hint: 'per position' },
    ],
    readsReturns: true,
    hint: 'A fraction of the Kelly weights from past returns, each capped.',
  },
]

/** The form's sizing: a method (or none), its settings in percent, the lookback and a weight cap. */
export interface SizingValues {
  method: SizingMethod | 'none'
  settings: Partial<Record<SettingName, number | null>>
  lookback: number
  maxWeight: number | null
}

export function emptySizing(): SizingValues {
  return { method: 'none', settings: {}, lookback: 63, maxWeight: null }
}

export function methodSpec(method: SizingValues['method']): MethodSpec | undefined {
  return SIZING_METHODS.find((spec) => spec.method === method)
}

/** The chosen method's settings at their defaults: a new method starts from sensible values. */
export function initialSettings(method: SizingValues['method']): SizingValues['settings'] {
  const settings = methodSpec(method)?.settings ?? []
  return Object.fromEntries(settings.map((s) => [s.name, s.initial])) as SizingValues['settings']
}

/** Error keys follow the API's 422 locations (`sizing.<setting>`), so both land by the same field. */
export function sizingKey(name: string): string {
  return `sizing.${name}`
}

/** An emptied number input reads as '' through `v-model.number`, not null: both are blank. */
function blank(value: unknown): value is null | undefined | '' {
  return typeof value !== 'number' || Number.isNaN(value)
}

function percentProblem(spec: SettingSpec, value: number | null | undefined): string | null {
  if (blank(value)) return `${spec.label} is required`
  if (!(value > 0)) return `${spec.label} must be above 0%`
  if (spec.below ? value >= spec.max : value > spec.max) return `${spec.label} must be ${spec.below ? 'below' : 'at most'} ${spec.max}%`
  return null
}

/**
 * The request's `sizing` from the form: null for none, else the method with the settings it
 * reads as fractions, the lookback where returns matter and the optional weight cap. Problems
 * come back per field.
 */
export function sizingRequest(values: SizingValues): { sizing: SizingIn | null; errors: Record<string, string> } {
  const spec = methodSpec(values.method)
  if (!spec) return { sizing: null, errors: {} }
  const sizing: Record<string, unknown> = { method: spec.method }
  const errors: Record<string, string> = {}
  for (const setting of spec.settings) {
    const value = values.settings[setting.name]
    const problem = percentProblem(setting, value)
    if (problem) errors[sizingKey(setting.name)] = problem
    else sizing[setting.name] = Number(value) / 100
  }
  if (spec.readsReturns) {
    if (!Number.isInteger(values.lookback) || values.lookback < 2) errors[sizingKey('lookback')] = 'Lookback is a whole number of bars, at least 2'
    else sizing.lookback = values.lookback
  }
  if (!blank(values.maxWeight)) {
    if (!(values.maxWeight > 0) || values.maxWeight > 100) errors[sizingKey('max_weight')] = 'Max weight must be above 0% and at most 100%'
    else sizing.max_weight = values.maxWeight / 100
  }
  return Object.keys(errors).length ? { sizing: null, errors } : { sizing: sizing as SizingIn, errors }
}
