import type { PersonRow } from "../directory";
import type { RoleCode } from "../org/vocabulary";

/** [number, name, WeChat Work id, unit, roles, superior's number]; the number picks the mobile. */
type Entry = [number, string, string, string, RoleCode[], number | null];

const STAFF: Entry[] = [
  [1, "周建国", "zhoujianguo", "QH", ["chief", "duty_leader"], null],
  [2, "李明", "liming", "QH", ["deputy_leader", "duty_leader", "admin_owner"], 1],
  [3, "王芳", "wangfang", "QH", ["deputy_leader", "duty_leader"], 1],
  [4, "陈静", "chenjing", "QH-BGS", ["admin"], 2],
  [5, "刘洋", "liuyang", "QH-BGS", ["tip_officer"], 2],
  [6, "赵磊", "zhaolei", "QH-BGS", ["duty_officer"], 2],
  [7, "孙丽", "sunli", "QH-BGS", ["duty_officer"], 2],
  [8, "张伟", "zhangwei", "QH-ZHK", ["inspector", "dept_supervisor"], 3],
  // Supervisors from the industry departments (住建、消防、市场监管、交通、文旅), coordinated here.
  [9, "黄志强", "huangzhiqiang", "QH-ZHK", ["dept_supervisor"], 8],
  [10, "吴敏", "wumin", "QH-ZHK", ["dept_supervisor"], 8],
  [11, "徐涛", "xutao", "QH-ZHK", ["dept_supervisor"], 8],
  [12, "马超", "machao", "QH-ZHK", ["dept_supervisor"], 8],
  [13, "胡婷", "huting", "QH-ZHK", ["dept_supervisor"], 8],
  [14, "郭强", "guoqiang", "QH-WHK", ["inspector", "dept_supervisor"], 2],
  [15, "林晓燕", "linxiaoyan", "QH-WHK", ["inspector", "duty_officer"], 14],
  [16, "何军", "hejun", "QH-GMK", ["inspector", "dept_supervisor"], 3],
  [17, "高鹏", "gaopeng", "QH-GMK", ["inspector"], 16],
  [18, "罗刚", "luogang", "QH-ZFZD", ["enforcer", "duty_leader"], 2],
  [19, "郑浩", "zhenghao", "QH-ZFZD", ["enforcer"], 18],
  [20, "梁宇", "liangyu", "QH-ZFZD", ["enforcer", "duty_officer"], 18],
  [21, "谢斌", "xiebin", "QH-ZFZD", ["enforcer"], 18],
];

/** Per town: its leader (行政负责人), safety officer and two grid members. */
const TOWN_STAFF: Entry[] = [
  [22, "宋志刚", "songzhigang", "QH-DL", ["admin_owner", "duty_leader"], 3],
  [23, "唐亮", "tangliang", "QH-DL", ["inspector"], 22],
  [24, "韩雪", "hanxue", "QH-DL", ["grid_member"], 23],
  [25, "冯磊", "fenglei", "QH-DL", ["grid_member"], 23],
  [26, "曹建华", "caojianhua", "QH-NC", ["admin_owner", "duty_leader"], 3],
  [27, "彭飞", "pengfei", "QH-NC", ["inspector"], 26],
  [28, "董丽娟", "donglijuan", "QH-NC", ["grid_member"], 27],
  [29, "袁明", "yuanming", "QH-NC", ["grid_member"], 27],
  [30, "邓文", "dengwen", "QH-XH", ["admin_owner", "duty_leader"], 3],
  [31, "许晨", "xuchen", "QH-XH", ["inspector"], 30],
  [32, "傅佳", "fujia", "QH-XH", ["grid_member"], 31],
  [33, "沈涛", "shentao", "QH-XH", ["grid_member"], 31],
];

