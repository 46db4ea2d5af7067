import { z } from "zod";
import { DomainError } from "./errors";
import { seededRandom } from "./random";

/**
 * The pick walk: in which order a picker visits the shelves of one order or a batch, and how far
 * that is, on the store's walk graph (its corridors) rather than as the crow flies, so a walk from
 * the top of one aisle to the top of the next goes across the top and not through the shelving.
 *
 * Walking model. Every point (a shelf, the packing table) is reached from the nearest point of the
 * nearest corridor (its perpendicular foot, clamped to the segment): the picker's cart stays on
 * the corridor and the step between corridor and shelf is walked once each way, into the shelf
 * and back out to the corridor. Between two points whose feet coincide nothing is walked: the
 * picker reaches both from where the cart stands (five shelves of one bay, or the two faces of an
 * aisle opposite each other). Otherwise the walk is out of the first point to its foot, the
 * shortest corridor route between the feet, and in to the second point.
 */

const pointSchema = z.object({ x: z.number(), y: z.number() });

const floorPlanObjectSchema = z.object({
  nodes: z.array(z.object({ id: z.string().min(1), x: z.number(), y: z.number() })).min(1),
  edges: z.array(z.tuple([z.string(), z.string()])).min(1, "a floor plan needs at least one corridor"),
});

/**
 * A store's walk graph in metres: nodes where corridors end, meet or turn, and edges that are
 * straight, undirected corridor segments as long as the distance between their nodes.
 */
