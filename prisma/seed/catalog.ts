import type { BarcodeKind, TemperatureZone, UnitOfSale } from "@store/db";
import {
  formatQuantity,
  normalizeGtin,
  withCheckDigit,
  type Nomenclature,
  type VariableMeasureRule,
} from "@store/domain";
import { LOOSE_PRODUCE, WEIGHED_FRESH } from "./assortment-fresh";
import { PACKAGED } from "./assortment-packaged";
import {
  PACKAGING,
  type LooseFamily,
  type PackagedFamily,
  type Size,
  type Text,
  type Variant,
  type WeighedFamily,
} from "./assortment-types";
import { BRANDS, type BrandKey, type Origin } from "./brands";
import { CATEGORIES, categoryByCode, type CategorySeed, type Department } from "./categories";
import { seedId } from "./ids";
import { createRandom, type Random } from "./random";

export type BarcodeSeed = { kind: BarcodeKind; code: string; isPrimary: boolean };

/** One product as the seed inserts it, plus what layout, stock and promotions need to know. */
export type ProductSeed = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  categoryCode: string;
  department: Department;
  familyKey: string;
  unitOfSale: UnitOfSale;
  /** Exact decimals as text (Prisma Decimal input), e.g. "1000" or "12.5". */
  contentAmount: string | null;
  contentUnit: string | null;
  minimumAge: number | null;
  unitWeightG: string | null;
  weightToleranceG: string | null;
  notWeighable: boolean;
  temperatureZone: TemperatureZone;
  lowStockThreshold: string;
  /** An emoji for the kiosk's produce grid (loose produce only). */
  icon: string | null;
  /** Shelf price in fen: per unit, or per kilogram for WEIGHT products. */
  priceMinor: number;
  barcodes: BarcodeSeed[];
  /** Belongs on the checkout impulse shelves. */
  impulse: boolean;
};

export type CatalogSeed = {
  categories: Array<CategorySeed & { id: string }>;
  products: ProductSeed[];
};

export type CatalogOptions = {
  productCount: number;
  nomenclature: Nomenclature;
  seed: string;
};

const SKU_PREFIX: Record<Department, string> = {
  PRODUCE: "PRO",
  DAIRY: "DAI",
  BAKERY: "BAK",
  MEAT: "MEA",
  SEAFOOD: "SEA",
  FROZEN: "FRZ",
  PANTRY: "PAN",
  SNACKS: "SNK",
  DRINKS: "DRK",
  ALCOHOL: "ALC",
};

/**
 * Variants a large catalog adds once every brand, variant, size and multipack is used: the same
 * line in another pack edition. The demo catalog (a few hundred products) never needs them.
 */
const EDITIONS: readonly (Text & { factor: number })[] = [
  { en: "family pack", zh: "家庭装", factor: 1.15 },
  { en: "gift box", zh: "礼盒装", factor: 1.4 },
  { en: "value pack", zh: "超值装", factor: 0.95 },
  { en: "new recipe", zh: "新配方", factor: 1.05 },
  { en: "limited edition", zh: "限定款", factor: 1.2 },
  { en: "organic", zh: "有机", factor: 1.5 },
  { en: "export edition", zh: "出口版", factor: 1.1 },
  { en: "festive edition", zh: "节日装", factor: 1.25 },
  { en: "travel size", zh: "便携装", factor: 1.05 },
  { en: "promotional pack", zh: "促销装", factor: 0.9 },
  { en: "online exclusive", zh: "电商专供", factor: 1 },
  { en: "classic edition", zh: "经典版", factor: 1 },
];

/** Bagging-scale limits: lighter items do not register, heavier ones do not fit the bag well. */
const MIN_WEIGHABLE_G = 25;
const MAX_WEIGHABLE_G = 10_000;

type Candidate =
  | { kind: "loose"; family: LooseFamily }
  | { kind: "weighed"; family: WeighedFamily }
  | {
      kind: "packaged";
      family: PackagedFamily;
      brand: BrandKey;
      variant: Variant | undefined;
      size: Size;
      sizeIndex: number;
      pack: number;
      edition: (typeof EDITIONS)[number] | undefined;
    };

type FamilyQueue = { key: string; category: string; weight: number; tiers: Candidate[][] };

/**
 * A packaged line's products in three tiers: its brands x variants x sizes, then multipacks,
 * then editions of all of those. Later tiers only come into play for large catalogs.
 */
