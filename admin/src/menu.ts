/** The console's menu: an item shows when the person's permissions include its `:read`. */
export interface MenuItem {
  path: string;
  title: string;
  permission: string;
}

export const MENU: readonly MenuItem[] = [
  { path: "/", title: "首页概览", permission: "dashboard:read" },
  { path: "/hazards", title: "隐患管理", permission: "hazards:read" },
  { path: "/callouts", title: "叫应", permission: "callouts:read" },
  { path: "/duty", title: "值班", permission: "duty:read" },
  { path: "/tips", title: "举报受理", permission: "tips:read" },
  { path: "/directory", title: "通讯录", permission: "directory:read" },
  { path: "/audit", title: "操作日志", permission: "audit:read" },
  { path: "/settings", title: "系统设置", permission: "settings:read" },
];

export const menuFor = (permissions: readonly string[]): MenuItem[] => MENU.filter((m) => permissions.includes(m.permission));
