import { checkLedger, type Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";
import { stockSnapshot } from "../../testing/snapshot";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;
let milkSensor: { id: string };
let colaSensor: { id: string };

const manager = () => callerAs(services, fixture.actors.MANAGER);
const picker = () => callerAs(services, fixture.actors.PICKER);
const bridge = () => callerAs(services, fixture.actors.BRIDGE);

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
  // Shelf sensors count units by weight: a carton of milk weighs 1030 g, a can of cola 350 g.
  await db.prisma.product.update({ where: { id: fixture.products.milk.id }, data: { unitWeightG: "1030" } });
  await db.prisma.product.update({ where: { id: fixture.products.cola.id }, data: { unitWeightG: "350" } });
  const m = await manager();
  for (const [sku, name] of [
    ["DAIRY-MILK-1L", "Milk sensor"],
    ["DRINK-COLA-330", "Cola sensor"],
  ] as const) {
    const { device } = await m.devices.provision({
      model: "hx711-shelf-30kg",
      name,
      locationCode: "A1-1-1",
      productSku: sku,
    });
    if (sku === "DAIRY-MILK-1L") milkSensor = device;
    else colaSensor = device;
  }
});
afterAll(() => closeFixtureStore({ db, services }));

let clock = Date.parse("2026-11-25T09:00:00.000Z");
/** Strictly increasing measurement times: each reading is newer than the last. */
const tick = () => new Date((clock += 1000)).toISOString();

/**
 * A shelf estimate as the bridge reports it (devices.report with the bridge's token), gap and low
 * worked out by the bridge's rule: a gap is a shortfall against the system of at least one unit
 * and 20 % of the system's stock; low is fewer units than the reorder point.
 */
async function sense(
  sensor: { id: string },
  units: number,
  system: number,
  reorderPoint: number,
  unitWeightG: number,
) {
  const shortfall = system - units;
  const report = {
    type: "shelf" as const,
    deviceId: sensor.id,
    grams: units * unitWeightG,
    units: String(units),
    measuredAt: tick(),
    gap: shortfall > 0 && shortfall >= Math.max(1, 0.2 * system),
    low: reorderPoint > 0 && units < reorderPoint,
  };
  const { results } = await (await bridge()).devices.report({ reports: [report] });
  expect(results).toEqual([{ status: "applied" }]);
  return report;
}
/** Milk at A1-1-1: reorder point 6. */
const senseMilk = (units: number, system: number) => sense(milkSensor, units, system, 6, 1030);

async function newestEventId(): Promise<bigint> {
  return (await db.prisma.event.aggregate({ _max: { id: true } }))._max.id ?? 0n;
}

async function eventsAfter(id: bigint, prefix = "") {
  const rows = await db.prisma.event.findMany({
    where: { id: { gt: id }, type: { startsWith: prefix } },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    type: row.type,
    payload: row.payload as Record<string, unknown>,
  }));
}

const openTasks = (productId: string) =>
  db.prisma.replenishmentTask.findMany({
    where: { productId, status: "OPEN" },
    orderBy: { createdAt: "asc" },
  });

/** Everything a refused completion must leave as it was. */
async function everything() {
  return {
    stock: await stockSnapshot(db),
    events: await db.prisma.event.count(),
    tasks: await db.prisma.replenishmentTask.findMany({ orderBy: { createdAt: "asc" } }),
  };
}

