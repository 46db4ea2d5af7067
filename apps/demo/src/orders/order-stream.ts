import { classifyScan, defaultNomenclature, EARTH_MEAN_RADIUS_METERS, seededRandom } from "@store/domain";

/**
 * The online orders a customer app sends a store for 30-minute grocery delivery, drawn from a
 * seeded generator and a snapshot of the store's catalog: who orders, where to, what (popular
 * products more often, sensible quantities), how they pay, and when the next order arrives.
 * Pure: the same seed and the same catalog give the same orders.
 */

/** A product as the generator sees it: one that can be ordered now. */
export type CatalogProduct = {
  id: string;
  /** A code the service takes for it (its GTIN or PLU); null when scale labels name it (item reference). */
  code: string | null;
  categoryCode: string;
  unitOfSale: "EACH" | "WEIGHT";
  priceMinor: number;
  /** Free to order: a count, or grams for a product sold by weight. */
  available: number;
  /** How likely it lands in a basket, relative to the others. */
  popularity: number;
};

/** The catalog item fields a snapshot is made of (as `catalog.search` returns them). */
export type CatalogItemFields = {
  id: string;
  primaryBarcode: string | null;
  categoryCode: string;
  unitOfSale: "EACH" | "WEIGHT";
  priceMinor: number | null;
  available: string;
  lowStockThreshold: string;
};

export type Substitution = "BEST_MATCH" | "SPECIFIC" | "NONE";

export type OrderLineDraft = {
  productId: string;
  /** A count, or grams for a product sold by weight. */
  quantity: string;
  substitution: Substitution;
  preferredSubstituteCode?: string;
};

export type PaymentDraft = { method: "CARD" | "QR"; instrument: string };

/** An order as the app sends it to `orders.place`, less the idempotency key and external reference. */
export type OrderDraft = {
  customer: { name: string; phone: string };
  delivery: { address: string; lat: number; lng: number };
  lines: OrderLineDraft[];
  payment: PaymentDraft;
};

export type DeliveryArea = { latitude: number; longitude: number; radiusM: number };

/** Cards the payment terminal approves and declines (the demo's test instruments). */
export type PaymentInstruments = { approvedCard: string; declinedCards: readonly string[] };

/** `daily`: lunch and evening peaks, quiet nights; `flat`: the same rate around the clock. */
export type ArrivalProfile = "daily" | "flat";

export type OrderStreamOptions = {
  seed: number;
  area: DeliveryArea;
  instruments: PaymentInstruments;
  /** Share of orders paid with a card the terminal declines (default 3 %). */
  declineRate?: number;
};

export type OrderStream = {
  /** The next order from the products in stock; null when nothing is in stock. */
  next(catalog: readonly CatalogProduct[]): OrderDraft | null;
  /** When the order after one at `after` arrives (a Poisson process, see `nextArrival`). */
  nextArrival(after: Date, arrivals: ArrivalSchedule): Date;
};

export type ArrivalSchedule = { meanIntervalS: number; profile: ArrivalProfile; timeZone: string };

export const MAX_BASKET_LINES = 25;
const MEDIAN_BASKET_LINES = 6;
// Log-normal: about 8 % of baskets have 1 or 2 lines, 6 % more than 15.
const BASKET_SIGMA = 0.62;
const WEIGHT_STEP_G = 50;

/** A snapshot product, or null when it cannot be ordered now (unpriced, or nothing free). */
export function catalogProductOf(item: CatalogItemFields): CatalogProduct | null {
  const available = Number(item.available);
  const orderable = item.unitOfSale === "WEIGHT" ? available >= WEIGHT_STEP_G : available >= 1;
  if (item.priceMinor === null || !orderable) return null;
  return {
    id: item.id,
    code: item.primaryBarcode !== null && isOrderCode(item.primaryBarcode) ? item.primaryBarcode : null,
    categoryCode: item.categoryCode,
    unitOfSale: item.unitOfSale,
    priceMinor: item.priceMinor,
    available,
    popularity: popularityOf(item),
  };
}

/**
 * A store sets a product's reorder point from how fast it sells, so the reorder point (in
 * typical order units: pieces, or half-kilos of a weighed product) stands for its popularity,
 * scaled by how much each department weighs in online grocery baskets.
 */
