import { ref, watch, type Ref } from 'vue'

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key)
    return raw === null ? fallback : (JSON.parse(raw) as T)
  } catch {
    return fallback
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Storage can be full or disabled (private mode); the value then lives for this tab only.
  }
}

/** A ref kept in localStorage as JSON under `key`; null removes the entry. */
export function persistedRef<T>(key: string, fallback: T): Ref<T> {
  const value = ref(read(key, fallback)) as Ref<T>
  watch(value, (next) => write(key, next))
  return value
}
