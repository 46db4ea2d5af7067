import { z } from "zod";
import { allocateProportionally } from "./allocation";
import { DomainError, type DomainErrorCode } from "./errors";
import {
  DEFAULT_CURRENCY,
  assertCurrency,
  divideRoundHalfUp,
  priceForUnits,
  priceForWeight,
  type MinorUnits,
} from "./money";
import { assertWholeQuantity, type QuantityMilli } from "./quantity";
import { BASIS_POINTS, allocateTax, type TaxGroup } from "./tax";

/**
 * Cart pricing: line amounts, promotions, tax-inclusive totals, all in integer minor units.
 *
 * Promotions (the Prisma `PromotionKind`s):
 * - MULTI_BUY "3 for 2": in every group of `buyQuantity` units the cheapest
 *   `buyQuantity - payQuantity` are free;
 * - FIXED_PRICE "2 for ¥10": every group of `buyQuantity` units costs `priceMinor`;
 * - PERCENT_OFF: `percentOffBp` off every eligible unit, and off weighed lines;
 * - BUNDLE: one bundle takes `quantity` units of each item and costs `priceMinor`.
 * Group promotions apply to EACH lines only, pool units across every line of the listed products
 * (several lines of one product, and mix-and-match across the products a promotion lists),
 * fill groups with the most expensive units first (which maximizes each promotion's own saving),
 * and never form a group that would cost more than its regular price. A line with a
 * `fixedPriceMinor` (a price-embedded label) is charged that price and takes no promotion.
 *
 * Competing promotions, best for the customer, deterministically: promotions that share a
 * product in the cart compete for the same units. Each is applied in turn as often as it saves
 * money on the units still free. For up to MAX_EXHAUSTIVE_PROMOTIONS competing promotions every
 * order is tried and the order saving the most wins (ties: the first order when promotions are
 * sorted by code). Larger sets fall back to a greedy choice: apply next the promotion saving the
 * most on what is left (ties by code). Neither tries applying a promotion fewer times than it
 * can, so an exotic mix can miss the true optimum; the result is still a fair, repeatable price.
 *
 * Each promotion's discount is allocated to its participating lines in proportion to their
 * participating amounts (largest remainder), so line totals always sum to the cart total.
 * PERCENT_OFF is rounded half up per line (the half fen goes to the customer).
 */

export const MAX_EXHAUSTIVE_PROMOTIONS = 6;

const id = z.string().min(1);
const minor = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const unitOfSaleSchema = z.enum(["EACH", "WEIGHT"]);
export type UnitOfSale = z.infer<typeof unitOfSaleSchema>;

export const cartLineSchema = z.object({
  lineId: id,
  productId: id,
  unitOfSale: unitOfSaleSchema,
  /** EACH: count x 1000 (whole counts only); WEIGHT: grams x 1000. */
  quantityMilli: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Per unit (EACH) or per kilogram (WEIGHT), tax-inclusive. */
  unitPriceMinor: minor,
  /** The price printed on a price-embedded label: the line costs exactly this, no promotion. */
  fixedPriceMinor: minor.nullish(),
  taxRateBp: z.number().int().min(0).max(BASIS_POINTS),
});

const promotionItemSchema = z.object({
  productId: id,
  /** Units of this product in one bundle (BUNDLE only). */
  quantity: z.number().int().positive().default(1),
});

const promotionBase = {
  code: id,
  items: z
    .array(promotionItemSchema)
    .min(1)
    .refine((items) => new Set(items.map((item) => item.productId)).size === items.length, {
      message: "each product may be listed once",
    }),
};

const count = z.number().int().positive().max(1_000_000);

/**
 * One promotion in the shape of the Prisma `Promotion` row with its items (fields that do not
 * belong to the kind may be present as null and are dropped).
 */
export const promotionSchema = z.discriminatedUnion("kind", [
  z
    .object({
      ...promotionBase,
      kind: z.literal("MULTI_BUY"),
      buyQuantity: count,
      payQuantity: z.number().int().min(0),
    })
    .refine((promotion) => promotion.payQuantity < promotion.buyQuantity, {
      message: "payQuantity must be less than buyQuantity",
    }),
  z.object({ ...promotionBase, kind: z.literal("FIXED_PRICE"), buyQuantity: count, priceMinor: minor }),
  z.object({
    ...promotionBase,
    kind: z.literal("PERCENT_OFF"),
    percentOffBp: z.number().int().min(1).max(BASIS_POINTS),
  }),
  z.object({ ...promotionBase, kind: z.literal("BUNDLE"), priceMinor: minor }),
]);

