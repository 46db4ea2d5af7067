import { createHash } from "node:crypto";
import { BASIS_POINTS, divideRoundHalfUp } from "@store/domain";
import { canonicalJson } from "./idempotency";

/**
 * What a shelf label shows: the contract's `display` command without `v`, `transaction` and
 * `command` (the bridge adds those). Every text fits the command's limits, so the bridge never
 * has to cut anything.
 */
export type LabelContent = {
  name: string;
  detail?: string;
  sku: string;
  priceMinor: number;
  currency: string;
  unit: "each" | "kg";
  promo?: { text: string; priceMinor?: number; until?: string };
};

/** A promotion running now that lists the product (the Promotion row's fields). */
export type LabelPromotion = {
  code: string;
  nameEn: string;
  nameZh: string;
  kind: "MULTI_BUY" | "FIXED_PRICE" | "PERCENT_OFF" | "BUNDLE";
  buyQuantity: number | null;
  priceMinor: number | null;
  percentOffBp: number | null;
  /** ISO 8601 UTC, or null when open-ended. */
  endsAt: string | null;
};

export type LabelProduct = {
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  unitOfSale: "EACH" | "WEIGHT";
  /** Decimal text ("1000", "500.5"), with `contentUnit` ("ml", "g", "pcs"). */
  contentAmount: string | null;
  contentUnit: string | null;
};

/** The `display` command's limits (packages/contracts/src/payloads.ts). */
const NAME_MAX = 64;
const DETAIL_MAX = 64;
const SKU_MAX = 32;
const PROMO_TEXT_MAX = 48;

/** Control characters are refused by the display command; they become spaces. */
function clean(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * `text` in at most `max` UTF-16 units (how the contract counts), cut at a word boundary when
 * one is near the end and marked with an ellipsis; never splits a character.
 */
export function fitText(text: string, max: number): string {
  const cleaned = clean(text);
  if (cleaned.length <= max) return cleaned;
  let cut = "";
  for (const character of cleaned) {
    if (cut.length + character.length > max - 1) break;
    cut += character;
  }
  const space = cut.lastIndexOf(" ");
  if (space >= max / 2) cut = cut.slice(0, space);
  return `${cut.trimEnd()}…`;
}

/** "有机牛奶 Organic milk": the Chinese name whole when it fits, the English one cut to what is left. */
function labelName(product: LabelProduct): string {
  const zh = clean(product.nameZh);
  const en = clean(product.nameEn);
  const both = [...new Set([zh, en])].filter((part) => part.length > 0).join(" ");
  if (both.length === 0) return fitText(product.sku, NAME_MAX);
  if (both.length <= NAME_MAX) return both;
  // Room for at least a word of English after the Chinese name, or the Chinese name alone.
  if (zh.length === 0 || en.length === 0 || zh.length + 6 > NAME_MAX) return fitText(zh || en, NAME_MAX);
  return `${zh} ${fitText(en, NAME_MAX - zh.length - 1)}`;
}

/** "1 L", "500 g", "6 pcs": the net content as a shopper reads it on the pack. */
function netContent(amount: string, unit: string): string {
  const value = Number(amount);
  const trim = (n: number) => String(Number(n.toFixed(3)));
  if (unit === "ml" && value >= 1000) return `${trim(value / 1000)} L`;
  if (unit === "g" && value >= 1000) return `${trim(value / 1000)} kg`;
  return `${trim(value)} ${unit}`;
}

function labelDetail(product: LabelProduct): string | undefined {
  const parts: string[] = [];
  if (product.contentAmount !== null && product.contentUnit) {
    parts.push(netContent(product.contentAmount, clean(product.contentUnit)));
  }
  if (product.brand) parts.push(clean(product.brand));
  const detail = parts.filter((part) => part.length > 0).join(" · ");
  return detail ? fitText(detail, DETAIL_MAX) : undefined;
}

/** The promotional price of one unit (or kilogram), when the promotion has one. */
function promoUnitPrice(promotion: LabelPromotion, priceMinor: number): number | undefined {
  if (promotion.kind === "PERCENT_OFF" && promotion.percentOffBp !== null) {
    // Rounded half up in the shopper's favour, as the pricing engine discounts a line.
    const discount = divideRoundHalfUp(
      BigInt(priceMinor) * BigInt(promotion.percentOffBp),
      BigInt(BASIS_POINTS),
    );
    return priceMinor - Number(discount);
  }
  if (promotion.kind === "FIXED_PRICE" && promotion.priceMinor !== null && promotion.buyQuantity) {
    const each = Number(divideRoundHalfUp(BigInt(promotion.priceMinor), BigInt(promotion.buyQuantity)));
    return each < priceMinor ? each : undefined;
  }
  // "3 for 2" and meal deals have no single unit price: the text says what they are.
  return undefined;
}

/**
 * The label's promotion: of the ones running for the product, the first by code that applies
 * to how it is sold (group promotions count pieces, so a weighed product only takes percent
 * off, as at the till).
 */
function labelPromo(
  product: LabelProduct,
  priceMinor: number,
  promotions: readonly LabelPromotion[],
): LabelContent["promo"] {
  const applicable = [...promotions]
    .filter((promotion) => product.unitOfSale === "EACH" || promotion.kind === "PERCENT_OFF")
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const promotion = applicable[0];
  if (!promotion) return undefined;
  const promo: NonNullable<LabelContent["promo"]> = {
    text: fitText(`${promotion.nameZh} ${promotion.nameEn}`, PROMO_TEXT_MAX),
  };
  const unitPrice = promoUnitPrice(promotion, priceMinor);
  if (unitPrice !== undefined) promo.priceMinor = unitPrice;
  if (promotion.endsAt !== null) promo.until = promotion.endsAt;
  return promo;
}

/** What a label of `product` shows at `priceMinor` (per unit, or per kilogram when weighed). */
export function labelContent(
  product: LabelProduct,
  priceMinor: number,
  currency: string,
  promotions: readonly LabelPromotion[],
): LabelContent {
  const content: LabelContent = {
    name: labelName(product),
    sku: fitText(product.sku, SKU_MAX),
    priceMinor,
    currency,
    unit: product.unitOfSale === "WEIGHT" ? "kg" : "each",
  };
  const detail = labelDetail(product);
  if (detail !== undefined) content.detail = detail;
  const promo = labelPromo(product, priceMinor, promotions);
  if (promo !== undefined) content.promo = promo;
  return content;
}

/** A stable fingerprint of content: the first 16 hex digits of SHA-256 over its canonical JSON. */
export function labelContentHash(content: LabelContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 16);
}
