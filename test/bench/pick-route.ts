import { loadavg } from "node:os";
import {
  attachToCorridor,
  optimalPickWalk,
  planPickWalk,
  seededRandom,
  walkLength,
  DEFAULT_EXACT_PICK_PLACES,
  type FloorPlan,
  type PickStop,
  type WalkPoint,
} from "@store/domain";
import { basketSize } from "@store/demo/orders";
import { generateFloorPlan, planDemoStore, type ProductSeed } from "@store/prisma/seed";
import { note, percentile, report } from "./support";

const BENCH = "pick-route";
const ORDERS = 2_000;
const SIZE_BANDS = [
  { name: "2_4", from: 2, to: 4 },
  { name: "5_8", from: 5, to: 8 },
  { name: "9_12", from: 9, to: 12 },
] as const;
const BATCH_LINES = 100;
const BATCH_ORDERS = 7;
const BATCH_RUNS = 200;
const WARMUP_RUNS = 20;
/** Issue 5's goals for the pick walk. */
const GOALS = { ratioToOptimum: 1.05, savingVsList: 0.3, batchP95Ms: 20 };
/** Two walks this close are the same length: sums of the same legs in another order differ by rounding. */
const SAME_LENGTH = 1e-9;

type Line = PickStop & { walkSequence: number };

type OrderResult = {
  products: number;
  places: number;
  routed: number;
  heuristic: number;
  optimum: number;
  list: number;
  walkSequence: number;
};

/**
 * `pnpm bench pick-route`: the pick-walk router on the demo store (its layout, catalog and home
 * shelves from the seed's plan, its walk graph from `generateFloorPlan`), no database. Quality:
 * random orders of 2–12 distinct products, their lines in a random list order as a customer app
 * sends them, routed from and back to packing station PK-1, against the exact optimum (Held–Karp),
 * the list order and the aisle order (Location.walkSequence). Speed: a 100-line batch of 7 orders,
 * routed 200 times with everything a request does (plan validation, attaching, distances,
 * ordering), beside sorting the same lines by walk sequence.
 */
export function pickRoute(): Promise<void> {
  const demo = planDemoStore();
  const plan = generateFloorPlan();
  const packing = demo.locations.find((location) => location.code === "PK-1");
  if (!packing) throw new Error("The demo layout has no packing station PK-1");
  const start = { x: packing.x, y: packing.y };
  const products = demo.catalog.products.filter((product) => demo.homes.has(product.id));
  const lineOf = (product: ProductSeed, id: string): Line => {
    const home = demo.homes.get(product.id)!;
    return { id, x: home.x, y: home.y, walkSequence: home.walkSequence };
  };
  const random = seededRandom(20261125);
  note(`${BENCH}: ${products.length} products on ${new Set(demo.homes.values()).size} home shelves`);

  const batchP95 = measureBatch(plan, start, batchLines(random, products, lineOf));
  const goals = measureQuality(plan, start, random, (size) =>
    distinctIndexes(random, products.length, size).map((index, line) =>
      lineOf(products[index]!, `line-${line}`),
    ),
  );
  goals.push(
    measureCustomerOrders(plan, start, random, (size) =>
      distinctIndexes(random, products.length, size).map((index, line) =>
        lineOf(products[index]!, `line-${line}`),
      ),
    ),
    verdict(
      `100-line batch ≤ ${GOALS.batchP95Ms} ms`,
      batchP95 <= GOALS.batchP95Ms,
      `p95 ${batchP95.toFixed(1)} ms`,
    ),
  );
  note(`${BENCH} goals: ${goals.join("; ")} (load average ${loadAverage()})`);
  return Promise.resolve();
}

/**
 * The walk saved against list order on orders as the demo's customers place them: basket sizes
 * from the order simulator (log-normal around 6 lines, 1 to 25), products at random. One- and
 * two-stop orders save nothing whatever the router does (there is one loop through them), so the
 * saving depends on the mix of sizes; this is the store's mix. Returns the verdict on the goal.
 */