export const priceCartInputSchema = z.object({
  lines: z
    .array(cartLineSchema)
    .refine((lines) => new Set(lines.map((line) => line.lineId)).size === lines.length, {
      message: "lineId must be unique",
    }),
  promotions: z
    .array(promotionSchema)
    .default([])
    .refine((promotions) => new Set(promotions.map((p) => p.code)).size === promotions.length, {
      message: "promotion codes must be unique",
    }),
  currency: z.string().default(DEFAULT_CURRENCY),
});

export type CartLine = z.input<typeof cartLineSchema>;
export type Promotion = z.input<typeof promotionSchema>;
export type PromotionKind = Promotion["kind"];
export type PriceCartInput = z.input<typeof priceCartInputSchema>;

export type PricedLine = {
  lineId: string;
  productId: string;
  unitOfSale: UnitOfSale;
  quantityMilli: QuantityMilli;
  unitPriceMinor: MinorUnits;
  fixedPriceMinor: MinorUnits | null;
  taxRateBp: number;
  /** Before discounts: units x price, weight x price per kg, or the label's fixed price. */
  grossMinor: MinorUnits;
  discountMinor: MinorUnits;
  /** What the customer pays for the line, tax included. */
  totalMinor: MinorUnits;
  /** The tax contained in totalMinor (allocated from its rate group). */
  taxMinor: MinorUnits;
  /** Promotions this line took part in, in the order they were applied. */
  promotionCodes: string[];
};

export type AppliedPromotion = {
  code: string;
  kind: PromotionKind;
  /** Groups (MULTI_BUY, FIXED_PRICE), bundles (BUNDLE) or discounted lines (PERCENT_OFF). */
  applications: number;
  discountMinor: MinorUnits;
  lineIds: string[];
};

export type PricedCart = {
  currency: string;
  lines: PricedLine[];
  subtotalMinor: MinorUnits;
  discountMinor: MinorUnits;
  totalMinor: MinorUnits;
  taxMinor: MinorUnits;
  /** What the promotions saved the customer (equals discountMinor), for the receipt. */
  savingsMinor: MinorUnits;
  taxes: TaxGroup[];
  promotions: AppliedPromotion[];
};

type ParsedPromotion = z.output<typeof promotionSchema>;

/** An EACH line as a source of units at its price; how many are still free lives in State. */
type Slot = { line: number; price: number };
type Part = { line: number; price: number; units: number };
/** `times` identical groups, each made of `parts` (most expensive first). */
type GroupRun = { times: number; parts: Part[]; sum: number };

type State = { free: number[]; weightFree: boolean[] };

type Application = {
  promotion: ParsedPromotion;
  applications: number;
  discountMinor: number;
  /** Per cart line: the discount allocated to it. */
  discounts: Map<number, number>;
  participants: number[];
};

type PromotableLine = {
  index: number;
  productId: string;
  unitOfSale: UnitOfSale;
  price: number;
  units: number;
  grossMinor: number;
};

function invalid(code: DomainErrorCode, subject: string, error: z.ZodError): DomainError {
  const issues = error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
  return new DomainError(code, `Invalid ${subject}: ${issues.join("; ")}`, { issues: error.issues });
}

function parseInput(input: PriceCartInput): z.output<typeof priceCartInputSchema> {
  const result = priceCartInputSchema.safeParse(input);
  if (result.success) return result.data;
  const promotionProblem = result.error.issues.some((issue) => issue.path[0] === "promotions");
  throw promotionProblem
    ? invalid("PROMOTION_INVALID", "promotions", result.error)
    : invalid("CART_INVALID", "cart", result.error);
}

function byPriceThenLine(a: Slot, b: Slot): number {
  return b.price - a.price || a.line - b.line;
}

/** Splits the units of sorted slots into consecutive groups of `size`, run-length encoded. */
function groupRuns(slots: readonly Slot[], free: readonly number[], size: number): GroupRun[] {
  const available = slots.map((slot) => free[slot.line] ?? 0);
  const runs: GroupRun[] = [];
  let slotIndex = 0;
  let offset = 0;
  for (;;) {
    while (slotIndex < slots.length && offset >= (available[slotIndex] ?? 0)) {
      slotIndex += 1;
      offset = 0;
    }
    const slot = slots[slotIndex];
    if (!slot) return runs;
    const left = (available[slotIndex] ?? 0) - offset;
    if (left >= size) {
      const times = Math.floor(left / size);
      runs.push({
        times,
        parts: [{ line: slot.line, price: slot.price, units: size }],
        sum: slot.price * size,
      });
      offset += times * size;
      continue;
    }
    const parts: Part[] = [];
    let need = size;
    let index = slotIndex;
    let used = offset;
    while (need > 0 && index < slots.length) {
      const current = slots[index];
      const take = Math.min(need, (available[index] ?? 0) - used);
      if (current && take > 0) {
        parts.push({ line: current.line, price: current.price, units: take });
        need -= take;
        used += take;
      }
      if (used >= (available[index] ?? 0)) {
        index += 1;
        used = 0;
      }
    }
    if (need > 0) return runs;
    runs.push({ times: 1, parts, sum: parts.reduce((sum, part) => sum + part.price * part.units, 0) });
    slotIndex = index;
    offset = used;
  }
}