function packagedCandidates(family: PackagedFamily, random: Random): Candidate[][] {
  const hasVariants = (family.variants?.length ?? 0) > 0;
  if (hasVariants !== family.name.en.includes("{v}") || hasVariants !== family.name.zh.includes("{v}")) {
    throw new Error(`Line ${family.key}: names must place {v} exactly when the line has variants`);
  }
  const base: Candidate[] = [];
  const packs: Candidate[] = [];
  const editions: Candidate[] = [];
  const variants: (Variant | undefined)[] = family.variants?.length ? [...family.variants] : [undefined];
  for (const brand of family.brands) {
    for (const variant of variants) {
      if (variant?.brands && !variant.brands.includes(brand)) continue;
      family.sizes.forEach((size, sizeIndex) => {
        const make = (pack: number, edition?: (typeof EDITIONS)[number]): Candidate => ({
          kind: "packaged",
          family,
          brand,
          variant,
          size,
          sizeIndex,
          pack,
          edition,
        });
        for (const pack of [1, ...(family.multipacks ?? [])]) {
          (pack === 1 ? base : packs).push(make(pack));
          for (const edition of EDITIONS) editions.push(make(pack, edition));
        }
      });
    }
  }
  return [random.shuffle(base), random.shuffle(packs), random.shuffle(editions)];
}

function familyQueues(random: Random): FamilyQueue[] {
  return [
    ...LOOSE_PRODUCE.map((family) => ({
      key: family.key,
      category: family.category,
      weight: 1,
      tiers: [[{ kind: "loose" as const, family }]],
    })),
    ...WEIGHED_FRESH.map((family) => ({
      key: family.key,
      category: family.category,
      weight: 1,
      tiers: [[{ kind: "weighed" as const, family }]],
    })),
    ...PACKAGED.map((family) => ({
      key: family.key,
      category: family.category,
      weight: family.weight ?? 1,
      tiers: packagedCandidates(family, random.fork(`family:${family.key}`)),
    })),
  ];
}

/**
 * Picks `count` products: every category first, then one more product of each line per round,
 * plain products before multipacks before editions. A 600-product demo gets the breadth of the
 * assortment, a 20,000-product benchmark catalog the depth of every line.
 */
function selectCandidates(count: number, random: Random): Candidate[] {
  const queues = familyQueues(random);
  const byCategory = CATEGORIES.map((category) => queues.filter((queue) => queue.category === category.code));
  const widest = Math.max(...byCategory.map((families) => families.length));
  const selected: Candidate[] = [];
  for (let tier = 0; tier < 3 && selected.length < count; tier++) {
    const next = new Map<FamilyQueue, number>();
    let progressed = true;
    while (selected.length < count && progressed) {
      progressed = false;
      for (let slot = 0; slot < widest && selected.length < count; slot++) {
        for (const families of byCategory) {
          const queue = families[slot];
          if (!queue) continue;
          const position = next.get(queue) ?? 0;
          const taken = (queue.tiers[tier] ?? [])
            .slice(position, position + queue.weight)
            .slice(0, count - selected.length);
          if (taken.length === 0) continue;
          next.set(queue, position + taken.length);
          selected.push(...taken);
          progressed = true;
          if (selected.length === count) break;
        }
      }
    }
  }
  if (selected.length < count) {
    throw new RangeError(
      `Cannot generate ${count} distinct products: the assortment holds ${selected.length}`,
    );
  }
  return selected;
}

/** The largest catalog the assortment can generate with unique names, SKUs and barcodes. */
export function catalogCapacity(): number {
  return familyQueues(createRandom("capacity")).reduce(
    (sum, queue) => sum + queue.tiers.reduce((tierSum, tier) => tierSum + tier.length, 0),
    0,
  );
}

/** The number of product lines: the smallest catalog that still has one product of each. */
export const FAMILY_COUNT = LOOSE_PRODUCE.length + WEIGHED_FRESH.length + PACKAGED.length;

function formatDecimal(value: number): string {
  return String(Number(value.toFixed(3)));
}

function sizeText(amount: number, unit: Size["unit"], countWord: Text | undefined): Text {
  if (unit === "g") {
    return amount >= 1000
      ? { en: `${formatDecimal(amount / 1000)} kg`, zh: `${formatDecimal(amount / 1000)}公斤` }
      : { en: `${amount} g`, zh: `${amount}克` };
  }
  if (unit === "ml") {
    return amount >= 1000
      ? { en: `${formatDecimal(amount / 1000)} L`, zh: `${formatDecimal(amount / 1000)}升` }
      : { en: `${amount} ml`, zh: `${amount}毫升` };
  }
  const word = countWord ?? { en: amount === 1 ? "pc" : "pcs", zh: "个" };
  return { en: `${amount} ${word.en}`, zh: `${amount}${word.zh}` };
}

