import { describe, expect, it } from 'vitest'
import { sparkPath } from '@/components/strategyChat/sparkline'

describe('sparkPath', () => {
  it('scales the lowest value to the bottom and the highest to the top', () => {
    const path = sparkPath(
      [
        { day: '2024-01-01', value: 100 },
        { day: '2024-01-02', value: 150 },
        { day: '2024-01-03', value: 120 },
      ],
      200,
      50,
    )
    expect(path).toBe('M0.0,50.0L100.0,0.0L200.0,30.0')
  })

  it('draws nothing from fewer than two points', () => {
    expect(sparkPath([{ day: '2024-01-01', value: 1 }], 200, 50)).toBe('')
  })
})
