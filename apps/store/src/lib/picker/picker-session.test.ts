import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import {
  PickerSession,
  type Batch,
  type PickerApi,
  type PickQueue,
  type ProductRef,
  type Task,
} from "./picker-session.svelte";

const ids = {
  batch: "00000000-0000-4000-8000-0000000000b1",
  order1: "00000000-0000-4000-8000-000000000001",
  order2: "00000000-0000-4000-8000-000000000002",
};

function product(sku: string, overrides: Partial<ProductRef> = {}): ProductRef {
  return {
    id: `product-${sku}`,
    sku,
    nameEn: `Product ${sku}`,
    nameZh: `商品 ${sku}`,
    unitOfSale: "EACH",
    code: `69${sku.padStart(11, "0")}`,
    icon: null,
    zone: "AMBIENT",
    categoryCode: "dairy",
    unitPriceMinor: 990,
    ...overrides,
  };
}

function task(orderId: string, lineNo: number, overrides: Partial<Task> = {}): Task {
  const number = orderId === ids.order1 ? 11 : 12;
  return {
    orderId,
    orderNumber: number,
    lineNo,
    toteCode: `T${number}-A`,
    zone: "AMBIENT",
    product: product(`${number}${lineNo}`),
    quantity: "2",
    quantityHere: "2",
    pickedQuantity: "0",
    substitution: "BEST_MATCH",
    preferredSubstitute: null,
    substitute: null,
    refundedQuantity: "0",
    status: "PENDING",
    pickedTotalMinor: null,
    scans: 0,
    errors: 0,
    ...overrides,
  };
}

/** Two orders; the walk visits order 12's line 1 first, then order 11's lines 2 and 1. */
function batch(tasks: Task[] = [task(ids.order2, 1), task(ids.order1, 2), task(ids.order1, 1)]): Batch {
  const stops = tasks.map((each, index) => ({
    index,
    locationId: `location-${index}`,
    locationCode: `A${index + 1}-1`,
    x: index,
    y: 0,
    tasks: [each],
  }));
  const nextStop = stops.find((stop) => stop.tasks[0]?.status === "PENDING");
  const nextTask = nextStop?.tasks[0];
  return {
    id: ids.batch,
    number: 7,
    status: "OPEN",
    createdAt: "2026-11-25T08:00:00.000Z",
    claimExpiresAt: "2026-11-25T08:02:00.000Z",
    walkLengthM: 42,
    orders: [ids.order1, ids.order2].map((id, index) => ({
      id,
      number: 11 + index,
      status: "PICKING",
      promisedAt: "2026-11-25T08:30:00.000Z",
      customerName: `Customer ${index + 1}`,
      estimatedTotalMinor: 3960,
      authorizedMinor: 3960,
      pickedTotalMinor: null,
      totes: [{ code: `T${11 + index}-A`, zone: "AMBIENT" as const, status: "OPEN" }],
      readyToPack: tasks.filter((each) => each.orderId === id).every((each) => each.status !== "PENDING"),
    })),
    stops,
    next:
      nextStop && nextTask
        ? { stopIndex: nextStop.index, orderId: nextTask.orderId, lineNo: nextTask.lineNo }
        : null,
  };
}

function refusal(appCode: string, message: string) {
  return TRPCClientError.from({
    error: { message, code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400, appCode } },
  });
}

const emptyQueue: PickQueue = { now: "2026-11-25T08:00:00.000Z", claimTimeoutS: 120, orders: [] };

