import type { AppRouter } from "@store/api";
import { isVariableMeasurePrefix } from "@store/domain";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { MessageKey } from "$lib/i18n";
import { appCodeOf, classifyCallFailure } from "$lib/trpc/errors";
import { promiseClock, type PromiseClock } from "./promise-clock";

type Outputs = inferRouterOutputs<AppRouter>["picking"];
type Inputs = inferRouterInputs<AppRouter>["picking"];

export type PickQueue = Outputs["queue"];
export type QueueOrder = PickQueue["orders"][number];
export type Batch = NonNullable<Outputs["current"]>;
export type BatchOrder = Batch["orders"][number];
export type Stop = Batch["stops"][number];
export type Task = Stop["tasks"][number];
export type ProductRef = Task["product"];
export type Zone = Task["zone"];
export type Substitutes = Outputs["substitutes"];
export type SubstituteOption = Substitutes["options"][number];
export type PackedOrder = Outputs["pack"]["order"];
export type StagedTote = Outputs["stage"]["tote"];
export type HandedOffOrder = Outputs["handoff"]["orders"][number];

/** The calls a picker's handheld makes; the browser's tRPC client provides them. */
export type PickerApi = {
  queue(): Promise<PickQueue>;
  current(): Promise<Batch | null>;
  claim(orderIds: string[]): Promise<Outputs["claim"]>;
  claimNext(count: number): Promise<Outputs["claimNext"]>;
  heartbeat(batchId: string): Promise<Outputs["heartbeat"]>;
  release(batchId: string): Promise<unknown>;
  scan(input: Inputs["scan"]): Promise<Outputs["scan"]>;
  substitutes(input: Inputs["substitutes"]): Promise<Substitutes>;
  short(input: Inputs["short"]): Promise<Outputs["short"]>;
  pack(input: Inputs["pack"]): Promise<Outputs["pack"]>;
  stage(input: Inputs["stage"]): Promise<Outputs["stage"]>;
  handoff(input: Inputs["handoff"]): Promise<Outputs["handoff"]>;
};

export type Screen = "queue" | "walk" | "pack" | "handoff";
export type ScanSource = "camera" | "scanner" | "keyboard";

/** A message across the screen: a refusal (with the service's own sentence), or news. */
export type Notice = { tone: "error" | "info"; key: MessageKey; detail?: string; at: number };

/** What the last accepted scan put in which tote, with the line's price as it now stands. */
export type LastPick = {
  orderNumber: number;
  nameEn: string;
  nameZh: string;
  quantity: string;
  unitOfSale: ProductRef["unitOfSale"];
  toteCode: string;
  zone: Zone;
  substitute: boolean;
  linePickedMinor: number | null;
  at: number;
};

/** "Can't find it" for the current line: what the customer allows instead. */
export type SubstitutePanel = {
  orderId: string;
  lineNo: number;
  status: "loading" | "ready" | "failed";
  substitutes: Substitutes | null;
};

export type ScaleReading = { deviceId: string; kind: string; grams: number; stable: boolean };

export type WalkTask = { stop: Stop; task: Task; done: boolean; current: boolean };

/** The picker's own choices that outlive a reload. */
type Saved = { claimCount: number };
const storageKey = "store.picker.v1";

export const minClaimCount = 1;
export const maxClaimCount = 4;
const defaultClaimCount = 2;

/** Codes a handheld sends: digits, letters of GS1 AIs and tote codes, brackets, dashes. */
const plausibleCode = /^[0-9A-Za-z()._-]{1,64}$/;

/** The service's refusals, by its code, as a headline in the picker's language. */
const refusals: Record<string, MessageKey> = {
  WRONG_ITEM: "picker.error.WRONG_ITEM",
  OVER_PICK: "picker.error.OVER_PICK",
  WEIGHT_REQUIRED: "picker.error.WEIGHT_REQUIRED",
  OVER_WEIGHT: "picker.error.OVER_WEIGHT",
  SUBSTITUTE_REFUSED: "picker.error.SUBSTITUTE_REFUSED",
  BARCODE_UNKNOWN: "picker.error.BARCODE_UNKNOWN",
  INVALID_BARCODE: "picker.error.INVALID_BARCODE",
  INVALID_LABEL: "picker.error.INVALID_BARCODE",
  OVER_AUTHORIZATION: "picker.error.OVER_AUTHORIZATION",
  CLAIM_LOST: "picker.error.CLAIM_LOST",
  TOTE_NOT_FOUND: "picker.error.TOTE_NOT_FOUND",
  ORDER_STATE: "picker.error.ORDER_STATE",
  LINE_RESOLVED: "picker.error.LINE_RESOLVED",
  ORDER_TAKEN: "picker.error.ORDER_TAKEN",
  NO_ORDERS: "picker.error.NO_ORDERS",
  NOT_READY: "picker.error.NOT_READY",
  MISSING_TOTES: "picker.error.MISSING_TOTES",
};

