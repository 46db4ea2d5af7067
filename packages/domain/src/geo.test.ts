import { describe, expect, it } from "vitest";
import { EARTH_MEAN_RADIUS_METERS, distanceMeters, isWithinRadius } from "./geo";
import { errorOf } from "./testing.test-helper";

const shanghaiPeoplesSquare = { latitude: 31.2304, longitude: 121.4737 };

describe("distanceMeters", () => {
  it("is zero for the same point and symmetric", () => {
    const lujiazui = { latitude: 31.2397, longitude: 121.4998 };
    expect(distanceMeters(shanghaiPeoplesSquare, shanghaiPeoplesSquare)).toBe(0);
    expect(distanceMeters(shanghaiPeoplesSquare, lujiazui)).toBeCloseTo(
      distanceMeters(lujiazui, shanghaiPeoplesSquare),
      9,
    );
  });

  it("matches one degree of arc along a meridian and the equator", () => {
    // one degree = R * pi / 180 = 6371008.8 * 0.0174533 = 111195.08 m
    const oneDegree = (EARTH_MEAN_RADIUS_METERS * Math.PI) / 180;
    expect(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 })).toBeCloseTo(
      oneDegree,
      6,
    );
    expect(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo(
      oneDegree,
      6,
    );
    expect(oneDegree).toBeCloseTo(111_195.08, 1);
  });

  it("gives half the circumference between antipodes, and handles the date line", () => {
    expect(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(
      Math.PI * EARTH_MEAN_RADIUS_METERS,
      3,
    );
    expect(distanceMeters({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 })).toBeCloseTo(
      (EARTH_MEAN_RADIUS_METERS * Math.PI) / 180,
      3,
    );
  });

  it("measures a city distance: People's Square to the Bund is about 1.9 km", () => {
    const bund = { latitude: 31.24, longitude: 121.49 };
    // dLat 0.0096° = 1067.5 m, dLon 0.0163° * cos(31.235°) = 0.013938° = 1549.9 m -> 1881.9 m
    expect(distanceMeters(shanghaiPeoplesSquare, bund)).toBeCloseTo(1881.9, 0);
  });

  it.each([
    [{ latitude: 91, longitude: 0 }],
    [{ latitude: -90.5, longitude: 0 }],
    [{ latitude: 0, longitude: 181 }],
    [{ latitude: Number.NaN, longitude: 0 }],
    [{ latitude: 0, longitude: Number.POSITIVE_INFINITY }],
  ])("rejects %o", (point) => {
    const error = errorOf(() => distanceMeters(shanghaiPeoplesSquare, point));
    expect(error.code).toBe("COORDINATES_INVALID");
    expect(error.message).toContain("Invalid second coordinates");
  });
});

describe("isWithinRadius", () => {
  it("compares against the radius inclusively", () => {
    const north = { latitude: 31.2304 + 0.02, longitude: 121.4737 };
    const distance = distanceMeters(shanghaiPeoplesSquare, north);
    expect(distance).toBeCloseTo(2223.9, 0);
    expect(isWithinRadius(shanghaiPeoplesSquare, north, 3000)).toBe(true);
    expect(isWithinRadius(shanghaiPeoplesSquare, north, distance)).toBe(true);
    expect(isWithinRadius(shanghaiPeoplesSquare, north, 2000)).toBe(false);
  });
});
