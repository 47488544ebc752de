/** An SVG path through `points` scaled into a `width` x `height` box (y grows downwards). */
export function sparkPath(points: ReadonlyArray<{ day: string; value: number }>, width: number, height: number): string {
  const values = points.map((point) => point.value).filter((value) => Number.isFinite(value))
  if (points.length < 2 || values.length < 2) return ''
  const low = Math.min(...values)
  const span = Math.max(...values) - low || 1
  const step = width / (points.length - 1)
  return points
    .map((point, index) => {
      const value = point.value
      const y = height - ((value - low) / span) * height
      return `${index ? 'L' : 'M'}${(index * step).toFixed(1)},${y.toFixed(1)}`
    })
    .join('')
}