/** Value of the last `freeUnits` units of a group (its cheapest, since parts are sorted). */
function cheapestValue(parts: readonly Part[], freeUnits: number): number {
  let value = 0;
  let left = freeUnits;
  for (let index = parts.length - 1; index >= 0 && left > 0; index -= 1) {
    const part = parts[index];
    if (!part) continue;
    const take = Math.min(left, part.units);
    value += take * part.price;
    left -= take;
  }
  return value;
}

class Pricer {
  private readonly slotsByProduct = new Map<string, Slot[]>();
  private readonly weightLinesByProduct = new Map<string, PromotableLine[]>();

  constructor(readonly lines: readonly PromotableLine[]) {
    for (const line of lines) {
      if (line.unitOfSale === "EACH") {
        const slots = this.slotsByProduct.get(line.productId) ?? [];
        slots.push({ line: line.index, price: line.price });
        this.slotsByProduct.set(line.productId, slots);
      } else {
        const weighed = this.weightLinesByProduct.get(line.productId) ?? [];
        weighed.push(line);
        this.weightLinesByProduct.set(line.productId, weighed);
      }
    }
  }

  initialState(lineCount: number): State {
    const free = Array.from({ length: lineCount }, () => 0);
    const weightFree = Array.from({ length: lineCount }, () => false);
    for (const line of this.lines) {
      if (line.unitOfSale === "EACH") free[line.index] = line.units;
      else weightFree[line.index] = true;
    }
    return { free, weightFree };
  }

  touches(promotion: ParsedPromotion): string[] {
    return promotion.items
      .map((item) => item.productId)
      .filter(
        (productId) =>
          this.slotsByProduct.has(productId) ||
          (promotion.kind === "PERCENT_OFF" && this.weightLinesByProduct.has(productId)),
      );
  }

  private slotsFor(productIds: readonly string[]): Slot[] {
    return productIds.flatMap((productId) => this.slotsByProduct.get(productId) ?? []).sort(byPriceThenLine);
  }

  /** Applies a promotion to the free units of `state` (mutating it); null when it saves nothing. */
  apply(promotion: ParsedPromotion, state: State): Application | null {
    switch (promotion.kind) {
      case "MULTI_BUY":
        return this.applyGroups(promotion, state, promotion.buyQuantity, (run) =>
          cheapestValue(run.parts, promotion.buyQuantity - promotion.payQuantity),
        );
      case "FIXED_PRICE":
        return this.applyGroups(
          promotion,
          state,
          promotion.buyQuantity,
          (run) => run.sum - promotion.priceMinor,
        );
      case "BUNDLE":
        return this.applyBundle(promotion, state);
      case "PERCENT_OFF":
        return this.applyPercentOff(promotion, state);
    }
  }

  private applyGroups(
    promotion: ParsedPromotion,
    state: State,
    size: number,
    savingOf: (run: GroupRun) => number,
  ): Application | null {
    const slots = this.slotsFor(promotion.items.map((item) => item.productId));
    const taken: { run: GroupRun; saving: number }[] = [];
    // Runs come most expensive first, so savings only fall: stop at the first group that saves nothing.
    for (const run of groupRuns(slots, state.free, size)) {
      const saving = savingOf(run);
      if (saving <= 0) break;
      taken.push({ run, saving });
    }
    return this.settle(
      promotion,
      state,
      taken.map(({ run, saving }) => ({ times: run.times, parts: run.parts, saving })),
    );
  }

