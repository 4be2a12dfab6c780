import { boundingBox, haversineMetres, isUsablePosition } from "../../src/domain/org/geo";

describe("inspection geometry", () => {
  it("puts every point within the radius inside the prefilter box, in every direction", () => {
    for (const [lat, lng] of [[31.48, 104.62], [60, 10], [-45, -170], [0, 179.9]] as const) {
      const box = boundingBox(lat, lng, 2_000);
      for (let bearing = 0; bearing < 360; bearing += 15) {
        // A point 1,990 m away along `bearing` (flat-earth step, fine at this scale).
        const rad = (bearing * Math.PI) / 180;
        const pLat = lat + (1_990 * Math.cos(rad)) / 111_320;
        const pLng = lng + (1_990 * Math.sin(rad)) / (111_320 * Math.cos((lat * Math.PI) / 180));
        expect(haversineMetres(lat, lng, pLat, pLng)).toBeLessThan(2_000);
        expect(pLat).toBeGreaterThanOrEqual(box.minLat);
        expect(pLat).toBeLessThanOrEqual(box.maxLat);
        expect(pLng).toBeGreaterThanOrEqual(box.minLng);
        expect(pLng).toBeLessThanOrEqual(box.maxLng);
      }
    }
  });

  it("keeps the box finite at the poles", () => {
    const box = boundingBox(90, 0, 1_000);
    expect(Number.isFinite(box.minLng) && Number.isFinite(box.maxLng)).toBe(true);
    expect(box.maxLng - box.minLng).toBe(360);
  });

  it("measures about 111 metres per thousandth of a degree of latitude", () => {
    expect(Math.round(haversineMetres(31.48, 104.62, 31.481, 104.62))).toBe(111);
  });

  it("refuses positions out of range, not numbers, or the (0, 0) of a phone without a fix", () => {
    expect(isUsablePosition(31.48, 104.62)).toBe(true);
    expect([isUsablePosition(91, 0), isUsablePosition(0, 181), isUsablePosition(Number.NaN, 1), isUsablePosition(0, 0)]).toEqual([false, false, false, false]);
  });
});
