import { creditCodeProblem } from "./creditCode";

/** A cell as written to a workbook: numbers stay numbers so spreadsheet programs can sort them. */
export type CellValue = string | number | null;

/** A cell whose text is not a valid value for its column; the message is shown to the user. */
export class CellError extends Error {}

/**
 * One column of a sheet: its Chinese header and how a cell's text becomes a value and back.
 * The same definition drives import, export, the template and the docs, so they cannot drift.
 */
export interface Column<V> {
  readonly header: string;
  readonly required: boolean;
  /** What the column accepts, in Chinese: shown in the template and the docs. */
  readonly hint: string;
  /** True when the column holds numbers (written as numbers, not text). */
  readonly numeric?: boolean;
  /** Reads trimmed cell text (possibly empty); throws `CellError` when it is not acceptable. */
  read(text: string): V;
  write(value: V): CellValue;
}

interface Spec<V> {
  hint: string;
  numeric?: boolean;
  parse(text: string): V;
  write?(value: V): CellValue;
}

/** A column that must be filled in. */
export function required<V>(header: string, spec: Spec<V>): Column<V> {
  return {
    header,
    required: true,
    hint: spec.hint,
    numeric: spec.numeric,
    read: (text) => {
      if (text === "") throw new CellError("必填，不能为空");
      return spec.parse(text);
    },
    write: (value) => (spec.write ? spec.write(value) : String(value)),
  };
}

/** A column that may stay empty, meaning `whenEmpty`. */
export function optional<V, E extends V | null = null>(header: string, spec: Spec<V>, whenEmpty: E = null as E): Column<V | E> {
  return {
    header,
    required: false,
    hint: spec.hint,
    numeric: spec.numeric,
    read: (text) => (text === "" ? whenEmpty : spec.parse(text)),
    write: (value) => (value === null ? null : spec.write ? spec.write(value as V) : String(value)),
  };
}

/** Free text up to `max` characters. */
export const text = (max: number, hint = `文字，最长 ${max} 个字`): Spec<string> => ({
  hint,
  parse: (t) => {
    if ([...t].length > max) throw new CellError(`过长：最多 ${max} 个字，实际 ${[...t].length} 个`);
    return t;
  },
});

/** A unit code; stored upper-case because MySQL compares codes without regard to case anyway. */
export const unitCode: Spec<string> = {
  hint: "字母、数字、下划线、点或连字符，最长 64 位，不区分大小写",
  parse: (t) => {
    const code = t.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9_.-]{0,63}$/.test(code)) throw new CellError("只能包含字母、数字、下划线、点和连字符，最长 64 位");
    return code;
  },
};

/** A mainland mobile number, normalised to 11 digits; the message never repeats the number. */
export const mobile: Spec<string> = {
  hint: "11 位大陆手机号，可带空格、连字符或 +86",
  parse: (t) => {
    const digits = t.replace(/[\s-]/g, "").replace(/^(\+?86)(?=\d{11}$)/, "");
    if (!/^1[3-9]\d{9}$/.test(digits)) throw new CellError("应为 11 位大陆手机号（1 开头，第二位为 3–9）");
    return digits;
  },
};

/** A WeChat Work or DingTalk user id: the platforms allow letters, digits and `_-@.`. */
export const platformId: Spec<string> = {
  hint: "字母、数字和 _ - @ . 组成，最长 64 位",
  parse: (t) => {
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(t)) throw new CellError("只能由字母、数字和 _ - @ . 组成，最长 64 位");
    return t;
  },
};

/** 是 / 否. */
export const yesNo: Spec<boolean> = {
  hint: "是 或 否",
  parse: (t) => {
    if (["是", "Y", "y", "1", "TRUE", "true"].includes(t)) return true;
    if (["否", "N", "n", "0", "FALSE", "false"].includes(t)) return false;
    throw new CellError("应为“是”或“否”");
  },
  write: (v) => (v ? "是" : "否"),
};

interface Vocabulary<C extends string> {
  parse(text: string): C | undefined;
  label(code: C): string;
  choices(): string;
}

/** One label of a closed vocabulary; the code is what is stored. */
export function oneOf<C extends string>(vocabulary: Vocabulary<C>): Spec<C> {
  return {
    hint: vocabulary.choices(),
    parse: (t) => {
      const code = vocabulary.parse(t);
      if (code === undefined) throw new CellError(`“${t}”不是可选值，应为：${vocabulary.choices()}`);
      return code;
    },
    write: (c) => vocabulary.label(c),
  };
}

/** Several labels separated by 、 or commas; kept in vocabulary order so re-imports compare equal. */
export function listOf<C extends string>(vocabulary: Vocabulary<C> & { codes: readonly C[] }): Spec<C[]> {
  return {
    hint: `可填多个，用“、”或逗号分隔：${vocabulary.choices()}`,
    parse: (t) => {
      const parts = t.split(/[、,，;；\s]+/).filter((p) => p !== "");
      const unknown = parts.filter((p) => vocabulary.parse(p) === undefined);
      if (unknown.length > 0) throw new CellError(`未知的取值“${unknown.join("、")}”，可选：${vocabulary.choices()}`);
      const chosen = new Set(parts.map((p) => vocabulary.parse(p) as C));
      return vocabulary.codes.filter((c) => chosen.has(c));
    },
    write: (codes) => codes.map((c) => vocabulary.label(c)).join("、"),
  };
}

/** A decimal degree within `[min, max]`, kept to 6 places (about 0.1 m) so re-imports compare equal. */
export const degrees = (what: string, min: number, max: number): Spec<number> => ({
  hint: `${what}，${min}～${max} 之间的小数（中国境内）`,
  numeric: true,
  parse: (t) => {
    const n = Number(t);
    if (t.trim() === "" || !Number.isFinite(n)) throw new CellError("应为数字（度，小数形式）");
    if (n < min || n > max) throw new CellError(`应在 ${min}～${max} 之间（中国境内），请检查是否与${what === "经度" ? "纬度" : "经度"}填反`);
    return Math.round(n * 1e6) / 1e6;
  },
  write: (n) => n,
});

/** 统一社会信用代码: 18 characters with a valid check character. */
export const creditCode: Spec<string> = {
  hint: "18 位统一社会信用代码（含校验位）",
  parse: (t) => {
    const code = t.replace(/\s/g, "").toUpperCase();
    const problem = creditCodeProblem(code);
    if (problem === undefined) return code;
    // Excel turns a long all-digit code into a number and drops the last digits.
    const hint = /^\d{15,}$/.test(code) ? "；若在 Excel 中录入，请先把该列设为“文本”格式" : "";
    throw new CellError(`统一社会信用代码${problem}${hint}`);
  },
};