function measureCustomerOrders(
  plan: FloorPlan,
  start: WalkPoint,
  random: () => number,
  drawOrder: (size: number) => Line[],
): string {
  const savings: Array<{ size: number; routed: number; list: number }> = [];
  for (let order = 0; order < ORDERS; order++) {
    const lines = drawOrder(basketSize(random));
    const routed = planPickWalk(plan, lines, { start }).lengthM;
    const list = walkLength(
      plan,
      lines,
      lines.map((line) => line.id),
      { start },
    );
    savings.push({ size: lines.length, routed, list });
  }
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const saving = (of: typeof savings) =>
    100 * mean(of.map((each) => (each.list === 0 ? 0 : 1 - each.routed / each.list)));
  const metres = (of: typeof savings) =>
    100 * (1 - of.reduce((sum, each) => sum + each.routed, 0) / of.reduce((sum, each) => sum + each.list, 0));
  for (const band of [
    { name: "1_2", from: 1, to: 2 },
    { name: "3_5", from: 3, to: 5 },
    { name: "6_10", from: 6, to: 10 },
    { name: "11_25", from: 11, to: 25 },
  ]) {
    const of = savings.filter((each) => each.size >= band.from && each.size <= band.to);
    if (of.length === 0) continue;
    report({
      bench: BENCH,
      metric: `customer_orders_saving_vs_list_mean_${band.name}`,
      value: saving(of),
      unit: "%",
    });
    note(
      `${BENCH}: customer orders of ${band.from}–${band.to} lines (${of.length}): ${saving(of).toFixed(1)} % shorter than list order`,
    );
  }
  const all = saving(savings);
  report({ bench: BENCH, metric: "customer_orders", value: savings.length, unit: "orders" });
  report({
    bench: BENCH,
    metric: "customer_orders_mean_lines",
    value: mean(savings.map((each) => each.size)),
    unit: "lines",
  });
  report({ bench: BENCH, metric: "customer_orders_saving_vs_list_mean", value: all, unit: "%" });
  report({
    bench: BENCH,
    metric: "customer_orders_saving_vs_list_metres",
    value: metres(savings),
    unit: "%",
  });
  // The goal is on the mean route: the mean walk against the mean walk in list order.
  return verdict(
    `mean route ≥ ${100 * GOALS.savingVsList} % shorter than list order`,
    metres(savings) >= 100 * GOALS.savingVsList,
    `${metres(savings).toFixed(1)} % over the customers' order sizes; an order saves ${all.toFixed(1)} % on average, one- and two-stop orders nothing`,
  );
}

