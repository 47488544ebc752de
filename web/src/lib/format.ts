/** Number and date formatting shared by the pages; `—` stands for a missing value. */
const DASH = '—'

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : Math.round(value).toLocaleString('en-US')
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH
  return `${(value * 100).toFixed(digits)}%`
}

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 })
}

/** "2024-01-31T00:00:00Z" or "2024-01-31" -> "2024-01-31". */
export function formatDay(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : DASH
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return DASH
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
}

/** An exact decimal as the API sends it, without trailing zeros: "2.000000000000" -> "2", "197.790150000000" -> "197.79015". */
export function decimalText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return DASH
  const text = String(value)
  return /^-?\d+\.\d*$/.test(text) ? text.replace(/\.?0+$/, '') : text
}

/** An ISO instant in UTC to the second: "2026-12-04T22:36:19.643893Z" -> "2026-12-04 22:36:19 UTC". */
export function formatUtcSecond(value: string | null | undefined): string {
  if (!value) return DASH
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** sharpe_ratio -> Sharpe ratio */
export function humanize(name: string): string {
  const text = name.replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A day `years` before `end` (ISO dates, UTC). */
export function yearsBefore(end: string, years: number): string {
  const date = new Date(`${end}T00:00:00Z`)
  date.setUTCFullYear(date.getUTCFullYear() - years)
  return date.toISOString().slice(0, 10)
}
