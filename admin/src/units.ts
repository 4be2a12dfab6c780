import { api } from "./api";
import { session, type UnitRef } from "./session";

export interface UnitNode extends UnitRef {
  kind: { code: string; label: string };
  parentId: number | null;
  children?: UnitNode[];
}

/**
 * The units the person may pick in a filter: GET /api/units (their scope) when the server has it,
 * else the units their scope names (or their own unit), so a filter never offers what is refused.
 */
export async function unitsInScope(): Promise<UnitRef[]> {
  try {
    return (await api.get<UnitNode[]>("/api/units", { flat: "true" })).data.map(({ id, code, name }) => ({ id, code, name }));
  } catch {
    const me = session.me;
    if (!me) return [];
    return me.scope.units.length ? me.scope.units : [me.unit];
  }
}

/** The unit tree within the caller's scope, for the directory's 单位 tab. */
export const unitTree = async (): Promise<UnitNode[]> => (await api.get<UnitNode[]>("/api/units")).data;

/** Adds a unit under `parentId`, or renames / moves one. */
export async function saveUnit(id: number | null, input: { code?: string; name?: string; kind?: string; parentId?: number | null }): Promise<UnitNode> {
  return (id === null ? await api.post<UnitNode>("/api/units", input) : await api.patch<UnitNode>(`/api/units/${id}`, input)).data;
}
