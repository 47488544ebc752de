import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type JobOut = components['schemas']['JobOut']

/** The server's job queue: backtests, sweeps, walk-forwards and handed-over CLI commands. */
export function fetchJobs(api: ApiClient): Promise<JobOut[]> {
  return unwrap(api.GET('/api/jobs'))
}

/** Cancel a queued job, or a running backtest, sweep or walk-forward (409 otherwise). */
export function cancelJob(api: ApiClient, jobId: string): Promise<JobOut> {
  return unwrap(api.DELETE('/api/jobs/{job_id}', { params: { path: { job_id: jobId } } }))
}

/** Whether the queue takes a cancel for this job now (a running command finishes). */
export function cancellable(job: JobOut): boolean {
  return job.status === 'queued' || (job.status === 'running' && job.kind !== 'command')
}
