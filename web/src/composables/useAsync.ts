import { computed, ref, shallowRef, type Ref } from 'vue'

export interface AsyncResource<T> {
  data: Ref<T | null>
  error: Ref<string | null>
  loading: Ref<boolean>
  /** True once loaded with nothing to show. */
  empty: Ref<boolean>
  run: () => Promise<void>
}

function defaultIsEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0)
}

/**
 * Load `load()` now and on run(); pair it with <AsyncState>. A late answer from an earlier run
 * never overwrites a newer one.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  isEmpty: (value: T) => boolean = defaultIsEmpty,
): AsyncResource<T> {
  const data = shallowRef<T | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  let latest = 0

  async function run(): Promise<void> {
    const attempt = ++latest
    loading.value = true
    error.value = null
    try {
      const value = await load()
      if (attempt === latest) data.value = value
    } catch (caught) {
      if (attempt === latest) error.value = caught instanceof Error ? caught.message : String(caught)
    } finally {
      if (attempt === latest) loading.value = false
    }
  }

  const empty = computed(() => !loading.value && error.value === null && (data.value === null || isEmpty(data.value)))
  void run()
  return { data, error, loading, empty, run }
}