export const floorPlanSchema = floorPlanObjectSchema.superRefine((plan, context) => {
  const ids = new Set<string>();
  for (const [index, node] of plan.nodes.entries()) {
    if (ids.has(node.id)) {
      context.addIssue({
        code: "custom",
        path: ["nodes", index, "id"],
        message: `node '${node.id}' appears twice`,
      });
    }
    ids.add(node.id);
  }
  let edgesValid = true;
  for (const [index, [from, to]] of plan.edges.entries()) {
    for (const end of [from, to]) {
      if (!ids.has(end)) {
        edgesValid = false;
        context.addIssue({
          code: "custom",
          path: ["edges", index],
          message: `edge refers to unknown node '${end}'`,
        });
      }
    }
    if (from === to) {
      edgesValid = false;
      context.addIssue({
        code: "custom",
        path: ["edges", index],
        message: `edge joins node '${from}' to itself`,
      });
    }
  }
  if (!edgesValid) return;
  const neighbours = new Map<string, string[]>([...ids].map((id) => [id, []]));
  for (const [from, to] of plan.edges) {
    neighbours.get(from)?.push(to);
    neighbours.get(to)?.push(from);
  }
  const first = plan.nodes[0]!.id;
  const reached = new Set([first]);
  const queue = [first];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const neighbour of neighbours.get(next) ?? []) {
      if (!reached.has(neighbour)) {
        reached.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  const unreached = [...ids].filter((id) => !reached.has(id));
  if (unreached.length > 0) {
    const named = unreached.slice(0, 5).map((id) => `'${id}'`);
    const more = unreached.length > 5 ? ` and ${unreached.length - 5} more` : "";
    context.addIssue({
      code: "custom",
      path: ["edges"],
      message: `the corridors are not connected: ${named.join(", ")}${more} cannot be reached from '${first}'`,
    });
  }
});

export type FloorPlan = z.input<typeof floorPlanSchema>;
export type WalkPoint = z.input<typeof pointSchema>;
/** One thing to pick: its id (an order line, say) and where its shelf is. */
export type PickStop = { id: string; x: number; y: number };

/** `optimalPickWalk` solves up to this many places exactly (stops at one place count once). */
export const MAX_EXACT_PICK_PLACES = 13;
/**
 * `planPickWalk` solves this many places or fewer exactly: below a millisecond, so a small order
 * gets the best walk for free; larger ones go to the heuristic.
 */
export const DEFAULT_EXACT_PICK_PLACES = 8;

const pickWalkOptionsSchema = z.object({
  /** Where the walk starts: the packing area the picker takes the cart from. */
  start: pointSchema,
  /** Where it ends; the start when omitted. */
  end: pointSchema.optional(),
  /** Orders with at most this many places are solved exactly (planPickWalk only). */
  exactUpTo: z.number().int().min(0).max(MAX_EXACT_PICK_PLACES).optional(),
});
export type PickWalkOptions = z.input<typeof pickWalkOptionsSchema>;

const stopsSchema = z
  .array(z.object({ id: z.string().min(1), x: z.number(), y: z.number() }))
  .superRefine((stops, context) => {
    const ids = new Set<string>();
    for (const [index, stop] of stops.entries()) {
      if (ids.has(stop.id)) {
        context.addIssue({ code: "custom", path: [index, "id"], message: `stop '${stop.id}' appears twice` });
      }
      ids.add(stop.id);
    }
  });

export type PickWalk = {
  /** Stop ids in walking order; stops at one place are next to each other, in the order given. */
  order: string[];
  /** Metres from start to end. */
  lengthM: number;
  /** Metres walked to each stop of `order` in turn, then from the last one to the end (one more leg). */
  legsM: number[];
};

/** Where a point meets the corridors: the foot on the nearest corridor and the step to it. */
export type CorridorAttachment = {
  /** The corridor segment, as its two node ids in the plan's order. */
  edge: [string, string];
  x: number;
  y: number;
  /** Metres from the point to the foot. */
  offsetM: number;
};

type PreparedPlan = {
  nodeIds: string[];
  nodeX: Float64Array;
  nodeY: Float64Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLength: Float64Array;
  /** Adjacency in compressed rows: node i's neighbours are adjacentNode[adjacentStart[i] ..< adjacentStart[i + 1]]. */
  adjacentStart: Int32Array;
  adjacentNode: Int32Array;
  adjacentLength: Float64Array;
};

type Attachment = {
  edge: number;
  x: number;
  y: number;
  offset: number;
  /** Metres along the corridor from the foot to the edge's first and second node. */
  toFrom: number;
  toTo: number;
};

const prepared = new WeakMap<FloorPlan, PreparedPlan>();

function invalid(
  subject: string,
  code: "FLOOR_PLAN_INVALID" | "PICK_WALK_INVALID",
  error: z.ZodError,
): DomainError {
  const issues = error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
  return new DomainError(code, `Invalid ${subject}: ${issues.join("; ")}`, { issues: error.issues });
}

/** Validated and indexed once per plan object: plans are read from the store row and not changed. */
function preparePlan(plan: FloorPlan): PreparedPlan {
  const cached = prepared.get(plan);
  if (cached) return cached;
  const result = floorPlanSchema.safeParse(plan);
  if (!result.success) throw invalid("floor plan", "FLOOR_PLAN_INVALID", result.error);
  const { nodes, edges } = result.data;
  const indexOf = new Map(nodes.map((node, index) => [node.id, index]));
  const nodeX = Float64Array.from(nodes, (node) => node.x);
  const nodeY = Float64Array.from(nodes, (node) => node.y);
  const edgeFrom = Int32Array.from(edges, ([from]) => indexOf.get(from)!);
  const edgeTo = Int32Array.from(edges, ([, to]) => indexOf.get(to)!);
  const edgeLength = Float64Array.from(edges, (_, index) =>
    Math.hypot(
      nodeX[edgeTo[index]!]! - nodeX[edgeFrom[index]!]!,
      nodeY[edgeTo[index]!]! - nodeY[edgeFrom[index]!]!,
    ),
  );
  const degree = new Int32Array(nodes.length + 1);
  for (let edge = 0; edge < edges.length; edge++) {
    degree[edgeFrom[edge]! + 1]!++;
    degree[edgeTo[edge]! + 1]!++;
  }
  const adjacentStart = new Int32Array(nodes.length + 1);
  for (let node = 0; node < nodes.length; node++)
    adjacentStart[node + 1] = adjacentStart[node]! + degree[node + 1]!;
  const filled = adjacentStart.slice(0, nodes.length);
  const adjacentNode = new Int32Array(2 * edges.length);
  const adjacentLength = new Float64Array(2 * edges.length);
  for (let edge = 0; edge < edges.length; edge++) {
    for (const [node, other] of [
      [edgeFrom[edge]!, edgeTo[edge]!],
      [edgeTo[edge]!, edgeFrom[edge]!],
    ] as const) {
      const slot = filled[node]!++;
      adjacentNode[slot] = other;
      adjacentLength[slot] = edgeLength[edge]!;
    }
  }
  const indexed: PreparedPlan = {
    nodeIds: nodes.map((node) => node.id),
    nodeX,
    nodeY,
    edgeFrom,
    edgeTo,
    edgeLength,
    adjacentStart,
    adjacentNode,
    adjacentLength,
  };
  prepared.set(plan, indexed);
  return indexed;
}

/** The foot of the perpendicular on the nearest corridor segment (the first such segment on a tie). */
function attach(plan: PreparedPlan, x: number, y: number): Attachment {
  let bestEdge = 0;
  let bestT = 0;
  let bestSquared = Number.POSITIVE_INFINITY;
  for (let edge = 0; edge < plan.edgeLength.length; edge++) {
    const ax = plan.nodeX[plan.edgeFrom[edge]!]!;
    const ay = plan.nodeY[plan.edgeFrom[edge]!]!;
    const dx = plan.nodeX[plan.edgeTo[edge]!]! - ax;
    const dy = plan.nodeY[plan.edgeTo[edge]!]! - ay;
    const lengthSquared = dx * dx + dy * dy;
    const t =
      lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / lengthSquared));
    const squared = (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2;
    if (squared < bestSquared) {
      bestSquared = squared;
      bestEdge = edge;
      bestT = t;
    }
  }
  const ax = plan.nodeX[plan.edgeFrom[bestEdge]!]!;
  const ay = plan.nodeY[plan.edgeFrom[bestEdge]!]!;
  const length = plan.edgeLength[bestEdge]!;
  return {
    edge: bestEdge,
    x: ax + bestT * (plan.nodeX[plan.edgeTo[bestEdge]!]! - ax),
    y: ay + bestT * (plan.nodeY[plan.edgeTo[bestEdge]!]! - ay),
    offset: Math.sqrt(bestSquared),
    toFrom: bestT * length,
    toTo: (1 - bestT) * length,
  };
}

