import { createApp } from "vue";
import ElementPlus from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn.mjs";
import "element-plus/dist/index.css";
import "./style.css";
import App from "./App.vue";
import { whenUnauthorized } from "./api";
import { router } from "./router";
import { session } from "./session";

whenUnauthorized(() => {
  session.me = null;
  if (router.currentRoute.value.path !== "/login") void router.push({ path: "/login", query: { next: router.currentRoute.value.fullPath } });
});

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount("#app");
