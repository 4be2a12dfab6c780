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
