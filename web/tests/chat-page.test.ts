// The chat page against an API mocked at the fetch level: questions become SQL with who wrote it,
// Run shows the rows, and the server's refusals are shown for what they are.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installApi } from '@/api'
import type { ExecuteResult, QueryAnswer, SchemaContext } from '@/api/chat'
import { createApiClient } from '@/api/client'
import ChatPage from '@/pages/ChatPage.vue'
import { CHAT_HISTORY_STORAGE_KEY } from '@/stores/chatHistory'

const SQL = "SELECT symbol, CAST(ts AS DATE) AS date, close\nFROM market_data.ohlcv\nWHERE symbol = 'SPY'\nORDER BY date DESC\nLIMIT 2"

const context: SchemaContext = {
  dialect: 'duckdb',
  audience: 'private',
  providers: ['offline'],
  suggestions: ['What was the latest close of SPY?', 'What is the latest VIX?'],
  max_rows: 1000,
  tables: [
    {
      name: 'market_data.ohlcv',
      description: 'Daily bars.',
      privacy: 'public',
      empty: false,
      span: ['2024-01-02', '2025-12-31'],
      columns: [{ name: 'close', type: 'DOUBLE', description: 'Closing price.', examples: [] }],
    },
    { name: 'execution.fills', description: 'Fills.', privacy: 'private', empty: true, span: null, columns: [] },
  ],
}

const answer = (question: string, fields: Partial<QueryAnswer> = {}): QueryAnswer => ({
  question,
  sql: SQL,
  explanation: 'Offline translator: the latest daily close of SPY, with its date.',
  provider: 'offline',
  model: 'offline translator',
  privacy: 'public',
  tables: ['market_data.ohlcv'],
  accepted: true,
  rejection: null,
  note: '',
  attempts: 1,
  ...fields,
})

const result: ExecuteResult = {
  sql: `SELECT * FROM (${SQL}) AS guarded LIMIT 1000`,
  columns: [
    { name: 'symbol', type: 'text' },
    { name: 'date', type: 'time' },
    { name: 'close', type: 'number' },
  ],
  rows: [
    ['SPY', '2025-12-31', 601.2345],
    ['SPY', '2025-12-30', 1598.5],
  ],
  row_count: 2,
  truncated: false,
  elapsed_ms: 3.4,
  privacy: 'public',
  chart: { kind: 'line', x: 'date', y: ['close'], series: null, title: '', rebase: false },
  summary: null,
  summary_by: null,
  summary_note: null,
}

type Route = (body: Record<string, unknown>) => Response

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function refusal(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message, details: null } })
}

