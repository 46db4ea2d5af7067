import { describe, expect, it } from "vitest";
import {
  attachToCorridor,
  floorPlanSchema,
  optimalPickWalk,
  planPickWalk,
  walkLength,
  type FloorPlan,
  type PickStop,
  type PickWalk,
} from "./pick-walk";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

const AISLE_LENGTH = 20;

/** Parallel aisles 4 m apart (x = 0, 4, 8 ...) from y = 0 to 20, joined by cross-aisles at both ends. */
function aislesPlan(count: number): FloorPlan {
  const nodes = Array.from({ length: count }, (_, aisle) => [
    { id: `front-${aisle}`, x: 4 * aisle, y: 0 },
    { id: `back-${aisle}`, x: 4 * aisle, y: AISLE_LENGTH },
  ]).flat();
  const edges: FloorPlan["edges"] = [];
  for (let aisle = 0; aisle < count; aisle++) {
    edges.push([`front-${aisle}`, `back-${aisle}`]);
    if (aisle > 0) {
      edges.push([`front-${aisle - 1}`, `front-${aisle}`]);
      edges.push([`back-${aisle - 1}`, `back-${aisle}`]);
    }
  }
  return { nodes, edges };
}

/** A shelf face 1 m beside an aisle's centre line. */
function shelf(id: string, aisle: number, side: -1 | 1, y: number): PickStop {
  return { id, x: 4 * aisle + side, y };
}

function randomStops(random: () => number, aisles: number, count: number): PickStop[] {
  return Array.from({ length: count }, (_, index) =>
    shelf(
      `s${index}`,
      randomInt(random, 0, aisles - 1),
      random() < 0.5 ? -1 : 1,
      randomInt(random, 2, 38) / 2,
    ),
  );
}

const aisleOf = (stop: PickStop) => Math.round(stop.x / 4);

