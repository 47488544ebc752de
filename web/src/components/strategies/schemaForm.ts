/**
 * A strategy's config JSON schema (pydantic's `model_json_schema()`) turned into form fields,
 * and the form's values turned back into the `params` of a run. Inputs hold strings (an empty
 * box means "use the default"); `toParams` parses and checks them against the schema's bounds.
 *
 * Mapping: integer/number -> number input with min/max; boolean -> checkbox; string enum ->
 * select; `int | "month_end"` -> text with suggestions; fixed-length string arrays -> comma
 * text; `{str: number}` objects -> "SPY=0.6, TLT=0.4". `anyOf [X, null]` makes X optional.
 */

export interface JsonSchema {
  type?: string | string[]
  title?: string
  description?: string
  default?: unknown
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  prefixItems?: JsonSchema[]
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  $ref?: string
  $defs?: Record<string, JsonSchema>
}

interface FieldBase {
  name: string
  label: string
  description?: string
  /** Empty is allowed: the strategy then uses its default (often "every symbol"). */
  optional: boolean
}

export interface NumberField extends FieldBase {
  kind: 'number'
  integer: boolean
  min?: number
  max?: number
  exclusiveMin?: number
  exclusiveMax?: number
}
export interface BooleanField extends FieldBase {
  kind: 'boolean'
}
export interface EnumField extends FieldBase {
  kind: 'enum'
  options: string[]
}
export interface ChoiceField extends FieldBase {
  kind: 'choice'
  /** Named values offered besides a number. */
  suggestions: string[]
}
export interface ListField extends FieldBase {
  kind: 'list'
  minItems?: number
  maxItems?: number
}
export interface MappingField extends FieldBase {
  kind: 'mapping'
}

export type FormField = NumberField | BooleanField | EnumField | ChoiceField | ListField | MappingField
export type FormValue = string | boolean
export type FormValues = Record<string, FormValue>

/** Fields the run form sets itself (its cash box), so they are not asked twice. */
export const SHARED_PARAMS = new Set(['cash'])

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema
  const name = schema.$ref.split('/').pop() ?? ''
  return root.$defs?.[name] ?? {}
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type
  if (schema.type) return [schema.type]
  if (schema.const !== undefined) return [typeof schema.const]
  return []
}

function numberBounds(schema: JsonSchema): Pick<NumberField, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'> {
  return {
    ...(schema.minimum === undefined ? {} : { min: schema.minimum }),
    ...(schema.maximum === undefined ? {} : { max: schema.maximum }),
    ...(schema.exclusiveMinimum === undefined ? {} : { exclusiveMin: schema.exclusiveMinimum }),
    ...(schema.exclusiveMaximum === undefined ? {} : { exclusiveMax: schema.exclusiveMaximum }),
  }
}

function fieldOf(base: FieldBase, variants: JsonSchema[]): FormField | null {
  const [only] = variants
  if (variants.length > 1) {
    const consts = variants.filter((v) => typeof v.const === 'string').map((v) => String(v.const))
    const numeric = variants.some((v) => typesOf(v).some((t) => t === 'integer' || t === 'number'))
    return numeric && consts.length ? { ...base, kind: 'choice', suggestions: consts } : null
  }
  if (!only) return null
  const type = typesOf(only)[0]
  if (only.enum) return { ...base, kind: 'enum', options: only.enum.map(String) }
  if (type === 'integer' || type === 'number') return { ...base, kind: 'number', integer: type === 'integer', ...numberBounds(only) }
  if (type === 'boolean') return { ...base, kind: 'boolean' }
  if (type === 'array') {
    const bounds = { ...(only.minItems === undefined ? {} : { minItems: only.minItems }), ...(only.maxItems === undefined ? {} : { maxItems: only.maxItems }) }
    return { ...base, kind: 'list', ...bounds }
  }
  if (type === 'object') return { ...base, kind: 'mapping' }
  if (type === 'string') return { ...base, kind: 'choice', suggestions: [] }
  return null
}

