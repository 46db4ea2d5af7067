import { distanceMeters, seededRandom } from "@store/domain";
import { describe, expect, it } from "vitest";
import {
  basketSize,
  catalogProductOf,
  createOrderStream,
  dailyRate,
  localHour,
  MAX_BASKET_LINES,
  nextArrival,
  pickWeighted,
  pointInDisc,
  quantityOf,
  type CatalogProduct,
  type OrderDraft,
  type OrderStreamOptions,
} from "./order-stream";

const area = { latitude: 31.2234, longitude: 121.4453, radiusM: 3000 };
const instruments = { approvedCard: "4242424242424242", declinedCards: ["4000000000000002"] };
const options: OrderStreamOptions = { seed: 7, area, instruments };

/** A catalog of `count` products over four categories, a fifth of them weighed produce. */
function catalogOf(count: number): CatalogProduct[] {
  return Array.from({ length: count }, (_, index) => {
    const weighed = index % 5 === 0;
    return {
      id: `p${index}`,
      code: weighed ? String(4000 + index) : `69${String(index).padStart(11, "0")}`,
      categoryCode: weighed ? "PRODUCE-FRUIT" : ["DAIRY-MILK", "PANTRY-OIL", "SNACKS-CHIPS"][index % 3]!,
      unitOfSale: weighed ? "WEIGHT" : "EACH",
      priceMinor: 500 + ((index * 37) % 3000),
      available: weighed ? 20_000 : 30,
      popularity: 1 + (index % 10),
    } satisfies CatalogProduct;
  });
}