/** How many times the walk enters an aisle: once per aisle when no aisle is walked into twice. */
function aisleEntries(walk: PickWalk, stops: readonly PickStop[]): number {
  const byId = new Map(stops.map((stop) => [stop.id, stop]));
  const aisles = walk.order.map((id) => aisleOf(byId.get(id)!));
  return aisles.filter((aisle, index) => index === 0 || aisles[index - 1] !== aisle).length;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

const twoAisles = aislesPlan(2);
const front = { x: 0, y: 0 };

describe("floorPlanSchema", () => {
  it("accepts a connected plan", () => {
    expect(floorPlanSchema.safeParse(aislesPlan(3)).success).toBe(true);
  });

  it.each([
    [
      "a node id used twice",
      { nodes: [...twoAisles.nodes, { id: "back-1", x: 9, y: 9 }], edges: twoAisles.edges },
      "nodes.4.id: node 'back-1' appears twice",
    ],
    [
      "an edge to an unknown node",
      { nodes: twoAisles.nodes, edges: [...twoAisles.edges, ["back-1", "back-7"]] },
      "edges.4: edge refers to unknown node 'back-7'",
    ],
    [
      "a self-loop",
      { nodes: twoAisles.nodes, edges: [...twoAisles.edges, ["front-0", "front-0"]] },
      "edges.4: edge joins node 'front-0' to itself",
    ],
    [
      "corridors that do not meet",
      {
        nodes: [...twoAisles.nodes, { id: "island", x: 50, y: 0 }, { id: "island-end", x: 50, y: 9 }],
        edges: [...twoAisles.edges, ["island", "island-end"]],
      },
      "edges: the corridors are not connected: 'island', 'island-end' cannot be reached from 'front-0'",
    ],
    [
      "no corridor at all",
      { nodes: [{ id: "alone", x: 0, y: 0 }], edges: [] },
      "a floor plan needs at least one corridor",
    ],
    [
      "a coordinate that is not a number",
      { nodes: [{ id: "a", x: 0, y: Number.NaN }, ...twoAisles.nodes], edges: twoAisles.edges },
      "nodes.0.y",
    ],
  ] as Array<[string, unknown, string]>)("rejects %s, saying what is wrong", (_, plan, message) => {
    const error = errorOf(() => planPickWalk(plan as FloorPlan, [], { start: front }));
    expect(error.code).toBe("FLOOR_PLAN_INVALID");
    expect(error.message).toContain("Invalid floor plan: ");
    expect(error.message).toContain(message);
  });
});

describe("walking distances", () => {
  it("attaches a point to the foot of the perpendicular on the nearest corridor, clamped to its ends", () => {
    expect(attachToCorridor(twoAisles, { x: -1, y: 9 })).toEqual({
      edge: ["front-0", "back-0"],
      x: 0,
      y: 9,
      offsetM: 1,
    });
    expect(attachToCorridor(twoAisles, { x: 3, y: 9 })).toMatchObject({ x: 4, y: 9, offsetM: 1 });
    expect(attachToCorridor(twoAisles, { x: -3, y: 24 })).toMatchObject({ x: 0, y: 20, offsetM: 5 });
  });

  it("walks from the top of one aisle to the top of the next across the top, not round the front", () => {
    const stops = [shelf("top-1", 0, -1, 18), shelf("top-2", 1, 1, 18)];
    const walk = planPickWalk(twoAisles, stops, { start: { x: -1, y: 18 }, end: { x: 5, y: 18 } });
    // Step out 1 m, 2 m up aisle 1, 4 m across the back, 2 m down aisle 2, step in 1 m.
    expect(walk.order).toEqual(["top-1", "top-2"]);
    expect(walk.legsM).toEqual([0, 10, 0]);
    expect(walk.lengthM).toBe(10);
  });

  it("walks straight along an aisle between two shelves of it, stepping out and in", () => {
    const stops = [shelf("low", 0, -1, 3), shelf("high", 0, 1, 15)];
    expect(
      walkLength(twoAisles, stops, ["low", "high"], { start: { x: -1, y: 3 }, end: { x: 1, y: 15 } }),
    ).toBe(1 + 12 + 1);
  });

  it("costs nothing between shelves reached from the same spot (one bay, or faces opposite each other)", () => {
    const stops = [shelf("west", 0, -1, 7), shelf("east", 0, 1, 7), shelf("far", 1, 1, 7)];
    const walk = walkLength(twoAisles, stops, ["west", "east", "far"], { start: front, end: front });
    const alone = walkLength(twoAisles, [stops[0]!, stops[2]!], ["west", "far"], {
      start: front,
      end: front,
    });
    expect(walk).toBe(alone);
    expect(walk).toBe(7 + 1 + (1 + 7 + 4 + 7 + 1) + 1 + 7 + 4);
  });
});

describe("planPickWalk", () => {
  it("walks from the start to the end when there is nothing to pick", () => {
    const walk = planPickWalk(twoAisles, [], { start: { x: -1, y: 18 }, end: { x: 5, y: 2 } });
    expect(walk).toEqual({ order: [], lengthM: 1 + 2 + 4 + 18 + 1, legsM: [1 + 2 + 4 + 18 + 1] });
    expect(planPickWalk(twoAisles, [], { start: { x: -1, y: 18 } })).toEqual({
      order: [],
      lengthM: 0,
      legsM: [0],
    });
  });

  it("starts at the start and ends at the end it is given", () => {
    // Up aisle 1, across the back, down aisle 2: anything else walks an aisle twice.
    const stops = [
      shelf("a", 0, 1, 18),
      shelf("b", 1, -1, 18),
      shelf("near-start", 0, 1, 1),
      shelf("near-end", 1, -1, 1),
    ];
    const options = { start: { x: 0, y: -1 }, end: { x: 4, y: -1 } };
    const walk = planPickWalk(twoAisles, stops, options);
    expect(walk.order).toEqual(["near-start", "a", "b", "near-end"]);
    expect(walk.legsM).toEqual([1 + 1 + 1, 1 + 17 + 1, 1 + 2 + 4 + 2 + 1, 1 + 17 + 1, 1 + 1 + 1]);
    expect(walk.lengthM).toBe(54);
    const back = planPickWalk(twoAisles, stops, { start: options.end, end: options.start });
    expect(back.order).toEqual(["near-end", "b", "a", "near-start"]);
    expect(back.lengthM).toBe(54);
    const heuristic = planPickWalk(twoAisles, stops, { ...options, exactUpTo: 0 });
    expect(heuristic.order).toEqual(walk.order);
  });

  it("keeps every stop at one place, together and in the order given", () => {
    const plan = aislesPlan(4);
    const stops = [
      shelf("line-1", 2, 1, 12),
      shelf("line-2", 0, -1, 4),
      shelf("line-3", 2, 1, 12),
      shelf("line-4", 3, -1, 18),
      shelf("line-5", 2, 1, 12),
      shelf("line-6", 1, 1, 9),
    ];
    for (const exactUpTo of [0, 8]) {
      const walk = planPickWalk(plan, stops, { start: front, exactUpTo });
      expect(walk.order.toSorted()).toEqual(stops.map((stop) => stop.id));
      const first = walk.order.indexOf("line-1");
      expect(walk.order.slice(first, first + 3)).toEqual(["line-1", "line-3", "line-5"]);
      expect(walk.legsM[first + 1]).toBe(0);
      expect(walk.legsM[first + 2]).toBe(0);
    }
  });

  it("rejects a stop id given twice and a stop that is not a point", () => {
    const twice = errorOf(() =>
      planPickWalk(twoAisles, [shelf("a", 0, 1, 3), shelf("a", 1, 1, 5)], { start: front }),
    );
    expect(twice.code).toBe("PICK_WALK_INVALID");
    expect(twice.message).toBe("Invalid pick stops: 1.id: stop 'a' appears twice");
    const nowhere = errorOf(() =>
      planPickWalk(twoAisles, [{ id: "b", x: 1, y: Number.POSITIVE_INFINITY }], { start: front }),
    );
    expect(nowhere.code).toBe("PICK_WALK_INVALID");
    expect(nowhere.message).toContain("0.y");
  });

  it("is within 5 % of the optimum on every one of 400 random orders of up to 12 stops, and mostly optimal", () => {
    const random = seededRandom(20261125);
    const plan = aislesPlan(6);
    const ratios: number[] = [];
    for (let trial = 0; trial < 400; trial++) {
      const stops = randomStops(random, 6, randomInt(random, 2, 12));
      const start = { x: randomInt(random, 0, 20), y: random() < 0.5 ? -1 : 21 };
      const end = random() < 0.5 ? undefined : { x: randomInt(random, 0, 20), y: -1 };
      const heuristic = planPickWalk(plan, stops, { start, end, exactUpTo: 0 });
      const optimal = optimalPickWalk(plan, stops, { start, end });
      expect(heuristic.order.toSorted()).toEqual(stops.map((stop) => stop.id).toSorted());
      expect(heuristic.lengthM).toBeCloseTo(walkLength(plan, stops, heuristic.order, { start, end }), 9);
      ratios.push(heuristic.lengthM / optimal.lengthM);
    }
    expect(Math.max(...ratios)).toBeLessThanOrEqual(1.05);
    expect(ratios.filter((ratio) => ratio < 1 + 1e-9).length / ratios.length).toBeGreaterThan(0.8);
  });

  it("never walks into an aisle twice where the optimal walk does not, unless that is just as short", () => {
    const random = seededRandom(5);
    const plan = aislesPlan(5);
    let compared = 0;
    let ties = 0;
    for (let trial = 0; trial < 300; trial++) {
      const stops = randomStops(random, 5, randomInt(random, 9, 13));
      const optimal = optimalPickWalk(plan, stops, { start: front });
      const distinctAisles = new Set(stops.map(aisleOf)).size;
      if (aisleEntries(optimal, stops) !== distinctAisles) continue;
      compared++;
      const walk = planPickWalk(plan, stops, { start: front, exactUpTo: 0 });
      if (aisleEntries(walk, stops) === distinctAisles) continue;
      // Picking an aisle's front from the front and its back from the back can walk the same metres.
      ties++;
      expect(walk.lengthM).toBeCloseTo(optimal.lengthM, 9);
    }
    expect(compared).toBeGreaterThan(100);
    expect(ties).toBeLessThan(compared / 20);
  });

  it("solves small orders exactly by default", () => {
    const random = seededRandom(11);
    const plan = aislesPlan(5);
    for (let trial = 0; trial < 50; trial++) {
      const stops = randomStops(random, 5, randomInt(random, 1, 8));
      expect(planPickWalk(plan, stops, { start: front }).lengthM).toBe(
        optimalPickWalk(plan, stops, { start: front }).lengthM,
      );
    }
  });

  it("routes a large batch, each stop once", () => {
    const stops = randomStops(seededRandom(3), 6, 150);
    const walk = planPickWalk(aislesPlan(6), stops, { start: front });
    expect(walk.order.toSorted()).toEqual(stops.map((stop) => stop.id).toSorted());
    expect(walk.lengthM).toBeGreaterThan(0);
  });
});

describe("optimalPickWalk", () => {
  it("finds the shortest of all orders", () => {
    const random = seededRandom(42);
    const plan = aislesPlan(4);
    for (let trial = 0; trial < 20; trial++) {
      const stops = randomStops(random, 4, randomInt(random, 1, 6));
      const start = { x: 13, y: -1 };
      const shortest = Math.min(
        ...permutations(stops.map((stop) => stop.id)).map((order) =>
          walkLength(plan, stops, order, { start }),
        ),
      );
      const optimal = optimalPickWalk(plan, stops, { start });
      expect(optimal.lengthM).toBeCloseTo(shortest, 9);
      expect(walkLength(plan, stops, optimal.order, { start })).toBeCloseTo(optimal.lengthM, 9);
    }
  });

  it("counts places, not stops, and refuses more than 13 places", () => {
    const thirteenPlaces = Array.from({ length: 26 }, (_, index) =>
      shelf(`s${index}`, 0, index % 2 === 0 ? 1 : -1, 1 + (index % 13)),
    );
    expect(optimalPickWalk(twoAisles, thirteenPlaces, { start: front }).order).toHaveLength(26);
    const fourteen = Array.from({ length: 14 }, (_, index) => shelf(`s${index}`, 0, 1, 1 + index));
    const error = errorOf(() => optimalPickWalk(twoAisles, fourteen, { start: front }));
    expect(error.code).toBe("PICK_WALK_INVALID");
    expect(error.message).toBe(
      "Cannot find the optimal walk through 14 places: at most 13 (planPickWalk routes any number)",
    );
  });
});

describe("walkLength", () => {
  const stops = [shelf("a", 0, 1, 3), shelf("b", 1, 1, 5)];

  it.each([
    [["a"], "Invalid walk order: stop 'b' is missing"],
    [["a", "b", "a"], "Invalid walk order: stop 'a' is listed twice"],
    [["a", "c"], "Invalid walk order: stop 'c' is not one of the stops"],
  ])("refuses the order %j", (order, message) => {
    const error = errorOf(() => walkLength(twoAisles, stops, order, { start: front }));
    expect(error.code).toBe("PICK_WALK_INVALID");
    expect(error.message).toBe(message);
  });
});