function fillTemplate(template: string, variant: string | undefined): string {
  const filled =
    variant === undefined ? template.replace("{v}", "").trim() : template.replace("{v}", variant);
  return filled.charAt(0).toUpperCase() + filled.slice(1);
}

/** Shelf prices end the way Chinese supermarkets print them: 4.50, 12.90, 39.90, 1499.00. */
function retailPrice(fen: number, random: Random): number {
  if (fen < 1000) return Math.max(50, Math.round(fen / 10) * 10);
  if (fen < 10_000) {
    const ending = random.pick([10, 10, 10, 20, 50]);
    return Math.max(990, Math.round(fen / 100) * 100 - ending);
  }
  if (fen < 100_000) return Math.round(fen / 1000) * 1000 - 100;
  return Math.round(fen / 10_000) * 10_000 - 100;
}

/** Allocates GTINs per brand from company prefixes of the brand's country, never twice. */
class GtinAllocator {
  private readonly used = new Set<string>();
  private readonly usedCompanyPrefixes = new Set<string>();
  private readonly brandSeries = new Map<
    BrandKey,
    { companyPrefix: string; itemDigits: number; next: number }
  >();
  private ean8Next: number;

  constructor(private readonly random: Random) {
    this.ean8Next = random.int(1000, 4000);
  }

  /** A GTIN-14 for the next product of `brand`. */
  next(brand: BrandKey, ean8: boolean): string {
    if (ean8 && BRANDS[brand].origin === "CN") return this.nextEan8();
    for (;;) {
      const series = this.seriesFor(brand);
      if (series.next >= 10 ** series.itemDigits) {
        this.brandSeries.delete(brand);
        continue;
      }
      const body = `${series.companyPrefix}${String(series.next).padStart(series.itemDigits, "0")}`;
      series.next++;
      const gtin14 = normalizeGtin(withCheckDigit(body));
      if (this.used.has(gtin14)) continue;
      this.used.add(gtin14);
      return gtin14;
    }
  }

  private nextEan8(): string {
    for (;;) {
      if (this.ean8Next > 9999) throw new RangeError("EAN-8 numbers under prefix 693 are exhausted");
      const gtin14 = normalizeGtin(withCheckDigit(`693${String(this.ean8Next).padStart(4, "0")}`));
      this.ean8Next++;
      if (this.used.has(gtin14)) continue;
      this.used.add(gtin14);
      return gtin14;
    }
  }

  private seriesFor(brand: BrandKey) {
    const existing = this.brandSeries.get(brand);
    if (existing) return existing;
    const origin = BRANDS[brand].origin;
    for (;;) {
      const series = this.newSeries(origin);
      if (this.usedCompanyPrefixes.has(series.companyPrefix)) continue;
      this.usedCompanyPrefixes.add(series.companyPrefix);
      this.brandSeries.set(brand, series);
      return series;
    }
  }

  private newSeries(origin: Origin) {
    const digits = (count: number) => String(this.random.int(0, 10 ** count - 1)).padStart(count, "0");
    const start = (itemDigits: number) => this.random.int(1, 10 ** (itemDigits - 1));
    if (origin === "CN") {
      const country = this.random.int(690, 699);
      // GS1 China issues 7-digit company prefixes under 690-691 and 8-digit ones under 692-699.
      const companyDigits = country <= 691 ? 4 : 5;
      const itemDigits = 12 - 3 - companyDigits;
      return { companyPrefix: `${country}${digits(companyDigits)}`, itemDigits, next: start(itemDigits) };
    }
    if (origin === "US") {
      // UPC-A: number system 0, a 5-digit manufacturer number starting 1-9, 5-digit item.
      return { companyPrefix: `0${this.random.int(10_000, 99_999)}`, itemDigits: 5, next: start(5) };
    }
    const country = this.random.int(...COUNTRY_PREFIXES[origin]);
    return { companyPrefix: `${country}${digits(6)}`, itemDigits: 3, next: start(3) };
  }
}

const COUNTRY_PREFIXES: Record<Exclude<Origin, "CN" | "US">, [number, number]> = {
  DE: [400, 440],
  FR: [300, 379],
  IT: [800, 839],
  ES: [840, 849],
  GB: [500, 509],
  NL: [870, 879],
  BE: [540, 549],
  DK: [570, 579],
  SE: [730, 739],
  CH: [760, 769],
  JP: [450, 459],
  KR: [880, 880],
  TH: [885, 885],
  AU: [930, 939],
  NZ: [940, 949],
  CL: [780, 780],
  MX: [750, 750],
};

