import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type ReportSummary = components['schemas']['ReportSummaryOut']
export type ReportDetail = components['schemas']['ReportOut']
export type DeliveryRecord = components['schemas']['DeliveryOut']

export function fetchReports(api: ApiClient): Promise<ReportSummary[]> {
  return unwrap(api.GET('/api/reports'))
}

export function fetchReport(api: ApiClient, reportId: string): Promise<ReportDetail> {
  return unwrap(api.GET('/api/reports/{report_id}', { params: { path: { report_id: reportId } } }))
}

/** The report rendered as one HTML page, charts inline: shown in a sandboxed frame. */
export function fetchReportHtml(api: ApiClient, reportId: string): Promise<string> {
  return unwrap(
    api.GET('/api/reports/{report_id}/html', { params: { path: { report_id: reportId } }, parseAs: 'text' }),
  )
}

export function sendReport(api: ApiClient, reportId: string): Promise<DeliveryRecord> {
  return unwrap(api.POST('/api/reports/{report_id}/send', { params: { path: { report_id: reportId } } }))
}