function popularityOf(item: CatalogItemFields): number {
  const reorderPoint = Number(item.lowStockThreshold);
  const units = item.unitOfSale === "WEIGHT" ? reorderPoint / 500 : reorderPoint;
  return Math.max(1, units) * (DEPARTMENT_AFFINITY[item.categoryCode.split("-")[0] ?? ""] ?? 1);
}

const DEPARTMENT_AFFINITY: Record<string, number> = {
  PRODUCE: 1.6,
  DAIRY: 1.4,
  MEAT: 1.2,
  SEAFOOD: 1.1,
  BAKERY: 1,
  DRINKS: 1,
  FROZEN: 0.8,
  PANTRY: 0.8,
  SNACKS: 0.7,
  ALCOHOL: 0.4,
};

/** GTINs and PLUs name a product; a scale label's item reference alone does not. */
function isOrderCode(code: string): boolean {
  try {
    const scan = classifyScan(code, defaultNomenclature);
    return scan.kind === "gtin" || scan.kind === "plu";
  } catch {
    return false;
  }
}

export function createOrderStream(options: OrderStreamOptions): OrderStream {
  const random = seededRandom(options.seed);
  const declineRate = options.declineRate ?? 0.03;
  return {
    next(catalog) {
      const inStock = catalog.filter(isOrderable);
      if (inStock.length === 0) return null;
      const products = pickWeighted(random, inStock, basketSize(random));
      const customer = { name: chineseName(random), phone: mobileNumber(random) };
      return {
        customer,
        delivery: { address: shanghaiAddress(random), ...pointInDisc(random, options.area) },
        lines: products.map((product) => ({
          productId: product.id,
          quantity: quantityOf(random, product),
          ...substitutionFor(random, product, inStock),
        })),
        payment: paymentOf(random, options.instruments, declineRate),
      };
    },
    nextArrival: (after, arrivals) => nextArrival(random, after, arrivals),
  };
}

function isOrderable(product: CatalogProduct): boolean {
  return product.unitOfSale === "WEIGHT" ? product.available >= WEIGHT_STEP_G : product.available >= 1;
}

/** Lines in a basket: log-normal around a median of 6, from 1 to 25. */
export function basketSize(random: () => number): number {
  const lines = Math.round(MEDIAN_BASKET_LINES * Math.exp(BASKET_SIGMA * standardNormal(random)));
  return Math.min(MAX_BASKET_LINES, Math.max(1, lines));
}

/** `count` distinct products, each drawn in proportion to its popularity (Efraimidis–Spirakis). */
export function pickWeighted<T extends { popularity: number }>(
  random: () => number,
  items: readonly T[],
  count: number,
): T[] {
  return items
    .map((item) => ({ item, key: Math.log(1 - random()) / item.popularity }))
    .sort((a, b) => b.key - a.key)
    .slice(0, count)
    .map(({ item }) => item);
}

/** Weighed goods in 50 g steps over a range that suits the department; pieces mostly 1 to 3. */
export function quantityOf(random: () => number, product: CatalogProduct): string {
  if (product.unitOfSale === "WEIGHT") {
    const [min, max] = WEIGHT_RANGE_G[product.categoryCode.split("-")[0] ?? ""] ?? [150, 600];
    // Skewed towards the light end: half a kilo of apples is commoner than a kilo and a half.
    const grams = min + (max - min) * random() ** 1.6;
    const steps = Math.min(Math.round(grams / WEIGHT_STEP_G), Math.floor(product.available / WEIGHT_STEP_G));
    return String(steps * WEIGHT_STEP_G);
  }
  // Nobody takes three bottles of Moutai: dear products come one at a time.
  const wanted = product.priceMinor >= 10_000 ? 1 : drawCount(random);
  return String(Math.min(wanted, Math.floor(product.available)));
}

const WEIGHT_RANGE_G: Record<string, readonly [number, number]> = {
  PRODUCE: [300, 1500],
  MEAT: [250, 1000],
  SEAFOOD: [250, 1000],
};

function drawCount(random: () => number): number {
  const draw = random();
  if (draw < 0.62) return 1;
  if (draw < 0.87) return 2;
  if (draw < 0.96) return 3;
  return 4 + Math.floor(random() * 3);
}