/**
 * Variable-measure item references ("2010001"): the rule is chosen from the store's
 * nomenclature by what the label carries, each category gets its own block of item numbers.
 */
class VariableMeasureAllocator {
  private readonly counters = new Map<string, number>();
  private readonly blocks = new Map<string, number>();

  constructor(private readonly nomenclature: Nomenclature) {}

  next(family: WeighedFamily): string {
    const rule = this.ruleFor(family);
    const blockKey = `${rule.prefix}/${family.category}`;
    let block = this.blocks.get(blockKey);
    if (block === undefined) {
      block = [...this.blocks.keys()].filter((key) => key.startsWith(`${rule.prefix}/`)).length + 1;
      if (block > 9)
        throw new RangeError(`Variable-measure rule ${rule.prefix} has no block left for ${family.category}`);
      this.blocks.set(blockKey, block);
    }
    const blockSize = 10 ** (rule.itemDigits - 1);
    const counter = (this.counters.get(blockKey) ?? 0) + 1;
    this.counters.set(blockKey, counter);
    const item = block * blockSize + counter;
    if (counter >= blockSize) {
      throw new RangeError(
        `Variable-measure rule ${rule.prefix} has no item numbers left for ${family.category}`,
      );
    }
    return `${rule.prefix}${String(item).padStart(rule.itemDigits, "0")}`;
  }

  private ruleFor(family: WeighedFamily): VariableMeasureRule {
    // In-store labels use 20-29 (02 is the North American random-weight layout). The deli
    // prefers a layout with a price check digit, the bakery one without.
    const inStore = this.nomenclature.filter((rule) => rule.prefix.startsWith("2"));
    const candidates = inStore.length > 0 ? inStore : [...this.nomenclature];
    const sameKind = candidates.filter((rule) => rule.kind === family.label);
    const pool = sameKind.length > 0 ? sameKind : candidates;
    const wantsCheck = family.category === "MEAT-DELI";
    const rule = pool.find((candidate) => candidate.hasPriceCheckDigit === wantsCheck) ?? pool[0];
    if (!rule) throw new RangeError("The store's nomenclature has no variable-measure rule");
    return rule;
  }
}

function roundGrams(grams: number): number {
  return Math.max(1, Math.round(grams));
}

function toleranceFor(weightG: number): number {
  return Math.min(250, Math.max(10, Math.round(weightG * 0.03)));
}

function packagedProduct(candidate: Extract<Candidate, { kind: "packaged" }>, random: Random) {
  const { family, brand, variant, size, pack, edition } = candidate;
  const brandInfo = BRANDS[brand];
  const [packagingFixed, packagingPerKg] = PACKAGING[family.packaging];
  const contentG =
    size.unit === "g"
      ? size.amount
      : size.unit === "ml"
        ? size.amount * (family.density ?? 1)
        : size.amount * (family.pieceG ?? 50);
  const unitWeight = roundGrams((contentG + packagingFixed + (packagingPerKg * contentG) / 1000) * pack);

  const firstSizePrice = family.sizes[0]?.priceFen ?? size.priceFen;
  // A line's prices are those of its first brand; other brands are dearer or cheaper by tier.
  const referenceTier = BRANDS[family.brands[0] ?? brand].tier;
  const reference =
    variant?.priceFen ?? (firstSizePrice * brandInfo.tier * (variant?.factor ?? 1)) / referenceTier;
  const multipackFactor = pack === 1 ? 1 : pack >= 6 ? 0.9 : 0.95;
  const raw =
    ((reference * size.priceFen) / firstSizePrice) * pack * multipackFactor * (edition?.factor ?? 1);
  const priceMinor = retailPrice(raw * (0.96 + random.next() * 0.08), random);

  const sizeLabel = sizeText(size.amount, size.unit, family.countWord);
  const packEn = pack > 1 ? ` × ${pack}` : "";
  const packZh = pack > 1 ? `×${pack}` : "";
  const editionEn = edition ? ` (${edition.en})` : "";
  const editionZh = edition ? `（${edition.zh}）` : "";
  return {
    nameEn: `${fillTemplate(family.name.en, variant?.en)} ${sizeLabel.en}${packEn}${editionEn}`,
    nameZh: `${fillTemplate(family.name.zh, variant?.zh)} ${sizeLabel.zh}${packZh}${editionZh}`,
    brand: brandInfo.name,
    contentAmount: formatDecimal(size.amount * pack),
    contentUnit: size.unit,
    unitWeight,
    priceMinor,
  };
}

