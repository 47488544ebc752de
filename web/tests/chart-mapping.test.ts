import { describe, expect, it } from 'vitest'
import {
  DARK_PALETTE,
  LIGHT_PALETTE,
  overlayColor,
  toCandles,
  toChartTime,
  toLinePoints,
  toMarkers,
  toVolumes,
  type Bar,
} from '@/components/chart/mapping'

const bar = (time: Bar['time'], open: number, close: number, volume?: number): Bar => ({
  time,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  ...(volume === undefined ? {} : { volume }),
})

describe('toChartTime', () => {
  it('keeps an ISO date as a business day', () => {
    expect(toChartTime('2024-01-31')).toBe('2024-01-31')
  })

  it('turns an ISO date-time into UTC epoch seconds', () => {
    expect(toChartTime('2024-01-31T14:30:00Z')).toBe(1706711400)
  })

  it('reads large numbers as epoch milliseconds and small ones as seconds', () => {
    expect(toChartTime(1706711400000)).toBe(1706711400)
    expect(toChartTime(1706711400)).toBe(1706711400)
  })

  it('refuses what is not a time', () => {
    expect(() => toChartTime('yesterday')).toThrow(RangeError)
    expect(() => toChartTime(Number.NaN)).toThrow(RangeError)
  })
})

describe('toCandles', () => {
  it('sorts bars by time and keeps the last bar sent for a time', () => {
    const candles = toCandles([bar('2024-01-03', 3, 4), bar('2024-01-02', 1, 2), bar('2024-01-03', 5, 6)])

    expect(candles.map((c) => [c.time, c.open, c.close])).toEqual([
      ['2024-01-02', 1, 2],
      ['2024-01-03', 5, 6],
    ])
  })

  it('drops the volume from the candle', () => {
    expect(toCandles([bar(60, 1, 2, 100)])).toEqual([{ time: 60, open: 1, high: 3, low: 0, close: 2 }])
  })
})

describe('toVolumes', () => {
  it('colours each volume by the direction of its candle and skips bars without volume', () => {
    const volumes = toVolumes([bar(120, 2, 1, 50), bar(60, 1, 2, 100), bar(180, 1, 1)], DARK_PALETTE)

    expect(volumes).toEqual([
      { time: 60, value: 100, color: DARK_PALETTE.volumeUp },
      { time: 120, value: 50, color: DARK_PALETTE.volumeDown },
    ])
  })
})

describe('overlays and markers', () => {
  it('maps line points in time order', () => {
    expect(toLinePoints([{ time: 120, value: 2 }, { time: 60, value: 1 }])).toEqual([
      { time: 60, value: 1 },
      { time: 120, value: 2 },
    ])
  })

  it('gives an overlay its own colour, else the next colour of the palette', () => {
    expect(overlayColor({ id: 'a', color: '#123456', points: [] }, 0)).toBe('#123456')
    expect(overlayColor({ id: 'b', points: [] }, 1)).toBe(LIGHT_PALETTE.overlays[1])
    expect(overlayColor({ id: 'c', points: [] }, LIGHT_PALETTE.overlays.length)).toBe(LIGHT_PALETTE.overlays[0])
  })

  it('sorts markers by time and fills in the default colour', () => {
    const markers = toMarkers([
      { time: '2024-01-03', position: 'aboveBar', shape: 'arrowDown', text: 'sell' },
      { time: '2024-01-02', position: 'belowBar', shape: 'arrowUp', color: '#00ff00' },
    ])

    expect(markers).toEqual([
      { time: '2024-01-02', position: 'belowBar', shape: 'arrowUp', color: '#00ff00' },
      { time: '2024-01-03', position: 'aboveBar', shape: 'arrowDown', color: LIGHT_PALETTE.marker, text: 'sell' },
    ])
  })
})
