import { z } from "zod";
import { consoleRoles, dataScopes } from "../../domain/access/vocabulary";
import { industries, riskLevels, roles, scales, unitKinds } from "../../domain/org/vocabulary";

const page = {
  page: z.coerce.number().int().positive("页码应为正整数").optional(),
  pageSize: z.coerce.number().int().min(1, "每页条数应在 1–100 之间").max(100, "每页条数应在 1–100 之间").optional(),
};
const id = (label: string) => z.number({ error: `${label}应为编号` }).int(`${label}应为编号`).positive(`${label}应为编号`);

export const PeopleQuery = z.object({
  q: z.string().max(50, "搜索词不超过 50 个字").optional().meta({ description: "姓名或手机号中的文字" }),
  unit: z.string().max(100).optional().meta({ description: "单位编码、全称或编号（含下级单位）" }),
  role: roles.schema().optional(),
  active: z.enum(["true", "false"], { error: "active 应为 true 或 false" }).optional(),
  ...page,
});

const personName = z.string({ error: "姓名应为文字" }).trim().min(1, "请填写姓名").max(50, "姓名不超过 50 个字");
const mobile = z.string({ error: "手机号应为文字" }).trim().regex(/^1\d{10}$/, "手机号应为 11 位数字");
const personRoles = z.array(roles.schema(), { error: "角色应为列表" }).min(1, "至少保留一个角色");
/** A messenger userid as the platform shows it; empty means none. */
const account = (label: string) =>
  z
    .string({ error: `${label}应为文字` })
    .trim()
    .max(64, `${label}不超过 64 个字符`)
    .regex(/^[^\s,，;；]*$/, `${label}不能含空格或分隔符`)
    .nullable()
    .transform((v) => (v ? v : null))
    .optional()
    .meta({ description: `${label}（userid），空为无` });

export const PersonCreate = z
  .object({
    name: personName,
    mobile,
    unitId: id("单位"),
    roles: personRoles,
    wecomUserId: account("企业微信账号"),
    dingtalkUserId: account("钉钉账号"),
    active: z.boolean({ error: "active 应为 true 或 false" }).optional(),
  })
  .strict();

export const PersonPatch = z
  .object({
    name: personName.optional(),
    mobile: mobile.optional(),
    unitId: id("单位").optional(),
    roles: personRoles.optional(),
    wecomUserId: account("企业微信账号"),
    dingtalkUserId: account("钉钉账号"),
    active: z.boolean({ error: "active 应为 true 或 false" }).optional(),
    /** The console role an administrator chooses; `none` takes console access away, null goes back to the directory roles' default. */
    consoleRole: z.union([consoleRoles.schema(), z.literal("none"), z.null()]).optional(),
    scope: z
      .object({ code: dataScopes.schema(), unitIds: z.array(id("单位"), { error: "单位应为编号列表" }).max(100, "最多 100 个单位").optional() }, { error: "数据范围应为 { code, unitIds }" })
      .refine((s) => s.code !== "custom" || (s.unitIds?.length ?? 0) > 0, { message: "自定义数据范围须至少选择一个单位", path: ["unitIds"] })
      .nullable()
      .optional(),
  })
  .strict();

export const EnterprisesQuery = z.object({
  q: z.string().max(50, "搜索词不超过 50 个字").optional().meta({ description: "名称或统一社会信用代码中的文字" }),
  unit: z.string().max(100).optional().meta({ description: "监管单位的编码、全称或编号（含下级单位）" }),
  industry: industries.schema().optional(),
  riskLevel: riskLevels.schema().optional(),
  ...page,
});

export const EnterprisePatch = z
  .object({
    name: z.string({ error: "名称应为文字" }).trim().min(1, "请填写名称").max(100, "名称不超过 100 个字").optional(),
    address: z.string({ error: "地址应为文字" }).trim().max(255, "地址不超过 255 个字").nullable().optional(),
    industry: industries.schema().optional(),
    scale: scales.schema().optional(),
    riskLevel: riskLevels.schema().optional(),
    supervisingUnitId: id("监管单位").optional(),
    adminOwnerId: id("行政负责人").nullable().optional(),
    supervisorOwnerId: id("行业部门监管负责人").nullable().optional(),
    enterpriseOwnerId: id("企业单位负责人").nullable().optional(),
    active: z.boolean({ error: "active 应为 true 或 false" }).optional(),
  })
  .strict();

export const EnterpriseCreate = EnterprisePatch.extend({
  creditCode: z.string({ error: "统一社会信用代码应为文字" }).trim().min(1, "请填写统一社会信用代码").max(18, "统一社会信用代码应为 18 位").meta({ description: "统一社会信用代码（18 位）" }),
  name: z.string({ error: "名称应为文字" }).trim().min(1, "请填写名称").max(100, "名称不超过 100 个字"),
  industry: industries.schema(),
  scale: scales.schema(),
  riskLevel: riskLevels.schema(),
  supervisingUnitId: id("监管单位"),
}).omit({ active: true });

export const UnitCreate = z
  .object({
    code: z.string({ error: "单位编码应为文字" }).trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "单位编码应为字母、数字、- 或 _，不超过 64 位"),
    name: z.string({ error: "单位名称应为文字" }).trim().min(1, "请填写单位名称").max(100, "单位名称不超过 100 个字"),
    kind: unitKinds.schema(),
    parentId: id("上级单位"),
  })
  .strict();

export const UnitPatch = z
  .object({
    name: z.string({ error: "单位名称应为文字" }).trim().min(1, "请填写单位名称").max(100, "单位名称不超过 100 个字").optional(),
    kind: unitKinds.schema().optional(),
    parentId: id("上级单位").optional(),
  })
  .strict();

export const ImportQuery = z.object({
  dryRun: z.enum(["true", "false"], { error: "dryRun 应为 true 或 false" }).optional().meta({ description: "true：只检查不写入" }),
  name: z.string().max(100).regex(/\.(xlsx|csv)$/i, "文件名应以 .xlsx 或 .csv 结尾").optional().meta({ description: "文件名（决定按 xlsx 还是 csv 读取）" }),
});

export const IdParam = z.coerce.number({ error: "编号应为数字" }).int("编号应为整数").positive("编号应为正整数");
