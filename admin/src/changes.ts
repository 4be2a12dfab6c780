/** The fields of `next` that differ from `prev`: an edit sends only what changed, so the audit log names only that. */
export function changed<T extends object>(prev: T, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(next) as (keyof T)[]) if (JSON.stringify(prev[k]) !== JSON.stringify(next[k])) out[k] = next[k];
  return out;
}
