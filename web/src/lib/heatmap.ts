/**
 * The colour scale of the heatmaps (monthly returns, parameter sweeps): diverging around zero,
 * red below and green above, its strength proportional to |value| over the largest |value|.
 */
// A type alias, not an interface, so that Vue's :style accepts it.
export type CellColour = {
  background: string
  color?: string
}

const POSITIVE = '16, 185, 129'
const NEGATIVE = '239, 68, 68'
const MIN_ALPHA = 0.08
const MAX_ALPHA = 0.85
/** Above this opacity the cell is dark enough to need white text. */
const WHITE_TEXT_FROM = 0.55

/** The largest |value| among `values`, ignoring nulls; 0 when there is none. */
export function scaleOf(values: (number | null | undefined)[]): number {
  return values.reduce<number>((max, v) => (v === null || v === undefined || !Number.isFinite(v) ? max : Math.max(max, Math.abs(v))), 0)
}

export function cellColour(value: number | null | undefined, scale: number): CellColour {
  if (value === null || value === undefined || !Number.isFinite(value)) return { background: 'transparent' }
  if (value === 0 || scale <= 0) return { background: 'rgba(148, 163, 184, 0.12)' }
  const strength = Math.min(Math.abs(value) / scale, 1)
  const alpha = Number((MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * strength).toFixed(3))
  const rgb = value > 0 ? POSITIVE : NEGATIVE
  return { background: `rgba(${rgb}, ${alpha})`, ...(alpha >= WHITE_TEXT_FROM ? { color: '#ffffff' } : {}) }
}
