/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-letter alphabet without I, O, S, V
 * and Z, the last one a check character over the first 17.
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters; undefined when one is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (WEIGHTS[i] as number);
  }
  return ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** Why `code` (already upper-cased and trimmed) is not a credit code, in Chinese; undefined when it is. */
export function creditCodeProblem(code: string): string | undefined {
  if (code.length !== 18) return `应为 18 位，实际为 ${code.length} 位`;
  const bad = [...code].filter((c) => !ALPHABET.includes(c));
  if (bad.length > 0) return `含有不允许的字符“${[...new Set(bad)].join("")}”（不使用 I、O、S、V、Z）`;
  if (creditCodeCheckChar(code.slice(0, 17)) !== code.charAt(17)) return "校验位不正确，请核对是否抄错";
  return undefined;
}

const ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Builds a well-formed credit code from its parts (GB 11714 organisation-code check included);
 * used to make fictional but valid codes for demo data and templates.
 */
export function makeCreditCode(prefix: string, division: string, orgBody: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_ALPHABET.indexOf(orgBody.charAt(i)) * (ORG_WEIGHTS[i] as number);
  const c9 = 11 - (sum % 11);
  const orgCheck = c9 === 10 ? "X" : c9 === 11 ? "0" : String(c9);
  const first17 = `${prefix}${division}${orgBody}${orgCheck}`;
  const check = creditCodeCheckChar(first17);
  if (first17.length !== 17 || check === undefined) throw new Error(`cannot make a credit code from ${first17}`);
  return `${first17}${check}`;
}
