import Koa from "koa";

/** A. The floor: Koa answering "hello", nothing else. */
export function helloApp(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = "hello";
  });
  return app;
}
