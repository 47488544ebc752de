/** A parameter sweep's grid: values to suggest for a parameter, and its rows as a heatmap. */
import type { NumberField } from './schemaForm'

export const SWEEP_METRICS = ['sharpe_ratio', 'total_return', 'annual_return', 'max_drawdown', 'calmar_ratio', 'sortino_ratio']

/** Four values around the default, kept within the field's bounds. */
export function suggestValues(field: NumberField, fallback: number): number[] {
  const base = Number.isFinite(fallback) && fallback !== 0 ? fallback : field.integer ? 10 : 1
  const raw = [0.5, 1, 1.5, 2].map((factor) => base * factor)
  const fitted = raw
    .map((value) => (field.integer ? Math.round(value) : Number(value.toPrecision(3))))
    .filter((value) => (field.min === undefined || value >= field.min) && (field.max === undefined || value <= field.max))
    .filter((value) => (field.exclusiveMin === undefined || value > field.exclusiveMin) && (field.exclusiveMax === undefined || value < field.exclusiveMax))
  return [...new Set(fitted)]
}

export function parseValues(text: string, integer: boolean): number[] | null {
  const values = text.split(/[\s,]+/).filter(Boolean).map(Number)
  if (!values.length || values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) return null
  return [...new Set(values)]
}

export interface SweepGrid {
  xs: number[]
  ys: (number | null)[]
  /** cells[y][x]: the metric, null for a combination that was skipped or undefined. */
  cells: (number | null)[][]
}

type Row = Record<string, string | number | boolean | null>

/** Lay sweep rows out by x (columns) and y (rows; one row when there is no y). */
export function sweepGrid(rows: Row[], x: string, y: string | null, metric: string): SweepGrid {
  const xs = [...new Set(rows.map((row) => Number(row[x])))].sort((a, b) => a - b)
  const ys = y === null ? [null] : [...new Set(rows.map((row) => Number(row[y])))].sort((a, b) => a - b)
  const cells = ys.map((yValue) =>
    xs.map((xValue) => {
      const row = rows.find((r) => Number(r[x]) === xValue && (y === null || Number(r[y]) === yValue))
      const value = row?.[metric]
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    }),
  )
  return { xs, ys, cells }
}
