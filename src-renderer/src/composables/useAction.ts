import { ref } from 'vue';
import { toApiError, type ApiError } from '@/api';

/** Runs a user's action once at a time, keeping its failure for the UI to show instead of throwing it. */
export function useAction() {
  const busy = ref(false);
  const error = ref<ApiError | null>(null);

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = null;
    try {
      return await action();
    } catch (caught) {
      error.value = toApiError(caught);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}