const sameLine = (a: { orderId: string; lineNo: number }, b: { orderId: string; lineNo: number }) =>
  a.orderId === b.orderId && a.lineNo === b.lineNo;

/**
 * One picker's handheld: the queue of orders against their delivery promises, the claimed batch
 * walked stop by stop, every scan checked by the service against the current line, short picks
 * and substitutes as the customer allows, then packing, staging and the hand-off to a courier.
 * The service decides everything; this class shows what it said, sends one scan at a time in the
 * order they were made, and never lets an older answer overwrite a newer one.
 */
export class PickerSession {
  screen = $state<Screen>("queue");
  queue = $state<PickQueue | null>(null);
  batch = $state<Batch | null>(null);
  selected = $state<string[]>([]);
  claimCount = $state(defaultClaimCount);
  notice = $state<Notice | null>(null);
  lastPick = $state<LastPick | null>(null);
  substitute = $state<SubstitutePanel | null>(null);
  /** Packed orders of this batch, with their priced picked totals and totes. */
  packed = $state<PackedOrder[]>([]);
  staged = $state<StagedTote[]>([]);
  handoffTotes = $state<string[]>([]);
  courierRef = $state("");
  handedOff = $state<HandedOffOrder[] | null>(null);
  /** The handheld's own scale, when one is bound to it (devices.weights). */
  scale = $state<ScaleReading | null>(null);
  offline = $state(false);
  busy = $state(false);
  now = $state(Date.now());
  /** The service's clock minus this device's, so countdowns agree with the service. */
  clockOffsetMs = $state(0);

  #api: PickerApi;
  #storage: Storage | null;
  #scans: Promise<void> = Promise.resolve();
  /** Bumped by every change of the batch; an answer started before a newer change is dropped. */
  #batchVersion = 0;
  #queueLoading: Promise<void> | null = null;
  #queueAgain = false;

  constructor(api: PickerApi, resumed: Batch | null, storage: Storage | null) {
    this.#api = api;
    this.#storage = storage;
    this.#restore();
    if (resumed) this.#setBatch(resumed);
  }

  // --- what the screen shows ---------------------------------------------------------------

  /** Every task of the batch in walk order, the current one marked. */
  get walk(): WalkTask[] {
    const batch = this.batch;
    if (!batch) return [];
    const next = batch.next;
    const tasks: WalkTask[] = [];
    let passed = true;
    for (const stop of batch.stops) {
      for (const task of stop.tasks) {
        const current = next !== null && stop.index === next.stopIndex && sameLine(task, next);
        if (current) passed = false;
        // Behind the current task the walk has moved on: a line split over two shelves is done here.
        tasks.push({ stop, task, current, done: task.status !== "PENDING" || (passed && next !== null) });
      }
    }
    return tasks;
  }

  get current(): WalkTask | null {
    return this.walk.find((entry) => entry.current) ?? null;
  }

  get progress(): { done: number; total: number } {
    const walk = this.walk;
    return { done: walk.filter((entry) => entry.done).length, total: walk.length };
  }

  /** Orders of the batch whose every line is resolved and that are not packed yet. */
  get readyToPack(): BatchOrder[] {
    return this.batch?.orders.filter((order) => order.readyToPack && order.status === "PICKING") ?? [];
  }

  orderOf(orderId: string): BatchOrder | undefined {
    return this.batch?.orders.find((order) => order.id === orderId);
  }

  packedOrder(orderId: string): PackedOrder | undefined {
    return this.packed.find((order) => order.id === orderId);
  }

