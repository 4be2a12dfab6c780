import type { Person } from "../db/entities";
import type { DataScope } from "../domain/access/scope";

/**
 * How a list narrows to the caller's data scope (the gate has already refused units outside it):
 * `withinUnits` for a unit-bound scope, `ownOnly` for 仅本人, nothing for 全部 or a bearer-less test app.
 */
export function scopeNarrowing(ctx: { state: { access?: { scope: DataScope } } }): { withinUnits?: number[]; ownOnly?: boolean } {
  const scope = ctx.state.access?.scope;
  if (!scope || scope.unitIds === null) return {};
  if (scope.code === "self") return { ownOnly: true };
  return { withinUnits: [...scope.unitIds] };
}

/** For lists of one person's own rows under 仅本人 (check-ins by inspector, campaigns by initiator). */
export function ownerUnderSelfScope(ctx: { state: { access?: { scope: DataScope } } }, person: Person): number | undefined {
  return ctx.state.access?.scope.code === "self" ? person.id : undefined;
}
