import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type TradingStatus = components['schemas']['TradingStatusOut']
export type TradeOrder = components['schemas']['OrderOut']
export type OrderIn = components['schemas']['OrderIn']
export type Reconciliation = components['schemas']['ReconciliationOut']

export function fetchTradingStatus(api: ApiClient): Promise<TradingStatus> {
  return unwrap(api.GET('/api/trading/status'))
}

export function placeOrder(api: ApiClient, body: OrderIn): Promise<TradeOrder> {
  return unwrap(api.POST('/api/trading/orders', { body }))
}

export function cancelOrder(api: ApiClient, clientOrderId: string): Promise<TradeOrder> {
  return unwrap(api.POST('/api/trading/orders/{client_order_id}/cancel', { params: { path: { client_order_id: clientOrderId } } }))
}

export function halt(api: ApiClient, reason: string): Promise<unknown> {
  return unwrap(api.POST('/api/trading/halt', { body: { scope: '*', reason, by: 'web' } }))
}

export function resume(api: ApiClient, reason: string): Promise<unknown> {
  return unwrap(api.POST('/api/trading/resume', { body: { scope: '*', reason, by: 'web' } }))
}

export function flatten(api: ApiClient, book: string, reason: string): Promise<TradeOrder[]> {
  return unwrap(api.POST('/api/trading/flatten', { body: { book, reason } }))
}

export function reconcileNow(api: ApiClient): Promise<Reconciliation> {
  return unwrap(api.POST('/api/trading/reconcile'))
}

export type Approval = components['schemas']['PendingApprovalOut']

export function fetchApprovals(api: ApiClient): Promise<Approval[]> {
  return unwrap(api.GET('/api/trading/approvals'))
}

export function approveRecommendations(api: ApiClient, book: string, session: string, symbols: string[]): Promise<TradeOrder[]> {
  return unwrap(api.POST('/api/trading/approvals', { body: { book, session, symbols } }))
}

export type ReplaceIn = components['schemas']['ReplaceIn']

export function replaceOrder(api: ApiClient, clientOrderId: string, body: ReplaceIn): Promise<TradeOrder> {
  return unwrap(api.POST('/api/trading/orders/{client_order_id}/replace', { params: { path: { client_order_id: clientOrderId } }, body }))
}