  private applyBundle(promotion: ParsedPromotion & { kind: "BUNDLE" }, state: State): Application | null {
    const perItem = promotion.items.map((item) => ({
      runs: groupRuns(this.slotsFor([item.productId]), state.free, item.quantity),
      position: 0,
      usedTimes: 0,
    }));
    const taken: { times: number; parts: Part[]; saving: number }[] = [];
    for (;;) {
      const current = perItem.map((item) => item.runs[item.position]);
      if (current.some((run) => run === undefined)) break;
      const runs = current as GroupRun[];
      const times = Math.min(...runs.map((run, index) => run.times - (perItem[index]?.usedTimes ?? 0)));
      const saving = runs.reduce((sum, run) => sum + run.sum, 0) - promotion.priceMinor;
      if (saving <= 0) break;
      taken.push({ times, parts: runs.flatMap((run) => run.parts), saving });
      perItem.forEach((item, index) => {
        item.usedTimes += times;
        if (item.usedTimes === runs[index]?.times) {
          item.position += 1;
          item.usedTimes = 0;
        }
      });
    }
    return this.settle(promotion, state, taken);
  }

  /** Consumes the groups' units and allocates their saving over the participating lines. */
  private settle(
    promotion: ParsedPromotion,
    state: State,
    groups: readonly { times: number; parts: readonly Part[]; saving: number }[],
  ): Application | null {
    if (groups.length === 0) return null;
    const amounts = new Map<number, number>();
    let discountMinor = 0;
    let applications = 0;
    for (const group of groups) {
      applications += group.times;
      discountMinor += group.times * group.saving;
      for (const part of group.parts) {
        state.free[part.line] = (state.free[part.line] ?? 0) - group.times * part.units;
        amounts.set(part.line, (amounts.get(part.line) ?? 0) + group.times * part.units * part.price);
      }
    }
    const participants = [...amounts.keys()].sort((a, b) => a - b);
    const shares = allocateProportionally(
      discountMinor,
      participants.map((line) => amounts.get(line) ?? 0),
    );
    const discounts = new Map(participants.map((line, index) => [line, shares[index] ?? 0]));
    return { promotion, applications, discountMinor, discounts, participants };
  }

  private applyPercentOff(
    promotion: ParsedPromotion & { kind: "PERCENT_OFF" },
    state: State,
  ): Application | null {
    const discounts = new Map<number, number>();
    const productIds = promotion.items.map((item) => item.productId);
    const discountOn = (line: number, amount: number) => {
      const discount = Number(
        divideRoundHalfUp(BigInt(amount) * BigInt(promotion.percentOffBp), BigInt(BASIS_POINTS)),
      );
      if (discount > 0) discounts.set(line, discount);
    };
    for (const slot of this.slotsFor(productIds)) {
      const units = state.free[slot.line] ?? 0;
      if (units > 0) discountOn(slot.line, units * slot.price);
    }
    for (const productId of productIds) {
      for (const line of this.weightLinesByProduct.get(productId) ?? []) {
        if (state.weightFree[line.index]) discountOn(line.index, line.grossMinor);
      }
    }
    if (discounts.size === 0) return null;
    for (const line of discounts.keys()) {
      state.free[line] = 0;
      state.weightFree[line] = false;
    }
    const participants = [...discounts.keys()].sort((a, b) => a - b);
    const discountMinor = [...discounts.values()].reduce((sum, discount) => sum + discount, 0);
    return { promotion, applications: participants.length, discountMinor, discounts, participants };
  }

  /** Runs promotions in the given order on a fresh state. */
  simulate(order: readonly ParsedPromotion[], lineCount: number): { applied: Application[]; saving: number } {
    const state = this.initialState(lineCount);
    const applied: Application[] = [];
    let saving = 0;
    for (const promotion of order) {
      const application = this.apply(promotion, state);
      if (application) {
        applied.push(application);
        saving += application.discountMinor;
      }
    }
    return { applied, saving };
  }

