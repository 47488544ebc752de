import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type Book = components['schemas']['BookOut']
export type BookVersion = components['schemas']['BookVersionOut']
export type Holdings = components['schemas']['HoldingsOut']
export type HoldingsInput = components['schemas']['HoldingsIn']

export function fetchBooks(api: ApiClient): Promise<Book[]> {
  return unwrap(api.GET('/api/books'))
}

export function fetchBookVersions(api: ApiClient, name: string): Promise<BookVersion[]> {
  return unwrap(api.GET('/api/books/{name}/versions', { params: { path: { name } } }))
}

export async function fetchHoldings(api: ApiClient, name: string): Promise<Holdings | null> {
  return (await unwrap(api.GET('/api/books/{name}/holdings', { params: { path: { name } } }))) ?? null
}

/** Record what a recommend book holds: its next cycle starts from these holdings. */
export function confirmHoldings(api: ApiClient, name: string, body: HoldingsInput): Promise<Holdings> {
  return unwrap(api.POST('/api/books/{name}/holdings', { params: { path: { name } }, body }))
}
