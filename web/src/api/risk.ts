import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type RiskRequest = components['schemas']['RiskRequest']
export type RiskReport = components['schemas']['RiskReportOut']
export type Exposure = components['schemas']['ExposureOut']
export type VarEstimate = components['schemas']['VarOut']
export type MonteCarloRequest = components['schemas']['MonteCarloIn']
export type MarketModel = MonteCarloRequest['model']
export type ScenarioLoss = components['schemas']['ScenarioLossOut']
export type Correlation = components['schemas']['CorrelationOut']
export type LimitUsage = components['schemas']['LimitUsageOut']
export type Holding = components['schemas']['HoldingOut']
export type Transition = components['schemas']['TransitionOut']
export type KillSwitch = components['schemas']['KillSwitchOut']
export type KillSwitchRequest = components['schemas']['KillSwitchRequest']
export type TradingState = components['schemas']['TradingStateOut']
export type Policy = components['schemas']['PolicyOut']

export function fetchRiskReport(api: ApiClient, body: RiskRequest): Promise<RiskReport> {
  return unwrap(api.POST('/api/risk/report', { body }))
}

export function fetchDefaultPolicy(api: ApiClient): Promise<Policy> {
  return unwrap(api.GET('/api/risk/policy'))
}

export function checkPolicy(api: ApiClient, policy: Record<string, unknown>): Promise<Policy> {
  return unwrap(api.POST('/api/risk/policy', { body: policy }))
}

export function fetchTradingState(api: ApiClient, book: string): Promise<TradingState> {
  return unwrap(api.GET('/api/risk/state', { params: { query: { book } } }))
}

export function fetchKillSwitches(api: ApiClient): Promise<KillSwitch[]> {
  return unwrap(api.GET('/api/risk/kill-switches'))
}

export function setKillSwitch(api: ApiClient, body: KillSwitchRequest): Promise<KillSwitch> {
  return unwrap(api.POST('/api/risk/kill-switches', { body }))
}