  /** Greedy fallback: repeatedly apply the promotion saving the most on what is left. */
  greedy(promotions: readonly ParsedPromotion[], lineCount: number): Application[] {
    const state = this.initialState(lineCount);
    const remaining = [...promotions];
    const applied: Application[] = [];
    for (;;) {
      let best: { index: number; saving: number } | undefined;
      remaining.forEach((promotion, index) => {
        const trial: State = { free: [...state.free], weightFree: [...state.weightFree] };
        const saving = this.apply(promotion, trial)?.discountMinor ?? 0;
        if (saving > 0 && (!best || saving > best.saving)) best = { index, saving };
      });
      if (!best) return applied;
      const [promotion] = remaining.splice(best.index, 1);
      const application = promotion && this.apply(promotion, state);
      if (application) applied.push(application);
    }
  }
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Groups promotions that share a product in the cart: only those compete with each other. */
function competingSets(promotions: readonly ParsedPromotion[], pricer: Pricer): ParsedPromotion[][] {
  const sets: { products: Set<string>; promotions: ParsedPromotion[] }[] = [];
  for (const promotion of promotions) {
    const products = pricer.touches(promotion);
    if (products.length === 0) continue;
    const overlapping = sets.filter((set) => products.some((product) => set.products.has(product)));
    const merged = {
      products: new Set([...products, ...overlapping.flatMap((set) => [...set.products])]),
      promotions: [...overlapping.flatMap((set) => set.promotions), promotion],
    };
    for (const set of overlapping) sets.splice(sets.indexOf(set), 1);
    sets.push(merged);
  }
  return sets.map((set) =>
    [...set.promotions].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  );
}

function bestApplications(
  promotions: readonly ParsedPromotion[],
  pricer: Pricer,
  lineCount: number,
): Application[] {
  if (promotions.length > MAX_EXHAUSTIVE_PROMOTIONS) return pricer.greedy(promotions, lineCount);
  let best: { applied: Application[]; saving: number } | undefined;
  for (const order of permutations(promotions)) {
    const result = pricer.simulate(order, lineCount);
    if (!best || result.saving > best.saving) best = result;
  }
  return best?.applied ?? [];
}

/**
 * Prices a cart: gross per line, the best promotions for the customer, discounts allocated to
 * lines, tax per rate group allocated to lines. Throws DomainError CART_INVALID,
 * PROMOTION_INVALID, QUANTITY_NOT_WHOLE (a fractional EACH quantity) or MONEY_RANGE.
 */
export function priceCart(input: PriceCartInput): PricedCart {
  const { lines, promotions, currency } = parseInput(input);
  assertCurrency(currency);
  const promotable: PromotableLine[] = [];
  const grossByLine = lines.map((line, index) => {
    const units = line.unitOfSale === "EACH" ? assertWholeQuantity(line.quantityMilli, line.productId) : 0;
    if (line.fixedPriceMinor !== null && line.fixedPriceMinor !== undefined) return line.fixedPriceMinor;
    const grossMinor =
      line.unitOfSale === "EACH"
        ? priceForUnits(line.unitPriceMinor, units)
        : priceForWeight(line.unitPriceMinor, line.quantityMilli);
    promotable.push({
      index,
      productId: line.productId,
      unitOfSale: line.unitOfSale,
      price: line.unitPriceMinor,
      units,
      grossMinor,
    });
    return grossMinor;
  });
  const subtotalMinor = grossByLine.reduce((sum, gross) => sum + gross, 0);
  if (!Number.isSafeInteger(subtotalMinor)) {
    throw new DomainError("MONEY_RANGE", "Cart subtotal exceeds the largest safe amount", { subtotalMinor });
  }

  const pricer = new Pricer(promotable);
  const applied = competingSets(promotions, pricer).flatMap((set) =>
    bestApplications(set, pricer, lines.length),
  );

  const discountByLine = lines.map(() => 0);
  const codesByLine = lines.map((): string[] => []);
  for (const application of applied) {
    for (const line of application.participants) {
      discountByLine[line] = (discountByLine[line] ?? 0) + (application.discounts.get(line) ?? 0);
      codesByLine[line]?.push(application.promotion.code);
    }
  }
  const totals = lines.map((_, index) => (grossByLine[index] ?? 0) - (discountByLine[index] ?? 0));
  const { lineTaxMinor, groups } = allocateTax(
    lines.map((line, index) => ({ totalMinor: totals[index] ?? 0, taxRateBp: line.taxRateBp })),
  );

  const pricedLines: PricedLine[] = lines.map((line, index) => ({
    lineId: line.lineId,
    productId: line.productId,
    unitOfSale: line.unitOfSale,
    quantityMilli: line.quantityMilli,
    unitPriceMinor: line.unitPriceMinor,
    fixedPriceMinor: line.fixedPriceMinor ?? null,
    taxRateBp: line.taxRateBp,
    grossMinor: grossByLine[index] ?? 0,
    discountMinor: discountByLine[index] ?? 0,
    totalMinor: totals[index] ?? 0,
    taxMinor: lineTaxMinor[index] ?? 0,
    promotionCodes: codesByLine[index] ?? [],
  }));
  const discountMinor = discountByLine.reduce((sum, discount) => sum + discount, 0);
  return {
    currency,
    lines: pricedLines,
    subtotalMinor,
    discountMinor,
    totalMinor: subtotalMinor - discountMinor,
    taxMinor: groups.reduce((sum, group) => sum + group.taxMinor, 0),
    savingsMinor: discountMinor,
    taxes: groups,
    promotions: applied.map((application) => ({
      code: application.promotion.code,
      kind: application.promotion.kind,
      applications: application.applications,
      discountMinor: application.discountMinor,
      lineIds: application.participants.map((line) => lines[line]?.lineId ?? ""),
    })),
  };
}
