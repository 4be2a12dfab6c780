import type { Database } from "../../db/Database";
import { OrgUnit, Person } from "../../db/entities";
import { COUNTY } from "../demo/county";
import type { SignInLinks } from "./sessions";

/** The demo county's administrator (陈静), whom a newcomer signs in as with one click. */
export const DEMO_ADMIN_MOBILE = "13900000004";

/**
 * A one-time sign-in link for the demo administrator, when this database holds the demo county
 * (its root unit) and that administrator; null otherwise, so a real county never gets one.
 */
export async function demoAdminSignInPath(db: Database, links: SignInLinks): Promise<{ path: string; name: string } | null> {
  const root = await db.manager.findOne(OrgUnit, { where: { code: COUNTY.root } });
  if (!root?.name.startsWith(COUNTY.name)) return null;
  const admin = await db.manager.findOne(Person, { where: { mobile: DEMO_ADMIN_MOBILE, active: true } });
  if (!admin?.roles.includes("admin")) return null;
  return { path: `/api/auth/link?token=${encodeURIComponent(await links.issue(admin.id))}`, name: admin.name };
}
