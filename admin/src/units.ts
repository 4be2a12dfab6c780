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