/** Where a point meets the plan's corridors (for drawing the walk, and for checking a plan). */
export function attachToCorridor(plan: FloorPlan, point: WalkPoint): CorridorAttachment {
  const parsed = pointSchema.safeParse(point);
  if (!parsed.success) throw invalid("point", "PICK_WALK_INVALID", parsed.error);
  const indexed = preparePlan(plan);
  const attachment = attach(indexed, parsed.data.x, parsed.data.y);
  return {
    edge: [
      indexed.nodeIds[indexed.edgeFrom[attachment.edge]!]!,
      indexed.nodeIds[indexed.edgeTo[attachment.edge]!]!,
    ],
    x: attachment.x,
    y: attachment.y,
    offsetM: attachment.offset,
  };
}

/** Corridor metres from one node to every node (Dijkstra with a binary heap). */
function distancesFrom(plan: PreparedPlan, source: number): Float64Array {
  const count = plan.nodeX.length;
  const distance = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(count);
  // A lazy heap: a node may sit in it more than once, stale entries are skipped when popped.
  const heapNode = new Int32Array(plan.adjacentNode.length + 1);
  const heapKey = new Float64Array(plan.adjacentNode.length + 1);
  let size = 0;
  const push = (node: number, key: number) => {
    let at = size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heapKey[parent]! <= key) break;
      heapNode[at] = heapNode[parent]!;
      heapKey[at] = heapKey[parent]!;
      at = parent;
    }
    heapNode[at] = node;
    heapKey[at] = key;
  };
  const pop = (): number => {
    const top = heapNode[0]!;
    const lastNode = heapNode[--size]!;
    const lastKey = heapKey[size]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && heapKey[child + 1]! < heapKey[child]!) child++;
      if (heapKey[child]! >= lastKey) break;
      heapNode[at] = heapNode[child]!;
      heapKey[at] = heapKey[child]!;
      at = child;
    }
    heapNode[at] = lastNode;
    heapKey[at] = lastKey;
    return top;
  };
  distance[source] = 0;
  push(source, 0);
  while (size > 0) {
    const node = pop();
    if (done[node]) continue;
    done[node] = 1;
    for (let slot = plan.adjacentStart[node]!; slot < plan.adjacentStart[node + 1]!; slot++) {
      const next = plan.adjacentNode[slot]!;
      const through = distance[node]! + plan.adjacentLength[slot]!;
      if (through < distance[next]!) {
        distance[next] = through;
        push(next, through);
      }
    }
  }
  return distance;
}