/** 60 % best match, 20 % a named product of the same category (best match when none), 20 % none. */
export function substitutionFor(
  random: () => number,
  product: CatalogProduct,
  catalog: readonly CatalogProduct[],
): { substitution: Substitution; preferredSubstituteCode?: string } {
  const draw = random();
  if (draw < 0.6) return { substitution: "BEST_MATCH" };
  if (draw >= 0.8) return { substitution: "NONE" };
  const alternatives = catalog.filter(
    (other) => other.categoryCode === product.categoryCode && other.id !== product.id && other.code !== null,
  );
  const [substitute] = pickWeighted(random, alternatives, 1);
  if (!substitute?.code) return { substitution: "BEST_MATCH" };
  return { substitution: "SPECIFIC", preferredSubstituteCode: substitute.code };
}

/**
 * A point uniformly distributed over the delivery disc: the distance is the radius times the
 * square root of a uniform draw (area grows with its square), the bearing uniform, and the point
 * is placed on the sphere the service measures distances on, so it is never outside the radius.
 */
export function pointInDisc(random: () => number, area: DeliveryArea): { lat: number; lng: number } {
  const distance = area.radiusM * Math.sqrt(random());
  const bearing = 2 * Math.PI * random();
  const angular = distance / EARTH_MEAN_RADIUS_METERS;
  const lat1 = (area.latitude * Math.PI) / 180;
  const lng1 = (area.longitude * Math.PI) / 180;
  const lat2 = Math.asin(
    Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing),
  );
  const lng2 =
    lng1 +
    Math.atan2(
      Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1),
      Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2),
    );
  // Six decimals is a tenth of a metre, what a phone's location reports.
  const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
  return { lat: round((lat2 * 180) / Math.PI), lng: round((lng2 * 180) / Math.PI) };
}

// Commonest surnames first; a name is drawn with weight falling by rank.
const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
];
const GIVEN_NAMES = [
  ..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉玲燕鹏华飞鑫波宁琳欣婷雪慧颖晨浩宇峰凯琪晶悦",
  ..."秀英,桂英,秀兰,建华,志强,晓东,海燕,文静,婷婷,子涵,欣怡,梓轩,浩然,雨桐,思远,佳怡,宇航,晨曦,一诺,俊杰,嘉欣,子轩,诗涵,梦琪,博文,天宇,晓明,丽华,国强,雅婷".split(
    ",",
  ),
];

export function chineseName(random: () => number): string {
  const surname = SURNAMES[Math.floor(SURNAMES.length * random() ** 2)] ?? "王";
  return `${surname}${pick(random, GIVEN_NAMES)}`;
}

// Mobile prefixes of China Mobile, China Unicom and China Telecom.
const MOBILE_PREFIXES = [
  ..."134,135,136,137,138,139,147,150,151,152,157,158,159,178,182,183,187,188,198".split(","),
  ..."130,131,132,155,156,166,175,176,185,186".split(","),
  ..."133,149,153,173,177,180,181,189,191,199".split(","),
];

export function mobileNumber(random: () => number): string {
  const digits = Array.from({ length: 8 }, () => Math.floor(random() * 10)).join("");
  return `${pick(random, MOBILE_PREFIXES)}${digits}`;
}

// Streets within a few kilometres of the store in Jing'an, by district.
const STREETS_BY_DISTRICT: Record<string, readonly string[]> = {
  静安区: [
    ..."南京西路,北京西路,延安中路,威海路,愚园路,常德路,江宁路,新闸路,武定路,康定路".split(","),
    ..."陕西北路,万航渡路,昌平路,胶州路,石门二路,巨鹿路,铜仁路,西康路,泰兴路".split(","),
  ],
  长宁区: "长宁路,延安西路,江苏路,武夷路,定西路,镇宁路,安化路".split(","),
  徐汇区: "衡山路,复兴西路,五原路,永福路,乌鲁木齐中路,湖南路,华山路,武康路".split(","),
  黄浦区: "淮海中路,南昌路,茂名南路,瑞金一路,思南路,复兴中路".split(","),
  普陀区: "长寿路,武宁路,宜昌路,澳门路".split(","),
};
const STREETS = Object.entries(STREETS_BY_DISTRICT).flatMap(([district, streets]) =>
  streets.map((street) => ({ district, street })),
);

