/**
 * A small SQL tokenizer for highlighting, not parsing: it splits text into keywords, functions,
 * strings, numbers, comments, identifiers, operators and whitespace, and never fails. Joining
 * the tokens' text gives back the input exactly, so what is shown is what runs. The tokens are
 * rendered as text nodes (SqlCode.vue), never as HTML.
 */
export type SqlTokenKind =
  | 'keyword'
  | 'function'
  | 'string'
  | 'number'
  | 'comment'
  | 'identifier'
  | 'quoted-identifier'
  | 'operator'
  | 'punctuation'
  | 'whitespace'

export interface SqlToken {
  kind: SqlTokenKind
  text: string
}

const KEYWORDS = new Set(
  `select from where and or not in is null as on join left right inner outer full cross natural using lateral
   group by order having limit offset fetch first next rows only with recursive union intersect except all any
   distinct case when then else end cast try_cast interval asc desc nulls last between like ilike glob similar
   exists over partition range window qualify filter true false pivot unpivot
   insert update delete merge drop create alter truncate table view into values set attach detach copy pragma
   install load call export import grant revoke begin commit rollback replace returning
   day days week weeks month months year years hour hours minute minutes second seconds`
    .split(/\s+/)
    .filter(Boolean),
)

const OPERATOR_CHARS = '+-*/%<>=!|&^~:?@$#'
const PUNCTUATION_CHARS = '(),.;[]{}'

/** The index just past a quoted run that opened at `start` with `quote` and doubles it to escape. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes = false): number {
  let index = start + 1
  while (index < sql.length) {
    const char = sql[index]
    if (backslashEscapes && char === '\\') index += 2
    else if (char === quote && sql[index + 1] === quote) index += 2
    else if (char === quote) return index + 1
    else index += 1
  }
  return sql.length // an unterminated string or identifier runs to the end
}

function endOfComment(sql: string, start: number): number {
  if (sql.startsWith('--', start)) {
    const newline = sql.indexOf('\n', start)
    return newline === -1 ? sql.length : newline
  }
  const close = sql.indexOf('*/', start + 2)
  return close === -1 ? sql.length : close + 2
}

function endOfMatch(sql: string, start: number, pattern: RegExp): number {
  pattern.lastIndex = start
  const match = pattern.exec(sql)
  return match ? start + match[0].length : start + 1
}

const WHITESPACE = /\s+/y
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
const WORD = /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/y

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9'
}

function isWordStart(char: string): boolean {
  return /[A-Za-z_\u00C0-\uFFFF]/.test(char)
}

/** A word is a keyword unless it follows a dot (`t.end`) or opens a call (`max(`). */
function wordKind(sql: string, word: string, end: number, previous: SqlToken | undefined): SqlTokenKind {
  const afterDot = previous?.kind === 'punctuation' && previous.text === '.'
  if (!afterDot && KEYWORDS.has(word.toLowerCase())) return 'keyword'
  WHITESPACE.lastIndex = end
  const gap = WHITESPACE.exec(sql)
  return sql[end + (gap ? gap[0].length : 0)] === '(' ? 'function' : 'identifier'
}

/** One token starting at `start`: its kind and where it ends. */
function scan(sql: string, start: number, previous: SqlToken | undefined): { kind: SqlTokenKind; end: number } {
  const char = sql[start]!
  const next = sql[start + 1]
  if (/\s/.test(char)) return { kind: 'whitespace', end: endOfMatch(sql, start, WHITESPACE) }
  if ((char === '-' && next === '-') || (char === '/' && next === '*')) return { kind: 'comment', end: endOfComment(sql, start) }
  if (char === "'") return { kind: 'string', end: endOfQuoted(sql, start, "'") }
  if ((char === 'E' || char === 'e') && next === "'") return { kind: 'string', end: endOfQuoted(sql, start + 1, "'", true) }
  if (char === '"') return { kind: 'quoted-identifier', end: endOfQuoted(sql, start, '"') }
  if (isDigit(char) || (char === '.' && isDigit(next))) return { kind: 'number', end: endOfMatch(sql, start, NUMBER) }
  if (isWordStart(char)) {
    const end = endOfMatch(sql, start, WORD)
    return { kind: wordKind(sql, sql.slice(start, end), end, previous), end }
  }
  if (PUNCTUATION_CHARS.includes(char)) return { kind: 'punctuation', end: start + 1 }
  if (OPERATOR_CHARS.includes(char)) {
    let end = start + 1
    while (end < sql.length && OPERATOR_CHARS.includes(sql[end]!) && !sql.startsWith('--', end)) end++
    return { kind: 'operator', end }
  }
  return { kind: 'operator', end: start + 1 }
}

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = []
  let significant: SqlToken | undefined
  let index = 0
  while (index < sql.length) {
    const { kind, end } = scan(sql, index, significant)
    const token = { kind, text: sql.slice(index, end) }
    tokens.push(token)
    if (kind !== 'whitespace' && kind !== 'comment') significant = token
    index = end
  }
  return tokens
}
