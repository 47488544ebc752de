import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import SqlCode from '@/components/chat/SqlCode.vue'
import { tokenizeSql, type SqlToken } from '@/lib/sqlTokens'

/** The significant tokens as [kind, text] pairs, whitespace left out. */
function kinds(sql: string): [SqlToken['kind'], string][] {
  return tokenizeSql(sql)
    .filter((token) => token.kind !== 'whitespace')
    .map((token) => [token.kind, token.text])
}

describe('tokenizeSql', () => {
  it('tells keywords, functions, identifiers, numbers and punctuation apart, in any case', () => {
    expect(kinds('select MAX(close) AS top FROM market_data.ohlcv LIMIT 10')).toEqual([
      ['keyword', 'select'],
      ['function', 'MAX'],
      ['punctuation', '('],
      ['identifier', 'close'],
      ['punctuation', ')'],
      ['keyword', 'AS'],
      ['identifier', 'top'],
      ['keyword', 'FROM'],
      ['identifier', 'market_data'],
      ['punctuation', '.'],
      ['identifier', 'ohlcv'],
      ['keyword', 'LIMIT'],
      ['number', '10'],
    ])
  })

  it('keeps a quoted string whole, with doubled quotes and backslash escapes inside', () => {
    expect(kinds("WHERE name = 'O''Brien' OR note = E'it\\'s'")).toEqual([
      ['keyword', 'WHERE'],
      ['identifier', 'name'],
      ['operator', '='],
      ['string', "'O''Brien'"],
      ['keyword', 'OR'],
      ['identifier', 'note'],
      ['operator', '='],
      ['string', "E'it\\'s'"],
    ])
  })

  it('reads an unterminated string or comment to the end rather than failing', () => {
    expect(kinds("SELECT 'open")).toEqual([['keyword', 'SELECT'], ['string', "'open"]])
    expect(kinds('SELECT 1 /* never closed')).toEqual([['keyword', 'SELECT'], ['number', '1'], ['comment', '/* never closed']])
  })

  it('marks line and block comments, and a keyword inside one stays comment', () => {
    expect(kinds('SELECT 1 -- DROP TABLE x\n/* DELETE */ FROM t')).toEqual([
      ['keyword', 'SELECT'],
      ['number', '1'],
      ['comment', '-- DROP TABLE x'],
      ['comment', '/* DELETE */'],
      ['keyword', 'FROM'],
      ['identifier', 't'],
    ])
  })

  it('reads decimals, exponents and leading-dot numbers, and operators of several characters', () => {
    expect(kinds('x >= 1.5e-3 AND y <> .25')).toEqual([
      ['identifier', 'x'],
      ['operator', '>='],
      ['number', '1.5e-3'],
      ['keyword', 'AND'],
      ['identifier', 'y'],
      ['operator', '<>'],
      ['number', '.25'],
    ])
  })

  it('treats a quoted identifier as a name, and a keyword after a dot as a column', () => {
    expect(kinds('SELECT "select", t.end FROM t')).toEqual([
      ['keyword', 'SELECT'],
      ['quoted-identifier', '"select"'],
      ['punctuation', ','],
      ['identifier', 't'],
      ['punctuation', '.'],
      ['identifier', 'end'],
      ['keyword', 'FROM'],
      ['identifier', 't'],
    ])
  })

  it('gives back the input exactly when the tokens are joined', () => {
    const inputs = [
      "SELECT\n  bar.symbol,\n  CAST(bar.ts AS DATE) AS date\nFROM market_data.ohlcv AS bar -- daily\nWHERE bar.symbol = 'ADA' AND x::int > 2",
      'odd ` chars § ¤ 😀 \\ \t\r\n',
      '',
    ]
    for (const sql of inputs) expect(tokenizeSql(sql).map((token) => token.text).join('')).toBe(sql)
  })
})

describe('SqlCode', () => {
  it('shows markup inside the SQL as text, never as HTML', () => {
    const sql = "SELECT '<script>alert(1)</script>' AS x, '<img src=x onerror=alert(2)>' -- <b>bold</b>"

    const wrapper = mount(SqlCode, { props: { sql } })

    expect(wrapper.find('script').exists()).toBe(false)
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.get('code').text()).toBe(sql)
    expect(wrapper.get('[data-token="string"]').text()).toBe("'<script>alert(1)</script>'")
  })

  it('colours keywords and strings with their classes', () => {
    const wrapper = mount(SqlCode, { props: { sql: "SELECT 'a'" } })

    expect(wrapper.get('[data-token="keyword"]').classes()).toContain('text-sky-700')
    expect(wrapper.get('[data-token="string"]').classes()).toContain('text-emerald-700')
  })
})
