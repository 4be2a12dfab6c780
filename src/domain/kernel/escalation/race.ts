import { isLostRace } from "../../../db/dialect";

/**
 * Runs `work`, again up to `attempts` times while it loses a race (a duplicate step key, a
 * deadlock, a lock wait, SQLite busy): the winner did that part, and a fresh look finds the rest.
 */
export async function retryLostRace<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isLostRace(err)) throw err;
    }
  }
}

/** A lost race means another instance did the work: `fallback` instead of the error. */
export async function unlessLostRace<T, F>(work: () => Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await work();
  } catch (err) {
    if (isLostRace(err)) return fallback;
    throw err;
  }
}