const VILLAGE_CADRES: Entry[] = [
  [34, "曾国平", "zengguoping", "QH-DL-01", ["village_cadre", "grid_member"], 23],
  [35, "吕红梅", "lvhongmei", "QH-DL-02", ["village_cadre"], 23],
  [36, "苏建军", "sujianjun", "QH-DL-03", ["village_cadre", "grid_member"], 23],
  [37, "蒋春燕", "jiangchunyan", "QH-DL-04", ["village_cadre"], 23],
  [38, "蔡志明", "caizhiming", "QH-NC-01", ["village_cadre", "grid_member"], 27],
  [39, "贾丽", "jiali", "QH-NC-02", ["village_cadre"], 27],
  [40, "丁勇", "dingyong", "QH-NC-03", ["village_cadre", "grid_member"], 27],
  [41, "魏芳", "weifang", "QH-NC-04", ["village_cadre"], 27],
  [42, "薛峰", "xuefeng", "QH-XH-01", ["village_cadre", "grid_member"], 31],
  [43, "叶敏", "yemin", "QH-XH-02", ["village_cadre"], 31],
  [44, "阎波", "yanbo", "QH-XH-03", ["village_cadre", "grid_member"], 31],
  [45, "余佳", "yujia", "QH-XH-04", ["village_cadre"], 31],
];

/** The enterprises' own responsible people, registered with the village they work in. */
const OWNERS: Entry[] = [
  [46, "潘德明", "pandeming", "QH-DL-03", ["enterprise_owner"], null],
  [47, "杜海", "duhai", "QH-DL-02", ["enterprise_owner"], null],
  [48, "戴红", "daihong", "QH-DL-03", ["enterprise_owner"], null],
  [49, "夏志远", "xiazhiyuan", "QH-DL-02", ["enterprise_owner"], null],
  [50, "钟华", "zhonghua", "QH-DL-03", ["enterprise_owner"], null],
  [51, "汪洋", "wangyang", "QH-DL-02", ["enterprise_owner"], null],
  [52, "田野", "tianye", "QH-DL-04", ["enterprise_owner"], null],
  [53, "任杰", "renjie", "QH-NC-03", ["enterprise_owner"], null],
  [54, "姜涛", "jiangtao", "QH-NC-01", ["enterprise_owner"], null],
  [55, "范伟", "fanwei", "QH-NC-01", ["enterprise_owner"], null],
  [56, "方琳", "fanglin", "QH-NC-04", ["enterprise_owner"], null],
  [57, "石磊", "shilei", "QH-NC-04", ["enterprise_owner"], null],
  [58, "姚军", "yaojun", "QH-NC-01", ["enterprise_owner"], null],
  [59, "谭明", "tanming", "QH-NC-01", ["enterprise_owner"], null],
  [60, "廖静", "liaojing", "QH-XH-03", ["enterprise_owner"], null],
  [61, "邹平", "zouping", "QH-XH-02", ["enterprise_owner"], null],
  [62, "熊伟", "xiongwei", "QH-XH-01", ["enterprise_owner"], null],
];

/** `139 0000 00nn`: fictional numbers in one block, well-formed for every check. */
export const demoMobile = (n: number): string => `1390000${String(n).padStart(4, "0")}`;

/** 谢斌 has left the squad: the demo shows a deactivated person, kept for the ledger. */
const LEFT = new Set([21]);

/** 西河街道 works on DingTalk as well as WeChat Work. */
const ON_DINGTALK = new Set(["QH-XH"]);

/** Sixty-two people covering every role, with their superiors. */
export const demoPeople: PersonRow[] = [...STAFF, ...TOWN_STAFF, ...VILLAGE_CADRES, ...OWNERS].map(([n, name, wecom, unit, roles, superior]) => ({
  mobile: demoMobile(n),
  name,
  unitCode: unit,
  roles,
  superiorMobile: superior === null ? null : demoMobile(superior),
  wecomUserId: wecom,
  dingtalkUserId: ON_DINGTALK.has(unit.slice(0, 5)) ? `dt_${wecom}` : null,
  active: !LEFT.has(n),
}));
