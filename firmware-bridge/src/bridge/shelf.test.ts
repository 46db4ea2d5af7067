import { describe, expect, it } from "vitest";
import { ShelfEstimator, shelfFacts } from "./shelf";

const cola = (systemOnHand: string, lowStockThreshold = "4") =>
  shelfFacts({ unitWeightG: "355", systemOnHand, lowStockThreshold, soldByWeight: false });

describe("ShelfEstimator", () => {
  it("counts units from the filtered weight", () => {
    const shelf = new ShelfEstimator(cola("10"));
    expect(shelf.reading(3550)).toMatchObject({ units: "10", gap: false, low: false });
    expect(shelf.reading(3552)).toBeNull(); // same count, nothing to report
  });

  it("ignores unstable readings", () => {
    const shelf = new ShelfEstimator(cola("10"));
    shelf.reading(3550);
    expect(shelf.reading(9000, false)).toBeNull(); // a hand resting on the shelf
    expect(shelf.current?.units).toBe("10");
  });

  it("outvotes a lone spike and a dropout to zero with a median window", () => {
    const shelf = new ShelfEstimator(cola("10"), { window: 5 });
    for (const grams of [3550, 3548, 3551]) shelf.reading(grams);
    expect(shelf.reading(9000)).toBeNull(); // a hand resting on the shelf
    expect(shelf.reading(0)).toBeNull(); // a reading that dropped out
    expect(shelf.current?.units).toBe("10");
  });

  it("holds a count near a boundary instead of flickering (hysteresis)", () => {
    const shelf = new ShelfEstimator(cola("10"), { window: 1 });
    shelf.reading(3550);
    // 9.4 units of weight: past the half-way point, but not by the hysteresis margin.
    expect(shelf.reading(9.4 * 355)).toBeNull();
    expect(shelf.reading(9.6 * 355)).toBeNull();
    expect(shelf.current?.units).toBe("10");
    expect(shelf.reading(9.2 * 355)).toMatchObject({ units: "9" });
    expect(shelf.reading(9.6 * 355)).toBeNull();
  });

  it("raises a shelf gap when the shelf holds clearly less than the system believes, and clears it", () => {
    const shelf = new ShelfEstimator(cola("10"), { window: 1 });
    shelf.reading(3550);
    expect(shelf.reading(9 * 355)).toMatchObject({ units: "9", gap: false }); // within tolerance
    expect(shelf.reading(6 * 355)).toMatchObject({ units: "6", gap: true });
    // The system catches up (the sales are recorded): no gap any more.
    expect(shelf.setFacts(cola("6"))).toMatchObject({ units: "6", gap: false });
  });

  it("raises low stock below the reorder point and treats 0 as never low", () => {
    const shelf = new ShelfEstimator(cola("3"), { window: 1 });
    expect(shelf.reading(3 * 355)).toMatchObject({ units: "3", low: true, gap: false });
    const never = new ShelfEstimator(cola("1", "0"), { window: 1 });
    expect(never.reading(355)).toMatchObject({ low: false });
  });

  it("estimates goods sold by weight in grams, as the system counts them", () => {
    const facts = shelfFacts({ unitWeightG: null, systemOnHand: "12500", lowStockThreshold: "2000", soldByWeight: true });
    const shelf = new ShelfEstimator(facts, { window: 1 });
    expect(shelf.reading(12_480.4)).toMatchObject({ units: "12480", gap: false, low: false });
    expect(shelf.reading(12_460)).toBeNull(); // within 50 g
    expect(shelf.reading(12_300)).toMatchObject({ units: "12300", gap: false }); // 200 g short: below 250 g
    expect(shelf.reading(4_000)).toMatchObject({ units: "4000", gap: true });
    expect(shelf.reading(1_500)).toMatchObject({ low: true });
  });
});
