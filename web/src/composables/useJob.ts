import { onBeforeUnmount, ref, shallowRef } from 'vue'
import type { LiveEvent } from '@/lib/liveSocket'
import { useLiveStore } from '@/stores/live'

interface JobState {
  status: string
  progress: number
  error?: string | null
}

export interface JobOptions<T extends JobState> {
  fetch: (id: string) => Promise<T>
  /** The live events of this kind of job: `backtest` with `run_id`, or `sweep` with `sweep_id`. */
  eventType: string
  idField: string
}

const FINISHED = new Set(['done', 'failed', 'cancelled'])
/** Polling is the fallback: slow while the socket reports progress, quicker without it. */
const POLL_WITH_SOCKET_MS = 2500
const POLL_WITHOUT_SOCKET_MS = 1000

/**
 * Follow one background job: its live events move the progress at once, polling its GET
 * route covers a missed event or a closed socket, and the finished job lands in `result`.
 */
export function useJob<T extends JobState>(options: JobOptions<T>) {
  const live = useLiveStore()
  const id = ref<string | null>(null)
  const status = ref<string | null>(null)
  const progress = ref(0)
  const error = ref<string | null>(null)
  const result = shallowRef<T | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null

  function clearTimer(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function settle(job: T): void {
    status.value = job.status
    progress.value = job.progress
    if (job.status === 'failed') error.value = job.error ?? 'The job failed.'
    if (job.status === 'done') result.value = job
  }

  async function poll(watched: string): Promise<void> {
    clearTimer()
    try {
      const job = await options.fetch(watched)
      if (id.value !== watched) return
      settle(job)
      if (FINISHED.has(job.status)) return
    } catch (caught) {
      if (id.value !== watched) return
      error.value = caught instanceof Error ? caught.message : String(caught)
      status.value = 'failed'
      return
    }
    timer = setTimeout(() => void poll(watched), live.status === 'open' ? POLL_WITH_SOCKET_MS : POLL_WITHOUT_SOCKET_MS)
  }

  function onEvent(event: LiveEvent): void {
    if (event.type !== options.eventType || event[options.idField] !== id.value || id.value === null) return
    if (FINISHED.has(String(event.status))) return void poll(id.value)
    if (typeof event.progress === 'number') progress.value = event.progress
    if (typeof event.status === 'string') status.value = event.status
  }

  /** Follow job `next` (a new one, or a stored one to reopen). */
  function follow(next: string, initialStatus = 'queued'): void {
    id.value = next
    status.value = initialStatus
    progress.value = 0
    error.value = null
    result.value = null
    void poll(next)
  }

  function reset(): void {
    clearTimer()
    id.value = status.value = error.value = null
    result.value = null
  }

  const stopListening = live.listen(onEvent)
  onBeforeUnmount(() => {
    stopListening()
    clearTimer()
  })

  return { id, status, progress, error, result, follow, reset }
}
