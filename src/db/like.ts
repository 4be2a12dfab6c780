/**
 * LIKE patterns for text a person typed, with `%` and `_` taken literally. "!" is the escape
 * character: a backslash would need different quoting on SQLite and MySQL. Use `ESCAPE '!'` after
 * each `LIKE :param` (as `LIKE_ESCAPE`).
 */
export const LIKE_ESCAPE = "ESCAPE '!'";

const escape = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/** Matches values containing `text`. */
export const likeContaining = (text: string) => `%${escape(text)}%`;

/** Matches values starting with `text`. */
export const likeStarting = (text: string) => `${escape(text)}%`;