/** An API answering `routes` by "METHOD /path", recording each request and its JSON body. */
function mockApi(routes: Record<string, Route>) {
  const requests: { route: string; body: Record<string, unknown> }[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    const body = request.method === 'POST' ? ((await request.clone().json()) as Record<string, unknown>) : {}
    requests.push({ route, body })
    const handler = routes[route] ?? (route === 'GET /api/chat/schema-context' ? () => json(200, context) : undefined)
    return handler ? handler(body) : json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return { requests, bodiesOf: (route: string) => requests.filter((r) => r.route === route).map((r) => r.body) }
}

async function mountPage(): Promise<VueWrapper> {
  const wrapper = mount(ChatPage, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function ask(wrapper: VueWrapper, question: string): Promise<void> {
  await wrapper.get('[data-testid="chat-input"]').setValue(question)
  await wrapper.get('[data-testid="chat-input"]').trigger('keydown', { key: 'Enter' })
  await flushPromises()
}

beforeEach(() => setActivePinia(createPinia()))

describe('ChatPage', () => {
  it('asks a suggested question, shows the SQL with its provider, runs it and lists the rows', async () => {
    const api = mockApi({
      'POST /api/chat/query': (body) => json(200, answer(String(body.question))),
      'POST /api/chat/execute': () => json(200, result),
    })
    const wrapper = await mountPage()

    const chips = wrapper.findAll('[data-testid="chat-empty"] [data-testid="suggestion"]')
    expect(chips.map((chip) => chip.text())).toEqual(context.suggestions)
    await chips[0]!.trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/query')).toEqual([{ question: 'What was the latest close of SPY?', provider: 'auto', history: [] }])
    expect(wrapper.get('[data-testid="sql-code"]').text()).toBe(SQL)
    expect(wrapper.get('[data-testid="provider-badge"]').text()).toBe('offline translator')
    expect(wrapper.get('[data-testid="privacy-badge"]').text()).toBe('public')
    expect(wrapper.find('[data-testid="guard-accepted"]').exists()).toBe(true)

    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/execute')).toEqual([{ sql: SQL, question: 'What was the latest close of SPY?', summarize: false }])
    const rows = wrapper.findAll('[data-testid="result-table"] tbody tr')
    expect(rows.map((row) => row.findAll('td').map((cell) => cell.text()))).toEqual([
      ['SPY', '2025-12-31', '601.23'],
      ['SPY', '2025-12-30', '1,598.50'],
    ])
    expect(wrapper.get('[data-testid="result-table"] tbody td:last-child').classes()).toContain('text-right')
    expect(wrapper.get('[data-testid="result-meta"]').text()).toBe('2 rows · 3.4 ms')

    await wrapper.get('[data-testid="show-chart"]').trigger('click')
    expect(wrapper.find('[data-testid="result-chart"] svg path').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the guard reason prominently when the server refuses to run the SQL', async () => {
    mockApi({
      'POST /api/chat/query': (body) => json(200, answer(String(body.question))),
      'POST /api/chat/execute': () => refusal(400, 'sql_rejected', 'only SELECT queries are allowed, not DELETE'),
    })
    const wrapper = await mountPage()
    await ask(wrapper, 'latest close of SPY')

    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()

    expect(wrapper.get('[data-testid="sql-rejected"]').attributes('role')).toBe('alert')
    expect(wrapper.get('[data-testid="rejection-reason"]').text()).toBe('only SELECT queries are allowed, not DELETE')
    expect(wrapper.find('[data-testid="result-table"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('will not run SQL the guard rejected until it is edited', async () => {
    const api = mockApi({
      'POST /api/chat/query': (body) => json(200, answer(String(body.question), { sql: 'DELETE FROM market_data.ohlcv', accepted: false, rejection: 'only SELECT queries are allowed, not DELETE' })),
      'POST /api/chat/execute': () => json(200, result),
    })
    const wrapper = await mountPage()
    await ask(wrapper, 'delete all the bars')

    expect(wrapper.get('[data-testid="guard-rejected"]').text()).toContain('only SELECT queries are allowed, not DELETE')
    expect(wrapper.get('[data-testid="run-sql"]').attributes('disabled')).toBeDefined()

    await wrapper.get('[data-testid="edit-sql"]').trigger('click')
    await wrapper.get('[data-testid="sql-editor"]').setValue('SELECT 1 AS one')
    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/execute')[0]?.sql).toBe('SELECT 1 AS one')
    wrapper.unmount()
  })

  it('keeps an edited query as its own history entry, and undoing the edit brings its rows back', async () => {
    const edited: ExecuteResult = { ...result, sql: 'SELECT 1 AS one', columns: [{ name: 'one', type: 'number' }], rows: [[1]], row_count: 1 }
    mockApi({
      'POST /api/chat/query': (body) => json(200, answer(String(body.question))),
      'POST /api/chat/execute': (body) => json(200, body.sql === SQL ? result : edited),
    })
    const wrapper = await mountPage()
    await ask(wrapper, 'latest close of SPY')
    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()

    await wrapper.get('[data-testid="edit-sql"]').trigger('click')
    await wrapper.get('[data-testid="sql-editor"]').setValue('SELECT 1 AS one')
    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="result-table"] tbody tr')).toHaveLength(1)
    const stored = JSON.parse(localStorage.getItem(CHAT_HISTORY_STORAGE_KEY)!) as { sql: string }[]
    expect(stored.map((entry) => entry.sql)).toEqual(['SELECT 1 AS one', SQL])

    const undo = wrapper.findAll('button').find((button) => button.text() === 'Undo edits')!
    await undo.trigger('click')

    expect(wrapper.findAll('[data-testid="result-table"] tbody tr')).toHaveLength(2)
    expect(wrapper.get('[data-testid="result-meta"]').text()).toBe('2 rows · 3.4 ms')
    wrapper.unmount()
  })

  it('lists what the offline translator understands, and asks an example when clicked', async () => {
    const message =
      'Offline translator: The offline translator (no language model) did not recognise this question. It answers these shapes: the latest price of symbols; the return over a period. For example: "What is the latest close of AAPL?". For other questions configure a language model.'
    const api = mockApi({
      'POST /api/chat/query': (body) =>
        body.question === 'hello' ? refusal(422, 'not_translated', message) : json(200, answer(String(body.question))),
    })
    const wrapper = await mountPage()
    await ask(wrapper, 'hello')

    const refused = wrapper.get('[data-testid="not-translated"]')
    expect(refused.findAll('li').map((item) => item.text())).toEqual(['the latest price of symbols', 'the return over a period'])
    await refused.get('button').trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/query').map((body) => body.question)).toEqual(['hello', 'What is the latest close of AAPL?'])
    expect(wrapper.findAll('[data-testid="chat-turn"]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('sends earlier turns as history, keeps Shift+Enter as a new line, and remembers the queries', async () => {
    const api = mockApi({ 'POST /api/chat/query': (body) => json(200, answer(String(body.question))) })
    const wrapper = await mountPage()
    await ask(wrapper, 'latest close of SPY')

    const input = wrapper.get('[data-testid="chat-input"]')
    await input.setValue('and QQQ?')
    await input.trigger('keydown', { key: 'Enter', shiftKey: true })
    expect(api.bodiesOf('POST /api/chat/query')).toHaveLength(1)
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/query')[1]?.history).toEqual([{ question: 'latest close of SPY', sql: SQL }])
    const stored = JSON.parse(localStorage.getItem(CHAT_HISTORY_STORAGE_KEY)!) as { question: string }[]
    expect(stored.map((entry) => entry.question)).toEqual(['and QQQ?', 'latest close of SPY'])
    expect(wrapper.findAll('[data-testid="history-entry"]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('reopens a past query from the history without translating it again', async () => {
    localStorage.setItem(
      CHAT_HISTORY_STORAGE_KEY,
      JSON.stringify([{ question: 'old question', sql: 'SELECT 42 AS answer', provider: 'local', model: 'llama3', time: '2026-01-01T00:00:00Z' }]),
    )
    const api = mockApi({})
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="history-entry"]').trigger('click')

    expect(wrapper.get('[data-testid="turn-question"]').text()).toBe('old question')
    expect(wrapper.get('[data-testid="sql-code"]').text()).toBe('SELECT 42 AS answer')
    expect(wrapper.get('[data-testid="provider-badge"]').text()).toBe('local: llama3')
    expect(api.bodiesOf('POST /api/chat/query')).toEqual([])
    await wrapper.get('[data-testid="history-clear"]').trigger('click')
    expect(wrapper.findAll('[data-testid="history-entry"]')).toHaveLength(0)
    wrapper.unmount()
  })

  it('shows a summary as plain text marked as written by a model, and a lock for private answers', async () => {
    localStorage.setItem('tetra.chat.provider', '"cloud"') // remembered, but no longer configured
    const api = mockApi({
      'GET /api/chat/schema-context': () => json(200, { ...context, providers: ['offline', 'local'] }),
      'POST /api/chat/query': (body) => json(200, answer(String(body.question), { provider: 'local', model: 'llama3', privacy: 'private', note: 'private question: local model' })),
      'POST /api/chat/execute': (body) => json(200, { ...result, summary: body.summarize ? '<b>SPY</b> closed at 601.' : null, summary_by: body.summarize ? 'local: llama3' : null }),
    })
    const wrapper = await mountPage()
    const select = wrapper.get<HTMLSelectElement>('[data-testid="provider-select"]')
    expect(select.element.value).toBe('auto')
    expect(select.findAll('option').map((option) => option.text())).toEqual(['Auto', 'Offline translator', 'Local model'])
    await select.setValue('local')
    await ask(wrapper, 'latest close of SPY')

    expect(api.bodiesOf('POST /api/chat/query')[0]?.provider).toBe('local')
    expect(wrapper.get('[data-testid="provider-badge"]').text()).toBe('local: llama3')
    expect(wrapper.get('[data-testid="privacy-badge"]').text()).toBe('private')
    expect(wrapper.get('[data-testid="routing-note"]').text()).toBe('private question: local model')
    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="summarize"]').trigger('click')
    await flushPromises()

    const summary = wrapper.get('[data-testid="summary"]')
    expect(summary.text()).toContain('<b>SPY</b> closed at 601.')
    expect(summary.find('b').exists()).toBe(false)
    expect(summary.text()).toMatch(/Written by local: llama3 .* untrusted/)
    wrapper.unmount()
  })

  it('downloads the rows as CSV through the API with the key', async () => {
    const api = mockApi({
      'POST /api/chat/query': (body) => json(200, answer(String(body.question))),
      'POST /api/chat/execute': () => json(200, result),
      'POST /api/chat/export': () => new Response('symbol,close\nSPY,601\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }),
    })
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:tetra')
    vi.stubGlobal(
      'URL',
      class extends URL {
        static override createObjectURL = createObjectURL
        static override revokeObjectURL = vi.fn()
      },
    )
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const wrapper = await mountPage()
    await ask(wrapper, 'latest close of SPY')
    await wrapper.get('[data-testid="run-sql"]').trigger('click')
    await flushPromises()

    await wrapper.get('[data-testid="download-csv"]').trigger('click')
    await flushPromises()

    expect(api.bodiesOf('POST /api/chat/export')).toEqual([{ sql: SQL, format: 'csv' }])
    expect(await createObjectURL.mock.calls[0]![0].text()).toBe('symbol,close\nSPY,601\n')
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('tetra-query.csv')
    vi.unstubAllGlobals()
    wrapper.unmount()
  })
})
