import { makeCreditCode } from "./creditCode";
import { type DirectoryRows, writeWorkbook } from "./writeWorkbook";

/**
 * The rows of the template workbook: a small tree, two people and two enterprises that import
 * cleanly into an empty directory, so a newcomer can see every column filled in the right form.
 */
export const templateRows: DirectoryRows = {
  units: [
    { code: "SL", name: "示例县应急管理局", kind: "bureau", parentCode: null },
    { code: "SL-DQ", name: "东桥镇", kind: "town", parentCode: "SL" },
    { code: "SL-DQ-01", name: "东桥镇柳林村", kind: "village", parentCode: "SL-DQ" },
  ],
  people: [
    { mobile: "13900009001", name: "王建华", unitCode: "SL", roles: ["dept_supervisor", "admin_owner", "deputy_leader"], superiorMobile: null, wecomUserId: "wangjianhua", dingtalkUserId: null, active: true },
    { mobile: "13900009002", name: "李秀梅", unitCode: "SL-DQ-01", roles: ["grid_member", "village_cadre"], superiorMobile: "13900009001", wecomUserId: "lixiumei", dingtalkUserId: null, active: true },
    { mobile: "13900009003", name: "赵德胜", unitCode: "SL-DQ-01", roles: ["enterprise_owner"], superiorMobile: null, wecomUserId: null, dingtalkUserId: null, active: true },
  ],
  enterprises: [
    {
      creditCode: makeCreditCode("91", "519901", "MA6DQ001"),
      name: "示例县东桥燃气有限公司",
      industry: "gas",
      scale: "designated",
      riskLevel: "orange",
      address: "示例县东桥镇柳林村工业路8号",
      longitude: 104.61234,
      latitude: 31.45678,
      supervisingUnitCode: "SL-DQ",
      adminOwnerMobile: "13900009001",
      supervisorOwnerMobile: "13900009001",
      enterpriseOwnerMobile: "13900009003",
      active: true,
    },
    {
      creditCode: makeCreditCode("92", "519901", "MA6DQ002"),
      name: "柳林村便民超市",
      industry: "other",
      scale: "small",
      riskLevel: "blue",
      address: null,
      longitude: null,
      latitude: null,
      supervisingUnitCode: "SL-DQ",
      adminOwnerMobile: null,
      supervisorOwnerMobile: null,
      enterpriseOwnerMobile: "13900009003",
      active: true,
    },
  ],
};

/** The template workbook: headers from the column definitions, the example rows and the notes sheet. */
export function directoryTemplate(): Promise<Buffer> {
  return writeWorkbook(templateRows, [
    "“单位”“人员”“企业”三张表中的示例行仅作演示，填写前请删除。",
    "导入按单位编码、手机号、统一社会信用代码匹配：已存在的更新，不存在的新增；表中没有的记录不会被删除。",
    "文件中任何一处有误，整份文件都不会写入；请按提示逐条改正后重新导入。",
  ]);
}
