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
