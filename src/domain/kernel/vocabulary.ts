import { z } from "zod";

/** A vocabulary value as every API answer shows it: the code for programs, the label for people. */
export interface Presented<C extends string> {
  code: C;
  label: string;
}

/** A closed vocabulary: stable English codes stored in the database, Chinese labels shown to people. */
export interface Vocabulary<C extends string> {
  /** The codes, in the order they were defined (the order choices are offered in). */
  readonly codes: readonly [C, ...C[]];
  readonly labels: Readonly<Record<C, string>>;
  /** The zod enum of the codes, for request schemas, refusing anything else with `error` (a Chinese default lists the codes). */
  schema(error?: string): z.ZodEnum<{ [K in C]: K }>;
  /** The Chinese label of a code. */
  labelOf(code: C): string;
  /** Whether `value` is one of the codes. */
  isCode(value: unknown): value is C;
  /** The code for a Chinese label or for the code itself (trimmed); undefined when neither. */
  parse(text: string): C | undefined;
  /** `红、橙、黄、蓝`: the labels, for error messages. */
  choices(): string;
  /** `{code, label}`: how an API answers a value of this vocabulary. */
  present(code: C): Presented<C>;
  /** As `present`, passing null through (an optional column). */
  presentOrNull(code: C | null): Presented<C> | null;
}

/**
 * Defines a vocabulary from `{code: label}`. Every vocabulary of the domain is made here, so a
 * label, a request schema and an API answer of the same value can never disagree.
 */
export function defineVocabulary<const T extends Record<string, string>>(labels: T): Vocabulary<keyof T & string> {
  type C = keyof T & string;
  const codes = Object.keys(labels) as C[];
  if (codes.length === 0) throw new Error("a vocabulary needs at least one code");
  const known = new Set<string>(codes);
  const byLabel = new Map<string, C>(codes.map((c) => [labels[c] as string, c]));
  const isCode = (value: unknown): value is C => typeof value === "string" && known.has(value);
  const labelOf = (code: C): string => labels[code] as string;
  const present = (code: C): Presented<C> => ({ code, label: labelOf(code) });
  return {
    codes: codes as [C, ...C[]],
    labels,
    schema: (error) => z.enum(codes as [C, ...C[]], { error: error ?? `应为 ${codes.map((c) => `${c}（${labelOf(c)}）`).join("、")} 之一` }) as unknown as z.ZodEnum<{ [K in C]: K }>,
    labelOf,
    isCode,
    parse: (text) => {
      const t = text.trim();
      return byLabel.get(t) ?? (isCode(t) ? t : undefined);
    },
    choices: () => codes.map(labelOf).join("、"),
    present,
    presentOrNull: (code) => (code === null ? null : present(code)),
  };
}

/** The code type of a vocabulary: `CodeOf<typeof hazardStates>` is `"reported" | "assigned" | …`. */
export type CodeOf<V> = V extends Vocabulary<infer C> ? C : never;
