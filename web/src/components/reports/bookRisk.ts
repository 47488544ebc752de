/**
 * What a book's strategies run under, in words: its risk policy (named, or written out in the
 * book with the limits it sets) and its sizing table, as `GET /api/books` lists them. A table
 * that does not validate is shown with why: the daily cycle refuses such a book.
 */
import type { Book } from '@/api/books'

export function policyLine(book: Book): string {
  if (book.risk_policy) return book.risk_policy === 'default' ? 'default (the shipped policy)' : book.risk_policy
  const table = book.risk_policy_table
  if (!table) return 'none'
  if (table.problem) return `written out in the book, but it does not validate: ${table.problem}`
  const limits = table.limits.map((limit) => limit.replace(/_/g, ' ')).join(', ')
  return `written out in the book: ${settings(table.policy)} (limits: ${limits || 'none'})`
}

export function sizingLine(book: Book): string {
  const sizing = book.sizing
  if (!sizing) return 'none: each strategy keeps its own sizes'
  return sizing.summary ?? `${sizing.method}, but it does not validate: ${sizing.problem}`
}

/** Whether the policy or sizing table does not validate (the cycle refuses the book). */
export function hasRiskProblem(book: Book): boolean {
  return Boolean(book.risk_policy_table?.problem || book.sizing?.problem)
}

function settings(table: Record<string, unknown>): string {
  return Object.entries(table)
    .map(([key, value]) => `${key} ${shown(value)}`)
    .join(', ')
}

function shown(value: unknown): string {
  return value !== null && typeof value === 'object' ? `{ ${settings(value as Record<string, unknown>)} }` : String(value)
}