/** The form fields of a config schema, in the schema's order; unknown shapes are left out. */
export function formFields(schema: JsonSchema): FormField[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, raw]) => {
    if (SHARED_PARAMS.has(name)) return []
    const property = resolve(raw, schema)
    const variants = (property.anyOf ?? [property]).map((v) => resolve(v, schema))
    const concrete = variants.filter((v) => !typesOf(v).includes('null'))
    const base: FieldBase = {
      name,
      label: property.title ?? name,
      optional: concrete.length < variants.length || property.default === null,
      ...(property.description ? { description: property.description } : {}),
    }
    const field = fieldOf(base, concrete.map((v) => (v.enum || !property.enum ? v : { ...v, enum: property.enum })))
    return field ? [field] : []
  })
}

function initialValue(field: FormField, value: unknown): FormValue {
  if (field.kind === 'boolean') return value === true
  if (value === null || value === undefined) return ''
  if (field.kind === 'list' && Array.isArray(value)) return value.join(', ')
  if (field.kind === 'mapping' && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(', ')
  return String(value)
}

/** The form's starting values: each field's schema default, or `given` (a past run's config). */
export function initialValues(schema: JsonSchema, fields: FormField[], given: Record<string, unknown> = {}): FormValues {
  return Object.fromEntries(
    fields.map((field) => [field.name, initialValue(field, field.name in given ? given[field.name] : schema.properties?.[field.name]?.default)]),
  )
}

function checkNumber(field: NumberField, number: number): string | null {
  if (field.integer && !Number.isInteger(number)) return 'must be a whole number'
  if (field.min !== undefined && number < field.min) return `must be at least ${field.min}`
  if (field.max !== undefined && number > field.max) return `must be at most ${field.max}`
  if (field.exclusiveMin !== undefined && number <= field.exclusiveMin) return `must be greater than ${field.exclusiveMin}`
  if (field.exclusiveMax !== undefined && number >= field.exclusiveMax) return `must be less than ${field.exclusiveMax}`
  return null
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i

function parseList(field: ListField, text: string): unknown {
  const items = text.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase())
  if (field.minItems !== undefined && items.length < field.minItems) return new Error(`needs ${field.minItems} items`)
  if (field.maxItems !== undefined && items.length > field.maxItems) return new Error(`takes at most ${field.maxItems} items`)
  return items
}

function parseMapping(text: string): unknown {
  const entries = text.split(',').map((part) => part.split('=').map((s) => s.trim()))
  const parsed: Record<string, number> = {}
  for (const [key, value] of entries) {
    if (!key || value === undefined || !NUMBER.test(value)) return new Error('write it as SPY=0.6, TLT=0.4')
    parsed[key.toUpperCase()] = Number(value)
  }
  return parsed
}

/** Parse one field: a value for the params, undefined to leave it out, or an Error to show. */
export function parseField(field: FormField, value: FormValue): unknown {
  if (field.kind === 'boolean') return value === true
  const text = String(value).trim()
  if (text === '') return field.optional ? undefined : new Error('is required')
  switch (field.kind) {
    case 'number': {
      if (!NUMBER.test(text)) return new Error('must be a number')
      const problem = checkNumber(field, Number(text))
      return problem ? new Error(problem) : Number(text)
    }
    case 'enum':
      return field.options.includes(text) ? text : new Error(`must be one of ${field.options.join(', ')}`)
    case 'choice':
      return NUMBER.test(text) ? Number(text) : text
    case 'list':
      return parseList(field, text)
    case 'mapping':
      return parseMapping(text)
  }
}

export interface ParsedParams {
  params: Record<string, unknown>
  errors: Record<string, string>
}

/** The run's `params` from the form, with a message per field that does not fit its schema. */
export function toParams(fields: FormField[], values: FormValues): ParsedParams {
  const params: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const field of fields) {
    const parsed = parseField(field, values[field.name] ?? '')
    if (parsed instanceof Error) errors[field.name] = `${field.label} ${parsed.message}`
    else if (parsed !== undefined) params[field.name] = parsed
  }
  return { params, errors }
}

/** Symbols typed as "spy, qqq tlt" -> ["SPY", "QQQ", "TLT"], without repeats. */
export function parseSymbols(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean))]
}