function fakeApi(overrides: Partial<PickerApi> = {}): PickerApi {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call to ${name}`));
  return {
    queue: vi.fn(() => Promise.resolve(emptyQueue)),
    current: vi.fn(() => Promise.resolve(null)),
    claim: unexpected("claim"),
    claimNext: unexpected("claimNext"),
    heartbeat: unexpected("heartbeat"),
    release: unexpected("release"),
    scan: unexpected("scan"),
    substitutes: unexpected("substitutes"),
    short: unexpected("short"),
    pack: unexpected("pack"),
    stage: unexpected("stage"),
    handoff: unexpected("handoff"),
    ...overrides,
  };
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/** The batch after the current task was picked in full. */
function pickedFirst(): Batch {
  return batch([
    task(ids.order2, 1, { status: "PICKED", pickedQuantity: "2", pickedTotalMinor: 1980 }),
    task(ids.order1, 2),
    task(ids.order1, 1),
  ]);
}

const accepted = (quantity = "1") => ({
  productId: "product-121",
  nameEn: "Product 121",
  nameZh: "商品 121",
  quantity,
  toteCode: "T12-A",
});

describe("PickerSession walk", () => {
  it("lists the tasks in the service's walk order and marks the current one and those behind it", () => {
    const session = new PickerSession(fakeApi(), pickedFirst(), null);
    expect(session.screen).toBe("walk");
    expect(session.walk.map(({ task }) => `${task.orderNumber}/${task.lineNo}`)).toEqual([
      "12/1",
      "11/2",
      "11/1",
    ]);
    expect(session.walk.map(({ done, current }) => [done, current])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
    expect(session.current?.stop.locationCode).toBe("A2-1");
    expect(session.progress).toEqual({ done: 1, total: 3 });
  });

  it("opens packing when nothing is left to pick", () => {
    const done = batch([
      task(ids.order2, 1, { status: "PICKED" }),
      task(ids.order1, 1, { status: "REFUNDED" }),
    ]);
    const session = new PickerSession(fakeApi(), done, null);
    expect(session.screen).toBe("pack");
    expect(session.current).toBeNull();
    expect(session.readyToPack.map((order) => order.number)).toEqual([11, 12]);
  });
});

describe("PickerSession scans", () => {
  it("confirms a scan against the current task and shows what went into which tote", async () => {
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.resolve({ batch: pickedFirst(), accepted: accepted("1") }),
    );
    const session = new PickerSession(fakeApi({ scan }), batch(), null);
    await session.scan(" 6900000000121 ", "keyboard");
    expect(scan).toHaveBeenCalledWith({
      batchId: ids.batch,
      orderId: ids.order2,
      lineNo: 1,
      code: "6900000000121",
    });
    expect(session.lastPick).toMatchObject({
      orderNumber: 12,
      quantity: "1",
      toteCode: "T12-A",
      linePickedMinor: 1980,
    });
    expect(session.current?.task.orderNumber).toBe(11);
  });

  it("shows a refusal with the service's sentence and changes nothing", async () => {
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.reject(refusal("WRONG_ITEM", "Scanned Oat Milk 1 L: this line is Whole Milk 1 L")),
    );
    const start = batch();
    const session = new PickerSession(fakeApi({ scan }), start, null);
    await session.scan("6900000000999", "scanner");
    expect(session.notice).toMatchObject({
      tone: "error",
      key: "picker.error.WRONG_ITEM",
      detail: "Scanned Oat Milk 1 L: this line is Whole Milk 1 L",
    });
    expect(session.batch).toEqual(start);
    expect(session.lastPick).toBeNull();
  });

  it("goes back to the queue when the claim lapsed while the handheld was away", async () => {
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.reject(refusal("CLAIM_LOST", "Order #12 is no longer claimed by you")),
    );
    const current = vi.fn<PickerApi["current"]>(() => Promise.resolve(null));
    const session = new PickerSession(fakeApi({ scan, current }), batch(), null);
    await session.scan("6900000000121", "scanner");
    expect(session.notice?.key).toBe("picker.error.CLAIM_LOST");
    await vi.waitFor(() => expect(session.screen).toBe("queue"));
    expect(session.batch).toBeNull();
  });

  it("refuses a code no scanner makes without asking the service", async () => {
    const scan = vi.fn<PickerApi["scan"]>();
    const session = new PickerSession(fakeApi({ scan }), batch(), null);
    await session.scan("12 34", "keyboard");
    expect(scan).not.toHaveBeenCalled();
    expect(session.notice?.key).toBe("picker.error.INVALID_BARCODE");
  });

  it("sends scans one at a time, in the order they were made, each for the task the one before left", async () => {
    const answers: Array<(value: Awaited<ReturnType<PickerApi["scan"]>>) => void> = [];
    const scan = vi.fn<PickerApi["scan"]>(() => new Promise((resolve) => answers.push(resolve)));
    const session = new PickerSession(fakeApi({ scan }), batch(), null);
    const first = session.scan("6900000000121", "scanner");
    const second = session.scan("6900000000112", "scanner");
    await vi.waitFor(() => expect(scan).toHaveBeenCalledTimes(1));
    answers[0]?.({ batch: pickedFirst(), accepted: accepted() });
    await first;
    await vi.waitFor(() => expect(scan).toHaveBeenCalledTimes(2));
    expect(scan.mock.calls[1]?.[0]).toMatchObject({ orderId: ids.order1, lineNo: 2, code: "6900000000112" });
    answers[1]?.({ batch: pickedFirst(), accepted: accepted() });
    await second;
  });

  it("weighs a weighed product scanned by its PLU on the handheld's scale, but not a weight label", async () => {
    const weighed = task(ids.order2, 1, {
      product: product("121", { unitOfSale: "WEIGHT", code: "4011" }),
      quantity: "500",
      quantityHere: "500",
    });
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.resolve({ batch: batch([weighed]), accepted: accepted("480") }),
    );
    const session = new PickerSession(fakeApi({ scan }), batch([weighed]), null);
    session.weight({ deviceId: "scale", kind: "SCALE", grams: 480.4, stable: true });
    await session.scan("4011", "scanner");
    expect(scan.mock.calls[0]?.[0]).toMatchObject({ code: "4011", weightG: 480 });
    await session.scan("2000121004808", "scanner");
    expect(scan.mock.calls[1]?.[0]).not.toHaveProperty("weightG");
    session.weight({ deviceId: "scale", kind: "SCALE", grams: 300, stable: false });
    await session.scan("4011", "scanner");
    expect(scan.mock.calls[2]?.[0]).not.toHaveProperty("weightG");
  });
});

describe("PickerSession short picks", () => {
  it("scans a substitute for the line while the customer's options are open, and closes them once it is resolved", async () => {
    const option = { ...product("900"), available: "5", score: 0.9, priceDifferenceMinor: 120 };
    const substitutes = vi.fn<PickerApi["substitutes"]>(() =>
      Promise.resolve({ preference: "BEST_MATCH" as const, options: [option] }),
    );
    const resolved = batch([
      task(ids.order2, 1, {
        status: "SUBSTITUTED",
        substitute: { product: product("900"), quantity: "2", priceDifferenceMinor: 120 },
      }),
      task(ids.order1, 2),
    ]);
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.resolve({ batch: resolved, accepted: accepted("1") }),
    );
    const session = new PickerSession(fakeApi({ substitutes, scan }), batch(), null);
    await session.cantFind();
    expect(substitutes).toHaveBeenCalledWith({ batchId: ids.batch, orderId: ids.order2, lineNo: 1 });
    expect(session.substitute?.status).toBe("ready");
    await session.scan(option.code, "camera");
    expect(scan.mock.calls[0]?.[0]).toMatchObject({ orderId: ids.order2, lineNo: 1, substitute: true });
    expect(session.substitute).toBeNull();
    expect(session.lastPick?.substitute).toBe(true);
  });

  it("refunds the rest of the line when the customer wants no substitute", async () => {
    const short = vi.fn<PickerApi["short"]>(() => Promise.resolve({ batch: pickedFirst() }));
    const substitutes = vi.fn<PickerApi["substitutes"]>(() =>
      Promise.resolve({ preference: "NONE" as const, options: [] }),
    );
    const session = new PickerSession(fakeApi({ short, substitutes }), batch(), null);
    await session.cantFind();
    await session.refundRest();
    expect(short).toHaveBeenCalledWith({ batchId: ids.batch, orderId: ids.order2, lineNo: 1 });
    expect(session.substitute).toBeNull();
    expect(session.current?.task.orderNumber).toBe(11);
  });
});

describe("PickerSession queue and claims", () => {
  it("claims the selected orders as a batch and says which were taken meanwhile", async () => {
    const claim = vi.fn<PickerApi["claim"]>(() =>
      Promise.resolve({
        batch: batch(),
        refused: [{ orderId: "x", number: 13, reason: "claimed by Chen Jing" }],
      }),
    );
    const session = new PickerSession(fakeApi({ claim }), null, null);
    session.toggleSelected(ids.order1);
    session.toggleSelected(ids.order2);
    session.toggleSelected("x");
    await session.claimSelected();
    expect(claim).toHaveBeenCalledWith([ids.order1, ids.order2, "x"]);
    expect(session.selected).toEqual([]);
    expect(session.screen).toBe("walk");
    expect(session.notice).toMatchObject({ key: "picker.claim.partly", detail: "#13: claimed by Chen Jing" });
  });

  it("keeps the batch size between 1 and 4 and remembers it", () => {
    const storage = memoryStorage();
    const session = new PickerSession(fakeApi(), null, storage);
    expect(session.claimCount).toBe(2);
    session.setClaimCount(9);
    expect(session.claimCount).toBe(4);
    session.setClaimCount(0);
    expect(session.claimCount).toBe(1);
    session.setClaimCount(3);
    expect(new PickerSession(fakeApi(), null, storage).claimCount).toBe(3);
  });

  it("counts down against the service's clock, not the handheld's", async () => {
    const serverNow = Date.parse("2026-11-25T08:00:00.000Z");
    const queue = vi.fn<PickerApi["queue"]>(() =>
      Promise.resolve({ ...emptyQueue, now: new Date(serverNow).toISOString() }),
    );
    const session = new PickerSession(fakeApi({ queue }), null, null);
    await session.refreshQueue();
    session.tick(Date.now());
    expect(session.clock("2026-11-25T08:10:00.000Z")).toMatchObject({ risk: "soon", text: "10:00" });
  });

  it("folds reloads asked for while one is loading into one more", async () => {
    let release: () => void = () => undefined;
    const queue = vi.fn<PickerApi["queue"]>(
      () => new Promise((resolve) => (release = () => resolve(emptyQueue))),
    );
    const session = new PickerSession(fakeApi({ queue }), null, null);
    const loading = session.refreshQueue();
    void session.refreshQueue();
    void session.refreshQueue();
    release();
    await vi.waitFor(() => expect(queue).toHaveBeenCalledTimes(2));
    release();
    await loading;
    expect(queue).toHaveBeenCalledTimes(2);
  });

  it("keeps the claim alive while a batch is open, and shows what the service holds once it lapsed", async () => {
    const heartbeat = vi
      .fn<PickerApi["heartbeat"]>()
      .mockResolvedValueOnce({ claimExpiresAt: "2026-11-25T08:04:00.000Z" })
      .mockRejectedValueOnce(refusal("CLAIM_LOST", "Batch #7 is no longer yours"));
    const current = vi.fn<PickerApi["current"]>(() => Promise.resolve(null));
    const session = new PickerSession(fakeApi({ heartbeat, current }), batch(), null);
    await session.heartbeat();
    expect(heartbeat).toHaveBeenCalledWith(ids.batch);
    expect(session.batch?.claimExpiresAt).toBe("2026-11-25T08:04:00.000Z");
    await session.heartbeat();
    expect(session.screen).toBe("queue");
    await session.heartbeat();
    expect(heartbeat).toHaveBeenCalledTimes(2);
  });

  it("does not let a resume that answers late undo a scan made meanwhile", async () => {
    let answerCurrent: (batch: Batch | null) => void = () => undefined;
    const current = vi.fn<PickerApi["current"]>(() => new Promise((resolve) => (answerCurrent = resolve)));
    const scan = vi.fn<PickerApi["scan"]>(() =>
      Promise.resolve({ batch: pickedFirst(), accepted: accepted() }),
    );
    const session = new PickerSession(fakeApi({ current, scan }), batch(), null);
    const resuming = session.resume();
    await session.scan("6900000000121", "scanner");
    answerCurrent(batch());
    await resuming;
    expect(session.current?.task.orderNumber).toBe(11);
  });
});

describe("PickerSession hand-off", () => {
  it("collects the scanned totes once each and hands them off with the courier's reference", async () => {
    const handoff = vi.fn<PickerApi["handoff"]>(() =>
      Promise.resolve({ orders: [{ id: ids.order1, number: 11, capturedMinor: 3500 }] }),
    );
    const session = new PickerSession(fakeApi({ handoff }), null, null);
    session.openHandoff();
    await session.scan("T11-A", "scanner");
    await session.scan("T11-C", "keyboard");
    await session.scan("T11-A", "camera");
    expect(session.handoffTotes).toEqual(["T11-A", "T11-C"]);
    session.courierRef = "  SF-1234 ";
    await session.handoff();
    expect(handoff).toHaveBeenCalledWith({ courierRef: "SF-1234", toteCodes: ["T11-A", "T11-C"] });
    expect(session.handedOff).toEqual([{ id: ids.order1, number: 11, capturedMinor: 3500 }]);
  });
});