/**
 * Walking metres between attached points. Shortest corridor routes are searched once from each
 * node at the end of a segment some point lies on; a route between two feet then leaves the
 * first foot's segment by one of its ends and enters the second's by one of its ends, unless both
 * lie on the same segment, where the straight walk between them is the shortest there is.
 */
function walkMetric(plan: PreparedPlan, points: readonly Attachment[]): (a: number, b: number) => number {
  const rows = new Map<number, Float64Array>();
  for (const point of points) {
    for (const node of [plan.edgeFrom[point.edge]!, plan.edgeTo[point.edge]!]) {
      if (!rows.has(node)) rows.set(node, distancesFrom(plan, node));
    }
  }
  return (a, b) => {
    const p = points[a]!;
    const q = points[b]!;
    if (p.x === q.x && p.y === q.y) return 0;
    let corridor: number;
    if (p.edge === q.edge) {
      corridor = Math.abs(p.toFrom - q.toFrom);
    } else {
      const fromP = rows.get(plan.edgeFrom[p.edge]!)!;
      const toP = rows.get(plan.edgeTo[p.edge]!)!;
      const qFrom = plan.edgeFrom[q.edge]!;
      const qTo = plan.edgeTo[q.edge]!;
      corridor = Math.min(
        p.toFrom + fromP[qFrom]! + q.toFrom,
        p.toFrom + fromP[qTo]! + q.toTo,
        p.toTo + toP[qFrom]! + q.toFrom,
        p.toTo + toP[qTo]! + q.toTo,
      );
    }
    return p.offset + corridor + q.offset;
  };
}

type Problem = {
  stops: PickStop[];
  /** Stops grouped by place (same foot, same step to it), each group in the order given. */
  places: number[][];
  /** Walking metres between places, start at 0, places at 1..k, end at k + 1; row-major. */
  matrix: Float64Array;
  size: number;
  /** Walking metres between points: stops at 0..n-1, start at n, end at n + 1. */
  distance: (a: number, b: number) => number;
};

function parseArguments(stops: readonly PickStop[], options: PickWalkOptions) {
  const parsedStops = stopsSchema.safeParse(stops);
  if (!parsedStops.success) throw invalid("pick stops", "PICK_WALK_INVALID", parsedStops.error);
  const parsedOptions = pickWalkOptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw invalid("pick walk options", "PICK_WALK_INVALID", parsedOptions.error);
  return { stops: parsedStops.data, options: parsedOptions.data };
}

function buildProblem(plan: FloorPlan, stops: PickStop[], start: WalkPoint, end: WalkPoint): Problem {
  const indexed = preparePlan(plan);
  const points = [...stops, start, end].map((point) => attach(indexed, point.x, point.y));
  const distance = walkMetric(indexed, points);
  const placeOf = new Map<string, number[]>();
  for (const [index, point] of points.slice(0, stops.length).entries()) {
    const key = `${point.x},${point.y},${point.offset}`;
    const place = placeOf.get(key);
    if (place) place.push(index);
    else placeOf.set(key, [index]);
  }
  const places = [...placeOf.values()];
  const representative = [stops.length, ...places.map((place) => place[0]!), stops.length + 1];
  const size = representative.length;
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const metres = distance(representative[i]!, representative[j]!);
      matrix[i * size + j] = metres;
      matrix[j * size + i] = metres;
    }
  }
  return { stops, places, matrix, size, distance };
}

