import { createRouter, createWebHistory } from "vue-router";
import { menuFor, MENU } from "./menu";
import { loadMe } from "./session";

export const router = createRouter({
  history: createWebHistory("/admin/"),
  routes: [
    { path: "/login", component: () => import("./pages/LoginPage.vue"), meta: { public: true, title: "登录" } },
    { path: "/", component: () => import("./pages/DashboardPage.vue"), meta: { permission: "dashboard:read", title: "首页概览" } },
    { path: "/hazards", component: () => import("./pages/HazardsPage.vue"), meta: { permission: "hazards:read", title: "隐患管理" } },
    { path: "/hazards/:id", component: () => import("./pages/HazardDetailPage.vue"), meta: { permission: "hazards:read", title: "隐患详情" } },
    { path: "/callouts", component: () => import("./pages/CalloutsPage.vue"), meta: { permission: "callouts:read", title: "叫应" } },
    { path: "/callouts/:id", component: () => import("./pages/CalloutDetailPage.vue"), meta: { permission: "callouts:read", title: "叫应看板" } },
    { path: "/duty", component: () => import("./pages/DutyPage.vue"), meta: { permission: "duty:read", title: "值班" } },
    { path: "/tips", component: () => import("./pages/TipsPage.vue"), meta: { permission: "tips:read", title: "举报受理" } },
    { path: "/directory", component: () => import("./pages/DirectoryPage.vue"), meta: { permission: "directory:read", title: "通讯录" } },
    { path: "/audit", component: () => import("./pages/AuditPage.vue"), meta: { permission: "audit:read", title: "操作日志" } },
    { path: "/settings", component: () => import("./pages/SettingsPage.vue"), meta: { permission: "settings:read", title: "系统设置" } },
    { path: "/forbidden", component: () => import("./pages/ForbiddenPage.vue"), meta: { title: "无权访问" } },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const me = await loadMe().catch(() => null);
  if (!me) return { path: "/login", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  const permission = to.meta.permission as string | undefined;
  if (permission && !me.permissions.includes(permission)) {
    // The home page is the first page this person may open (a tip officer's may be 举报受理).
    const first = menuFor(me.permissions)[0];
    if (to.path === "/" && first && first.path !== "/") return first.path;
    return to.path === "/forbidden" ? true : "/forbidden";
  }
  return true;
});

router.afterEach((to) => {
  document.title = `${(to.meta.title as string | undefined) ?? MENU[0]?.title} · 安哨管理后台`;
});
