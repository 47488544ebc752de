/**
 * The run form's risk controls (policy, exits, sizing) as request fields. The backtest form, the
 * sweep and the walk-forward all send them, so all read them here: one parser, one set of errors.
 */
import type { RunRequest } from '@/api/backtests'
import { parsePolicy } from '@/components/risk/risk'
import { exitsRequest, type ExitValues } from './exits'
import { methodSpec, sizingRequest, type SizingValues } from './sizing'

/** The risk controls as a form holds them. */
export interface RiskInputs {
  withPolicy: boolean
  policyText: string
  exitValues: ExitValues
  sizingValues: SizingValues
}

/** The request fields they become; a field is absent when the form leaves it unset. */
export type RiskFields = Pick<RunRequest, 'risk_policy' | 'exits' | 'sizing'>

/** The request fields, or the problems keyed as the form's fields (`risk_policy`, `stop_loss`, `sizing.<setting>`). */
export function riskFields(inputs: RiskInputs): { fields: RiskFields; errors: Record<string, string> } {
  const policy = inputs.withPolicy ? parsePolicy(inputs.policyText) : null
  const exits = exitsRequest(inputs.exitValues)
  const sizing = sizingRequest(inputs.sizingValues)
  const errors: Record<string, string> = { ...exits.errors, ...sizing.errors }
  if (typeof policy === 'string') errors.risk_policy = policy
  if (Object.keys(errors).length) return { fields: {}, errors }
  return {
    fields: {
      ...(policy && typeof policy === 'object' ? { risk_policy: policy } : {}),
      ...(exits.exits ? { exits: exits.exits } : {}),
      ...(sizing.sizing ? { sizing: sizing.sizing } : {}),
    },
    errors,
  }
}

function group(key: string): string {
  if (key === 'risk_policy') return 'Risk policy'
  return key === 'sizing' || key.startsWith('sizing.') ? 'Sizing' : 'Exits'
}

/** The problems as one sentence naming each field's group, or null when there are none. */
export function riskProblem(errors: Record<string, string>): string | null {
  const parts = Object.entries(errors).map(([key, message]) => `${group(key)}: ${message}`)
  return parts.length ? `Fix the form first. ${parts.join('; ')}.` : null
}

const EXIT_NAMES: Record<string, string> = {
  stop_loss: 'stop loss',
  take_profit: 'take profit',
  trailing_stop: 'trailing stop',
  time_exit: 'time exit',
}

/** What a run is under in a few words, e.g. "risk policy · sizing: Kelly · exits: stop loss"; '' for none. */
export function riskSummary(fields: RiskFields): string {
  const parts: string[] = []
  if (fields.risk_policy) parts.push('risk policy')
  if (fields.sizing) parts.push(`sizing: ${methodSpec(fields.sizing.method as SizingValues['method'])?.label ?? String(fields.sizing.method)}`)
  const exits = Object.keys(fields.exits ?? {})
    .map((key) => EXIT_NAMES[key.replace(/_atr$/, '')])
    .filter(Boolean)
  if (exits.length) parts.push(`exits: ${exits.join(', ')}`)
  return parts.join(' · ')
}
