/**
 * How big a warning may be. A real county warning names tens of areas and a CAP document nests
 * five elements deep (alert › info › area › geocode › value); anything far beyond is a mistake or
 * an attack, refused before it reaches the parser's recursion or the database's parameter limits.
 */
export const MAX_WARNING_AREAS = 200;

/** Element depth a CAP document may reach. */
export const MAX_CAP_DEPTH = 32;

/**
 * The deepest element nesting in `xml`, stopping as soon as it passes `limit`, in one pass and
 * without recursion. Comments, CDATA and processing instructions do not count; it is a size
 * guard, not a parser, so a malformed document is left for the validator to describe.
 */
export function xmlDepthExceeds(xml: string, limit: number): boolean {
  let depth = 0;
  const tags = /<(\/?)([A-Za-z_][^>]*?)(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
  for (let m = tags.exec(xml); m !== null; m = tags.exec(xml)) {
    if (m[2] === undefined || m[3] === "/") continue;
    if (m[1] === "/") depth = Math.max(0, depth - 1);
    else if (++depth > limit) return true;
  }
  return false;
}
