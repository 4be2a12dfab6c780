import { api, type Labelled } from "./api";
import type { UnitRef } from "./session";

type Owner = { id: number; name: string | null } | null;

/** An enterprise as the directory lists it (GET /api/enterprises). */
export interface EnterpriseRow {
  id: number;
  name: string;
  creditCode: string;
  industry: Labelled;
  scale: Labelled;
  riskLevel: Labelled;
  address: string | null;
  supervisingUnit: UnitRef | null;
  owners: { admin: Owner; supervisor: Owner; enterprise: Owner };
  active: boolean;
}

export interface EnterpriseInput {
  creditCode?: string;
  name: string;
  industry: string;
  scale: string;
  riskLevel: string;
  address: string | null;
  supervisingUnitId: number | null;
  adminOwnerId: number | null;
  supervisorOwnerId: number | null;
  enterpriseOwnerId: number | null;
  active?: boolean;
}

export const saveEnterprise = async (id: number | null, input: Partial<EnterpriseInput>): Promise<EnterpriseRow> =>
  (id === null ? await api.post<EnterpriseRow>("/api/enterprises", input) : await api.patch<EnterpriseRow>(`/api/enterprises/${id}`, input)).data;

