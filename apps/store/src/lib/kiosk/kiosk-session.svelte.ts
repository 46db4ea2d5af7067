/* eslint-disable svelte/prefer-svelte-reactivity -- the Sets here are a function's scratch values; state lives in the $state fields */
import type { AppRouter, ScannedItem } from "@store/api";
import { acceptedBaseline, judgeBagging, type BaggingExpectation, type BaggingVerdict } from "@store/domain";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { appCodeOf, classifyCallFailure } from "$lib/trpc/errors";
import type { MessageKey } from "$lib/i18n";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type CartQuote = Outputs["checkout"]["quote"];
export type QuotedLine = CartQuote["lines"][number];
export type KioskConfig = Outputs["kiosk"]["config"];
export type PayResult = Outputs["checkout"]["pay"];
export type Sale = Extract<PayResult, { status: "APPROVED" }>["sale"];
export type Tender = Inputs["checkout"]["pay"]["tender"];
export type ApprovalKind = Inputs["kiosk"]["approve"]["kind"];
export type WeightReading = {
  deviceId: string;
  kind: "SCALE" | "BAGGING_SCALE";
  grams: number;
  stable: boolean;
};

/** The calls a kiosk makes; the browser's tRPC client provides them. */
export type KioskApi = {
  quote(lines: LineInput[]): Promise<CartQuote>;
  start(): Promise<{ sessionId: string }>;
  end(sessionId: string, reason: "IDLE" | "CANCELLED"): Promise<unknown>;
  approve(input: Inputs["kiosk"]["approve"]): Promise<{ attendant: { name: string } }>;
  pay(input: Inputs["checkout"]["pay"]): Promise<PayResult>;
};

export type { ScannedItem };
export type LineInput = { code: string; quantity?: string };
export type ScanSource = "camera" | "scanner" | "keyboard" | "touch";

/** One thing the shopper put in the cart, as it goes to the service. */
type Entry = {
  id: string;
  code: string;
  quantity?: string;
  addedAt: number;
  /** What a hardware scan rang up as on its way here, shown until the cart is priced. */
  preview?: ScannedItem;
};

export type CartLine =
  | { kind: "pending"; id: string; code: string; preview: ScannedItem | null }
  | {
      kind: "priced";
      id: string;
      code: string;
      line: QuotedLine;
      /**
       * The count the shopper sees: a repeat scan of a priced product counts up at once; the
       * line's amounts follow when the service has priced the new count (`stale` until then).
       */
      quantity: string;
      stale: boolean;
    };

/** Why the kiosk needs an attendant right now (several can wait at once). */
export type AttendantNeed =
  | { kind: "AGE"; lines: QuotedLine[] }
  | { kind: "BAGGING"; verdict: "unexpected" | "removed"; grams: number }
  | { kind: "REMOVAL"; entryId: string; name: string; quantity: string | null }
  | { kind: "HELP" };

export type Notice = { key: MessageKey; code?: string; at: number };

export type PaymentState =
  | { stage: "idle" }
  | { stage: "choose" }
  | { stage: "terminal"; method: Tender["method"] }
  | { stage: "processing"; method: Tender["method"] }
  | { stage: "retrying"; method: Tender["method"] }
  | { stage: "declined"; method: Tender["method"]; reason: string };

export type Phase = "welcome" | "shopping" | "produce" | "paying" | "receipt";

/** What survives a reload or a power cut: the cart and any payment in flight. */
type Saved = {
  entries: Entry[];
  sessionId: string | null;
  /** Age-restricted products an attendant has approved in this session. */
  approvedAge: string[];
  baselineG: number | null;
  payment: { idempotencyKey: string; tender: Tender; lines: LineInput[] } | null;
  sale: Sale | null;
};

const storageKey = "store.kiosk.v1";

/** Codes a kiosk accepts from a scanner or the keypad: digits, letters of GS1 AIs, brackets. */
const plausibleCode = /^[0-9A-Za-z()-]{1,64}$/;

