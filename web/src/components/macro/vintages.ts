/** Which vintages of an economic series to overlay, and their labels. */
import type { MacroVintage } from '@/api/macro'

export interface Overlay {
  /** The day the series is read as known (`as_of`); null for today. */
  asOf: string | null
  label: string
}

function dayBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() - 1)
  return date.toISOString().slice(0, 10)
}

/**
 * The series as known today, and as known the day before each of its `revisions` latest
 * revising vintages (so each line shows what a revision replaced).
 */
export function defaultOverlays(vintages: MacroVintage[], revisions = 2): Overlay[] {
  const revising = vintages.filter((vintage) => vintage.revised > 0).slice(-revisions).reverse()
  return [
    { asOf: null, label: 'As known today' },
    ...revising.map((vintage) => ({ asOf: dayBefore(vintage.realtime_start), label: `Before the ${vintage.realtime_start} revision` })),
  ]
}

export function overlayOn(day: string): Overlay {
  return { asOf: day, label: `As known on ${day}` }
}
