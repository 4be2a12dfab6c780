import type { Person } from "../db/entities";
import { Unauthorized } from "../errors";

/**
 * The person a request acts as, as `authenticate` set it. Every route reads the acting person
 * here: a route mounted without `authenticate` answers 401 rather than acting as nobody.
 */
export function actor(ctx: { state: { person?: Person } }): Person {
  if (!ctx.state.person) throw Unauthorized();
  return ctx.state.person;
}