/** Routes random orders every way there is; returns the verdict on the optimum goal. */
function measureQuality(
  plan: FloorPlan,
  start: WalkPoint,
  random: () => number,
  drawOrder: (size: number) => Line[],
): string[] {
  const results: OrderResult[] = [];
  for (let order = 0; order < ORDERS; order++) {
    const lines = drawOrder(2 + Math.floor(random() * 11));
    const routed = planPickWalk(plan, lines, { start });
    const heuristic = planPickWalk(plan, lines, { start, exactUpTo: 0 });
    const optimum = optimalPickWalk(plan, lines, { start });
    const byWalkSequence = lines
      .map((line, index) => ({ line, index }))
      .sort((a, b) => a.line.walkSequence - b.line.walkSequence || a.index - b.index)
      .map(({ line }) => line.id);
    results.push({
      products: lines.length,
      places: placesOf(plan, lines),
      routed: routed.lengthM,
      heuristic: heuristic.lengthM,
      optimum: optimum.lengthM,
      list: walkLength(
        plan,
        lines,
        lines.map((line) => line.id),
        { start },
      ),
      walkSequence: walkLength(plan, lines, byWalkSequence, { start }),
    });
  }
  report({ bench: BENCH, metric: "orders", value: results.length, unit: "orders" });
  const byHeuristic = results.filter((result) => result.places > DEFAULT_EXACT_PICK_PLACES);
  note(
    `${BENCH}: ${byHeuristic.length} of ${results.length} orders have more than ${DEFAULT_EXACT_PICK_PLACES} places and are routed by the heuristic, the rest exactly`,
  );
  const groups = [
    { name: "all", label: "all orders", of: results },
    ...SIZE_BANDS.map((band) => ({
      name: band.name,
      label: `${band.from}–${band.to} products`,
      of: results.filter((result) => result.products >= band.from && result.products <= band.to),
    })),
    { name: "heuristic_routed", label: `more than ${DEFAULT_EXACT_PICK_PLACES} places`, of: byHeuristic },
  ];
  const summaries = new Map(groups.map((group) => [group.name, summarize(group.of)]));
  for (const { name, label, of } of groups) {
    const summary = summaries.get(name)!;
    const suffix = name === "all" ? "" : `_${name}`;
    report({
      bench: BENCH,
      metric: `longer_than_optimum_mean${suffix}`,
      value: summary.routed.longerMean,
      unit: "%",
    });
    report({ bench: BENCH, metric: `optimal_share${suffix}`, value: summary.routed.optimalShare, unit: "%" });
    report({
      bench: BENCH,
      metric: `heuristic_longer_than_optimum_mean${suffix}`,
      value: summary.heuristic.longerMean,
      unit: "%",
    });
    report({
      bench: BENCH,
      metric: `heuristic_optimal_share${suffix}`,
      value: summary.heuristic.optimalShare,
      unit: "%",
    });
    report({
      bench: BENCH,
      metric: `saving_vs_list_order_mean${suffix}`,
      value: summary.savingVsList,
      unit: "%",
    });
    report({
      bench: BENCH,
      metric: `saving_vs_walk_sequence_mean${suffix}`,
      value: summary.savingVsWalkSequence,
      unit: "%",
    });
    note(
      `${BENCH}: ${label} (${of.length}): ratio to optimum as routed ${summary.routed.ratioMean.toFixed(5)} (max ${summary.routed.ratioMax.toFixed(4)}, ${summary.routed.optimalShare.toFixed(2)} % optimal), heuristic alone ${summary.heuristic.ratioMean.toFixed(5)} (max ${summary.heuristic.ratioMax.toFixed(4)}, ${summary.heuristic.optimalShare.toFixed(2)} % optimal); ${summary.savingVsList.toFixed(1)} % shorter than list order, ${summary.savingVsWalkSequence.toFixed(1)} % than aisle order`,
    );
  }
  const all = summaries.get("all")!;
  report({
    bench: BENCH,
    metric: "longer_than_optimum_max",
    value: 100 * (all.routed.ratioMax - 1),
    unit: "%",
  });
  report({
    bench: BENCH,
    metric: "heuristic_longer_than_optimum_max",
    value: 100 * (all.heuristic.ratioMax - 1),
    unit: "%",
  });
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const routedMean = mean(results.map((result) => result.routed));
  const listMean = mean(results.map((result) => result.list));
  for (const [metric, baseline] of [
    ["walk_m_mean_vs_list_order", listMean],
    ["walk_m_mean_vs_walk_sequence", mean(results.map((result) => result.walkSequence))],
  ] as const) {
    report({ bench: BENCH, metric, value: routedMean, unit: "m", baseline, ratio: routedMean / baseline });
  }
  const worstRatio = Math.max(all.routed.ratioMean, all.heuristic.ratioMean);
  note(
    `${BENCH}: orders of 2–12 products drawn evenly: ${all.savingVsList.toFixed(1)} % shorter than list order an order on average, ${(100 * (1 - routedMean / listMean)).toFixed(1)} % of all metres; ${all.savingVsWalkSequence.toFixed(1)} % shorter than aisle order`,
  );
  const metresSaved = 100 * (1 - routedMean / listMean);
  return [
    verdict(
      `mean route ≥ ${100 * GOALS.savingVsList} % shorter than list order on 2–12-product orders`,
      metresSaved >= 100 * GOALS.savingVsList,
      `${metresSaved.toFixed(1)} %; an order saves ${all.savingVsList.toFixed(1)} % on average`,
    ),
    verdict(
      `mean ≤ ${GOALS.ratioToOptimum}× optimum`,
      worstRatio <= GOALS.ratioToOptimum,
      `${all.routed.ratioMean.toFixed(5)} as routed, heuristic alone ${all.heuristic.ratioMean.toFixed(5)}`,
    ),
  ];
}

type Summary = {
  routed: WalkQuality;
  heuristic: WalkQuality;
  /** Mean over orders of 1 − routed / baseline, in per cent. */
  savingVsList: number;
  savingVsWalkSequence: number;
};
type WalkQuality = { ratioMean: number; ratioMax: number; longerMean: number; optimalShare: number };

function summarize(results: readonly OrderResult[]): Summary {
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const quality = (walk: "routed" | "heuristic"): WalkQuality => {
    const ratios = results.map((result) => result[walk] / result.optimum);
    const optimal = results.filter((result) => result[walk] <= result.optimum + SAME_LENGTH).length;
    return {
      ratioMean: mean(ratios),
      ratioMax: Math.max(...ratios),
      longerMean: 100 * (mean(ratios) - 1),
      optimalShare: (100 * optimal) / results.length,
    };
  };
  return {
    routed: quality("routed"),
    heuristic: quality("heuristic"),
    savingVsList: 100 * mean(results.map((result) => 1 - result.routed / result.list)),
    savingVsWalkSequence: 100 * mean(results.map((result) => 1 - result.routed / result.walkSequence)),
  };
}

