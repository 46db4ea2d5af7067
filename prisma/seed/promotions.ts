import type { PromotionKind } from "@store/db";
import type { ProductSeed } from "./catalog";
import { seedId } from "./ids";

export type PromotionSeed = {
  id: string;
  code: string;
  nameEn: string;
  nameZh: string;
  kind: PromotionKind;
  buyQuantity: number | null;
  payQuantity: number | null;
  priceMinor: number | null;
  percentOffBp: number | null;
  items: Array<{ productId: string; quantity: number }>;
};

const byFamily = (products: readonly ProductSeed[], familyKey: string) =>
  products.filter((product) => product.familyKey === familyKey);

/** Rounds a bundle price down to the nearest 0.90 ending, the way the price tickets read. */
function bundlePrice(sumMinor: number): number {
  return Math.max(90, Math.floor((sumMinor * 0.85) / 100) * 100 - 10);
}

/**
 * The demo's running promotions, one of each kind the pricing engine knows: 3 for 2 on
 * yogurt, any 2 bags of chips for ¥10, 20 % off dumplings and buns, and a lunch meal deal.
 * A promotion whose products the (small) catalog lacks is left out.
 */
export function planPromotions(storeCode: string, products: readonly ProductSeed[]): PromotionSeed[] {
  const promotion = (
    code: string,
    fields: Omit<
      PromotionSeed,
      "id" | "code" | "buyQuantity" | "payQuantity" | "priceMinor" | "percentOffBp"
    > &
      Partial<Pick<PromotionSeed, "buyQuantity" | "payQuantity" | "priceMinor" | "percentOffBp">>,
  ): PromotionSeed => ({
    id: seedId("promotion", `${storeCode}/${code}`),
    code,
    buyQuantity: null,
    payQuantity: null,
    priceMinor: null,
    percentOffBp: null,
    ...fields,
  });
  const single = (list: readonly ProductSeed[]) =>
    list.map((product) => ({ productId: product.id, quantity: 1 }));

  const yogurts = byFamily(products, "yogurt");
  const chips = products.filter(
    (product) =>
      product.categoryCode === "SNACKS-CHIPS" && product.priceMinor > 500 && product.priceMinor < 1000,
  );
  const dumplings = products.filter((product) => product.categoryCode === "FROZEN-DUMPLINGS");
  const mealDeal = [
    byFamily(products, "pork-floss-buns")[0],
    [...byFamily(products, "potato-chips")].sort((a, b) => a.priceMinor - b.priceMinor)[0],
    byFamily(products, "unsweetened-tea").find((product) => product.contentAmount === "500") ??
      byFamily(products, "unsweetened-tea")[0],
  ].filter((product): product is ProductSeed => product !== undefined);

  const promotions: PromotionSeed[] = [];
  if (yogurts.length > 0) {
    promotions.push(
      promotion("YOGURT-3-FOR-2", {
        nameEn: "Yogurt: buy 3, pay for 2",
        nameZh: "酸奶买二送一",
        kind: "MULTI_BUY",
        buyQuantity: 3,
        payQuantity: 2,
        items: single(yogurts),
      }),
    );
  }
  if (chips.length > 0) {
    promotions.push(
      promotion("CHIPS-2-FOR-10", {
        nameEn: "Chips: any 2 for ¥10",
        nameZh: "薯片任选2件10元",
        kind: "FIXED_PRICE",
        buyQuantity: 2,
        priceMinor: 1000,
        items: single(chips),
      }),
    );
  }
  if (dumplings.length > 0) {
    promotions.push(
      promotion("DUMPLINGS-20-OFF", {
        nameEn: "Dumplings & buns 20% off",
        nameZh: "速冻面点八折",
        kind: "PERCENT_OFF",
        percentOffBp: 2000,
        items: single(dumplings),
      }),
    );
  }
  if (mealDeal.length === 3) {
    promotions.push(
      promotion("LUNCH-MEAL-DEAL", {
        nameEn: "Lunch meal deal: buns, chips and tea",
        nameZh: "午餐套餐：面包+薯片+茶饮",
        kind: "BUNDLE",
        priceMinor: bundlePrice(mealDeal.reduce((sum, product) => sum + product.priceMinor, 0)),
        items: single(mealDeal),
      }),
    );
  }
  return promotions;
}
