declare module "*.vue" {
  import type { DefineComponent } from "vue";
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module "element-plus/es/locale/lang/zh-cn.mjs" {
  const locale: import("element-plus").Language;
  export default locale;
}
declare module "*.css";
