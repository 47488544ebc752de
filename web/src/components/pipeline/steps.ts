/** A pipeline run's steps as the page lists them: name, status, counts, note, warnings, errors. */
import type { IngestRun } from '@/api/pipeline'

export interface RunStep {
  name: string
  status: string
  written: number
  quarantined: number
  failed: number
  note: string
  warnings: string[]
  errors: string[]
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
  if (value === null || value === undefined || value === '') return []
  return [typeof value === 'string' ? value : JSON.stringify(value)]
}

/** The run's steps in the order the pipeline stored them, each with its own failures. */
export function stepsOf(run: IngestRun): RunStep[] {
  return Object.entries(run.steps).map(([name, raw]) => {
    const step = (raw ?? {}) as Record<string, unknown>
    return {
      name,
      status: typeof step.status === 'string' ? step.status : 'unknown',
      written: numberOf(step.written),
      quarantined: numberOf(step.quarantined),
      failed: numberOf(step.failed),
      note: typeof step.note === 'string' ? step.note : '',
      warnings: textsOf(step.warnings),
      errors: textsOf(run.errors[name]),
    }
  })
}

/** Warnings and errors of a whole run, for its one-line summary. */
export function problemsOf(run: IngestRun): { warnings: number; errors: number } {
  const steps = stepsOf(run)
  const unattached = Object.keys(run.errors).filter((name) => !(name in run.steps)).length
  return {
    warnings: steps.reduce((sum, step) => sum + step.warnings.length, 0),
    errors: steps.reduce((sum, step) => sum + step.errors.length, 0) + unattached,
  }
}

export const STATUS_TONE: Record<string, string> = {
  success: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300',
  partial: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-300',
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-300',
}