/** The walk visiting places in the given order (place numbers 1..k): stop ids and legs. */
function walkOf(problem: Problem, placeOrder: readonly number[]): PickWalk {
  const stopOrder = placeOrder.flatMap((place) => problem.places[place - 1]!);
  return walkThrough(problem, stopOrder);
}

function walkThrough(problem: Problem, stopOrder: readonly number[]): PickWalk {
  const points = [problem.stops.length, ...stopOrder, problem.stops.length + 1];
  const legsM = points.slice(1).map((point, index) => problem.distance(points[index]!, point));
  return {
    order: stopOrder.map((index) => problem.stops[index]!.id),
    lengthM: legsM.reduce((sum, leg) => sum + leg, 0),
    legsM,
  };
}

/**
 * Exact shortest walk by Held–Karp dynamic programming over subsets of places: best[set][last] is
 * the shortest walk from the start through every place of `set` ending at `last`. 2^k · k² steps,
 * about 1.4 million for 13 places.
 */
function exactOrder(problem: Problem): number[] {
  const { matrix, size } = problem;
  const count = size - 2;
  if (count === 0) return [];
  const end = size - 1;
  const full = (1 << count) - 1;
  const best = new Float64Array((full + 1) * count).fill(Number.POSITIVE_INFINITY);
  const previous = new Int8Array((full + 1) * count).fill(-1);
  for (let place = 0; place < count; place++) best[(1 << place) * count + place] = matrix[place + 1]!;
  for (let set = 1; set <= full; set++) {
    for (let last = 0; last < count; last++) {
      const here = best[set * count + last]!;
      if (here === Number.POSITIVE_INFINITY) continue;
      const row = (last + 1) * size;
      for (let next = 0; next < count; next++) {
        if (set & (1 << next)) continue;
        const slot = (set | (1 << next)) * count + next;
        const through = here + matrix[row + next + 1]!;
        if (through < best[slot]!) {
          best[slot] = through;
          previous[slot] = last;
        }
      }
    }
  }
  let last = 0;
  let shortest = Number.POSITIVE_INFINITY;
  for (let place = 0; place < count; place++) {
    const total = best[full * count + place]! + matrix[(place + 1) * size + end]!;
    if (total < shortest) {
      shortest = total;
      last = place;
    }
  }
  const order: number[] = [];
  for (let set = full; last >= 0;) {
    order.push(last + 1);
    const before = previous[set * count + last]!;
    set &= ~(1 << last);
    last = before;
  }
  return order.reverse();
}

/** Improvements smaller than this are rounding, not shorter walks: taking them could loop forever. */
const EPSILON_M = 1e-9;
/**
 * Kicks of the iterated local search: 30 for an order, fewer for a batch, as each search pass
 * grows with the square of the places: a 100-line batch stays within a few milliseconds.
 */
const kicksFor = (places: number) => (places < 3 ? 0 : Math.min(30, Math.floor(20_000 / (places * places))));

function pathLength(matrix: Float64Array, size: number, path: readonly number[]): number {
  let total = 0;
  for (let index = 1; index < path.length; index++) total += matrix[path[index - 1]! * size + path[index]!]!;
  return total;
}

function nearestNeighbourPath(matrix: Float64Array, size: number): number[] {
  const path = [0];
  const left = new Set(Array.from({ length: size - 2 }, (_, index) => index + 1));
  while (left.size > 0) {
    const from = path[path.length - 1]! * size;
    let nearest = -1;
    for (const place of left)
      if (nearest < 0 || matrix[from + place]! < matrix[from + nearest]!) nearest = place;
    path.push(nearest);
    left.delete(nearest);
  }
  path.push(size - 1);
  return path;
}

