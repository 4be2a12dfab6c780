import { industries, type RoleCode, riskLevels, roles, scales, unitKinds } from "../org/vocabulary";
import { type Column, creditCode, degrees, listOf, mobile, oneOf, optional, platformId, required, text, unitCode, yesNo } from "./cells";
import type { Kind, Rows } from "./model";

/** Every field of a row type has exactly one column; the object's key order is the sheet's column order. */
export type ColumnTable<R> = { readonly [K in keyof R]-?: Column<R[K]> };

/** The 单位 sheet. */
export const unitColumns: ColumnTable<Rows["units"]> = {
  code: required("单位编码", unitCode),
  name: required("单位名称", text(100)),
  kind: required("单位类型", oneOf(unitKinds)),
  parentCode: optional("上级单位编码", { ...unitCode, hint: "上级单位的单位编码；只有根单位（县局）留空" }),
};

/** The 人员 sheet. */
export const personColumns: ColumnTable<Rows["people"]> = {
  mobile: required("手机号", { ...mobile, hint: `${mobile.hint}；人员的唯一标识` }),
  name: required("姓名", text(50)),
  unitCode: required("所属单位编码", { ...unitCode, hint: "所在单位的单位编码" }),
  roles: optional("角色", listOf(roles), [] as RoleCode[]),
  superiorMobile: optional("上级手机号", { ...mobile, hint: "直接上级的手机号（叫应无人回应时向其升级）" }),
  wecomUserId: optional("企业微信账号", { ...platformId, hint: `企业微信通讯录中的账号（UserID），${platformId.hint}` }),
  dingtalkUserId: optional("钉钉账号", { ...platformId, hint: `钉钉通讯录中的 userid，${platformId.hint}` }),
  active: optional("在职", { ...yesNo, hint: "是 或 否，留空为“是”；离职人员填“否”，不删除" }, true),
};

/** The 企业 sheet. */
export const enterpriseColumns: ColumnTable<Rows["enterprises"]> = {
  creditCode: required("统一社会信用代码", { ...creditCode, hint: `${creditCode.hint}；企业的唯一标识` }),
  name: required("企业名称", text(200)),
  industry: required("行业", oneOf(industries)),
  scale: required("规模", oneOf(scales)),
  riskLevel: required("风险等级", oneOf(riskLevels)),
  address: optional("地址", text(255)),
  longitude: optional("经度", degrees("经度", 73, 136)),
  latitude: optional("纬度", degrees("纬度", 3, 54)),
  supervisingUnitCode: required("监管单位编码", { ...unitCode, hint: "负责监管该企业的单位编码" }),
  adminOwnerMobile: optional("行政负责人手机号", { ...mobile, hint: "行政负责人的手机号，须在人员表或系统中" }),
  supervisorOwnerMobile: optional("行业部门监管负责人手机号", { ...mobile, hint: "行业部门监管负责人的手机号，须在人员表或系统中" }),
  enterpriseOwnerMobile: optional("企业单位负责人手机号", { ...mobile, hint: "企业单位负责人的手机号，须在人员表或系统中" }),
  active: optional("在营", { ...yesNo, hint: "是 或 否，留空为“是”；关停的企业填“否”，不删除" }, true),
};

/** How one kind of row appears in a workbook. */
export interface KindSheet<R> {
  /** The sheet name, also the kind's name in messages. */
  sheet: string;
  columns: ColumnTable<R>;
  /** The field that identifies a row (matched against the database). */
  key: keyof R & string;
}

/** Every kind's sheet: its name, its columns and its key. */
export const SHEETS: { readonly [K in Kind]: KindSheet<Rows[K]> } = {
  units: { sheet: "单位", columns: unitColumns, key: "code" },
  people: { sheet: "人员", columns: personColumns, key: "mobile" },
  enterprises: { sheet: "企业", columns: enterpriseColumns, key: "creditCode" },
};

/** A sheet of notes in the template and exports; imports skip it. */
export const NOTES_SHEET = "说明";

/** The columns of a table in sheet order, each with its row field. */
export function columnList<R>(table: ColumnTable<R>): { key: keyof R & string; column: Column<R[keyof R & string]> }[] {
  return (Object.keys(table) as (keyof R & string)[]).map((key) => ({ key, column: table[key] as Column<R[keyof R & string]> }));
}

/** A column's header and its position in the sheet, for placing a problem found by a cross-row check. */
export function columnOf<K extends Kind>(kind: K, key: keyof Rows[K] & string): { header: string; index: number } {
  const columns = SHEETS[kind].columns as Record<string, Column<unknown>>;
  return { header: (columns[key] as Column<unknown>).header, index: Object.keys(columns).indexOf(key) + 1 };
}

/** The header of the column that identifies a row of this kind. */
export const keyHeader = (kind: Kind): string => columnOf(kind, SHEETS[kind].key as keyof Rows[Kind] & string).header;
