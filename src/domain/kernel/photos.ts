import { type EntityManager, type EntityTarget, type FindOptionsOrder, type FindOptionsWhere, In } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { Invalid } from "../../errors";
import { isMediaKey } from "../../media/MediaStore";

/** Most photos one step takes; a phone sends at most nine at once. */
export const MAX_PHOTOS = 9;

/** What every photo row has: the media store's key (the bytes live in the store) and when it was taken in. */
export interface PhotoRow {
  id: number;
  storageKey: string;
  at: Date;
}

/** How one kind of case keeps its photos. */
export interface PhotoSpec<R extends PhotoRow, K extends keyof R & string> {
  entity: EntityTarget<R>;
  /** The column naming the case (`hazardId`, `tipId`, `inspectionId`). */
  caseColumn: K;
  /** The error codes' prefix: `hazard` gives `hazard_photos_missing`, `hazard_photos_too_many`, `hazard_photo_key_invalid`. */
  area: string;
  /** The refusal when photos are required and none came. */
  missingMessage?: string;
  /** Drop repeated keys (a check-in counts distinct photos) rather than keep them as sent. */
  unique?: boolean;
}

/** A case's photos: check the keys a person sent, attach them in the case's transaction, list them. */
export interface CasePhotos<R extends PhotoRow> {
  /** Refuses missing (when `required`), too many or malformed storage keys, with the field at fault. */
  check(keys: readonly string[] | undefined, options: { required: boolean; field?: string }): string[];
  /** Records photos of a case, in the caller's transaction; `extra` fills the kind's own columns (stage, uploader). */
  attach(tx: EntityManager, caseId: number, keys: readonly string[], at: Date, extra?: Partial<R>): Promise<void>;
  /** A case's photos, oldest first. */
  list(manager: EntityManager, caseId: number): Promise<R[]>;
  /** The storage keys of several cases' photos, oldest first, by case id (every id present). */
  keysByCase(manager: EntityManager, caseIds: readonly number[]): Promise<Map<number, string[]>>;
}

/** Defines how a kind of case (hazard, tip, inspection) keeps photos; every kind checks keys the same way. */
export function definePhotos<R extends PhotoRow, K extends keyof R & string>(spec: PhotoSpec<R, K>): CasePhotos<R> {
  const order = { at: "ASC", id: "ASC" } as FindOptionsOrder<R>;
  const of = (ids: number | readonly number[]) => ({ [spec.caseColumn]: typeof ids === "number" ? ids : In([...ids]) }) as FindOptionsWhere<R>;
  return {
    check(keys, { required, field = "photoKeys" }) {
      const list = [...(keys ?? [])];
      if (required && list.length === 0) throw Invalid(spec.missingMessage ?? "请至少上传一张照片", [{ where: field, message: "至少需要一张照片" }], `${spec.area}_photos_missing`);
      if (list.length > MAX_PHOTOS) throw Invalid(`照片最多 ${MAX_PHOTOS} 张`, [{ where: field, message: `最多 ${MAX_PHOTOS} 张` }], `${spec.area}_photos_too_many`);
      const bad = list.findIndex((k) => !isMediaKey(k));
      if (bad >= 0) throw Invalid("照片存储键格式不正确", [{ where: `${field}.${bad}`, message: "不是有效的文件存储键" }], `${spec.area}_photo_key_invalid`);
      return spec.unique ? [...new Set(list)] : list;
    },
    async attach(tx, caseId, keys, at, extra) {
      if (keys.length === 0) return;
      const rows = keys.map((storageKey) => ({ ...extra, [spec.caseColumn]: caseId, storageKey, at }) as QueryDeepPartialEntity<R>);
      await tx.insert(spec.entity, rows);
    },
    list: (manager, caseId) => manager.find(spec.entity, { where: of(caseId), order }),
    async keysByCase(manager, caseIds) {
      const byCase = new Map<number, string[]>(caseIds.map((id) => [id, []]));
      if (caseIds.length === 0) return byCase;
      for (const row of await manager.find(spec.entity, { where: of(caseIds), order })) byCase.get(row[spec.caseColumn] as number)?.push(row.storageKey);
      return byCase;
    },
  };
}
