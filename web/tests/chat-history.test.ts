import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { CHAT_HISTORY_LIMIT, CHAT_HISTORY_STORAGE_KEY, useChatHistoryStore, withEntry, type HistoryEntry } from '@/stores/chatHistory'

const entry = (question: string, sql = `SELECT '${question}'`): HistoryEntry => ({
  question,
  sql,
  provider: 'offline',
  model: 'offline translator',
  time: '2026-01-02T03:04:05.000Z',
})

beforeEach(() => setActivePinia(createPinia()))

describe('chat history store', () => {
  it('keeps past queries in localStorage and reads them back in a new session', async () => {
    const history = useChatHistoryStore()

    history.remember(entry('latest close of SPY'))
    history.remember(entry('VIX'))
    await nextTick()
    setActivePinia(createPinia())

    expect(useChatHistoryStore().entries).toEqual([entry('VIX'), entry('latest close of SPY')])
    expect(JSON.parse(localStorage.getItem(CHAT_HISTORY_STORAGE_KEY)!)).toHaveLength(2)
  })

  it(`keeps the newest ${CHAT_HISTORY_LIMIT} entries`, async () => {
    const history = useChatHistoryStore()

    for (let index = 0; index < CHAT_HISTORY_LIMIT + 7; index++) history.remember(entry(`question ${index}`))
    await nextTick()

    const stored = JSON.parse(localStorage.getItem(CHAT_HISTORY_STORAGE_KEY)!) as HistoryEntry[]
    expect(stored).toHaveLength(CHAT_HISTORY_LIMIT)
    expect(stored[0]?.question).toBe(`question ${CHAT_HISTORY_LIMIT + 6}`)
    expect(stored.at(-1)?.question).toBe('question 7')
  })

  it('moves a repeated question and SQL to the top instead of listing it twice', () => {
    const entries = withEntry(withEntry([entry('a'), entry('b')], entry('b', 'SELECT 2')), { ...entry('a'), time: 'later' })

    expect(entries.map((kept) => [kept.question, kept.sql, kept.time])).toEqual([
      ['a', "SELECT 'a'", 'later'],
      ['b', 'SELECT 2', entry('b').time],
      ['b', "SELECT 'b'", entry('b').time],
    ])
  })

  it('clears, and drops unreadable entries left in storage', async () => {
    localStorage.setItem(CHAT_HISTORY_STORAGE_KEY, JSON.stringify([entry('kept'), { question: 1 }, null, { ...entry('x'), provider: 'evil' }]))
    const history = useChatHistoryStore()

    expect(history.entries).toEqual([entry('kept')])

    history.clear()
    await nextTick()
    expect(JSON.parse(localStorage.getItem(CHAT_HISTORY_STORAGE_KEY)!)).toEqual([])
  })
})
