import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type StrategyTurnRequest = components['schemas']['TurnRequest']
export type StrategyTurn = components['schemas']['TurnResponse']
export type StrategyVersion = components['schemas']['VersionOut']
export type StrategyEvidence = components['schemas']['EvidenceOut']
export type StrategyStress = components['schemas']['StressOut']
export type ApprovalRequest = components['schemas']['ApprovalRequestIn']
export type Approval = components['schemas']['ApprovalOut']

/** Propose a spec from an idea (or refine the conversation's last one) and test it; saves nothing. */
export function strategyTurn(api: ApiClient, request: StrategyTurnRequest): Promise<StrategyTurn> {
  return unwrap(api.POST('/api/strategy-chat/turns', { body: request }))
}

/** A version's stress table: computed after the turn answers, so this waits until it is done. */
export function strategyStress(api: ApiClient, conversationId: string, version: number): Promise<StrategyStress> {
  return unwrap(
    api.GET('/api/strategy-chat/conversations/{conversation_id}/versions/{number}/stress', {
      params: { path: { conversation_id: conversationId, number: version } },
    }),
  )
}

/** A person's explicit decision on a version they have seen: save it or add it to a paper book. */
export function approveStrategy(api: ApiClient, request: ApprovalRequest): Promise<Approval> {
  return unwrap(api.POST('/api/strategy-chat/approvals', { body: request }))
}