describe("replenishment from shelf alerts", () => {
  let taskId = "";

  it("opens exactly one task for a shelf gap, in the transaction that records the alert", async () => {
    await senseMilk(10, 10);
    expect(await openTasks(fixture.products.milk.id)).toEqual([]);

    const before = await newestEventId();
    // Shoppers took 8 cartons the system still believes are there: gap and low in one reading.
    await senseMilk(2, 10);
    const events = await eventsAfter(before);
    expect(events.map((event) => [event.type, event.payload.kind ?? null])).toEqual([
      ["shelf.estimate", null],
      ["shelf.alert", "gap"],
      ["shelf.alert", "low"],
      ["replenishment.opened", null],
    ]);
    const [task, ...more] = await openTasks(fixture.products.milk.id);
    expect(more).toEqual([]);
    // Filled back to twice the reorder point (12) less the 2 the sensor sees; the backroom has 40.
    expect({
      reason: task?.reason,
      from: task?.fromLocationId,
      to: task?.toLocationId,
      quantity: task?.quantity.toString(),
      alertEventId: task?.alertEventId?.toString(),
      createdBy: task?.createdBy,
    }).toEqual({
      reason: "GAP",
      from: fixture.locations.backroom.id,
      to: fixture.locations.shelf.id,
      quantity: "10",
      alertEventId: events[1]?.id,
      createdBy: null,
    });
    taskId = task!.id;
    expect(events[3]?.payload).toEqual({
      taskId,
      productId: fixture.products.milk.id,
      fromLocationId: fixture.locations.backroom.id,
      toLocationId: fixture.locations.shelf.id,
      quantity: "10",
      reason: "GAP",
      alertEventId: events[1]?.id,
      createdBy: null,
    });
  });

  it("does not open a second task while one is open: later alerts, a cleared alert, the same alert again", async () => {
    const before = await newestEventId();
    await senseMilk(9, 10); // both alerts clear: the task stays open for staff to check
    await senseMilk(1, 10); // and are raised again
    const alerts = (await eventsAfter(before, "shelf.alert")).map((event) => [
      event.payload.kind,
      event.payload.raised,
    ]);
    expect(alerts).toEqual([
      ["gap", false],
      ["low", false],
      ["gap", true],
      ["low", true],
    ]);
    expect(await eventsAfter(before, "replenishment.")).toEqual([]);
    expect((await openTasks(fixture.products.milk.id)).map((task) => task.id)).toEqual([taskId]);
  });

  it("lists the task with its product, locations, suggestion, and the shelf's estimate beside its system stock", async () => {
    for (const caller of [picker(), callerAs(services, fixture.actors.ATTENDANT), manager()]) {
      const { items, nextCursor } = await (await caller).replenishment.list({ status: "OPEN" });
      expect(nextCursor).toBeNull();
      expect(items).toEqual([
        expect.objectContaining({
          id: taskId,
          status: "OPEN",
          reason: "GAP",
          quantity: "10",
          product: {
            id: fixture.products.milk.id,
            sku: "DAIRY-MILK-1L",
            nameEn: "Whole milk 1 L",
            nameZh: "全脂牛奶 1升",
            unitOfSale: "EACH",
            barcode: `0${fixture.products.milk.code}`,
          },
          from: { locationId: fixture.locations.backroom.id, code: "BR-1", available: "40" },
          to: {
            locationId: fixture.locations.shelf.id,
            code: "A1-1-1",
            systemOnHand: "10",
            sensor: { units: "1", measuredAt: expect.any(String) as unknown, gap: true, low: true },
          },
          completedAt: null,
        }),
      ]);
    }
    expect((await (await picker()).replenishment.list({ status: "DONE" })).items).toEqual([]);
  });

  it("refuses a completion with the wrong product or location scanned, changing nothing", async () => {
    const before = await everything();
    const complete = async (scans: { product: string; from: string; to: string }, quantity = "10") =>
      (await picker()).replenishment.complete({
        taskId,
        scans,
        quantity,
        idempotencyKey: `wrong-${JSON.stringify(scans)}`,
      });
    const right = { product: fixture.products.milk.code, from: "BR-1", to: "A1-1-1" };

    await expect(complete({ ...right, product: fixture.products.cola.code })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Scanned '${fixture.products.cola.code}' (Cola 330 ml): this task moves 'DAIRY-MILK-1L' (Whole milk 1 L); nothing was moved`,
    });
    await expect(complete({ ...right, product: "4006381333931" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: /'4006381333931' is no product's barcode: this task moves 'DAIRY-MILK-1L'/,
    });
    await expect(complete({ ...right, from: "A1-2-1" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Scanned location 'A1-2-1': this task's backroom location is BR-1; nothing was moved",
    });
    await expect(complete({ ...right, to: "A1-2-1" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Scanned location 'A1-2-1': this task's shelf is A1-1-1; nothing was moved",
    });
    await expect(complete(right, "41")).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Cannot move 41 of 'DAIRY-MILK-1L' (Whole milk 1 L) from BR-1: only 40 available",
    });
    await expect(complete(right, "1.5")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /must be a whole number/,
    });
    expect(await everything()).toEqual(before);
  });

  it("moves the stock backroom → shelf in the ledger when the scans are right, and closes the task", async () => {
    const before = await newestEventId();
    const input = {
      taskId,
      // The milk's older barcode names the same product; codes as a handheld's wedge may type them.
      scans: { product: fixture.otherBarcodes.milk, from: "br-1", to: " A1-1-1" },
      quantity: "8",
      idempotencyKey: "replenish-milk-1",
    };
    const done = await (await picker()).replenishment.complete(input);
    expect(done.task).toMatchObject({
      id: taskId,
      status: "DONE",
      quantity: "10",
      movedQuantity: "8",
      completedBy: fixture.actors.PICKER.id,
      reference: `replenishment:${taskId}`,
      from: { code: "BR-1", available: "32" },
      to: { code: "A1-1-1", systemOnHand: "18" },
    });
    expect(done.transfer.reference).toBe(`replenishment:${taskId}`);
    expect(
      done.transfer.movements.map((move) => [move.locationCode, move.reason, move.delta, move.onHand]),
    ).toEqual([
      ["BR-1", "TRANSFER_OUT", "-8", "32"],
      ["A1-1-1", "TRANSFER_IN", "8", "18"],
    ]);

    const ledger = await (await manager()).stock.ledger({ reference: `replenishment:${taskId}` });
    expect(
      ledger.items
        .map((move) => [move.locationCode, move.reason, move.delta, move.actorKind, move.actorId, move.note])
        .sort(),
    ).toEqual([
      [
        "A1-1-1",
        "TRANSFER_IN",
        "8",
        "USER",
        fixture.actors.PICKER.id,
        "Replenish A1-1-1 from BR-1 (shelf gap)",
      ],
      [
        "BR-1",
        "TRANSFER_OUT",
        "-8",
        "USER",
        fixture.actors.PICKER.id,
        "Replenish A1-1-1 from BR-1 (shelf gap)",
      ],
    ]);
    const events = await eventsAfter(before);
    expect(events.map((event) => event.type)).toEqual([
      "stock.changed",
      "stock.changed",
      "replenishment.done",
    ]);
    expect(events[2]?.payload).toMatchObject({
      taskId,
      productId: fixture.products.milk.id,
      quantity: "8",
      suggested: "10",
      reason: "GAP",
      reference: `replenishment:${taskId}`,
      completedBy: fixture.actors.PICKER.id,
    });
    expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });

    // A retry gets the same answer and moves nothing more; another completion is refused.
    const movements = await db.prisma.stockMovement.count();
    expect((await (await picker()).replenishment.complete(input)).transfer).toEqual(done.transfer);
    expect(await db.prisma.stockMovement.count()).toBe(movements);
    await expect(
      (await picker()).replenishment.complete({ ...input, idempotencyKey: "replenish-milk-2" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: /is already done/ });
    expect(await db.prisma.stockMovement.count()).toBe(movements);
  });

  it("opens a new task once the last one is done, LOW_STOCK when only the reorder point is crossed", async () => {
    // The 8 cartons are on the shelf: low clears, the gap (9 seen, 18 in the system) stays raised.
    const refilled = await senseMilk(9, 18);
    expect([refilled.gap, refilled.low]).toEqual([true, false]);
    expect(await openTasks(fixture.products.milk.id)).toEqual([]);
    // A count finds 5 on the shelf: the sensor agrees (the gap clears) but 5 is below the reorder point.
    await (
      await manager()
    ).stock.count({
      idempotencyKey: "count-milk-shelf",
      product: { productId: fixture.products.milk.id },
      location: { locationCode: "A1-1-1" },
      countedQuantity: "5",
    });
    const before = await newestEventId();
    const reading = await senseMilk(5, 5);
    expect([reading.gap, reading.low]).toEqual([false, true]);
    const [task, ...more] = await openTasks(fixture.products.milk.id);
    expect(more).toEqual([]);
    expect([task?.reason, task?.quantity.toString(), task?.id === taskId]).toEqual(["LOW_STOCK", "7", false]);
    expect((await eventsAfter(before, "replenishment.")).map((event) => event.payload.taskId)).toEqual([
      task?.id,
    ]);
  });

  it("opens no task when the backroom has none of the product: the alert stays an alert", async () => {
    await sense(colaSensor, 24, 24, 0, 350);
    const before = await newestEventId();
    await sense(colaSensor, 4, 24, 0, 350);
    expect((await eventsAfter(before)).map((event) => event.type)).toEqual(["shelf.estimate", "shelf.alert"]);
    expect(await openTasks(fixture.products.cola.id)).toEqual([]);
  });
});

describe("manual tasks", () => {
  it("are opened by a manager to the home shelf from the backroom, refused where one is open or the backroom is empty", async () => {
    const m = await manager();
    await expect(
      m.replenishment.create({ product: { productId: fixture.products.milk.id } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: /'DAIRY-MILK-1L' \(Whole milk 1 L\) at A1-1-1 already has an open replenishment task/,
    });
    await expect(
      m.replenishment.create({ product: { code: fixture.products.yogurt.code } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "No free stock of 'DAIRY-YOGURT' (Plain yogurt 500 g) in the backroom: this needs a reorder, not a replenishment",
    });
    await m.stock.receive({
      idempotencyKey: "receive-yogurt",
      product: { productId: fixture.products.yogurt.id },
      location: { locationCode: "BR-1" },
      quantity: "12",
    });
    // No reorder point and no sensor: the shelf's level is its system stock, already there.
    await expect(
      m.replenishment.create({ product: { code: fixture.products.yogurt.code } }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /A1-2-1 already holds 3 of 'DAIRY-YOGURT' .*: give the quantity to bring/,
    });
    await expect(
      m.replenishment.create({
        product: { code: fixture.products.yogurt.code },
        to: { locationCode: "BR-1" },
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /goes to a shelf, but 'BR-1' is a backroom location/,
    });

    const before = await newestEventId();
    const task = await m.replenishment.create({
      product: { code: fixture.products.yogurt.code },
      quantity: "4",
      note: "Promotion display",
    });
    expect(task).toMatchObject({
      status: "OPEN",
      reason: "MANUAL",
      quantity: "4",
      note: "Promotion display",
      createdBy: fixture.actors.MANAGER.id,
      alertEventId: null,
      from: { code: "BR-1", available: "12" },
      to: { code: "A1-2-1", systemOnHand: "3", sensor: null },
    });
    expect((await eventsAfter(before)).map((event) => [event.type, event.payload.reason])).toEqual([
      ["replenishment.opened", "MANUAL"],
    ]);

    const cancelled = await m.replenishment.cancel({ taskId: task.id, reason: "Display moved" });
    expect(cancelled).toMatchObject({
      status: "CANCELLED",
      cancelledBy: fixture.actors.MANAGER.id,
      cancelReason: "Display moved",
    });
    await expect(m.replenishment.cancel({ taskId: task.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: /was cancelled/,
    });
    await expect(
      (await picker()).replenishment.complete({
        taskId: task.id,
        scans: { product: fixture.products.yogurt.code, from: "BR-1", to: "A1-2-1" },
        quantity: "4",
        idempotencyKey: "yogurt-after-cancel",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: /was cancelled/ });
    expect((await eventsAfter(before)).map((event) => event.type)).toEqual([
      "replenishment.opened",
      "replenishment.cancelled",
    ]);
  });

  it("pages through the history newest first", async () => {
    const first = await (await manager()).replenishment.list({ limit: 2 });
    expect(first.items.map((task) => task.status)).toEqual(["CANCELLED", "OPEN"]);
    expect(first.nextCursor).toBe(first.items[1]?.id);
    const rest = await (
      await manager()
    ).replenishment.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(rest.items.map((task) => [task.status, task.reason])).toEqual([["DONE", "GAP"]]);
    expect(rest.nextCursor).toBeNull();
  });

  it("are held to one open task per product and shelf by the database itself", async () => {
    const [open] = await openTasks(fixture.products.milk.id);
    await expect(
      db.prisma.replenishmentTask.create({
        data: {
          storeId: fixture.store.id,
          productId: fixture.products.milk.id,
          fromLocationId: fixture.locations.backroom.id,
          toLocationId: fixture.locations.shelf.id,
          quantity: "1",
          reason: "MANUAL",
        },
      }),
    ).rejects.toThrow();
    expect((await openTasks(fixture.products.milk.id)).map((task) => task.id)).toEqual([open?.id]);
  });
});

describe("shelf.truth", () => {
  it("shows each sensed shelf's estimate beside the system's stock, its raised alerts and open task", async () => {
    const { items, nextCursor } = await (await manager()).shelf.truth({});
    expect(nextCursor).toBeNull();
    const [open] = await openTasks(fixture.products.milk.id);
    expect(items).toEqual([
      {
        deviceId: milkSensor.id,
        deviceName: "Milk sensor",
        online: false,
        product: expect.objectContaining({ sku: "DAIRY-MILK-1L" }) as unknown,
        location: { id: fixture.locations.shelf.id, code: "A1-1-1" },
        estimate: { units: "5", grams: "5150", measuredAt: expect.any(String) as unknown },
        systemOnHand: "5",
        difference: "0",
        alerts: ["low"],
        openTask: {
          id: open?.id,
          reason: "LOW_STOCK",
          quantity: "7",
          createdAt: expect.any(String) as unknown,
        },
      },
      {
        deviceId: colaSensor.id,
        deviceName: "Cola sensor",
        online: false,
        product: expect.objectContaining({ sku: "DRINK-COLA-330" }) as unknown,
        location: { id: fixture.locations.shelf.id, code: "A1-1-1" },
        estimate: { units: "4", grams: "1400", measuredAt: expect.any(String) as unknown },
        systemOnHand: "24",
        difference: "-20",
        alerts: ["gap"],
        openTask: null,
      },
    ]);
    const colaOnly = await (await manager()).shelf.truth({ productIds: [fixture.products.cola.id] });
    expect(colaOnly.items.map((row) => row.deviceId)).toEqual([colaSensor.id]);
    const paged = await (await manager()).shelf.truth({ limit: 1 });
    expect(paged.nextCursor).toBe(milkSensor.id);
    const second = await (await manager()).shelf.truth({ limit: 1, cursor: paged.nextCursor ?? undefined });
    expect(second.items.map((row) => row.deviceId)).toEqual([colaSensor.id]);
    expect(second.nextCursor).toBeNull();
  });
});