/**
 * A street address in Shanghai's form: a lane (弄) off a street with a building and a flat, as
 * most homes are, or a building on the street itself. Streets are local to the store; the text is
 * not geocoded, so it does not match the delivery point.
 */
export function shanghaiAddress(random: () => number): string {
  const { district, street } = pick(random, STREETS);
  const floor = 1 + Math.floor(random() * (random() < 0.3 ? 30 : 6));
  const flat = `${floor}0${1 + Math.floor(random() * 4)}室`;
  if (random() < 0.7) {
    const lane = 1 + Math.floor(random() * 1200);
    return `上海市${district}${street}${lane}弄${1 + Math.floor(random() * 40)}号${flat}`;
  }
  return `上海市${district}${street}${1 + Math.floor(random() * 2000)}号${flat}`;
}

/**
 * Most pay by QR (Alipay or WeChat Pay codes: 18 digits with their issuers' prefixes), the rest by
 * card; a few with a card the terminal declines.
 */
export function paymentOf(
  random: () => number,
  instruments: PaymentInstruments,
  declineRate: number,
): PaymentDraft {
  if (random() < declineRate && instruments.declinedCards.length > 0) {
    return { method: "CARD", instrument: pick(random, instruments.declinedCards) };
  }
  if (random() < 0.35) return { method: "CARD", instrument: instruments.approvedCard };
  const prefix =
    random() < 0.55 ? String(25 + Math.floor(random() * 6)) : String(10 + Math.floor(random() * 6));
  const digits = Array.from({ length: 16 }, () => Math.floor(random() * 10)).join("");
  return { method: "QR", instrument: `${prefix}${digits}` };
}

/**
 * Relative order rate at each hour of the store's day (mean 1): a little before work, a lunch
 * peak, a larger evening peak when people plan dinner, and a trickle at night.
 */
// prettier-ignore
const HOURLY_RATE = normalize([
  0.15, 0.1, 0.06, 0.05, 0.05, 0.1, 0.3, 0.6, 0.8, 0.9, 1.2, 1.8,
  1.7, 1.1, 0.8, 0.8, 1.1, 1.8, 2.3, 1.9, 1.3, 0.9, 0.5, 0.3,
]);
const PEAK_RATE = Math.max(...HOURLY_RATE);

function normalize(rates: number[]): number[] {
  const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  return rates.map((rate) => rate / mean);
}

/** The daily profile at a local time of day (hours, fractional), interpolated between whole hours. */
export function dailyRate(hour: number): number {
  const whole = Math.floor(hour) % 24;
  const from = HOURLY_RATE[whole] ?? 1;
  const to = HOURLY_RATE[(whole + 1) % 24] ?? 1;
  return from + (to - from) * (hour - Math.floor(hour));
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The local time of day at `at` in `timeZone`, in fractional hours. */
export function localHour(at: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    hourFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: "hour" | "minute" | "second") =>
    Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  return part("hour") + part("minute") / 60 + part("second") / 3600;
}

/** Orders an hour at `at`, on average. */
export function ordersPerHour(at: Date, arrivals: ArrivalSchedule): number {
  const relative = arrivals.profile === "flat" ? 1 : dailyRate(localHour(at, arrivals.timeZone));
  return (3600 / arrivals.meanIntervalS) * relative;
}

/**
 * A Poisson process whose rate follows the daily profile, its mean over a day one order every
 * `meanIntervalS`: candidates at the peak rate, each kept with the ratio of the rate at its time
 * to the peak (thinning), so quiet hours keep few.
 */
export function nextArrival(random: () => number, after: Date, arrivals: ArrivalSchedule): Date {
  if (!(arrivals.meanIntervalS > 0))
    throw new RangeError("The mean interval between orders must be positive");
  const peak = arrivals.profile === "flat" ? 1 : PEAK_RATE;
  const peakRatePerS = peak / arrivals.meanIntervalS;
  let at = after.getTime();
  for (;;) {
    at += (-Math.log(1 - random()) / peakRatePerS) * 1000;
    if (arrivals.profile === "flat") return new Date(at);
    const rate = dailyRate(localHour(new Date(at), arrivals.timeZone));
    if (random() * peak < rate) return new Date(at);
  }
}

function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError("Nothing to pick from");
  return item;
}
