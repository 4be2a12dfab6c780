/** Great-circle distance in metres. */
export function haversineMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

/** Metres per degree of latitude (and of longitude at the equator). */
const METRES_PER_DEGREE = 111_320;

/** A latitude/longitude rectangle that contains every point within `metres` of the centre. */
export interface BoundingBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/**
 * The rectangle around a point that a radius fits in, for an index-friendly prefilter before the
 * exact great-circle distance. Near the poles a longitude degree shrinks to nothing; the box then
 * spans every longitude rather than dividing by zero.
 */
export function boundingBox(lat: number, lng: number, metres: number): BoundingBox {
  const dLat = metres / METRES_PER_DEGREE;
  const cos = Math.cos((lat * Math.PI) / 180);
  const dLng = cos < 1e-6 ? 180 : Math.min(180, metres / (METRES_PER_DEGREE * cos));
  return { minLat: lat - dLat, maxLat: lat + dLat, minLng: lng - dLng, maxLng: lng + dLng };
}

/** True for a real position: finite, within range, and not the (0, 0) some phones send when they have no fix. */
export function isUsablePosition(lat: number, lng: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && !(lat === 0 && lng === 0);
}
