/** What a form shows while it saves: the spinner on its button, and the server's error for <FormError>. */
export interface Submitting {
  busy: boolean;
  error: unknown;
}

/**
 * Runs a form's save with `state.busy` on meanwhile. A failure is kept in `state.error` (the Chinese
 * message and each field's problem, shown by <FormError>) rather than thrown, so the form stays
 * open with what was typed.
 */
export async function submit(state: Submitting, work: () => Promise<void>): Promise<void> {
  state.busy = true;
  state.error = null;
  try {
    await work();
  } catch (err) {
    state.error = err;
  } finally {
    state.busy = false;
  }
}
