import Router from "@koa/router";
import getRawBody from "raw-body";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { HazardPhoto } from "../../db/entities";
import { addHazardPhotos } from "../../domain/hazards/addedPhotos";
import { Invalid, NotFound } from "../../errors";
import type { MediaStore } from "../../media/MediaStore";
import { photoTypes } from "../../media/photoBytes";
import { actor } from "../actor";
import { parseMultipart } from "../multipart";
import { one } from "../presenters/present";
import { parseInput } from "../validate";
import { IdParam } from "./directory.schema";
import { PhotoUploadForm } from "./hazardPhotos.schema";

/** Room for the form's boundaries, headers and text field beside the photo bytes. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

/**
 * A hazard's photos for the signed-in console: `GET …/photos/:photoId` (an `<img src>` works with
 * the session cookie) and `POST …/photos` (a form with `stage` and `photos` files: more 整改前
 * photos, or 整改后 ones). The access gate has already checked that the hazard is inside the
 * caller's scope; the bytes decide whether a file is a photo, never its name.
 */
export function hazardPhotoRoutes(deps: { db: Database; clock: Clock; media: MediaStore }): Router {
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

  router.post("/api/hazards/:id/photos", async (ctx) => {
    const hazardId = parseInput(IdParam, ctx.params.id);
    const type = ctx.get("content-type");
    if (!/^multipart\/form-data/i.test(type)) throw Invalid("请以 multipart/form-data 表单上传照片", undefined, "multipart_required");
    // Read here (the body middleware leaves this form alone): one full-size phone photo per request fits.
    const raw = await getRawBody(ctx.req, { limit: deps.media.maxBytes + FORM_OVERHEAD_BYTES, length: ctx.get("content-length") || undefined });
    const form = parseMultipart(raw, type);
    const { stage } = parseInput(PhotoUploadForm, form.fields);
    const photos = form.files.filter((f) => f.name === "photos").map((f) => f.bytes);
    if (photos.length === 0) throw Invalid("请选择要上传的照片", [{ where: "photos", message: "至少需要一张照片" }], "hazard_photos_missing");
    const types = photoTypes(photos, deps.media.maxBytes, "hazard");
    const keys: string[] = [];
    for (const [i, bytes] of photos.entries()) keys.push((await deps.media.save(bytes, types[i] as string)).key);
    await addHazardPhotos(deps, hazardId, actor(ctx), stage, keys);
    ctx.status = 201;
    ctx.body = one({ stage, added: keys.length });
  });
  return router;
}