function orders(count: number, catalog: readonly CatalogProduct[], seed = 7): OrderDraft[] {
  const stream = createOrderStream({ ...options, seed });
  return Array.from({ length: count }, () => stream.next(catalog)).filter((order) => order !== null);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("createOrderStream", () => {
  it("draws the same orders from the same seed, and others from another", () => {
    const catalog = catalogOf(200);
    expect(orders(20, catalog, 1)).toEqual(orders(20, catalog, 1));
    expect(orders(20, catalog, 2)).not.toEqual(orders(20, catalog, 1));
  });

  it("makes baskets of 1 to 25 distinct products around a median of 6", () => {
    const drawn = orders(2000, catalogOf(300));
    const sizes = drawn.map((order) => order.lines.length);
    expect(median(sizes)).toBe(6);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BASKET_LINES);
    expect(sizes.filter((size) => size > 15).length / sizes.length).toBeLessThan(0.1);
    for (const order of drawn) {
      expect(new Set(order.lines.map((line) => line.productId)).size).toBe(order.lines.length);
    }
  });

  it("orders sensible quantities, never more than is available", () => {
    const catalog = catalogOf(100).map((product, index) =>
      index % 7 === 0 ? { ...product, available: product.unitOfSale === "WEIGHT" ? 120 : 1 } : product,
    );
    const byId = new Map(catalog.map((product) => [product.id, product]));
    const counts: number[] = [];
    for (const order of orders(1000, catalog)) {
      for (const line of order.lines) {
        const product = byId.get(line.productId)!;
        const quantity = Number(line.quantity);
        expect(quantity).toBeLessThanOrEqual(product.available);
        expect(Number.isInteger(quantity)).toBe(true);
        if (product.unitOfSale === "WEIGHT") {
          expect(quantity % 50).toBe(0);
          expect(quantity).toBeGreaterThanOrEqual(product.available < 300 ? 50 : 300);
          expect(quantity).toBeLessThanOrEqual(1500);
        } else {
          expect(quantity).toBeGreaterThanOrEqual(1);
          counts.push(quantity);
        }
      }
    }
    expect(counts.filter((count) => count <= 3).length / counts.length).toBeGreaterThan(0.9);
    expect(counts.filter((count) => count === 1).length / counts.length).toBeGreaterThan(0.5);
  });

  it("never picks a product with nothing available", () => {
    const catalog = catalogOf(50).map((product, index) =>
      index % 2 === 0 ? { ...product, available: product.unitOfSale === "WEIGHT" ? 40 : 0 } : product,
    );
    const empty = new Set(catalog.filter((_, index) => index % 2 === 0).map((product) => product.id));
    const lines = orders(300, catalog).flatMap((order) => order.lines);
    expect(lines.length).toBeGreaterThan(300);
    expect(lines.filter((line) => empty.has(line.productId))).toEqual([]);
    const stream = createOrderStream(options);
    expect(stream.next(catalog.filter((product) => empty.has(product.id)))).toBeNull();
  });

  it("picks popular products more often", () => {
    const catalog = catalogOf(100);
    const picks = new Map<string, number>();
    for (const order of orders(2000, catalog)) {
      for (const line of order.lines) picks.set(line.productId, (picks.get(line.productId) ?? 0) + 1);
    }
    const timesPicked = (popularity: number) =>
      catalog
        .filter((product) => product.popularity === popularity)
        .reduce((sum, product) => sum + (picks.get(product.id) ?? 0), 0);
    expect(timesPicked(10)).toBeGreaterThan(4 * timesPicked(1));
  });

  it("mixes substitution preferences, naming a product of the same category for SPECIFIC", () => {
    const catalog = catalogOf(200);
    const byId = new Map(catalog.map((product) => [product.id, product]));
    const byCode = new Map(catalog.map((product) => [product.code, product]));
    const lines = orders(1000, catalog).flatMap((order) => order.lines);
    const share = (substitution: string) =>
      lines.filter((line) => line.substitution === substitution).length / lines.length;
    expect(share("BEST_MATCH")).toBeCloseTo(0.6, 1);
    expect(share("SPECIFIC")).toBeCloseTo(0.2, 1);
    expect(share("NONE")).toBeCloseTo(0.2, 1);
    for (const line of lines) {
      if (line.substitution !== "SPECIFIC") {
        expect(line.preferredSubstituteCode).toBeUndefined();
        continue;
      }
      const substitute = byCode.get(line.preferredSubstituteCode!)!;
      expect(substitute.categoryCode).toBe(byId.get(line.productId)!.categoryCode);
      expect(substitute.id).not.toBe(line.productId);
    }
  });

  it("asks for the best match when the category has nothing else with a code", () => {
    const catalog: CatalogProduct[] = [
      ...catalogOf(20).filter((product) => product.categoryCode !== "PANTRY-OIL"),
      {
        ...catalogOf(1)[0]!,
        id: "oil",
        code: "6900000000017",
        categoryCode: "PANTRY-OIL",
        unitOfSale: "EACH",
      },
    ];
    const oilLines = orders(500, catalog)
      .flatMap((order) => order.lines)
      .filter((line) => line.productId === "oil");
    expect(oilLines.length).toBeGreaterThan(50);
    expect(oilLines.some((line) => line.substitution === "SPECIFIC")).toBe(false);
    expect(oilLines.some((line) => line.substitution === "NONE")).toBe(true);
  });

  it("orders for people with Chinese names, mobile numbers and Shanghai addresses", () => {
    const drawn = orders(300, catalogOf(50));
    for (const { customer, delivery } of drawn) {
      expect(customer.name).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(customer.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(delivery.address).toMatch(/^上海市\p{Script=Han}+区\p{Script=Han}+路(\d+弄)?\d+号\d+室$/u);
    }
    expect(new Set(drawn.map((order) => order.customer.name)).size).toBeGreaterThan(150);
    expect(new Set(drawn.map((order) => order.delivery.address)).size).toBe(drawn.length);
  });

  it("pays mostly by QR or an approved card, declined now and then", () => {
    const stream = createOrderStream({ ...options, declineRate: 0.05 });
    const payments = Array.from({ length: 2000 }, () => stream.next(catalogOf(20))!.payment);
    const declined = payments.filter((payment) => payment.instrument === instruments.declinedCards[0]);
    const approvedCard = payments.filter((payment) => payment.instrument === instruments.approvedCard);
    const qr = payments.filter((payment) => payment.method === "QR");
    expect(declined.length / payments.length).toBeCloseTo(0.05, 1);
    expect(declined.every((payment) => payment.method === "CARD")).toBe(true);
    expect(approvedCard.every((payment) => payment.method === "CARD")).toBe(true);
    expect(qr.length / payments.length).toBeGreaterThan(0.5);
    for (const payment of qr) expect(payment.instrument).toMatch(/^(1[0-5]|2[5-9]|30)\d{16}$/);
    expect(declined.length + approvedCard.length + qr.length).toBe(payments.length);
  });
});

describe("pointInDisc", () => {
  it("spreads delivery points evenly over the disc, none outside it", () => {
    const random = seededRandom(3);
    const points = Array.from({ length: 20_000 }, () => pointInDisc(random, area));
    const center = { latitude: area.latitude, longitude: area.longitude };
    const distances = points.map((point) =>
      distanceMeters(center, { latitude: point.lat, longitude: point.lng }),
    );
    expect(Math.max(...distances)).toBeLessThanOrEqual(area.radiusM + 0.1);
    // Uniform over the area: a quarter of the points within half the radius, not half of them.
    const inner = distances.filter((distance) => distance <= area.radiusM / 2).length / points.length;
    expect(inner).toBeCloseTo(0.25, 1.5);
    expect(distances.filter((distance) => distance > area.radiusM * 0.9).length / points.length).toBeCloseTo(
      0.19,
      1.5,
    );
    const north = points.filter((point) => point.lat > area.latitude).length / points.length;
    const east = points.filter((point) => point.lng > area.longitude).length / points.length;
    expect(north).toBeCloseTo(0.5, 1.5);
    expect(east).toBeCloseTo(0.5, 1.5);
  });
});

describe("basketSize and pickWeighted", () => {
  it("keeps every basket within 1 to 25 lines", () => {
    const random = seededRandom(11);
    const sizes = Array.from({ length: 10_000 }, () => basketSize(random));
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(MAX_BASKET_LINES);
  });

  it("draws distinct items, no more than asked or than there are", () => {
    const random = seededRandom(5);
    const items = [1, 2, 3].map((popularity) => ({ popularity }));
    expect(pickWeighted(random, items, 2)).toHaveLength(2);
    expect(new Set(pickWeighted(random, items, 5))).toEqual(new Set(items));
  });
});

describe("quantityOf", () => {
  it("takes what is left of a weighed product when less than the wanted weight remains", () => {
    const random = seededRandom(9);
    const product = { ...catalogOf(1)[0]!, unitOfSale: "WEIGHT" as const, available: 260 };
    const quantities = new Set(Array.from({ length: 50 }, () => quantityOf(random, product)));
    expect(quantities).toEqual(new Set(["250"]));
  });

  it("orders one of a dear product", () => {
    const random = seededRandom(9);
    const product = { ...catalogOf(2)[1]!, priceMinor: 149_900 };
    expect(new Set(Array.from({ length: 50 }, () => quantityOf(random, product)))).toEqual(new Set(["1"]));
  });
});

describe("catalogProductOf", () => {
  const item = {
    id: "p1",
    primaryBarcode: "6901234567892",
    categoryCode: "DAIRY-MILK",
    unitOfSale: "EACH" as const,
    priceMinor: 1290,
    available: "12",
    lowStockThreshold: "8",
  };

  it("derives popularity from the reorder point, in half-kilos for weighed products", () => {
    expect(catalogProductOf(item)?.popularity).toBeCloseTo(8 * 1.4);
    const apples = {
      ...item,
      categoryCode: "PRODUCE-FRUIT",
      unitOfSale: "WEIGHT" as const,
      lowStockThreshold: "3000",
    };
    expect(
      catalogProductOf({ ...apples, primaryBarcode: "4131", available: "8000" })?.popularity,
    ).toBeCloseTo(6 * 1.6);
    expect(catalogProductOf({ ...item, lowStockThreshold: "0" })?.popularity).toBeCloseTo(1.4);
  });

  it("keeps a GTIN or PLU as the product's code, not a scale label's item reference", () => {
    expect(catalogProductOf(item)?.code).toBe("6901234567892");
    expect(catalogProductOf({ ...item, primaryBarcode: "94011" })?.code).toBe("94011");
    expect(
      catalogProductOf({ ...item, primaryBarcode: "2010001", unitOfSale: "WEIGHT", available: "900" })?.code,
    ).toBeNull();
    expect(catalogProductOf({ ...item, primaryBarcode: null })?.code).toBeNull();
  });

  it("leaves out unpriced products and those with nothing to order", () => {
    expect(catalogProductOf({ ...item, priceMinor: null })).toBeNull();
    expect(catalogProductOf({ ...item, available: "0" })).toBeNull();
    expect(catalogProductOf({ ...item, unitOfSale: "WEIGHT", available: "49.5" })).toBeNull();
    expect(catalogProductOf({ ...item, unitOfSale: "WEIGHT", available: "50" })?.available).toBe(50);
  });
});

describe("arrivals", () => {
  const at = (iso: string) => new Date(iso);

  it("reads the time of day in the store's time zone", () => {
    expect(localHour(at("2025-03-01T04:30:00Z"), "Asia/Shanghai")).toBeCloseTo(12.5);
    expect(localHour(at("2025-03-01T20:15:00Z"), "Asia/Shanghai")).toBeCloseTo(4.25);
  });

  it("averages one order per mean interval over a day, with lunch and evening peaks", () => {
    const hours = Array.from({ length: 24 * 60 }, (_, minute) => dailyRate(minute / 60));
    expect(hours.reduce((sum, rate) => sum + rate, 0) / hours.length).toBeCloseTo(1, 2);
    expect(dailyRate(12)).toBeGreaterThan(1.5 * dailyRate(15));
    expect(dailyRate(18)).toBeGreaterThan(dailyRate(12));
    expect(dailyRate(3)).toBeLessThan(0.1);
  });

  it("spaces orders by the mean interval on a flat profile", () => {
    const random = seededRandom(13);
    const schedule = { meanIntervalS: 90, profile: "flat" as const, timeZone: "Asia/Shanghai" };
    let now = at("2025-03-01T00:00:00Z");
    const gaps: number[] = [];
    for (let index = 0; index < 5000; index++) {
      const next = nextArrival(random, now, schedule);
      gaps.push((next.getTime() - now.getTime()) / 1000);
      now = next;
    }
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    expect(mean).toBeGreaterThan(85);
    expect(mean).toBeLessThan(95);
    // Exponential gaps: about 1 - 1/e of them shorter than the mean.
    expect(gaps.filter((gap) => gap < 90).length / gaps.length).toBeCloseTo(0.632, 1.5);
  });

  it("follows the daily profile: many orders at dinner time, few at night, the day's mean kept", () => {
    const random = seededRandom(17);
    const schedule = { meanIntervalS: 60, profile: "daily" as const, timeZone: "Asia/Shanghai" };
    const byHour = Array.from({ length: 24 }, () => 0);
    const start = at("2025-03-01T00:00:00+08:00");
    const end = start.getTime() + 20 * 24 * 3600_000;
    let count = 0;
    for (
      let now = nextArrival(random, start, schedule);
      now.getTime() < end;
      now = nextArrival(random, now, schedule)
    ) {
      byHour[Math.floor(localHour(now, "Asia/Shanghai"))]! += 1;
      count += 1;
    }
    // 20 days at one order a minute on average.
    expect(count / (20 * 24 * 60)).toBeCloseTo(1, 1);
    expect(byHour[18]! / byHour[3]!).toBeGreaterThan(20);
    expect(byHour[12]!).toBeGreaterThan(byHour[15]!);
  });

  it("refuses a mean interval that is not positive", () => {
    expect(() =>
      nextArrival(seededRandom(1), new Date(), { meanIntervalS: 0, profile: "flat", timeZone: "UTC" }),
    ).toThrow(RangeError);
  });
});
