/**
 * Where files live that people send us (photos of hazards, voice notes) and that we send them
 * (reports, notices). Storage keys are made by the store itself — never taken from a file name,
 * a URL or anything else a user controls — so no outside input ever reaches a file-system path.
 */

/** A file the store holds. */
export interface StoredMedia {
  /** The store's own key, e.g. `20261126-<32 hex>.jpg`; safe to keep in the database. */
  key: string;
  /** Normalised MIME type, e.g. `image/jpeg`. */
  contentType: string;
  size: number;
}

export interface MediaStore {
  /** Largest file accepted, in bytes (`MEDIA_MAX_MB`). */
  readonly maxBytes: number;
  /** Stores `bytes`; refuses content types outside the allowed list, over-size files and bytes that are not what the type says. */
  save(bytes: Buffer, contentType: string): Promise<StoredMedia>;
  /** Reads a file back by key; a key not of the store's own format is refused before any file-system access. */
  read(key: string): Promise<StoredMedia & { bytes: Buffer }>;
}

/** `20261126-` + 32 hex + `.jpg`: the only shape a store key has (the date, the random part, the extension). */
export const MEDIA_KEY = /^(\d{8})-[0-9a-f]{32}\.([a-z0-9]{2,5})$/;

/** Whether `key` has the store's own key shape; anything else never reaches a table or a path. */
export function isMediaKey(key: string): boolean {
  return MEDIA_KEY.test(key);
}