  stagedTote(code: string): StagedTote | undefined {
    return this.staged.find((tote) => tote.code === code);
  }

  clock(promisedAt: string): PromiseClock {
    return promiseClock(Date.parse(promisedAt), this.now + this.clockOffsetMs);
  }

  isSelected(orderId: string): boolean {
    return this.selected.includes(orderId);
  }

  // --- the queue ---------------------------------------------------------------------------

  tick(now: number): void {
    this.now = now;
  }

  /** Reloads the queue; calls made while one is loading are folded into one more load after it. */
  refreshQueue(): Promise<void> {
    if (this.#queueLoading) {
      this.#queueAgain = true;
      return this.#queueLoading;
    }
    this.#queueLoading = (async () => {
      do {
        this.#queueAgain = false;
        try {
          const queue = await this.#api.queue();
          this.clockOffsetMs = Date.parse(queue.now) - Date.now();
          this.queue = queue;
          this.offline = false;
          const free = queue.orders.filter((order) => order.claimedBy === null).map((order) => order.id);
          this.selected = this.selected.filter((id) => free.includes(id));
        } catch (error) {
          this.#failed(error);
        }
      } while (this.#queueAgain);
    })().finally(() => {
      this.#queueLoading = null;
    });
    return this.#queueLoading;
  }

  /** The open batch as the service has it: after a reload, or when its orders changed elsewhere. */
  async resume(): Promise<void> {
    const version = this.#batchVersion;
    try {
      const batch = await this.#api.current();
      this.offline = false;
      if (version !== this.#batchVersion) return;
      if (batch) this.#setBatch(batch);
      else if (this.batch?.status === "OPEN") this.#leaveBatch();
    } catch (error) {
      this.#failed(error);
    }
  }

  toggleSelected(orderId: string): void {
    this.selected = this.isSelected(orderId)
      ? this.selected.filter((id) => id !== orderId)
      : [...this.selected, orderId];
  }

  clearSelection(): void {
    this.selected = [];
  }

  setClaimCount(count: number): void {
    this.claimCount = Math.min(maxClaimCount, Math.max(minClaimCount, Math.round(count)));
    this.#save();
  }

  claimSelected(): Promise<void> {
    return this.claim(this.selected);
  }

  async claim(orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.#run(async () => {
      const { batch, refused } = await this.#api.claim(orderIds);
      this.#startBatch(batch);
      if (refused.length > 0) {
        this.notice = {
          tone: "info",
          key: "picker.claim.partly",
          detail: refused.map((order) => `#${order.number}: ${order.reason}`).join("\n"),
          at: Date.now(),
        };
      }
    });
    void this.refreshQueue();
  }

  async claimNext(): Promise<void> {
    await this.#run(async () => {
      const { batch } = await this.#api.claimNext(this.claimCount);
      this.#startBatch(batch);
    });
    void this.refreshQueue();
  }

  async heartbeat(): Promise<void> {
    const batch = this.batch;
    if (!batch || batch.status !== "OPEN") return;
    try {
      const { claimExpiresAt } = await this.#api.heartbeat(batch.id);
      this.offline = false;
      if (this.batch?.id === batch.id) this.batch = { ...this.batch, claimExpiresAt };
    } catch (error) {
      // A claim that lapsed (or a batch closed elsewhere) shows as whatever the service now has.
      if (classifyCallFailure(error).kind === "unavailable") this.offline = true;
      else await this.resume();
    }
  }

  /** Gives the batch's orders back to the queue. */
  async release(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    await this.#run(async () => {
      await this.#api.release(batch.id);
      this.#leaveBatch();
    });
    void this.refreshQueue();
  }

  // --- scanning ----------------------------------------------------------------------------

  /** A code from the camera, the handheld's scanner or a keyboard wedge, for the screen showing. */
  scan(raw: string, source: ScanSource): Promise<void> {
    const code = raw.trim();
    performance.mark("picker.scan", { detail: { code, source } });
    // One scan at a time, in the order they were made: each is checked against the state the one before left.
    const next = this.#scans.then(() => this.#handle(code));
    this.#scans = next.catch(() => undefined);
    return next;
  }

  weight(reading: ScaleReading): void {
    if (reading.kind === "SCALE") this.scale = reading;
  }

  async #handle(code: string): Promise<void> {
    if (!plausibleCode.test(code)) {
      this.#refuse("picker.error.INVALID_BARCODE", code);
      return;
    }
    if (this.screen === "walk") await this.#pick(code);
    else if (this.screen === "pack") await this.stage(code);
    else if (this.screen === "handoff") this.addHandoffTote(code);
    else this.notice = { tone: "info", key: "picker.queue.scanFirst", at: Date.now() };
  }

  async #pick(code: string): Promise<void> {
    const batch = this.batch;
    const current = this.current;
    if (!batch || !current) return;
    const { task } = current;
    const substituting = this.substitute !== null && sameLine(this.substitute, task);
    const weightG = this.#scaleWeightFor(task, code);
    await this.#run(async () => {
      const result = await this.#api.scan({
        batchId: batch.id,
        orderId: task.orderId,
        lineNo: task.lineNo,
        code,
        ...(weightG !== null ? { weightG } : {}),
        ...(substituting ? { substitute: true } : {}),
      });
      this.#setBatch(result.batch);
      const line = this.#task(task);
      const { accepted } = result;
      const product = substituting ? line?.substitute?.product : line?.product;
      this.lastPick = {
        orderNumber: task.orderNumber,
        nameEn: accepted.nameEn,
        nameZh: accepted.nameZh,
        quantity: accepted.quantity,
        unitOfSale: product?.unitOfSale ?? task.product.unitOfSale,
        toteCode: accepted.toteCode,
        zone:
          batch.orders
            .find((order) => order.id === task.orderId)
            ?.totes.find((tote) => tote.code === accepted.toteCode)?.zone ?? task.zone,
        substitute: substituting,
        linePickedMinor: line?.pickedTotalMinor ?? null,
        at: Date.now(),
      };
      this.notice = null;
      if (substituting && line?.status !== "PENDING") this.substitute = null;
    });
  }

  /**
   * The handheld scale's steady reading goes with a weighed product scanned by its PLU or GTIN;
   * a GS1 weight label carries its own weight, and without a scale the service asks for one.
   */
  #scaleWeightFor(task: Task, code: string): number | null {
    const scale = this.scale;
    if (task.product.unitOfSale !== "WEIGHT" || !scale?.stable || scale.grams <= 0) return null;
    if (isVariableMeasurePrefix(code)) return null;
    return Math.round(scale.grams);
  }

  // --- can't find it -------------------------------------------------------------------------

  async cantFind(): Promise<void> {
    const batch = this.batch;
    const task = this.current?.task;
    if (!batch || !task) return;
    const panel: SubstitutePanel = {
      orderId: task.orderId,
      lineNo: task.lineNo,
      status: "loading",
      substitutes: null,
    };
    this.substitute = panel;
    try {
      const substitutes = await this.#api.substitutes({
        batchId: batch.id,
        orderId: task.orderId,
        lineNo: task.lineNo,
      });
      this.offline = false;
      if (this.substitute && sameLine(this.substitute, panel)) {
        this.substitute = { ...panel, status: "ready", substitutes };
      }
    } catch (error) {
      if (this.substitute && sameLine(this.substitute, panel))
        this.substitute = { ...panel, status: "failed" };
      this.#failed(error);
    }
  }

  closeSubstitute(): void {
    this.substitute = null;
  }

  /** The rest of the current line cannot be picked: it is refunded, never charged. */
  async refundRest(): Promise<void> {
    const batch = this.batch;
    const task = this.current?.task;
    if (!batch || !task) return;
    await this.#run(async () => {
      const { batch: after } = await this.#api.short({
        batchId: batch.id,
        orderId: task.orderId,
        lineNo: task.lineNo,
      });
      this.#setBatch(after);
      this.substitute = null;
      this.lastPick = null;
      this.notice = null;
    });
  }

  // --- packing, staging, hand-off ------------------------------------------------------------

  openPacking(): void {
    if (this.batch) this.screen = "pack";
  }

  backToWalk(): void {
    if (this.batch?.next) this.screen = "walk";
  }

  async pack(orderId: string): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    await this.#run(async () => {
      const result = await this.#api.pack({ batchId: batch.id, orderId });
      this.#setBatch(result.batch, { keepScreen: true });
      this.packed = [...this.packed.filter((order) => order.id !== orderId), result.order];
    });
  }

  /** A packed tote scanned at the staging shelf. */
  async stage(toteCode: string): Promise<void> {
    await this.#run(async () => {
      const { tote } = await this.#api.stage({ toteCode });
      this.staged = [...this.staged.filter((staged) => staged.code !== tote.code), tote];
      this.notice = null;
    });
  }

  /** Back to the queue once the batch's orders are packed. */
  finishBatch(): void {
    this.#leaveBatch();
    void this.refreshQueue();
  }

  openHandoff(): void {
    this.handoffTotes = [];
    this.courierRef = "";
    this.handedOff = null;
    this.notice = null;
    this.screen = "handoff";
  }

  addHandoffTote(code: string): void {
    if (this.handedOff) return;
    if (!this.handoffTotes.includes(code)) this.handoffTotes = [...this.handoffTotes, code];
  }

  removeHandoffTote(code: string): void {
    this.handoffTotes = this.handoffTotes.filter((tote) => tote !== code);
  }

  async handoff(): Promise<void> {
    const courierRef = this.courierRef.trim();
    if (!courierRef || this.handoffTotes.length === 0) return;
    await this.#run(async () => {
      const { orders } = await this.#api.handoff({ courierRef, toteCodes: this.handoffTotes });
      this.handedOff = orders;
      this.notice = null;
    });
  }

  closeHandoff(): void {
    this.handedOff = null;
    this.screen = this.batch ? (this.batch.next ? "walk" : "pack") : "queue";
    void this.refreshQueue();
  }

  dismissNotice(): void {
    this.notice = null;
  }

  // --- inside --------------------------------------------------------------------------------

  #task(line: { orderId: string; lineNo: number }): Task | undefined {
    for (const stop of this.batch?.stops ?? []) {
      const found = stop.tasks.find((task) => sameLine(task, line));
      if (found) return found;
    }
    return undefined;
  }

  #startBatch(batch: Batch): void {
    this.selected = [];
    this.packed = [];
    this.staged = [];
    this.lastPick = null;
    this.substitute = null;
    this.notice = null;
    this.#setBatch(batch);
  }

  #setBatch(batch: Batch, options: { keepScreen?: boolean } = {}): void {
    this.#batchVersion++;
    this.batch = batch;
    if (options.keepScreen || this.screen === "handoff") return;
    this.screen = batch.next ? "walk" : "pack";
  }

  #leaveBatch(): void {
    this.#batchVersion++;
    this.batch = null;
    this.packed = [];
    this.staged = [];
    this.lastPick = null;
    this.substitute = null;
    if (this.screen !== "handoff") this.screen = "queue";
  }

  /** Runs one call the picker waits for; a refusal is shown and changes nothing. */
  async #run(call: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await call();
      this.offline = false;
    } catch (error) {
      this.#failed(error);
    } finally {
      this.busy = false;
    }
  }

  #failed(error: unknown): void {
    const failure = classifyCallFailure(error);
    if (failure.kind === "unavailable") {
      this.offline = true;
      this.#refuse("picker.offline");
      return;
    }
    const code = appCodeOf(error);
    this.#refuse((code && refusals[code]) || "picker.error.refused", failure.message);
    // The claim lapsed (the handheld was away too long): show what the service holds now.
    if (code === "CLAIM_LOST") void this.resume();
  }

  #refuse(key: MessageKey, detail?: string): void {
    this.notice = { tone: "error", key, ...(detail ? { detail } : {}), at: Date.now() };
    // A picker looks at the shelf, not the screen: a buzz says the scan did not count.
    if (typeof navigator !== "undefined" && "vibrate" in navigator) navigator.vibrate?.([120, 60, 120]);
  }

  #restore(): void {
    try {
      const saved = JSON.parse(this.#storage?.getItem(storageKey) ?? "null") as Saved | null;
      if (saved && typeof saved.claimCount === "number") this.setClaimCount(saved.claimCount);
    } catch {
      this.#storage?.removeItem(storageKey);
    }
  }

  #save(): void {
    const saved: Saved = { claimCount: this.claimCount };
    this.#storage?.setItem(storageKey, JSON.stringify(saved));
  }
}
