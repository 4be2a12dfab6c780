import { firstByKey, type Known, report } from "./checkHelpers";
import type { EnterpriseRow } from "./model";
import type { ParsedDirectory } from "./parseTables";
import type { ProblemList } from "./problems";

const OWNERS = [
  ["adminOwnerMobile", "行政负责人"],
  ["supervisorOwnerMobile", "行业部门监管负责人"],
  ["enterpriseOwnerMobile", "企业单位负责人"],
] as const satisfies readonly (readonly [keyof EnterpriseRow, string])[];

/** Checks the 企业 rows: duplicate credit codes, unknown supervising units and responsible people. */
export function checkEnterprises(parsed: ParsedDirectory, unitCodes: Known, mobiles: Known, problems: ProblemList): void {
  const first = firstByKey(problems, "enterprises", parsed.directory.enterprises, "creditCode", "统一社会信用代码");
  for (const { row, at } of first.values()) {
    if (!unitCodes.has(row.supervisingUnitCode)) {
      report(problems, "enterprises", at, "supervisingUnitCode", `监管单位编码“${row.supervisingUnitCode}”在本文件和系统中都不存在`);
    }
    for (const [key, role] of OWNERS) {
      const mobile = row[key];
      if (mobile !== null && !mobiles.has(mobile)) report(problems, "enterprises", at, key, `${role}的手机号在本文件和系统中都找不到对应人员`);
    }
  }
}
