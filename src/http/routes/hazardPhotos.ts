import Router from "@koa/router";
import type { Database } from "../../db/Database";
import { HazardPhoto } from "../../db/entities";
import { NotFound } from "../../errors";
import type { MediaStore } from "../../media/MediaStore";
import { parseInput } from "../validate";
import { IdParam } from "./directory.schema";

/**
 * A hazard's photo for the signed-in console (an `<img src>` works with the session cookie); the
 * access gate has already checked that the hazard is inside the caller's scope.
 */
export function hazardPhotoRoutes(deps: { db: Database; media: MediaStore }): Router {
  const router = new Router();
  router.get("/api/hazards/:id/photos/:photoId", async (ctx) => {
    const hazardId = parseInput(IdParam, ctx.params.id);
    const id = parseInput(IdParam, ctx.params.photoId);
    const photo = await deps.db.manager.findOne(HazardPhoto, { where: { id, hazardId } });
    if (!photo) throw NotFound("该照片", "photo_not_found");
    const file = await deps.media.read(photo.storageKey).catch(() => {
      throw NotFound("该照片文件", "photo_not_found");
    });
    ctx.set("Cache-Control", "private, max-age=3600");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.type = file.contentType;
    ctx.body = file.bytes;
  });
  return router;
}
