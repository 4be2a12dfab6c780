import type { ValueTransformer } from "typeorm";

/**
 * Column options shared by the entities, written so one schema works on SQLite and MySQL.
 * Times are stored in UTC with millisecond precision.
 */
export const utcDatetime = { type: "datetime", precision: 3 } as const;

/** MySQL returns DOUBLE as a number but DECIMAL and BIGINT as strings; keep numbers numbers. */
export const numeric: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** MySQL stores booleans as TINYINT(1); SQLite as 0/1. Read both back as booleans. */
export const bool: ValueTransformer = {
  to: (v: boolean | undefined) => v,
  from: (v: number | boolean | null) => (v === null || v === undefined ? v : Boolean(v)),
};

/** A short list of codes kept in one varchar column as `a,b,c`. */
export const commaList: ValueTransformer = {
  to: (v: string[] | undefined) => (v === undefined ? v : v.join(",")),
  from: (v: string | null) => (v ? v.split(",") : []),
};
