import Router from "@koa/router";
import { buildOpenApi } from "../openapi";

/** `GET /api/openapi.json`: the admin API's OpenAPI 3 document, generated from the access table and the routes' zod schemas. */
export function openApiRoutes(): Router {
  const router = new Router();
  let doc: ReturnType<typeof buildOpenApi> | undefined;
  router.get("/api/openapi.json", (ctx) => {
    doc ??= buildOpenApi();
    ctx.body = doc;
  });
  return router;
}
