import type { ChannelId } from "../../channels/channel";
import type { EnterpriseScale, Industry, RiskLevel, RoleCode, UnitKind } from "../org/vocabulary";

/** One row of the 单位 sheet, as the spreadsheet names things: by codes, not database ids. */
export interface UnitRow {
  code: string;
  name: string;
  kind: UnitKind;
  /** Empty only for the root of the tree. */
  parentCode: string | null;
}

/** One row of the 人员 sheet; the mobile number is the person's identity. */
export interface PersonRow {
  mobile: string;
  name: string;
  unitCode: string;
  roles: RoleCode[];
  superiorMobile: string | null;
  /** The 企业微信账号 and 钉钉账号 columns: accounts in person_accounts (see ACCOUNT_FIELDS). */
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  active: boolean;
}

/**
 * The 人员 sheet's account columns and the channel each one's accounts belong to. The sheet is
 * the users' format, so its column names stay; a new messenger's column is one more line here.
 */
export const ACCOUNT_FIELDS = { wecomUserId: "wecom", dingtalkUserId: "dingtalk" } as const satisfies Record<string, ChannelId>;
/** A field of PersonRow holding an account. */
export type AccountField = keyof typeof ACCOUNT_FIELDS;
export const accountFieldList = Object.keys(ACCOUNT_FIELDS) as AccountField[];

/** One row of the 企业 sheet; the credit code is the enterprise's identity. */
export interface EnterpriseRow {
  creditCode: string;
  name: string;
  industry: Industry;
  scale: EnterpriseScale;
  riskLevel: RiskLevel;
  address: string | null;
  longitude: number | null;
  latitude: number | null;
  supervisingUnitCode: string;
  adminOwnerMobile: string | null;
  supervisorOwnerMobile: string | null;
  enterpriseOwnerMobile: string | null;
  active: boolean;
}

/** The three kinds of directory rows, by kind. */
export interface Rows {
  units: UnitRow;
  people: PersonRow;
  enterprises: EnterpriseRow;
}
/** `units`, `people` or `enterprises`. */
export type Kind = keyof Rows;
export const KINDS: readonly Kind[] = ["units", "people", "enterprises"];

/** Where a row came from, so a problem can name the sheet (or file) and the row a person sees. */
export interface RowRef {
  /** `人员`, or `people.csv（人员）` for a CSV file. */
  sheet: string;
  /** The row number as the spreadsheet program shows it (the header is row 1). */
  line: number;
  /** Position of the sheet among everything read, to list problems in reading order. */
  order: number;
}

/** A row with the place it was read from. */
export interface Sourced<R> {
  row: R;
  at: RowRef;
}

/** A whole directory to import: every row of every kind, in file order. */
export type Directory = { [K in Kind]: Sourced<Rows[K]>[] };

/** What an import did to one kind of row. */
export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
}
/** What an import did, per kind. */
export type ImportSummary = Record<Kind, KindCounts>;

/** A directory with no rows. */
export const emptyDirectory = (): Directory => ({ units: [], people: [], enterprises: [] });
