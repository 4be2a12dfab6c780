import { HazardPhoto, InspectionPhoto, TipPhoto } from "../../src/db/entities";
import { definePhotos } from "../../src/domain/kernel/photos";

const key = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe("definePhotos: checking the keys a person sent", () => {
  const hazard = definePhotos({ entity: HazardPhoto, caseColumn: "hazardId", area: "hazard" });
  const inspection = definePhotos({ entity: InspectionPhoto, caseColumn: "inspectionId", area: "inspection", missingMessage: "请上传现场照片", unique: true });
  const tip = definePhotos({ entity: TipPhoto, caseColumn: "tipId", area: "tip" });

  it("refuses none when required, more than nine, or a key the media store never made, naming the field and the kind's code", () => {
    expect(() => hazard.check([], { required: true })).toThrow(expect.objectContaining({ code: "hazard_photos_missing", message: "请至少上传一张照片" }));
    expect(() => inspection.check(undefined, { required: true })).toThrow(expect.objectContaining({ code: "inspection_photos_missing", message: "请上传现场照片" }));
    expect(() => tip.check([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(key), { required: false })).toThrow(expect.objectContaining({ code: "tip_photos_too_many", message: "照片最多 9 张" }));
    expect(() => hazard.check([key(1), "../../etc/passwd"], { required: false, field: "after" })).toThrow(
      expect.objectContaining({ code: "hazard_photo_key_invalid", details: { problems: [{ where: "after.1", message: "不是有效的文件存储键" }] } }),
    );
  });

  it("takes well-formed keys as sent, or once each where the kind counts distinct photos", () => {
    expect(tip.check(undefined, { required: false })).toEqual([]);
    expect(hazard.check([key(1), key(1)], { required: true })).toEqual([key(1), key(1)]);
    expect(inspection.check([key(1), key(2), key(1)], { required: true })).toEqual([key(1), key(2)]);
  });
});
