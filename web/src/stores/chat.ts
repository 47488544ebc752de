/**
 * The database chat's conversation: each turn is a question, the SQL it became (or why it did
 * not), and the result of running that SQL. Translating and running are separate steps, as they
 * are in the API: nothing runs until the user presses Run on SQL they can read and edit.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { useApi } from '@/api'
import {
  executeSql,
  MAX_HISTORY_TURNS,
  translateQuestion,
  type ChatTurnRequest,
  type ExecuteResult,
  type ProviderChoice,
  type QueryAnswer,
} from '@/api/chat'
import { ApiError } from '@/api/client'
import { useChatHistoryStore, type HistoryEntry } from './chatHistory'
import { persistedRef } from './persisted'

export interface TurnError {
  code: string | null
  message: string
  /** Structured help from the API, e.g. the offline translator's shapes and examples. */
  details?: unknown
}

export interface Execution {
  status: 'running' | 'done' | 'failed'
  /** The SQL sent, so downloads match the rows on screen even after an edit. */
  sql: string
  result: ExecuteResult | null
  error: TurnError | null
}

export interface Summary {
  status: 'running' | 'done' | 'failed'
  /** A model's words, shown as plain text. */
  text: string | null
  /** Which model wrote them, e.g. "local: llama3". */
  by: string | null
  /** Why no summary came (no model may read these rows, the model failed...). */
  note: string | null
  error: TurnError | null
}

export interface ChatTurn {
  id: number
  question: string
  /** What the user picked: auto or one provider. */
  requested: ProviderChoice
  status: 'translating' | 'translated' | 'failed'
  answer: QueryAnswer | null
  /** A turn reopened from the query history: its SQL, without a new translation. */
  fromHistory: HistoryEntry | null
  error: TurnError | null
  /** The SQL to run: the answer's, or the user's edit of it. */
  sql: string
  execution: Execution | null
  /** The finished run of each SQL this turn ran, so undoing an edit brings its rows back. */
  runs: Record<string, Execution>
  summary: Summary | null
}

function turnError(caught: unknown): TurnError {
  if (caught instanceof ApiError) return { code: caught.code, message: caught.message, details: caught.details }
  return { code: null, message: caught instanceof Error ? caught.message : String(caught) }
}

/** Whether the guard's verdict on the translated SQL still stands (an edit is judged again on Run). */
export function isRejected(turn: ChatTurn): boolean {
  return turn.answer !== null && !turn.answer.accepted && turn.sql === turn.answer.sql
}

export const useChatStore = defineStore('chat', () => {
  const history = useChatHistoryStore()
  const turns = ref<ChatTurn[]>([])
  const provider = persistedRef<ProviderChoice>('tetra.chat.provider', 'auto')
  const busy = computed(() =>
    turns.value.some(
      (turn) => turn.status === 'translating' || turn.execution?.status === 'running' || turn.summary?.status === 'running',
    ),
  )
  let nextId = 1

  function find(id: number): ChatTurn | undefined {
    return turns.value.find((turn) => turn.id === id)
  }

  /** The last turns with SQL, oldest first, as context for a follow-up question. */
  function context(): ChatTurnRequest[] {
    return turns.value
      .filter((turn) => turn.sql && (turn.fromHistory !== null || turn.answer?.accepted))
      .slice(-MAX_HISTORY_TURNS)
      .map((turn) => ({ question: turn.question, sql: turn.sql }))
  }

  function addTurn(fields: Partial<ChatTurn> & Pick<ChatTurn, 'question' | 'status'>): ChatTurn {
    const base = { id: nextId++, requested: provider.value, answer: null, fromHistory: null, error: null, sql: '', execution: null, summary: null, runs: {} }
    turns.value.push({ ...base, ...fields })
    return turns.value[turns.value.length - 1]!
  }

  async function ask(question: string): Promise<void> {
    const text = question.trim()
    if (!text || busy.value) return
    const request = { question: text, provider: provider.value, history: context() }
    const turn = addTurn({ question: text, status: 'translating' })
    try {
      const answer = await translateQuestion(useApi(), request)
      Object.assign(turn, { status: 'translated', answer, sql: answer.sql })
      if (answer.sql) history.remember({ question: text, sql: answer.sql, provider: answer.provider, model: answer.model, time: new Date().toISOString() })
    } catch (caught) {
      Object.assign(turn, { status: 'failed', error: turnError(caught) })
    }
  }

  /** Run the turn's SQL (the server guards it again); with `summarize`, also ask for a summary. */
  async function run(id: number, { summarize = false } = {}): Promise<void> {
    const turn = find(id)
    if (!turn || !turn.sql.trim() || isRejected(turn) || busy.value) return
    const sql = turn.sql
    if (summarize) turn.summary = { status: 'running', text: null, by: null, note: null, error: null }
    else turn.execution = { status: 'running', sql, result: null, error: null }
    try {
      const result = await executeSql(useApi(), { sql, question: turn.question, summarize })
      turn.execution = { status: 'done', sql, result, error: null }
      turn.runs[sql] = turn.execution
      if (summarize) turn.summary = { status: 'done', text: result.summary, by: result.summary_by, note: result.summary_note, error: null }
      const edited = sql !== (turn.answer?.sql ?? turn.fromHistory?.sql)
      if (edited) history.remember({ question: turn.question, sql, provider: turn.answer?.provider ?? turn.fromHistory?.provider ?? 'offline', time: new Date().toISOString() })
    } catch (caught) {
      if (summarize) turn.summary = { status: 'failed', text: null, by: null, note: null, error: turnError(caught) }
      else turn.execution = { status: 'failed', sql, result: null, error: turnError(caught) }
    }
  }

  /** Bring a past query back into the conversation, ready to run. */
  function reopen(entry: HistoryEntry): void {
    addTurn({ question: entry.question, status: 'translated', fromHistory: entry, sql: entry.sql })
  }

  /** Change the turn's SQL; back to a query it already ran (undo), its rows come back too. */
  function setSql(id: number, sql: string): void {
    const turn = find(id)
    if (!turn) return
    turn.sql = sql
    const earlier = turn.runs[sql]
    if (earlier && turn.execution?.status !== 'running') turn.execution = earlier
  }

  function clearConversation(): void {
    turns.value = []
  }

  return { turns, provider, busy, ask, run, reopen, setSql, clearConversation }
})