/** The service's refusals a shopper can act on, by its code. */
const lineErrors: Record<string, MessageKey> = {
  BARCODE_UNKNOWN: "kiosk.error.BARCODE_UNKNOWN",
  PRODUCT_INACTIVE: "kiosk.error.PRODUCT_INACTIVE",
  PRICE_MISSING: "kiosk.error.PRICE_MISSING",
  INVALID_LABEL: "kiosk.error.INVALID_LABEL",
  INVALID_QUANTITY: "kiosk.error.INVALID_QUANTITY",
  INSUFFICIENT_STOCK: "kiosk.error.INSUFFICIENT_STOCK",
  BARCODE_FORMAT: "kiosk.error.INVALID_CODE",
  BARCODE_CHECK_DIGIT: "kiosk.error.INVALID_CODE",
  BARCODE_UNKNOWN_PREFIX: "kiosk.error.INVALID_CODE",
  BARCODE_PRICE_CHECK_DIGIT: "kiosk.error.INVALID_CODE",
  BARCODE_ZERO_MEASURE: "kiosk.error.INVALID_LABEL",
  PLU_FORMAT: "kiosk.error.INVALID_CODE",
};

function isUnreachable(error: unknown): boolean {
  return classifyCallFailure(error).kind === "unavailable";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One self-checkout, from the first scan to the receipt. The service prices every change (one
 * price book for kiosks, orders and labels); this class keeps the cart while the service is
 * away, asks an attendant when the rules say so, and pays exactly once however often a payment
 * has to be retried.
 */
export class KioskSession {
  phase = $state<Phase>("welcome");
  entries = $state<Entry[]>([]);
  quote = $state<CartQuote | null>(null);
  /** The entries (and their quantities) the quote above priced, by position. */
  quotedEntries = $state<Entry[]>([]);
  offline = $state(false);
  notice = $state<Notice | null>(null);
  payment = $state<PaymentState>({ stage: "idle" });
  sale = $state<Sale | null>(null);
  approvedAge = $state<string[]>([]);
  /** Shopper asked for help, or a removal waits for approval. */
  requests = $state<AttendantNeed[]>([]);
  /** The latest reading of the kiosk's produce scale and bagging scale. */
  produceScale = $state<WeightReading | null>(null);
  baggingStableG = $state<number | null>(null);
  baselineG = $state<number | null>(null);
  lastChangeAt = $state<number | null>(null);
  now = $state(Date.now());
  config = $state<KioskConfig | null>(null);

  #api: KioskApi;
  #sessionId: string | null = null;
  #startingSession: Promise<string> | null = null;
  #quoteVersion = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingPayment: Saved["payment"] = null;
  #storage: Storage | null;

  constructor(api: KioskApi, config: KioskConfig | null, storage: Storage | null) {
    this.#api = api;
    this.config = config;
    this.#storage = storage;
    this.#restore();
  }

  // --- what the screen shows ---------------------------------------------------------------

  get lines(): CartLine[] {
    return this.entries.map((entry, index) => {
      const quoted = this.quotedEntries[index];
      const line = this.quote?.lines[index];
      if (!quoted || quoted.id !== entry.id || !line)
        return { kind: "pending", id: entry.id, code: entry.code, preview: entry.preview ?? null };
      return {
        kind: "priced",
        id: entry.id,
        code: entry.code,
        line,
        quantity: line.unitOfSale === "EACH" && entry.quantity !== undefined ? entry.quantity : line.quantity,
        stale: quoted.quantity !== entry.quantity,
      };
    });
  }

  /** The quote prices exactly the cart as it is now. */
  get quoteIsCurrent(): boolean {
    return (
      this.quote !== null &&
      this.quotedEntries.length === this.entries.length &&
      this.quotedEntries.every(
        (quoted, index) =>
          quoted.id === this.entries[index]?.id && quoted.quantity === this.entries[index]?.quantity,
      )
    );
  }

  get itemCount(): number {
    let count = 0;
    for (const line of this.lines) {
      count += line.kind === "priced" && line.line.unitOfSale === "EACH" ? Number(line.quantity) : 1;
    }
    return count;
  }

  get ageRestrictedLines(): QuotedLine[] {
    return this.quoteIsCurrent ? (this.quote?.lines.filter((line) => line.minimumAge !== null) ?? []) : [];
  }

  get expectations(): BaggingExpectation[] {
    const expectations: BaggingExpectation[] = [];
    for (const line of this.lines) {
      if (line.kind === "priced" && line.line.bagging) expectations.push(line.line.bagging);
    }
    return expectations;
  }

  get bagging(): BaggingVerdict {
    if (this.baselineG === null) return { kind: "unknown" };
    return judgeBagging({
      baselineG: this.baselineG,
      expectations: this.expectations,
      stableG: this.baggingStableG,
      lastChangeAt: this.lastChangeAt,
      now: this.now,
    });
  }

  /** What an attendant must resolve before the shopper can go on (bagging) or pay (age). */
  get attendantNeeds(): AttendantNeed[] {
    const needs: AttendantNeed[] = [];
    const bagging = this.bagging;
    if (bagging.kind === "unexpected-item")
      needs.push({ kind: "BAGGING", verdict: "unexpected", grams: bagging.excessG });
    if (bagging.kind === "item-removed")
      needs.push({ kind: "BAGGING", verdict: "removed", grams: bagging.missingG });
    needs.push(...this.requests);
    return needs;
  }

  /** The shopper cannot go on until an attendant comes: a bagging mismatch or a removal to approve. */
  get blocked(): boolean {
    return this.attendantNeeds.some((need) => need.kind === "BAGGING" || need.kind === "REMOVAL");
  }

  get needsAgeCheck(): boolean {
    return this.ageRestrictedLines.some((line) => !this.approvedAge.includes(line.productId));
  }

  ageApproved(productId: string): boolean {
    return this.approvedAge.includes(productId);
  }

  get canPay(): boolean {
    return (
      this.entries.length > 0 &&
      this.quoteIsCurrent &&
      !this.offline &&
      !this.blocked &&
      this.bagging.kind !== "awaiting-item" &&
      this.bagging.kind !== "awaiting-removal"
    );
  }

  // --- the shopper's actions ---------------------------------------------------------------

  begin(): void {
    if (this.phase === "welcome") this.phase = "shopping";
    this.#touch();
    void this.#ensureSession().catch(() => undefined);
  }

  /** A code from any scanner, the camera or the keypad. */
  scan(raw: string, source: ScanSource, preview?: ScannedItem | null): void {
    const code = raw.trim();
    // User Timing marks: a profile or the scan-latency bench splits scan-to-paint at them.
    performance.mark("kiosk.scan", { detail: { code, source } });
    if (!plausibleCode.test(code)) {
      this.#notify("kiosk.error.INVALID_CODE", code);
      return;
    }
    if (this.phase === "paying" || this.phase === "receipt") return;
    if (this.blocked) return;
    if (this.phase !== "shopping") this.begin();
    this.phase = "shopping";
    const existing = this.#mergeableEntry(code);
    if (existing) {
      this.#setEntryQuantity(existing.id, String(Number(existing.quantity ?? "1") + 1));
    } else {
      this.entries.push({
        id: crypto.randomUUID(),
        code,
        addedAt: Date.now(),
        ...(preview ? { preview } : {}),
      });
    }
    this.#changed();
  }

  /** Loose produce from the grid: grams for goods sold by weight, a count otherwise. */
  addProduce(plu: string, quantity: string): void {
    this.entries.push({ id: crypto.randomUUID(), code: plu, quantity, addedAt: Date.now() });
    this.phase = "shopping";
    this.#changed();
  }

  increase(entryId: string): void {
    const entry = this.entries.find((candidate) => candidate.id === entryId);
    if (!entry) return;
    this.#setEntryQuantity(entryId, String(Number(entry.quantity ?? "1") + 1));
    this.#changed();
  }

  /** One fewer, or the whole line when `all`; an attendant approves first where the store says so. */
  decrease(entryId: string, all = false): void {
    const index = this.entries.findIndex((candidate) => candidate.id === entryId);
    const entry = this.entries[index];
    if (!entry) return;
    const count = Number(entry.quantity ?? "1");
    const priced = this.lines[index];
    const weighed = priced?.kind === "priced" && priced.line.unitOfSale === "WEIGHT";
    const quantity = all || weighed || count <= 1 ? null : String(count - 1);
    if (this.config?.removalNeedsApproval) {
      const name = priced?.kind === "priced" ? priced.line.nameEn : entry.code;
      this.requests = [
        ...this.requests.filter((need) => need.kind !== "REMOVAL"),
        { kind: "REMOVAL", entryId, name, quantity },
      ];
      return;
    }
    this.#applyRemoval(entryId, quantity);
  }

  callAttendant(): void {
    if (!this.requests.some((need) => need.kind === "HELP"))
      this.requests = [...this.requests, { kind: "HELP" }];
  }

  dismissHelp(): void {
    this.requests = this.requests.filter((need) => need.kind !== "HELP");
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /**
   * An attendant's badge and PIN, checked by the service for every need on screen; each approval
   * is recorded with the attendant's name.
   */
  async approve(
    badge: string,
    pin: string,
    options: { refuseAge?: boolean } = {},
  ): Promise<{ name: string }> {
    const sessionId = await this.#ensureSession();
    let name = "";
    const needs = this.attendantNeeds;
    const kinds = new Set<ApprovalKind>();
    for (const need of needs) if (need.kind !== "HELP") kinds.add(need.kind);
    // Refusing the age check takes the restricted items off: a removal, recorded with who did it.
    if (this.needsAgeCheck) kinds.add(options.refuseAge ? "REMOVAL" : "AGE");
    // A call for help alone is answered in person and closed from the panel: nothing to approve.
    if (kinds.size === 0) {
      this.dismissHelp();
      return { name: "" };
    }
    const ageProducts = [
      ...new Set(
        this.ageRestrictedLines
          .filter((line) => !this.ageApproved(line.productId))
          .map((line) => line.productId),
      ),
    ];
    for (const kind of kinds) {
      // Each restricted product is approved by itself, so one added later needs its own check.
      const subjects =
        kind === "AGE" ? ageProducts : [this.#approvalSubject(kind, needs, options.refuseAge === true)];
      for (const subject of subjects) {
        const approval = await this.#api.approve({ sessionId, kind, subject, badge, pin });
        name = approval.attendant.name;
      }
    }
    if (options.refuseAge) this.#removeAgeRestricted();
    else if (kinds.has("AGE")) this.approvedAge = [...this.approvedAge, ...ageProducts];
    if (kinds.has("BAGGING") && this.baggingStableG !== null) {
      this.baselineG = acceptedBaseline(this.baggingStableG, this.expectations);
    }
    for (const need of needs) if (need.kind === "REMOVAL") this.#applyRemoval(need.entryId, need.quantity);
    this.requests = [];
    this.#save();
    return { name };
  }

  startPayment(): void {
    if (!this.canPay) return;
    this.phase = "paying";
    this.payment = { stage: "choose" };
  }

  chooseMethod(method: Tender["method"]): void {
    this.payment = { stage: "terminal", method };
  }

  backToCart(): void {
    if (this.payment.stage === "processing" || this.payment.stage === "retrying") return;
    this.payment = { stage: "idle" };
    this.phase = "shopping";
  }

  /**
   * Pays for the cart as priced. One idempotency key per attempt: a retry after a lost answer or
   * a service restart sends the same key, so the service returns the sale it already made instead
   * of a second one; a declined card ends the attempt, and the next card is a new one.
   */
  async pay(tender: Tender): Promise<void> {
    if (this.#pendingPayment === null) {
      if (!this.quoteIsCurrent) return;
      this.#pendingPayment = {
        idempotencyKey: crypto.randomUUID(),
        tender,
        lines: this.#lineInputs(this.entries),
      };
      this.#save();
    }
    await this.#settlePayment();
  }

  /** After the receipt: the next shopper starts from the welcome screen. */
  finish(): void {
    this.#reset();
  }

  /** Cancelled by the shopper or by the idle timer; the service closes the session. */
  cancel(reason: "IDLE" | "CANCELLED"): void {
    if (this.payment.stage === "processing" || this.payment.stage === "retrying") return;
    const sessionId = this.#sessionId;
    if (sessionId) void this.#api.end(sessionId, reason).catch(() => undefined);
    this.#reset();
  }

  // --- devices -----------------------------------------------------------------------------

  weight(reading: WeightReading): void {
    if (reading.kind === "SCALE") {
      this.produceScale = reading;
      return;
    }
    if (!reading.stable) return;
    this.baggingStableG = reading.grams;
    // The first steady reading of an empty cart is what the shopper's own bags weigh.
    if (this.baselineG === null && this.expectations.length === 0) {
      this.baselineG = reading.grams;
      this.#save();
    }
  }

  tick(now = Date.now()): void {
    this.now = now;
  }

  setConfig(config: KioskConfig): void {
    this.config = config;
  }

  /** Called when the service answers again: prices what was scanned meanwhile, finishes a payment. */
  reconnected(): void {
    if (this.offline) void this.#requote();
    if (this.#pendingPayment && this.payment.stage === "retrying") void this.#settlePayment();
  }

  // --- internals ---------------------------------------------------------------------------

  #touch(): void {
    this.now = Date.now();
  }

  #notify(key: MessageKey, code?: string): void {
    this.notice = { key, ...(code === undefined ? {} : { code }), at: Date.now() };
  }

  #mergeableEntry(code: string): Entry | undefined {
    const index = this.entries.findLastIndex((entry) => entry.code === code);
    const line = this.lines[index];
    if (index < 0 || line?.kind !== "priced") return undefined;
    // Price-embedded labels and weighed goods are one line per pack; counted goods add up.
    if (line.line.unitOfSale !== "EACH" || line.line.fixedPriceMinor !== null) return undefined;
    return this.entries[index];
  }

  #setEntryQuantity(entryId: string, quantity: string): void {
    this.entries = this.entries.map((entry) => (entry.id === entryId ? { ...entry, quantity } : entry));
  }

  #applyRemoval(entryId: string, quantity: string | null): void {
    if (quantity === null) this.entries = this.entries.filter((entry) => entry.id !== entryId);
    else this.#setEntryQuantity(entryId, quantity);
    this.#changed();
  }

  #removeAgeRestricted(): void {
    const restricted = new Set(this.ageRestrictedLines.map((line) => line.lineNo - 1));
    this.entries = this.entries.filter((_, index) => !restricted.has(index));
    this.#changed();
  }

  #approvalSubject(kind: ApprovalKind, needs: AttendantNeed[], refuseAge: boolean): string {
    if (kind === "REMOVAL") {
      if (refuseAge) return "age check refused";
      const removal = needs.find((need) => need.kind === "REMOVAL");
      return removal?.kind === "REMOVAL" ? removal.name.slice(0, 64) : "removal";
    }
    if (kind === "BAGGING") {
      const bagging = needs.find((need) => need.kind === "BAGGING");
      return bagging?.kind === "BAGGING" ? `${bagging.verdict} ${bagging.grams} g` : "bagging";
    }
    return kind.toLowerCase();
  }

  #changed(): void {
    this.lastChangeAt = Date.now();
    this.now = this.lastChangeAt;
    this.#save();
    void this.#requote();
  }

  #lineInputs(entries: readonly Entry[]): LineInput[] {
    return entries.map((entry) =>
      entry.quantity === undefined ? { code: entry.code } : { code: entry.code, quantity: entry.quantity },
    );
  }

  /**
   * Prices the whole cart. Only the newest answer counts. A refusal names a line only through
   * its code, so the lines not yet priced are tried alone to find the one to take out.
   */
  async #requote(): Promise<void> {
    const version = ++this.#quoteVersion;
    clearTimeout(this.#retryTimer);
    const entries = this.entries.map((entry) => ({ ...entry }));
    if (entries.length === 0) {
      this.quote = null;
      this.quotedEntries = [];
      return;
    }
    try {
      const quote = await this.#api.quote(this.#lineInputs(entries));
      if (version !== this.#quoteVersion) return;
      this.quote = quote;
      this.quotedEntries = entries;
      this.offline = false;
      performance.mark("kiosk.priced", { detail: { lines: entries.length } });
    } catch (error) {
      if (version !== this.#quoteVersion) return;
      if (isUnreachable(error)) {
        this.offline = true;
        this.#retryTimer = setTimeout(() => void this.#requote(), 1_000);
        return;
      }
      await this.#dropRefusedLines(entries, error);
    }
  }

  async #dropRefusedLines(entries: Entry[], error: unknown): Promise<void> {
    const priced = new Set(this.quotedEntries.map((entry) => entry.id));
    const suspects = entries.filter(
      (entry) =>
        !priced.has(entry.id) ||
        this.quotedEntries.some((quoted) => quoted.id === entry.id && quoted.quantity !== entry.quantity),
    );
    let refused: Entry[] = suspects.length === 1 ? suspects : [];
    let firstError = error;
    if (suspects.length !== 1) {
      for (const suspect of suspects.length > 0 ? suspects : entries) {
        try {
          await this.#api.quote(this.#lineInputs([suspect]));
        } catch (lineError) {
          if (isUnreachable(lineError)) return void (this.offline = true);
          if (refused.length === 0) firstError = lineError;
          refused = [...refused, suspect];
        }
      }
    }
    const code = appCodeOf(firstError);
    this.#notify((code && lineErrors[code]) || "kiosk.error.generic", refused[0]?.code);
    if (refused.length === 0) return;
    const refusedIds = new Set(refused.map((entry) => entry.id));
    // A refused quantity change goes back to what was priced; a refused new line goes away.
    this.entries = this.entries.flatMap((entry) => {
      if (!refusedIds.has(entry.id)) return [entry];
      const before = this.quotedEntries.find((quoted) => quoted.id === entry.id);
      return before ? [before] : [];
    });
    this.#save();
    await this.#requote();
  }

  async #ensureSession(): Promise<string> {
    if (this.#sessionId) return this.#sessionId;
    this.#startingSession ??= this.#api
      .start()
      .then(({ sessionId }) => {
        this.#sessionId = sessionId;
        this.#save();
        return sessionId;
      })
      .finally(() => {
        this.#startingSession = null;
      });
    return this.#startingSession;
  }

  async #settlePayment(): Promise<void> {
    const pending = this.#pendingPayment;
    if (!pending) return;
    const method = pending.tender.method;
    this.phase = "paying";
    this.payment = { stage: "processing", method };
    for (;;) {
      try {
        const sessionId = await this.#ensureSession();
        const result = await this.#api.pay({
          sessionId,
          idempotencyKey: pending.idempotencyKey,
          lines: pending.lines,
          tender: pending.tender,
        });
        this.#pendingPayment = null;
        this.offline = false;
        if (result.status === "DECLINED") {
          this.payment = { stage: "declined", method, reason: result.reason };
          this.#save();
          return;
        }
        this.sale = result.sale;
        this.phase = "receipt";
        this.payment = { stage: "idle" };
        this.entries = [];
        this.quote = null;
        this.quotedEntries = [];
        this.#save();
        return;
      } catch (error) {
        const code = appCodeOf(error);
        if (isUnreachable(error) || code === "PAYMENT_UNAVAILABLE") {
          // Same key again: the service answers with the sale if the first attempt went through.
          this.offline = isUnreachable(error);
          this.payment = { stage: "retrying", method };
          await sleep(1_000);
          if (this.#pendingPayment !== pending) return;
          continue;
        }
        this.#pendingPayment = null;
        this.#save();
        if (code === "PAYMENT_TIMEOUT") {
          this.payment = { stage: "declined", method, reason: "timeout" };
          return;
        }
        this.phase = "shopping";
        this.payment = { stage: "idle" };
        this.#notify(
          (code && lineErrors[code]) ||
            (code === "AGE_APPROVAL_REQUIRED" ? "kiosk.pay.ageFirst" : "kiosk.error.generic"),
        );
        return;
      }
    }
  }

  #reset(): void {
    this.#quoteVersion++;
    clearTimeout(this.#retryTimer);
    this.phase = "welcome";
    this.entries = [];
    this.quote = null;
    this.quotedEntries = [];
    this.payment = { stage: "idle" };
    this.sale = null;
    this.approvedAge = [];
    this.requests = [];
    this.notice = null;
    this.lastChangeAt = null;
    this.#sessionId = null;
    this.#pendingPayment = null;
    // The bagging area is empty for the next shopper; its next steady reading is the new baseline.
    this.baselineG = null;
    this.#save();
  }

  #save(): void {
    const saved: Saved = {
      entries: this.entries,
      sessionId: this.#sessionId,
      approvedAge: this.approvedAge,
      baselineG: this.baselineG,
      payment: this.#pendingPayment,
      sale: this.sale,
    };
    try {
      this.#storage?.setItem(storageKey, JSON.stringify(saved));
    } catch {
      // A full or unavailable storage only costs recovery after a reload; the checkout goes on.
    }
  }

  #restore(): void {
    let saved: Saved | null;
    try {
      const text = this.#storage?.getItem(storageKey);
      saved = text ? (JSON.parse(text) as Saved) : null;
    } catch {
      // Unreadable leftovers (another version's format) are no cart to restore.
      saved = null;
    }
    if (!saved) return;
    this.entries = saved.entries;
    this.#sessionId = saved.sessionId;
    this.approvedAge = saved.approvedAge;
    this.baselineG = saved.baselineG;
    this.#pendingPayment = saved.payment;
    this.sale = saved.sale;
    if (saved.sale) this.phase = "receipt";
    else if (saved.payment) {
      this.phase = "paying";
      this.payment = { stage: "retrying", method: saved.payment.tender.method };
      void this.#settlePayment();
    } else if (saved.entries.length > 0) {
      this.phase = "shopping";
      void this.#requote();
    }
  }
}
