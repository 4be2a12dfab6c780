import { reactive } from "vue";
import { api, ApiError, type Labelled } from "./api";

export interface UnitRef {
  id: number;
  code: string;
  name: string;
}

/** Who is signed in, as GET /api/auth/me answers. */
export interface Me {
  id: number;
  name: string;
  mobile: string;
  unit: UnitRef;
  roles: Labelled[];
  consoleRole: Labelled | null;
  scope: Labelled & { units: UnitRef[] };
  permissions: string[];
  csrfToken: string | null;
}

export const session = reactive<{ me: Me | null; checked: boolean }>({ me: null, checked: false });

/** Asks the server who this is (once per page load unless `force`); null when not signed in. */
export async function loadMe(force = false): Promise<Me | null> {
  if (session.checked && !force) return session.me;
  try {
    session.me = (await api.get<Me>("/api/auth/me")).data;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    session.me = null;
  }
  session.checked = true;
  return session.me;
}

export async function signIn(mobile: string, password: string): Promise<Me> {
  session.me = (await api.post<Me>("/api/auth/login", { mobile, password })).data;
  session.checked = true;
  return session.me;
}

export async function signOut(): Promise<void> {
  await api.postRaw("/api/auth/logout").catch(() => undefined);
  session.me = null;
}

export const can = (permission: string): boolean => Boolean(session.me?.permissions.includes(permission));
