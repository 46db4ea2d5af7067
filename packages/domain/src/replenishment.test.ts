import { describe, expect, it } from "vitest";
import { replenishmentQuantity, shelfRefillLevel, type ShelfRefill } from "./replenishment";

const milk: ShelfRefill = {
  unitOfSale: "EACH",
  lowStockThresholdMilli: 6_000,
  onShelfMilli: 2_000,
  shelfSystemMilli: 10_000,
  backroomAvailableMilli: 40_000,
};

describe("replenishment quantity", () => {
  it("fills the shelf back to twice the reorder point", () => {
    expect(shelfRefillLevel(milk)).toBe(12_000);
    expect(replenishmentQuantity(milk)).toBe(10_000);
  });

  it("brings no more than the backroom has free", () => {
    expect(replenishmentQuantity({ ...milk, backroomAvailableMilli: 4_000 })).toBe(4_000);
    expect(replenishmentQuantity({ ...milk, backroomAvailableMilli: 0 })).toBe(0);
    expect(replenishmentQuantity({ ...milk, backroomAvailableMilli: -1_000 })).toBe(0);
  });

  it("fills to what the system holds at the shelf when the product has no reorder point", () => {
    const cola = { ...milk, lowStockThresholdMilli: 0, shelfSystemMilli: 24_000, onShelfMilli: 2_000 };
    expect(shelfRefillLevel(cola)).toBe(24_000);
    expect(replenishmentQuantity(cola)).toBe(22_000);
  });

  it("moves nothing to a shelf at or above its level", () => {
    expect(replenishmentQuantity({ ...milk, onShelfMilli: 12_000 })).toBe(0);
    expect(replenishmentQuantity({ ...milk, onShelfMilli: 15_000 })).toBe(0);
    expect(
      replenishmentQuantity({ ...milk, lowStockThresholdMilli: 0, shelfSystemMilli: 0, onShelfMilli: 0 }),
    ).toBe(0);
  });

  it("moves whole units of goods sold by the piece: a part-unit shortfall rounds up, a part-unit in stock does not count", () => {
    expect(replenishmentQuantity({ ...milk, lowStockThresholdMilli: 2_500, onShelfMilli: 1_000 })).toBe(
      4_000,
    );
    expect(replenishmentQuantity({ ...milk, backroomAvailableMilli: 3_500 })).toBe(3_000);
  });

  it("moves grams exactly for goods sold by weight", () => {
    const bananas: ShelfRefill = {
      unitOfSale: "WEIGHT",
      lowStockThresholdMilli: 5_000_000,
      onShelfMilli: 1_234_500,
      shelfSystemMilli: 8_000_000,
      backroomAvailableMilli: 20_000_000,
    };
    expect(replenishmentQuantity(bananas)).toBe(8_765_500);
    expect(replenishmentQuantity({ ...bananas, backroomAvailableMilli: 2_500_250 })).toBe(2_500_250);
  });
});
