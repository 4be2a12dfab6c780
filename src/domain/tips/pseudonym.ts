import { randomInt } from "node:crypto";

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud on the phone is not misheard. */
const ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY";

/**
 * `举报人-7K3F`: a fresh random name per tip, so two tips by one person cannot be linked through
 * it, and nothing about the person goes into it.
 */
export function newPseudonym(): string {
  let code = "";
  for (let i = 0; i < 4; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `举报人-${code}`;
}
