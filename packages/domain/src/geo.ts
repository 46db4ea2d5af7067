import { DomainError } from "./errors";

export type Coordinates = { latitude: number; longitude: number };

/** IUGG mean Earth radius; haversine on a sphere is within 0.5 % of the ellipsoid. */
export const EARTH_MEAN_RADIUS_METERS = 6_371_008.8;

function assertCoordinates(point: Coordinates, which: string): void {
  const { latitude, longitude } = point;
  if (
    !Number.isFinite(latitude) ||
    Math.abs(latitude) > 90 ||
    !Number.isFinite(longitude) ||
    Math.abs(longitude) > 180
  ) {
    throw new DomainError(
      "COORDINATES_INVALID",
      `Invalid ${which} coordinates (${String(latitude)}, ${String(longitude)}): latitude must be within ±90, longitude within ±180`,
      { latitude, longitude },
    );
  }
}

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance by the haversine formula, for delivery radii (Hema: 3 km). */
export function distanceMeters(a: Coordinates, b: Coordinates): number {
  assertCoordinates(a, "first");
  assertCoordinates(b, "second");
  const deltaLatitude = radians(b.latitude - a.latitude);
  const deltaLongitude = radians(b.longitude - a.longitude);
  const h =
    Math.sin(deltaLatitude / 2) ** 2 +
    Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(deltaLongitude / 2) ** 2;
  return 2 * EARTH_MEAN_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isWithinRadius(center: Coordinates, point: Coordinates, radiusMeters: number): boolean {
  return distanceMeters(center, point) <= radiusMeters;
}
