/** A failed call as one sentence: the API's message, plus each field problem of a 422. */
import { ApiError } from '@/api/client'

interface FieldProblem {
  loc?: unknown[]
  msg?: unknown
}

export function errorMessage(caught: unknown): string {
  if (caught instanceof ApiError && Array.isArray(caught.details) && caught.details.length) {
    const problems = (caught.details as FieldProblem[])
      .map((problem) => (typeof problem?.msg === 'string' ? problem.msg : ''))
      .filter(Boolean)
    if (problems.length) return `${caught.message}: ${problems.join('; ')}`
  }
  return caught instanceof Error ? caught.message : String(caught)
}

/** Where a problem of the run form belongs: a form key for the field it names. */
const BODY_FIELDS: Record<string, string> = {
  strategy: 'strategy',
  symbols: 'symbols',
  start: 'dates',
  end: 'dates',
  cash: 'cash',
  commission_bps: 'commission',
  slippage_bps: 'slippage',
  adjustment: 'adjustment',
  benchmark: 'benchmark',
  risk_policy: 'risk_policy',
}

/** Pydantic's messages start with the error's kind ("Value error, ..."); a person wants the rest. */
function plainMessage(message: string): string {
  return message.replace(/^(Value|Assertion) error, /, '')
}

/** A strategy parameter by its name, a sizing setting as `sizing.<setting>`, else by `fields`. */
function fieldKey(loc: string[], fields: Record<string, string>): string {
  if (loc[0] === 'params') return loc[1] ?? 'params'
  if (loc[0] === 'sizing') return loc[1] ? `sizing.${loc[1]}` : 'sizing'
  return fields[loc[0] ?? ''] ?? 'form'
}

/**
 * The field problems of a 422, keyed as the run form names its fields: a strategy parameter by
 * its name, a check over several parameters as `params`, a sizing setting as `sizing.<setting>`
 * (the method's whole table as `sizing`), anything else about the request as
 * `form`. Empty for any other failure. Another form passes its own `fields` (body field -> form key).
 */
export function fieldErrors(caught: unknown, fields: Record<string, string> = BODY_FIELDS): Record<string, string> {
  if (!(caught instanceof ApiError) || caught.status !== 422 || !Array.isArray(caught.details)) return {}
  const found: Record<string, string> = {}
  for (const problem of caught.details as FieldProblem[]) {
    if (typeof problem?.msg !== 'string') continue
    const loc = (Array.isArray(problem.loc) ? problem.loc : []).filter((part) => part !== 'body').map(String)
    const key = fieldKey(loc, fields)
    const message = plainMessage(problem.msg)
    found[key] = found[key] ? `${found[key]}; ${message}` : message
  }
  return found
}
