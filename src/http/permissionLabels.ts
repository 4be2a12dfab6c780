import type { Permission } from "../domain/access/vocabulary";
import { type AppError, Forbidden } from "../errors";

/** Each permission as a person reads it in a refusal or on the settings page. */
export const PERMISSION_LABELS: Readonly<Record<Permission, string>> = {
  "dashboard:read": "查看首页统计",
  "hazards:read": "查看隐患",
  "hazards:write": "办理隐患",
  "inspections:read": "查看巡查",
  "inspections:write": "巡查打卡",
  "callouts:read": "查看叫应",
  "callouts:write": "发起叫应",
  "tips:read": "查看举报",
  "tips:write": "办理举报",
  "tips:reveal": "查看举报人身份",
  "duty:read": "查看值班",
  "duty:write": "管理值班",
  "directory:read": "查看通讯录",
  "directory:write": "维护通讯录",
  "quotas:read": "查看任务完成情况",
  "reports:read": "下载报表",
  "audit:read": "查看审计日志",
  "settings:read": "查看系统设置",
  "settings:write": "修改系统设置",
};

/** The refusal of a request whose caller lacks `permission` (the access gate's, and a route's own check). */
export function lacking(permission: Permission): AppError {
  return Forbidden(`没有权限：需要“${PERMISSION_LABELS[permission]}”权限`);
}
