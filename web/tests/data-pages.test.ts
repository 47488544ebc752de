import { describe, expect, it } from 'vitest'
import type { IngestRun } from '@/api/pipeline'
import { defaultOverlays } from '@/components/macro/vintages'
import { problemsOf, stepsOf } from '@/components/pipeline/steps'

const run = (steps: Record<string, unknown>, errors: Record<string, unknown> = {}): IngestRun => ({
  run_id: 'daily-1',
  mode: 'daily',
  status: 'partial',
  started_at: '2025-12-31T22:00:00Z',
  finished_at: '2025-12-31T22:05:00Z',
  rows_written: 10,
  rows_quarantined: 1,
  steps,
  errors,
  source: 'tetra',
})

describe('stepsOf', () => {
  it('lists each step with its counts, warnings and its own errors, in stored order', () => {
    const found = stepsOf(
      run(
        {
          market_data: { status: 'partial', written: 9, quarantined: 1, failed: 1, note: '', warnings: ['SPY: 2 bars late'] },
          news_sentiment: { status: 'success', written: 1 },
        },
        { market_data: ['QQQ: HTTP 503'], crypto: 'no key' },
      ),
    )

    expect(found.map((s) => s.name)).toEqual(['market_data', 'news_sentiment'])
    expect(found[0]).toMatchObject({ written: 9, quarantined: 1, failed: 1, warnings: ['SPY: 2 bars late'], errors: ['QQQ: HTTP 503'] })
    expect(found[1]).toMatchObject({ status: 'success', written: 1, quarantined: 0, warnings: [], errors: [] })
  })

  it('counts a run’s warnings and errors, those of a step that never started included', () => {
    const counted = problemsOf(run({ market_data: { warnings: ['a', 'b'] } }, { market_data: ['x'], crypto: 'no key' }))

    expect(counted).toEqual({ warnings: 2, errors: 2 })
  })
})

describe('defaultOverlays', () => {
  it('shows today’s series and what the two latest revisions replaced', () => {
    const overlays = defaultOverlays([
      { realtime_start: '2024-02-15', new: 1, revised: 0 },
      { realtime_start: '2024-03-31', new: 0, revised: 1 },
      { realtime_start: '2024-04-15', new: 1, revised: 0 },
      { realtime_start: '2024-05-01', new: 0, revised: 1 },
      { realtime_start: '2024-06-01', new: 0, revised: 2 },
    ])

    expect(overlays.map((o) => o.asOf)).toEqual([null, '2024-05-31', '2024-04-30'])
    expect(overlays[1]?.label).toBe('Before the 2024-06-01 revision')
  })

  it('shows only today’s series when nothing was ever revised', () => {
    expect(defaultOverlays([{ realtime_start: '2024-02-15', new: 3, revised: 0 }])).toEqual([{ asOf: null, label: 'As known today' }])
  })
})
