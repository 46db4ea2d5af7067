import { attachToCorridor, floorPlanSchema } from "@store/domain";
import { describe, expect, it } from "vitest";
import { generateFloorPlan } from "./floor-plan";
import { generateLayout } from "./layout";

const plan = generateFloorPlan();
const shelves = generateLayout("S").filter((location) => location.kind === "SHELF");

/** Where each zone's shelves are picked from: the corridor line their feet lie on. */
const corridorOfZone: Record<string, { x: number } | { y: number }> = {
  produce: { x: 5.5 },
  bakery: { y: 35.5 },
  alcohol: { y: 35.5 },
  chilled: { x: 55.5 },
  frozen: { y: 2.5 },
  checkout: { y: 2.5 },
};

describe("generateFloorPlan", () => {
  it("is a valid walk graph", () => {
    const result = floorPlanSchema.safeParse(plan);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it("has a corridor within 1.6 m of every shelf", () => {
    expect(shelves.length).toBeGreaterThan(600);
    const far = shelves
      .map((shelf) => ({ code: shelf.code, offsetM: attachToCorridor(plan, shelf).offsetM }))
      .filter(({ offsetM }) => offsetM > 1.6);
    expect(far).toEqual([]);
  });

  it("picks a grocery shelf from its own aisle, level with its bay", () => {
    const grocery = shelves.filter((shelf) => shelf.zone === "grocery");
    expect(grocery).toHaveLength(8 * 12 * 5);
    for (const shelf of grocery) {
      const aisleNumber = Number(shelf.aisle?.slice(1));
      const attachment = attachToCorridor(plan, shelf);
      expect(attachment, shelf.code).toEqual({
        edge: [`${shelf.aisle}-front`, `${shelf.aisle}-back`],
        x: 18 + 4 * (aisleNumber - 1),
        y: shelf.y,
        offsetM: 1,
      });
    }
  });

  it("picks every other sales zone from the corridor along it", () => {
    const others = shelves.filter((shelf) => shelf.zone !== "grocery");
    expect(new Set(others.map((shelf) => shelf.zone))).toEqual(new Set(Object.keys(corridorOfZone)));
    for (const shelf of others) {
      expect(attachToCorridor(plan, shelf), shelf.code).toMatchObject(corridorOfZone[shelf.zone]!);
    }
  });

  it("reaches the packing area from the corridors", () => {
    for (const location of generateLayout("S").filter((location) => location.kind === "PACKING")) {
      expect(attachToCorridor(plan, location).offsetM, location.code).toBeLessThanOrEqual(0.5);
    }
  });
});
