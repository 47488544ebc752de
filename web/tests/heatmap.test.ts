import { describe, expect, it } from 'vitest'
import { sweepGrid, suggestValues } from '@/components/strategies/sweep'
import { cellColour, scaleOf } from '@/lib/heatmap'

describe('monthly heatmap colour scale', () => {
  it('scales by the largest absolute value, ignoring gaps', () => {
    expect(scaleOf([0.01, -0.04, null, 0.02, undefined, Number.NaN])).toBe(0.04)
    expect(scaleOf([null])).toBe(0)
  })

  it('colours gains green and losses red, strongest at the extreme, with white text there', () => {
    expect(cellColour(0.04, 0.04)).toEqual({ background: 'rgba(16, 185, 129, 0.85)', color: '#ffffff' })
    expect(cellColour(-0.04, 0.04)).toEqual({ background: 'rgba(239, 68, 68, 0.85)', color: '#ffffff' })
    expect(cellColour(0.01, 0.04)).toEqual({ background: 'rgba(16, 185, 129, 0.273)' })
  })

  it('grows with |value| and stays within its range beyond the scale', () => {
    const alpha = (value: number) => Number(/([\d.]+)\)$/.exec(cellColour(value, 0.1).background)?.[1])
    expect(alpha(0.02)).toBeLessThan(alpha(0.05))
    expect(alpha(-0.02)).toBe(alpha(0.02))
    expect(alpha(0.5)).toBe(0.85)
  })

  it('leaves missing months blank and a flat month grey', () => {
    expect(cellColour(null, 0.1)).toEqual({ background: 'transparent' })
    expect(cellColour(0, 0.1).background).toBe('rgba(148, 163, 184, 0.12)')
  })
})

describe('sweep grid', () => {
  it('lays rows out by the two parameters, blank for a skipped combination', () => {
    const rows = [
      { fast: 10, slow: 50, sharpe_ratio: 0.5 },
      { fast: 20, slow: 50, sharpe_ratio: null },
      { fast: 10, slow: 100, sharpe_ratio: 0.7 },
    ]

    expect(sweepGrid(rows, 'fast', 'slow', 'sharpe_ratio')).toEqual({ xs: [10, 20], ys: [50, 100], cells: [[0.5, null], [0.7, null]] })
  })

  it('suggests values around the default within the bounds', () => {
    expect(suggestValues({ kind: 'number', name: 'fast', label: 'Fast', optional: false, integer: true, min: 1 }, 20)).toEqual([10, 20, 30, 40])
    expect(suggestValues({ kind: 'number', name: 'g', label: 'G', optional: false, integer: false, exclusiveMin: 0, max: 1 }, 1)).toEqual([0.5, 1])
  })
})
