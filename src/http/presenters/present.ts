// What every presenter of the admin API shares: one resource is `{ data }`, a list is
// `{ data, paging }`, a person/unit/enterprise is `{ id, name }`, a time is ISO-8601 UTC, and a
// vocabulary value is `{ code, label }` (the vocabulary's own `present`).

/** One resource, as every API answer wraps it. */
export function one<T>(data: T): { data: T } {
  return { data };
}

/** A page of a list, as the list's service returns it. */
export interface PageOf<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** A page of resources, each presented by `present`, with its paging. */
export function page<T, P>(p: PageOf<T>, present: (item: T) => P): { data: P[]; paging: { page: number; pageSize: number; total: number } } {
  return { data: p.items.map(present), paging: { page: p.page, pageSize: p.pageSize, total: p.total } };
}

/** A reference to a named row (`{ id, name }`); null for no row, a null name when the name is unknown. */
export function ref(id: number | null, names: ReadonlyMap<number, string>): { id: number; name: string | null } | null {
  return id === null ? null : { id, name: names.get(id) ?? null };
}

/** A time as the API shows it: ISO-8601 in UTC; null stays null. */
export function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
