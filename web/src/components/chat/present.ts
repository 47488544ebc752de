/** How the chat shows its answers: cells, provider badges and the offline translator's refusals. */
import type { ProviderChoice, ProviderKind, ResultCell, ResultColumn } from '@/api/chat'

const DASH = '—'

/** Numbers grouped, with fewer decimals the larger they are; other cells as they came. */
export function formatCell(value: ResultCell, type: ResultColumn['type']): string {
  if (value === null) return DASH
  if (typeof value === 'number' && type === 'number') {
    const size = Math.abs(value)
    if (Number.isInteger(value)) return value.toLocaleString('en-US')
    // Prices and other large values read best with two decimals; small ones keep what they have.
    if (size >= 100) return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    return value.toLocaleString('en-US', { maximumFractionDigits: size >= 1 ? 4 : 6 })
  }
  return String(value)
}

/** "offline translator", "local: llama3", "cloud: gpt-4o-mini". */
export function providerLabel(provider: ProviderKind, model: string): string {
  if (provider === 'offline') return model || 'offline translator'
  return model ? `${provider}: ${model}` : provider
}

export const PROVIDER_CHOICES: Record<ProviderChoice, string> = {
  auto: 'Auto',
  offline: 'Offline translator',
  local: 'Local model',
  cloud: 'Cloud model',
}

export interface Refusal {
  /** The first sentence: what went wrong. */
  lead: string
  /** The kinds of question it answers. */
  shapes: string[]
  /** Questions it answers, worth a click. */
  examples: string[]
  /** What is left, e.g. how to configure a model. */
  rest: string
}

const SHAPES_MARK = 'It answers these shapes:'
const EXAMPLES_MARK = 'For example:'

/**
 * The offline translator's refusal from the error's structured details (`shapes`, `examples`),
 * falling back to splitting its message when the details are missing.
 */
export function refusalOf(message: string, details: unknown): Refusal {
  const given = details as { shapes?: unknown; examples?: unknown } | null | undefined
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
  const shapes = strings(given?.shapes)
  if (!shapes.length) return parseRefusal(message)
  const parsed = parseRefusal(message)
  return { lead: parsed.lead, shapes, examples: strings(given?.examples), rest: parsed.rest }
}

/**
 * Split the offline translator's "did not recognise" message into its parts, so the shapes are a
 * list and the examples are buttons; a message in any other form stays whole in `lead`.
 */
export function parseRefusal(message: string): Refusal {
  const shapesAt = message.indexOf(SHAPES_MARK)
  const examplesAt = message.indexOf(EXAMPLES_MARK)
  if (shapesAt < 0 || examplesAt < shapesAt) return { lead: message, shapes: [], examples: [], rest: '' }
  const shapes = message
    .slice(shapesAt + SHAPES_MARK.length, examplesAt)
    .trim()
    .replace(/\.$/, '')
    .split(/;\s*/)
    .map((shape) => shape.trim())
    .filter(Boolean)
  const tail = message.slice(examplesAt + EXAMPLES_MARK.length)
  const examples = [...tail.matchAll(/"([^"]+)"/g)].map((match) => match[1]!)
  const lastQuote = tail.lastIndexOf('"')
  const rest = (lastQuote < 0 ? tail : tail.slice(lastQuote + 1)).replace(/^[.\s]+/, '').trim()
  return { lead: message.slice(0, shapesAt).trim(), shapes, examples, rest }
}
