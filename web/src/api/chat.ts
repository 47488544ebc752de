import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type SchemaContext = components['schemas']['SchemaContextResponse']
export type TableContext = components['schemas']['TableContext']
export type ColumnContext = components['schemas']['ColumnContext']
export type QueryRequest = components['schemas']['QueryRequest']
export type QueryAnswer = components['schemas']['QueryResponse']
export type ChatTurnRequest = components['schemas']['ChatTurn']
export type ExecuteRequest = components['schemas']['ExecuteRequest']
export type ExecuteResult = components['schemas']['ExecuteResponse']
export type ResultColumn = components['schemas']['ResultColumn']
export type ChartSpec = components['schemas']['ChartSpecModel']
export type ResultCell = ExecuteResult['rows'][number][number]
export type ProviderKind = QueryAnswer['provider']
export type ProviderChoice = NonNullable<QueryRequest['provider']>
export type Privacy = QueryAnswer['privacy']
export type ExportFormat = NonNullable<components['schemas']['ExportRequest']['format']>

/** The API takes at most this many earlier turns as context for a follow-up. */
export const MAX_HISTORY_TURNS = 5

/** The tables, columns, configured providers and suggested questions; `private` lists every table. */
export function fetchSchemaContext(api: ApiClient, audience: Privacy = 'private'): Promise<SchemaContext> {
  return unwrap(api.GET('/api/chat/schema-context', { params: { query: { audience } } }))
}

/** Translate a question into SQL; nothing runs. Throws ApiError `not_translated`, `model_failed` or `unavailable`. */
export function translateQuestion(api: ApiClient, request: QueryRequest): Promise<QueryAnswer> {
  return unwrap(api.POST('/api/chat/query', { body: request }))
}

/** Run SQL through the server's guard. Throws ApiError `sql_rejected`, `query_failed` or `query_timeout`. */
export function executeSql(api: ApiClient, request: ExecuteRequest): Promise<ExecuteResult> {
  return unwrap(api.POST('/api/chat/execute', { body: request }))
}

/** Run SQL through the guard and return its rows as a CSV or Excel file. */
export function exportResults(api: ApiClient, sql: string, format: ExportFormat): Promise<Blob> {
  return unwrap(api.POST('/api/chat/export', { body: { sql, format }, parseAs: 'blob' }))
}

export function exportFilename(format: ExportFormat): string {
  return `tetra-query.${format}`
}