/** Repeatedly inserts the place that lengthens the walk least, where it lengthens it least. */
function cheapestInsertionPath(matrix: Float64Array, size: number): number[] {
  const path = [0, size - 1];
  const left = new Set(Array.from({ length: size - 2 }, (_, index) => index + 1));
  while (left.size > 0) {
    let bestPlace = -1;
    let bestAfter = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const place of left) {
      for (let after = 0; after < path.length - 1; after++) {
        const a = path[after]!;
        const b = path[after + 1]!;
        const cost = matrix[a * size + place]! + matrix[place * size + b]! - matrix[a * size + b]!;
        if (cost < bestCost) {
          bestCost = cost;
          bestPlace = place;
          bestAfter = after;
        }
      }
    }
    path.splice(bestAfter + 1, 0, bestPlace);
    left.delete(bestPlace);
  }
  return path;
}

/** Reverses a stretch of the walk where that shortens it; true when it did. */
function twoOpt(matrix: Float64Array, size: number, path: number[]): boolean {
  let improved = false;
  for (let i = 1; i < path.length - 2; i++) {
    for (let j = i + 1; j < path.length - 1; j++) {
      const before = path[i - 1]!;
      const first = path[i]!;
      const last = path[j]!;
      const after = path[j + 1]!;
      const delta =
        matrix[before * size + last]! +
        matrix[first * size + after]! -
        matrix[before * size + first]! -
        matrix[last * size + after]!;
      if (delta < -EPSILON_M) {
        for (let left = i, right = j; left < right; left++, right--) {
          const swapped = path[left]!;
          path[left] = path[right]!;
          path[right] = swapped;
        }
        improved = true;
      }
    }
  }
  return improved;
}

/** Moves a run of up to `longest` places elsewhere in the walk, either way round, where that shortens it. */
function orOpt(matrix: Float64Array, size: number, path: number[], longest: number): boolean {
  let improved = false;
  for (let length = 1; length <= longest; length++) {
    for (let i = 1; i + length < path.length; i++) {
      const first = path[i]!;
      const last = path[i + length - 1]!;
      const before = path[i - 1]!;
      const after = path[i + length]!;
      const saved =
        matrix[before * size + first]! + matrix[last * size + after]! - matrix[before * size + after]!;
      if (saved <= EPSILON_M) continue;
      let bestGain = EPSILON_M;
      let bestAt = -1;
      let bestReversed = false;
      for (let at = 0; at < path.length - 1; at++) {
        if (at >= i - 1 && at < i + length) continue;
        const a = path[at]!;
        const b = path[at + 1]!;
        const joined = matrix[a * size + b]!;
        const forward = saved - (matrix[a * size + first]! + matrix[last * size + b]! - joined);
        const backward = saved - (matrix[a * size + last]! + matrix[first * size + b]! - joined);
        if (forward > bestGain) {
          bestGain = forward;
          bestAt = at;
          bestReversed = false;
        }
        if (backward > bestGain) {
          bestGain = backward;
          bestAt = at;
          bestReversed = true;
        }
      }
      if (bestAt < 0) continue;
      const run = path.splice(i, length);
      if (bestReversed) run.reverse();
      const insertAfter = bestAt < i ? bestAt : bestAt - length;
      path.splice(insertAfter + 1, 0, ...run);
      improved = true;
    }
  }
  return improved;
}

/** Improves the walk until no single 2-opt or Or-opt move shortens it. */
function localSearch(matrix: Float64Array, size: number, path: number[], longest = size - 2): void {
  do {
    let improving = true;
    while (improving) {
      const reversed = twoOpt(matrix, size, path);
      const moved = orOpt(matrix, size, path, 3);
      improving = reversed || moved;
    }
  } while (orOpt(matrix, size, path, longest));
}

/** Swaps two adjacent stretches of the walk (a double bridge): a change no 2-opt or Or-opt move makes. */
function doubleBridge(path: readonly number[], random: () => number): number[] {
  const inner = path.length - 2;
  const cuts = [0, 0, 0].map(() => 1 + Math.floor(random() * (inner + 1))).sort((a, b) => a - b);
  const [a, b, c] = cuts as [number, number, number];
  if (a === b || b === c) return [...path];
  return [...path.slice(0, a), ...path.slice(b, c), ...path.slice(a, b), ...path.slice(c)];
}

