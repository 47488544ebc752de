import { describe, expect, it } from 'vitest'
import { eventMarkers } from '@/components/symbol/barsView'

const bars = ['2025-06-02', '2025-06-03', '2025-06-04']

describe('geopolitical spike markers', () => {
  it('marks a spike day below its bar', () => {
    const markers = eventMarkers(
      {
        corporate_actions: [],
        earnings: [],
        geopolitical: [{ date: '2025-06-03', conflict_intensity: 900, zscore: 4.2, headline: 'fighting: Kyiv', country: 'UP', source: 'gdelt' }],
      },
      bars,
    )
    expect(markers).toEqual([{ time: '2025-06-03', position: 'belowBar', shape: 'arrowUp', color: '#dc2626', text: 'G' }])
  })

  it('leaves responses without geopolitics unmarked', () => {
    expect(eventMarkers({ corporate_actions: [], earnings: [] }, bars)).toEqual([])
  })
})
