import { defineStore } from 'pinia'
import type { ProviderKind } from '@/api/chat'
import { persistedRef } from './persisted'

export const CHAT_HISTORY_STORAGE_KEY = 'tetra.chat.history'
export const CHAT_HISTORY_LIMIT = 50

export interface HistoryEntry {
  question: string
  sql: string
  provider: ProviderKind
  model?: string
  /** ISO date-time of when it was asked. */
  time: string
}

const PROVIDERS = new Set<string>(['offline', 'local', 'cloud'])

function isEntry(value: unknown): value is HistoryEntry {
  const entry = value as Partial<HistoryEntry> | null
  return (
    typeof entry?.question === 'string' &&
    typeof entry.sql === 'string' &&
    typeof entry.time === 'string' &&
    PROVIDERS.has(String(entry.provider))
  )
}

/** `entry` first, an older copy of the same question and SQL dropped, at most `limit` kept. */
export function withEntry(entries: HistoryEntry[], entry: HistoryEntry, limit = CHAT_HISTORY_LIMIT): HistoryEntry[] {
  const others = entries.filter((kept) => kept.question !== entry.question || kept.sql !== entry.sql)
  return [entry, ...others].slice(0, limit)
}

/** The questions asked and the SQL they became, newest first, kept in localStorage. */
export const useChatHistoryStore = defineStore('chatHistory', () => {
  const entries = persistedRef<HistoryEntry[]>(CHAT_HISTORY_STORAGE_KEY, [])
  // Whatever another version of the app (or a person) left in storage, keep only sound entries.
  entries.value = Array.isArray(entries.value) ? entries.value.filter(isEntry).slice(0, CHAT_HISTORY_LIMIT) : []

  function remember(entry: HistoryEntry): void {
    entries.value = withEntry(entries.value, entry)
  }

  function clear(): void {
    entries.value = []
  }

  return { entries, remember, clear }
})
