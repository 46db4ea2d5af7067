import { displayCommandSchema } from "@store/contracts";
import { describe, expect, it } from "vitest";
import {
  fitText,
  labelContent,
  labelContentHash,
  type LabelProduct,
  type LabelPromotion,
} from "./devices-labels";

const milk: LabelProduct = {
  sku: "DAI-00012",
  nameEn: "Organic whole milk",
  nameZh: "有机全脂牛奶",
  brand: "光明 Bright Dairy",
  unitOfSale: "EACH",
  contentAmount: "1000",
  contentUnit: "ml",
};

const promotion = (fields: Partial<LabelPromotion>): LabelPromotion => ({
  code: "P",
  nameEn: "Offer",
  nameZh: "优惠",
  kind: "PERCENT_OFF",
  buyQuantity: null,
  priceMinor: null,
  percentOffBp: null,
  endsAt: null,
  ...fields,
});

/** The content as the bridge sends it: the contract's display command. */
function asDisplayCommand(content: object) {
  return displayCommandSchema.parse({ v: 1, transaction: "t-1", command: "display", ...content });
}

describe("labelContent", () => {
  it("shows both names, the net content and brand, the price per unit", () => {
    const content = labelContent(milk, 1590, "CNY", []);
    expect(content).toEqual({
      name: "有机全脂牛奶 Organic whole milk",
      detail: "1 L · 光明 Bright Dairy",
      sku: "DAI-00012",
      priceMinor: 1590,
      currency: "CNY",
      unit: "each",
    });
    expect(asDisplayCommand(content)).toMatchObject(content);
  });

  it("prices weighed products per kilogram and gives them only percent-off promotions", () => {
    const bananas: LabelProduct = {
      ...milk,
      sku: "PRO-1",
      nameEn: "Bananas",
      nameZh: "香蕉",
      brand: null,
      unitOfSale: "WEIGHT",
      contentAmount: null,
      contentUnit: null,
    };
    const multiBuy = promotion({
      code: "A",
      kind: "MULTI_BUY",
      buyQuantity: 3,
      nameEn: "3 for 2",
      nameZh: "买三付二",
    });
    expect(labelContent(bananas, 698, "CNY", [multiBuy])).toEqual({
      name: "香蕉 Bananas",
      sku: "PRO-1",
      priceMinor: 698,
      currency: "CNY",
      unit: "kg",
    });
    const percent = promotion({ code: "B", percentOffBp: 2000, nameEn: "20% off", nameZh: "八折" });
    expect(labelContent(bananas, 698, "CNY", [multiBuy, percent]).promo).toEqual({
      text: "八折 20% off",
      priceMinor: 558,
    });
  });

  it("states a promotion's unit price when it has one, rounded in the shopper's favour, and its end", () => {
    const fixed = promotion({
      code: "CHIPS",
      kind: "FIXED_PRICE",
      buyQuantity: 3,
      priceMinor: 1000,
      nameEn: "3 for ¥10",
      nameZh: "3件10元",
      endsAt: "2026-11-30T16:00:00.000Z",
    });
    expect(labelContent(milk, 590, "CNY", [fixed]).promo).toEqual({
      text: "3件10元 3 for ¥10",
      priceMinor: 333,
      until: "2026-11-30T16:00:00.000Z",
    });
    // A "deal" dearer than the regular price has no unit price to show.
    expect(labelContent(milk, 300, "CNY", [fixed]).promo).toEqual({
      text: "3件10元 3 for ¥10",
      until: "2026-11-30T16:00:00.000Z",
    });
    const percent = promotion({ percentOffBp: 1500 });
    // 15 % of 1590 is 238.5: the half fen goes to the shopper.
    expect(labelContent(milk, 1590, "CNY", [percent]).promo?.priceMinor).toBe(1351);
    const deal = promotion({
      code: "Z",
      kind: "BUNDLE",
      priceMinor: 1290,
      nameEn: "Lunch meal deal",
      nameZh: "午餐套餐",
    });
    expect(labelContent(milk, 1590, "CNY", [deal, percent]).promo?.text).toBe("优惠 Offer");
  });

  it("fits long names and strips control characters, within the command's limits", () => {
    const long: LabelProduct = {
      ...milk,
      nameEn: "Extra creamy organic whole milk from grass-fed cows of the Inner Mongolian steppe",
      nameZh: "内蒙古草原有机全脂牛奶",
      brand: "A\nvery\tlong brand name that goes on and on and on and on and on and on",
    };
    const content = labelContent(long, 1590, "CNY", [
      promotion({
        nameEn: "A promotion whose name is far too long for the label's promo line",
        percentOffBp: 1000,
      }),
    ]);
    expect(content.name.length).toBeLessThanOrEqual(64);
    expect(content.name).toMatch(/^内蒙古草原有机全脂牛奶 Extra creamy organic whole milk from grass-fed…$/);
    expect(content.detail).toMatch(/^1 L · A very long brand name/);
    expect(content.detail?.length).toBeLessThanOrEqual(64);
    expect(content.promo?.text.length).toBeLessThanOrEqual(48);
    expect(() => asDisplayCommand(content)).not.toThrow();
  });

  it("cuts text without splitting a character", () => {
    expect(fitText("😀😀😀", 4)).toBe("😀…");
    expect(fitText("short", 10)).toBe("short");
    expect(fitText("a\u0000b", 10)).toBe("a b");
  });
});

describe("labelContentHash", () => {
  it("is 16 hex digits that ignore key order and change with the content", () => {
    const content = labelContent(milk, 1590, "CNY", []);
    const hash = labelContentHash(content);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as typeof content;
    expect(labelContentHash(reordered)).toBe(hash);
    expect(labelContentHash({ ...content, priceMinor: 1591 })).not.toBe(hash);
  });
});
