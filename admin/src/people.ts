import { api } from "./api";

export interface PersonOption {
  id: number;
  name: string;
  unit?: { name: string } | null;
}

/** People matching `q` within the caller's scope (GET /api/people); [] when that route is not there yet. */
export async function searchPeople(q: string): Promise<PersonOption[]> {
  try {
    return (await api.get<PersonOption[]>("/api/people", { q, pageSize: 20 })).data;
  } catch {
    return [];
  }
}

/** A person as the directory lists them (GET /api/people). */
export interface PersonRow {
  id: number;
  name: string;
  mobile: string;
  unit: { id: number; code: string; name: string };
  roles: { code: string; label: string }[];
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  active: boolean;
  consoleRole: { code: string; label: string } | null;
  scope: { code: string; label: string; unitIds: number[] } | null;
}

/** What the person form sends: every field on create, the changed ones on edit. */
export interface PersonInput {
  name: string;
  mobile: string;
  unitId: number | null;
  roles: string[];
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  active: boolean;
}

export const savePerson = async (id: number | null, input: Partial<PersonInput>): Promise<PersonRow> =>
  (id === null ? await api.post<PersonRow>("/api/people", input) : await api.patch<PersonRow>(`/api/people/${id}`, input)).data;
