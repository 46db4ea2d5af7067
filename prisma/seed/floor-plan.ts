import type { FloorPlan } from "@store/domain";

const AISLE_COUNT = 8;
const aisleCentreX = (aisle: number) => 18 + 4 * (aisle - 1);

/** Corridor lines, in metres like the layout; each is 1.5 m or less from the shelves it serves. */
const FRONT_Y = 5;
const BACK_Y = 35.5;
const WALKWAY_Y = 2.5;
const PRODUCE_X = 5.5;
const CHILLED_X = 55.5;
const BACKROOM_X = 61.5;
const COLD_ROOM_X = 64.5;

/**
 * The demo store's walk graph (`generateLayout`'s floor): the corridors a picker pushes a cart
 * along, for the pick-walk router.
 *
 * - Produce corridor (x 5.5) along the produce wall (x 4), from the entrance walkway to the back.
 * - Front cross-aisle (y 5) and back cross-aisle (y 35.5) joining the produce corridor, the ends of
 *   aisles A1-A8 and the chilled corridor. The back cross-aisle runs along the north wall, so the
 *   bakery (y 36) and alcohol (y 37) shelves are picked from it.
 * - Aisles A1-A8 down their centre lines (x 18, 22 ... 46), front to back; the shelf faces are 1 m
 *   either side.
 * - Chilled corridor (x 55.5) along the chilled wall (x 57), front walkway to back cross-aisle.
 * - Front walkway (y 2.5) from the entrance (south-west) past the checkouts' impulse shelves
 *   (y 2), through the frozen aisle between its two rows of freezers (y 1.5 and 3.5) to the door
 *   of the packing area. It meets the front cross-aisle at the produce corridor, between the
 *   checkouts and the freezers (x 22, on A2's line) and at the chilled corridor: elsewhere the
 *   checkout lanes and the freezers are in the way.
 * - Backroom corridor (x 61.5) from the packing area (PK-1, PK-2) north past the ambient backroom
 *   (x 63) to the receiving dock, with a branch (x 64.5) between the chilled and frozen rooms.
 */
export function generateFloorPlan(): FloorPlan {
  const nodes: FloorPlan["nodes"] = [];
  const edges: FloorPlan["edges"] = [];
  const node = (id: string, x: number, y: number) => nodes.push({ id, x, y });
  const corridor = (...ids: string[]) => {
    for (let index = 1; index < ids.length; index++) edges.push([ids[index - 1]!, ids[index]!]);
  };
  const aisles = Array.from({ length: AISLE_COUNT }, (_, index) => `A${index + 1}`);

  node("entrance", PRODUCE_X, WALKWAY_Y);
  node("produce-front", PRODUCE_X, FRONT_Y);
  node("produce-back", PRODUCE_X, BACK_Y);
  aisles.forEach((aisle, index) => {
    node(`${aisle}-front`, aisleCentreX(index + 1), FRONT_Y);
    node(`${aisle}-back`, aisleCentreX(index + 1), BACK_Y);
  });
  node("checkouts-east", aisleCentreX(2), WALKWAY_Y);
  node("frozen-east", CHILLED_X, WALKWAY_Y);
  node("chilled-front", CHILLED_X, FRONT_Y);
  node("chilled-back", CHILLED_X, BACK_Y);
  node("packing", BACKROOM_X, WALKWAY_Y);
  node("cold-rooms", BACKROOM_X, 27.5);
  node("cold-rooms-end", COLD_ROOM_X, 27.5);
  node("cold-rooms-north", COLD_ROOM_X, 33);
  node("backroom-north", BACKROOM_X, 38);
  node("receiving", 64, 38);

  corridor("entrance", "produce-front", "produce-back");
  corridor("produce-front", ...aisles.map((aisle) => `${aisle}-front`), "chilled-front");
  corridor("produce-back", ...aisles.map((aisle) => `${aisle}-back`), "chilled-back");
  for (const aisle of aisles) corridor(`${aisle}-front`, `${aisle}-back`);
  corridor("frozen-east", "chilled-front", "chilled-back");
  corridor("entrance", "checkouts-east", "frozen-east", "packing");
  corridor("checkouts-east", "A2-front");
  corridor("packing", "cold-rooms", "backroom-north", "receiving");
  corridor("cold-rooms", "cold-rooms-end", "cold-rooms-north");
  return { nodes, edges };
}
