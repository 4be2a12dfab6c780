import { ref } from "vue";
import { ApiError, messageOf } from "./api";

/**
 * A page's loading state: `notOpen` when the server has no such route yet, `error` with the
 * server's Chinese message otherwise. `run` returns undefined on failure.
 */
export function useLoad() {
  const loading = ref(false);
  const notOpen = ref(false);
  const error = ref<string | null>(null);
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    loading.value = true;
    error.value = null;
    try {
      const v = await fn();
      notOpen.value = false;
      return v;
    } catch (err) {
      if (err instanceof ApiError && err.notOpen) notOpen.value = true;
      else error.value = messageOf(err);
      return undefined;
    } finally {
      loading.value = false;
    }
  }
  return { loading, notOpen, error, run };
}