/** Lines of a batch: orders of random sizes adding up to BATCH_LINES, products drawn from the whole store. */
function batchLines(
  random: () => number,
  products: readonly ProductSeed[],
  lineOf: (product: ProductSeed, id: string) => Line,
): Line[] {
  const cuts = distinctIndexes(random, BATCH_LINES - 1, BATCH_ORDERS - 1)
    .map((cut) => cut + 1)
    .sort((a, b) => a - b);
  const sizes = [...cuts, BATCH_LINES].map((cut, index) => cut - (index === 0 ? 0 : cuts[index - 1]!));
  return sizes.flatMap((size, order) =>
    distinctIndexes(random, products.length, size).map((index, line) =>
      lineOf(products[index]!, `order-${order + 1}/line-${line + 1}`),
    ),
  );
}

/**
 * Times routing one batch, each run on a fresh copy of the plan, as a request reads it from the
 * store row: validation and indexing are paid every time. The first call, with nothing compiled yet
 * (as after a restart), is reported on its own; then a few untimed runs, as a service that has been
 * up for a while has its code compiled.
 */
function measureBatch(plan: FloorPlan, start: WalkPoint, lines: readonly Line[]): number {
  const places = placesOf(plan, lines);
  note(`${BENCH}: batch of ${lines.length} lines at ${places} places`);
  const sortByWalkSequence = () => lines.toSorted((a, b) => a.walkSequence - b.walkSequence);
  let cold = performance.now();
  planPickWalk(structuredClone(plan), lines, { start });
  cold = performance.now() - cold;
  for (let run = 0; run < WARMUP_RUNS; run++) {
    planPickWalk(structuredClone(plan), lines, { start });
    sortByWalkSequence();
  }
  const routedMs: number[] = [];
  const routedCpuMs: number[] = [];
  const sortedMs: number[] = [];
  let walk = planPickWalk(plan, lines, { start });
  let sorted: Line[] = [];
  for (let run = 0; run < BATCH_RUNS; run++) {
    const copy = structuredClone(plan);
    const cpu = process.cpuUsage();
    let started = performance.now();
    walk = planPickWalk(copy, lines, { start });
    routedMs.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    routedCpuMs.push((used.user + used.system) / 1000);
    started = performance.now();
    sorted = sortByWalkSequence();
    sortedMs.push(performance.now() - started);
  }
  for (const times of [routedMs, routedCpuMs, sortedMs]) times.sort((a, b) => a - b);
  report({ bench: BENCH, metric: "batch_lines", value: lines.length, unit: "lines" });
  report({ bench: BENCH, metric: "batch_places", value: places, unit: "places" });
  report({ bench: BENCH, metric: "batch_first_call_ms", value: cold, unit: "ms" });
  for (const [metric, p] of [
    ["batch_ms_p50", 50],
    ["batch_ms_p95", 95],
    ["batch_ms_max", 100],
  ] as const) {
    const ours = percentile(routedMs, p);
    const baseline = percentile(sortedMs, p);
    report({ bench: BENCH, metric, value: ours, unit: "ms", baseline, ratio: ours / baseline });
  }
  // CPU time (the process's, garbage collector threads included) moves less with the machine's load.
  report({ bench: BENCH, metric: "batch_cpu_ms_p50", value: percentile(routedCpuMs, 50), unit: "ms" });
  report({ bench: BENCH, metric: "batch_cpu_ms_p95", value: percentile(routedCpuMs, 95), unit: "ms" });
  const inAisleOrder = walkLength(
    plan,
    lines,
    sorted.map((line) => line.id),
    { start },
  );
  const inListOrder = walkLength(
    plan,
    lines,
    lines.map((line) => line.id),
    { start },
  );
  report({
    bench: BENCH,
    metric: "batch_walk_m_vs_walk_sequence",
    value: walk.lengthM,
    unit: "m",
    baseline: inAisleOrder,
    ratio: walk.lengthM / inAisleOrder,
  });
  report({
    bench: BENCH,
    metric: "batch_walk_m_vs_list_order",
    value: walk.lengthM,
    unit: "m",
    baseline: inListOrder,
    ratio: walk.lengthM / inListOrder,
  });
  return percentile(routedMs, 95);
}

/** Places as the router counts them: shelves picked from the same spot of a corridor are one. */
function placesOf(plan: FloorPlan, lines: readonly Line[]): number {
  const feet = lines
    .map((line) => attachToCorridor(plan, line))
    .map(({ x, y, offsetM }) => `${x},${y},${offsetM}`);
  return new Set(feet).size;
}

/** `count` distinct integers below `below`, in random order. */
function distinctIndexes(random: () => number, below: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * below));
  return [...chosen];
}

function verdict(goal: string, met: boolean, actual: string): string {
  return `${goal} ${met ? "met" : "MISSED"} (${actual})`;
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(" ");
}
