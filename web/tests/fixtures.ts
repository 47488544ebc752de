// Shared fixtures of the component tests: a JSON response for mocked fetches, and the one
// strategy (an SMA crossover with two integer parameters) the strategy forms are tried with.
import type { StrategyInfo } from '@/api/backtests'

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

export const crossover: StrategyInfo = {
  name: 'sma_crossover',
  description: 'Moving-average crossover',
  config_schema: {
    type: 'object',
    properties: { fast: { type: 'integer', default: 20, minimum: 1 }, slow: { type: 'integer', default: 50, minimum: 2 } },
  },
}