/**
 * Generates the catalog: categories and products with names in English and Chinese, barcodes
 * (GTIN-14, PLU or variable-measure item references), prices, weights and stock thresholds.
 * Pure and deterministic: the same options give the same catalog, ids included.
 */
export function generateCatalog(options: CatalogOptions): CatalogSeed {
  const random = createRandom(`${options.seed}/catalog`);
  const selected = selectCandidates(options.productCount, random.fork("selection"));
  const categoryIndex = new Map(CATEGORIES.map((category, index) => [category.code, index]));
  const familyIndex = new Map(
    [...LOOSE_PRODUCE, ...WEIGHED_FRESH, ...PACKAGED].map((family, index) => [family.key, index]),
  );
  const ordered = selected
    .map((candidate, order) => ({ candidate, order }))
    .sort(
      (a, b) =>
        (categoryIndex.get(a.candidate.family.category) ?? 0) -
          (categoryIndex.get(b.candidate.family.category) ?? 0) ||
        (familyIndex.get(a.candidate.family.key) ?? 0) - (familyIndex.get(b.candidate.family.key) ?? 0) ||
        a.order - b.order,
    );

  const gtins = new GtinAllocator(random.fork("gtin"));
  const labels = new VariableMeasureAllocator(options.nomenclature);
  const skuCounters = new Map<Department, number>();
  const products = ordered.map(({ candidate }) => {
    const category = categoryByCode(candidate.family.category);
    const skuNumber = (skuCounters.get(category.department) ?? 0) + 1;
    skuCounters.set(category.department, skuNumber);
    const sku = `${SKU_PREFIX[category.department]}-${String(skuNumber).padStart(5, "0")}`;
    const productRandom = random.fork(`product:${sku}`);
    const base = {
      id: seedId("product", sku),
      sku,
      categoryCode: category.code,
      department: category.department,
      familyKey: candidate.family.key,
      temperatureZone: candidate.family.temperature ?? category.temperatureZone,
    };
    if (candidate.kind !== "packaged") {
      const barcode: BarcodeSeed =
        candidate.kind === "loose"
          ? { kind: "PLU", code: candidate.family.plu, isPrimary: true }
          : { kind: "VARIABLE_MEASURE", code: labels.next(candidate.family), isPrimary: true };
      return {
        ...base,
        nameEn: candidate.family.name.en,
        nameZh: candidate.family.name.zh,
        brand: null,
        unitOfSale: "WEIGHT",
        contentAmount: null,
        contentUnit: null,
        minimumAge: null,
        unitWeightG: null,
        weightToleranceG: "10",
        notWeighable: false,
        lowStockThreshold: String(productRandom.pick([1500, 2000, 3000, 5000])),
        icon: candidate.kind === "loose" ? candidate.family.icon : null,
        priceMinor: candidate.family.priceFenPerKg,
        barcodes: [barcode],
        impulse: false,
      } satisfies ProductSeed;
    }
    const { family, brand } = candidate;
    const made = packagedProduct(candidate, productRandom);
    const notWeighable = made.unitWeight < MIN_WEIGHABLE_G || made.unitWeight > MAX_WEIGHABLE_G;
    return {
      ...base,
      nameEn: made.nameEn,
      nameZh: made.nameZh,
      brand: made.brand,
      unitOfSale: "EACH",
      contentAmount: made.contentAmount,
      contentUnit: made.contentUnit,
      minimumAge: family.minimumAge ?? null,
      unitWeightG: formatQuantity(made.unitWeight * 1000),
      weightToleranceG: formatQuantity(toleranceFor(made.unitWeight) * 1000),
      notWeighable,
      lowStockThreshold: String(lowStockThresholdFor(made.priceMinor, productRandom)),
      icon: null,
      priceMinor: made.priceMinor,
      barcodes: [{ kind: "GTIN", code: gtins.next(brand, family.ean8 === true), isPrimary: true }],
      impulse: family.impulse === true,
    } satisfies ProductSeed;
  });

  return {
    categories: CATEGORIES.map((category) => ({ ...category, id: seedId("category", category.code) })),
    products,
  };
}

/** Cheap fast movers are reordered earlier than a bottle of Moutai. */
function lowStockThresholdFor(priceMinor: number, random: Random): number {
  if (priceMinor < 1000) return random.int(8, 15);
  if (priceMinor < 5000) return random.int(5, 10);
  if (priceMinor < 20_000) return random.int(3, 6);
  return random.int(1, 2);
}
