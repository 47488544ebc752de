import { describe, expect, it } from 'vitest'
import { formFields, initialValues, parseSymbols, toParams, type JsonSchema } from '@/components/strategies/schemaForm'

// Shapes as pydantic's model_json_schema() writes them for Tetra's strategies.
const schema: JsonSchema = {
  type: 'object',
  properties: {
    fast: { default: 20, minimum: 1, title: 'Fast', type: 'integer' },
    deviations: { default: 2, exclusiveMinimum: 0, title: 'Deviations', type: 'number' },
    allocation: { anyOf: [{ exclusiveMinimum: 0, maximum: 1, type: 'number' }, { type: 'null' }], default: null, title: 'Allocation' },
    average: { default: 'sma', enum: ['sma', 'ema'], title: 'Average', type: 'string' },
    short: { default: false, title: 'Short', type: 'boolean' },
    rebalance: { anyOf: [{ type: 'integer' }, { const: 'month_end', type: 'string' }], default: 21, title: 'Rebalance' },
    symbols: { anyOf: [{ maxItems: 2, minItems: 2, prefixItems: [{ type: 'string' }, { type: 'string' }], type: 'array' }, { type: 'null' }], default: null, title: 'Symbols' },
    weights: { anyOf: [{ additionalProperties: { type: 'number' }, type: 'object' }, { type: 'null' }], default: null, title: 'Weights' },
    sizing: { $ref: '#/$defs/Sizing', default: 'dollar_neutral' },
    cash: { default: 1000000, exclusiveMinimum: 0, title: 'Cash', type: 'number' },
  },
  $defs: { Sizing: { enum: ['dollar_neutral', 'hedge_ratio'], title: 'Sizing', type: 'string' } },
}

describe('formFields', () => {
  const fields = formFields(schema)
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]))

  it('maps each property to an input kind, leaving out the cash the run form sets', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['fast', 'number'],
      ['deviations', 'number'],
      ['allocation', 'number'],
      ['average', 'enum'],
      ['short', 'boolean'],
      ['rebalance', 'choice'],
      ['symbols', 'list'],
      ['weights', 'mapping'],
      ['sizing', 'enum'],
    ])
  })

  it('keeps bounds, integer-ness, options and optionality', () => {
    expect(byName.fast).toMatchObject({ integer: true, min: 1, optional: false, label: 'Fast' })
    expect(byName.allocation).toMatchObject({ integer: false, exclusiveMin: 0, max: 1, optional: true })
    expect(byName.average).toMatchObject({ options: ['sma', 'ema'] })
    expect(byName.sizing).toMatchObject({ options: ['dollar_neutral', 'hedge_ratio'] })
    expect(byName.rebalance).toMatchObject({ suggestions: ['month_end'] })
    expect(byName.symbols).toMatchObject({ minItems: 2, maxItems: 2, optional: true })
  })

  it('starts from the schema defaults, empty for null', () => {
    expect(initialValues(schema, fields)).toEqual({
      fast: '20', deviations: '2', allocation: '', average: 'sma', short: false, rebalance: '21', symbols: '', weights: '', sizing: 'dollar_neutral',
    })
  })
})

describe('toParams', () => {
  const fields = formFields(schema)
  const values = initialValues(schema, fields)

  it('parses the values and leaves empty optional fields to the strategy', () => {
    const { params, errors } = toParams(fields, { ...values, rebalance: 'month_end', symbols: 'spy, tlt', weights: 'spy=0.6, tlt=0.4' })

    expect(errors).toEqual({})
    expect(params).toEqual({
      fast: 20, deviations: 2, average: 'sma', short: false, rebalance: 'month_end', symbols: ['SPY', 'TLT'], weights: { SPY: 0.6, TLT: 0.4 }, sizing: 'dollar_neutral',
    })
  })

  it('reports values outside the schema, one message per field', () => {
    const { errors } = toParams(fields, { ...values, fast: '0', deviations: '0', allocation: '1.5', symbols: 'SPY', average: 'wma', weights: 'SPY' })

    expect(errors).toEqual({
      fast: 'Fast must be at least 1',
      deviations: 'Deviations must be greater than 0',
      allocation: 'Allocation must be at most 1',
      average: 'Average must be one of sma, ema',
      symbols: 'Symbols needs 2 items',
      weights: 'Weights write it as SPY=0.6, TLT=0.4',
    })
  })

  it('refuses a fraction for an integer and an empty required field', () => {
    expect(toParams(fields, { ...values, fast: '2.5' }).errors.fast).toBe('Fast must be a whole number')
    expect(toParams(fields, { ...values, fast: '' }).errors.fast).toBe('Fast is required')
  })
})

it('reads symbols in any case and separator, without repeats', () => {
  expect(parseSymbols(' spy, qqq;TLT  spy ')).toEqual(['SPY', 'QQQ', 'TLT'])
})
