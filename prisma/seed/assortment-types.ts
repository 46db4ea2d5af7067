import type { TemperatureZone } from "@store/db";
import type { BrandKey } from "./brands";
import type { CategoryCode } from "./categories";

export type Text = { en: string; zh: string };
export const t = (en: string, zh: string): Text => ({ en, zh });

/** Net content units as stored in Product.contentUnit. */
export type ContentUnit = "g" | "ml" | "pcs";
export type Size = { amount: number; unit: ContentUnit; priceFen: number };
export const g = (amount: number, priceFen: number): Size => ({ amount, unit: "g", priceFen });
export const ml = (amount: number, priceFen: number): Size => ({ amount, unit: "ml", priceFen });
export const pcs = (amount: number, priceFen: number): Size => ({ amount, unit: "pcs", priceFen });

/** Packaging weight for the bagging-scale check: grams per pack plus grams per kg of content. */
export const PACKAGING = {
  bag: [3, 10],
  pouch: [6, 15],
  box: [15, 60],
  carton: [10, 25],
  pet: [10, 22],
  glass: [180, 350],
  jar: [90, 250],
  can: [13, 15],
  cup: [5, 40],
  tray: [15, 25],
  tin: [60, 120],
  net: [4, 8],
} as const satisfies Record<string, readonly [number, number]>;
export type Packaging = keyof typeof PACKAGING;

export type Variant = Text & {
  /** Only these brands make this variant (default: every brand of the family). */
  brands?: readonly BrandKey[];
  /** The variant's own price for the family's first size, used as is (no brand tier). */
  priceFen?: number;
  /** Price relative to the family's reference price. */
  factor?: number;
};
export const v = (en: string, zh: string, extra: Omit<Variant, "en" | "zh"> = {}): Variant => ({
  en,
  zh,
  ...extra,
});

/**
 * A packaged line sold by the piece with a GTIN. Products are the combinations of its brands,
 * variants and sizes (and, for big catalogs, multipacks): `name` is a template where `{v}`
 * stands for the variant, e.g. "{v} yogurt" with "Strawberry" / "{v}酸奶" with "草莓".
 */
export type PackagedFamily = {
  key: string;
  category: CategoryCode;
  name: Text;
  variants?: readonly Variant[];
  brands: readonly BrandKey[];
  sizes: readonly Size[];
  packaging: Packaging;
  /** Grams per millilitre of content (default 1). */
  density?: number;
  /** Grams per piece when the size counts pieces. */
  pieceG?: number;
  /** How pieces are counted on the label (default "pcs" / "个"). */
  countWord?: Text;
  /** Overrides the category's zone (UHT milk on an ambient shelf, NFC juice in the chiller). */
  temperature?: TemperatureZone;
  minimumAge?: number;
  /** Small items printed with an EAN-8. */
  ean8?: boolean;
  /** Lives on the checkout impulse shelves. */
  impulse?: boolean;
  /** Pack counts offered when a large catalog is generated ("330 ml × 6"). */
  multipacks?: readonly number[];
  /** Products this line adds per selection round (default 1): big sellers get more shelf space. */
  weight?: number;
};

/** Loose produce sold by weight and keyed by its IFPS PLU. */
export type LooseFamily = {
  key: string;
  category: CategoryCode;
  name: Text;
  plu: string;
  priceFenPerKg: number;
  /** An emoji for the kiosk's produce grid. */
  icon: string;
  temperature?: TemperatureZone;
};

/**
 * Fresh food weighed and labelled in store with a GS1 variable-measure barcode: counters put the
 * weight on meat and fish labels, the bakery and deli print the price.
 */
export type WeighedFamily = {
  key: string;
  category: CategoryCode;
  name: Text;
  label: "weight" | "price";
  priceFenPerKg: number;
  /** Typical pack weight in grams (what a label on the shelf weighs). */
  packG: number;
  temperature?: TemperatureZone;
};