/**
 * Local search (2-opt, then Or-opt of runs up to three places and finally of any length, either way
 * round) from two starting walks, nearest neighbour and cheapest insertion, then iterated: the best
 * walk is kicked by a double bridge and searched again, and kept when shorter. The kicks are drawn
 * from a generator seeded by the order's size, so the same order always gets the same walk.
 */
function heuristicOrder(problem: Problem): number[] {
  const { matrix, size } = problem;
  let best: number[] = [];
  let bestLength = Number.POSITIVE_INFINITY;
  const consider = (path: number[], longest?: number) => {
    localSearch(matrix, size, path, longest);
    const length = pathLength(matrix, size, path);
    if (length < bestLength - EPSILON_M) {
      best = path;
      bestLength = length;
    }
  };
  consider(nearestNeighbourPath(matrix, size));
  consider(cheapestInsertionPath(matrix, size));
  const random = seededRandom(size);
  for (let kick = kicksFor(size - 2); kick > 0; kick--) consider(doubleBridge(best, random), 3);
  consider(best);
  return best.slice(1, -1);
}

/**
 * The order to pick `stops` in, walking the plan's corridors from `options.start` to
 * `options.end` (the start when omitted; callers pass the packing area). Orders with at most
 * `options.exactUpTo` places (default 8) are solved exactly, larger ones by local search that is
 * within a few per cent of the optimum. Stops at one place are picked together, in the order given.
 */
export function planPickWalk(
  plan: FloorPlan,
  stops: readonly PickStop[],
  options: PickWalkOptions,
): PickWalk {
  const parsed = parseArguments(stops, options);
  const { start, end = start, exactUpTo = DEFAULT_EXACT_PICK_PLACES } = parsed.options;
  const problem = buildProblem(plan, parsed.stops, start, end);
  const order = problem.places.length <= exactUpTo ? exactOrder(problem) : heuristicOrder(problem);
  return walkOf(problem, order);
}

/** The shortest walk there is, by dynamic programming; at most 13 places (it doubles with each more). */
export function optimalPickWalk(
  plan: FloorPlan,
  stops: readonly PickStop[],
  options: PickWalkOptions,
): PickWalk {
  const parsed = parseArguments(stops, options);
  const { start, end = start } = parsed.options;
  const problem = buildProblem(plan, parsed.stops, start, end);
  if (problem.places.length > MAX_EXACT_PICK_PLACES) {
    throw new DomainError(
      "PICK_WALK_INVALID",
      `Cannot find the optimal walk through ${problem.places.length} places: at most ${MAX_EXACT_PICK_PLACES} (planPickWalk routes any number)`,
      { places: problem.places.length },
    );
  }
  return walkOf(problem, exactOrder(problem));
}

/** Metres walked picking `stops` in the given order of their ids (each exactly once), start to end. */
export function walkLength(
  plan: FloorPlan,
  stops: readonly PickStop[],
  order: readonly string[],
  options: PickWalkOptions,
): number {
  const parsed = parseArguments(stops, options);
  const { start, end = start } = parsed.options;
  const indexOf = new Map(parsed.stops.map((stop, index) => [stop.id, index]));
  const seen = new Set<string>();
  for (const id of order) {
    if (!indexOf.has(id) || seen.has(id)) {
      throw new DomainError(
        "PICK_WALK_INVALID",
        `Invalid walk order: stop '${id}' is ${seen.has(id) ? "listed twice" : "not one of the stops"}`,
        { id },
      );
    }
    seen.add(id);
  }
  const missing = parsed.stops.find((stop) => !seen.has(stop.id));
  if (missing) {
    throw new DomainError("PICK_WALK_INVALID", `Invalid walk order: stop '${missing.id}' is missing`, {
      id: missing.id,
    });
  }
  const problem = buildProblem(plan, parsed.stops, start, end);
  return walkThrough(
    problem,
    order.map((id) => indexOf.get(id)!),
  ).lengthM;
}
