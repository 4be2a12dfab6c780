import { z } from "zod";

/** The text field of a photo upload form: which photos these are. */
export const PhotoUploadForm = z.object({
  stage: z.enum(["before", "after", "proof"], { error: "照片类别应为 before（整改前）、after（整改后）或 proof（即知即改）" }).meta({ description: "before：整改前（隐患现状）；after：整改后；proof：即知即改（当场整改的证明）" }),
});

/** The form as the OpenAPI document describes it: the stage and the photo files. */
export const PhotoUploadDoc = PhotoUploadForm.extend({
  photos: z.array(z.string().meta({ format: "binary" })).meta({ description: "照片文件（jpg、png、webp、gif，按内容识别，不看文件名），每次最多 9 张、合计不超过单张大小上限" }),
});
