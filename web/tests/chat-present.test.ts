import { describe, expect, it } from 'vitest'
import { formatCell, parseRefusal, providerLabel, refusalOf } from '@/components/chat/present'

// The offline translator's message as the API sends it (422 not_translated).
const REFUSAL =
  'Offline translator: The offline translator (no language model) did not recognise this question. It answers these shapes: ' +
  'the latest price of symbols; the return over a period; top gainers, losers or movers (optionally among ETFs, stocks, crypto or a universe group). ' +
  'For example: "What is the latest close of AAPL?", "Top 5 crypto gainers year to date". ' +
  'For other questions configure a language model: TETRA_LLM_CLOUD__BASE_URL (a cloud model) or TETRA_LLM_LOCAL__BASE_URL (a local one).'

describe('parseRefusal', () => {
  it('splits the offline translator refusal into what it answers and examples to try', () => {
    expect(parseRefusal(REFUSAL)).toEqual({
      lead: 'Offline translator: The offline translator (no language model) did not recognise this question.',
      shapes: ['the latest price of symbols', 'the return over a period', 'top gainers, losers or movers (optionally among ETFs, stocks, crypto or a universe group)'],
      examples: ['What is the latest close of AAPL?', 'Top 5 crypto gainers year to date'],
      rest: 'For other questions configure a language model: TETRA_LLM_CLOUD__BASE_URL (a cloud model) or TETRA_LLM_LOCAL__BASE_URL (a local one).',
    })
  })

  it('keeps any other message whole', () => {
    expect(parseRefusal('no cloud model is configured')).toEqual({ lead: 'no cloud model is configured', shapes: [], examples: [], rest: '' })
  })
})

describe('refusalOf', () => {
  it('takes the shapes and examples from the structured details when the API sends them', () => {
    const details = { shapes: ['coverage of a symbol or a dataset'], examples: ['Which symbols are missing the most sessions?'], settings: [] }

    expect(refusalOf(REFUSAL, details)).toEqual({
      lead: 'Offline translator: The offline translator (no language model) did not recognise this question.',
      shapes: ['coverage of a symbol or a dataset'],
      examples: ['Which symbols are missing the most sessions?'],
      rest: 'For other questions configure a language model: TETRA_LLM_CLOUD__BASE_URL (a cloud model) or TETRA_LLM_LOCAL__BASE_URL (a local one).',
    })
  })

  it('falls back to splitting the message without details, or with malformed ones', () => {
    expect(refusalOf(REFUSAL, null)).toEqual(parseRefusal(REFUSAL))
    expect(refusalOf(REFUSAL, { shapes: 'not a list' })).toEqual(parseRefusal(REFUSAL))
  })
})

describe('formatCell', () => {
  it('groups numbers with fewer decimals as they grow, and dashes nulls', () => {
    expect(formatCell(1234567, 'number')).toBe('1,234,567')
    expect(formatCell(1385.4911755, 'number')).toBe('1,385.49')
    expect(formatCell(1598.5, 'number')).toBe('1,598.50')
    expect(formatCell(4.123456, 'number')).toBe('4.1235')
    expect(formatCell(0.466773022, 'number')).toBe('0.466773')
    expect(formatCell(null, 'text')).toBe('—')
    expect(formatCell('2025-12-31', 'time')).toBe('2025-12-31')
    expect(formatCell(true, 'boolean')).toBe('true')
  })
})

it('labels who wrote the SQL', () => {
  expect(providerLabel('offline', 'offline translator')).toBe('offline translator')
  expect(providerLabel('local', 'llama3')).toBe('local: llama3')
  expect(providerLabel('cloud', 'gpt-4o-mini')).toBe('cloud: gpt-4o-mini')
})
