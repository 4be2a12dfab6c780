import { TipPhoto } from "../../db/entities";
import { definePhotos } from "../kernel/photos";

/** A tip's photos; no uploader column, since that would name the tipster. */
export const tipPhotos = definePhotos({ entity: TipPhoto, caseColumn: "tipId", area: "tip" });
