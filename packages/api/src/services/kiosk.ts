import { PIN_SCRYPT, verifyPin, type Database, type KioskApprovalKind } from "@store/db";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { isUniqueViolation } from "./sql";
import { updateStoreSettings, type StoreDirectory } from "./stores";

export type KioskConfig = {
  storeCode: string;
  storeName: string;
  storeAddress: string | null;
  currency: string;
  /** How the store formats money and dates. */
  locale: string;
  /** The languages the kiosk offers, the first being the one it starts in. */
  locales: string[];
  /** Removing a scanned line needs an attendant's REMOVAL approval. */
  removalNeedsApproval: boolean;
  /** Seconds without a touch or scan before the kiosk ends the session (reason IDLE). */
  idleTimeoutS: number;
};

export type KioskConfigChange = {
  removalNeedsApproval?: boolean | undefined;
  idleTimeoutS?: number | undefined;
  locales?: string[] | undefined;
};

export type KioskApprovalInput = {
  sessionId: string;
  kind: KioskApprovalKind;
  subject: string;
  badge: string;
  pin: string;
};

export type KioskApprovalResult = {
  approvalId: string;
  kind: KioskApprovalKind;
  subject: string;
  attendant: { name: string };
  approvedAt: string;
};

export type ProduceItem = {
  plu: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: "EACH" | "WEIGHT";
  /** Per kilogram for WEIGHT, per piece for EACH. */
  priceMinor: number;
  icon: string;
};

export type KioskLockout = {
  /** Refused badge/PIN attempts in a row at one kiosk that lock it out. */
  failures: number;
  /** How long the lockout lasts after the last refused attempt. */
  durationMs: number;
};

export const defaultKioskLockout: KioskLockout = { failures: 5, durationMs: 60_000 };

/** Roles whose badge and PIN approve at a kiosk. */
const approverRoles = new Set(["ATTENDANT", "MANAGER"]);

const APPROVED = "kiosk.approve";
const REFUSED = "kiosk.approve.refused";

/** Shown for a product with neither an icon of its own nor one for its category. */
const fallbackIcon = "🛒";

/**
 * A well-formed hash no PIN matches: an unknown badge costs the same scrypt run as a known one,
 * so response times do not tell which badges exist.
 */
const decoyPinHash = [
  "scrypt",
  PIN_SCRYPT.N,
  PIN_SCRYPT.r,
  PIN_SCRYPT.p,
  Buffer.alloc(16).toString("base64"),
  Buffer.alloc(PIN_SCRYPT.keyLength).toString("base64"),
].join("$");

export type KioskSessionRow = {
  id: string;
  storeId: string;
  deviceId: string;
  status: "OPEN" | "PAID" | "ABANDONED";
};

export type KioskService = ReturnType<typeof createKioskService>;

export function createKioskService(
  db: Database,
  stores: StoreDirectory,
  lockout: KioskLockout = defaultKioskLockout,
) {
  async function config(actor: Actor): Promise<KioskConfig> {
    const store = await stores.get(actor.storeId);
    return {
      storeCode: store.code,
      storeName: store.name,
      storeAddress: store.address,
      currency: store.currency,
      locale: store.locale,
      locales: store.kioskLocales,
      removalNeedsApproval: store.kioskRemovalNeedsApproval,
      idleTimeoutS: store.kioskIdleTimeoutS,
    };
  }

  async function setConfig(actor: Actor, change: KioskConfigChange): Promise<KioskConfig> {
    const before = await config(actor);
    const data = {
      ...(change.removalNeedsApproval !== undefined
        ? { kioskRemovalNeedsApproval: change.removalNeedsApproval }
        : {}),
      ...(change.idleTimeoutS !== undefined ? { kioskIdleTimeoutS: change.idleTimeoutS } : {}),
      ...(change.locales !== undefined ? { kioskLocales: change.locales } : {}),
    };
    await updateStoreSettings(db, stores, actor, "kiosk.config", before, data);
    return config(actor);
  }

  function kioskDeviceOf(actor: Actor): string {
    if (!actor.deviceId) {
      throw new ServiceError(
        "KIOSK_DEVICE_REQUIRED",
        "Kiosk sessions belong to a kiosk: call with a KIOSK token bound to a kiosk device",
      );
    }
    return actor.deviceId;
  }

  /** The caller's own session; another kiosk's or store's is reported as unknown. */
  async function sessionOf(actor: Actor, sessionId: string): Promise<KioskSessionRow> {
    const deviceId = kioskDeviceOf(actor);
    const session = await db.prisma.kioskSession.findUnique({
      where: { id: sessionId },
      select: { id: true, storeId: true, deviceId: true, status: true },
    });
    if (!session || session.storeId !== actor.storeId || session.deviceId !== deviceId) {
      throw new ServiceError(
        "KIOSK_SESSION_NOT_FOUND",
        `Kiosk session ${sessionId} is not a session of this kiosk`,
        {
          sessionId,
        },
      );
    }
    return session;
  }

  /** The caller's session, which must still be open. */
  async function openSession(actor: Actor, sessionId: string): Promise<KioskSessionRow> {
    const session = await sessionOf(actor, sessionId);
    if (session.status !== "OPEN") {
      throw new ServiceError(
        "KIOSK_SESSION_CLOSED",
        `Kiosk session ${sessionId} is ${session.status.toLowerCase()}: start a new session`,
        { sessionId, status: session.status },
      );
    }
    return session;
  }

  async function start(actor: Actor): Promise<{ sessionId: string; startedAt: string }> {
    const deviceId = kioskDeviceOf(actor);
    const device = await db.prisma.device.findUnique({
      where: { id: deviceId },
      select: { kind: true, storeId: true },
    });
    if (device?.kind !== "KIOSK" || device.storeId !== actor.storeId) {
      throw new ServiceError("KIOSK_DEVICE_REQUIRED", `Device ${deviceId} is not a kiosk of this store`);
    }
    // A kiosk starting again has lost its shopper (reload, crash, walk-away): the old session ends.
    const startOnce = (now: Date) =>
      db.prisma.$transaction(async (tx) => {
        await tx.kioskSession.updateMany({
          where: { deviceId, status: "OPEN" },
          data: { status: "ABANDONED", endedAt: now, endReason: "SUPERSEDED" },
        });
        return tx.kioskSession.create({
          data: { storeId: actor.storeId, deviceId, startedAt: now },
          select: { id: true, startedAt: true },
        });
      });
    let session: { id: string; startedAt: Date };
    try {
      session = await startOnce(new Date());
    } catch (error) {
      // A concurrent start opened its session first (one OPEN session per kiosk): supersede it.
      if (!isUniqueViolation(error)) throw error;
      session = await startOnce(new Date());
    }
    return { sessionId: session.id, startedAt: session.startedAt.toISOString() };
  }

  async function end(
    actor: Actor,
    input: { sessionId: string; reason: "IDLE" | "CANCELLED" },
  ): Promise<{ sessionId: string; status: "OPEN" | "PAID" | "ABANDONED"; endedAt: string | null }> {
    await sessionOf(actor, input.sessionId);
    // Ending twice, or ending a session that has just been paid, leaves it as it is.
    await db.prisma.kioskSession.updateMany({
      where: { id: input.sessionId, status: "OPEN" },
      data: { status: "ABANDONED", endedAt: new Date(), endReason: input.reason },
    });
    const session = await db.prisma.kioskSession.findUniqueOrThrow({
      where: { id: input.sessionId },
      select: { status: true, endedAt: true },
    });
    return {
      sessionId: input.sessionId,
      status: session.status,
      endedAt: session.endedAt?.toISOString() ?? null,
    };
  }

  /** When the kiosk may try a badge and PIN again, or null when it is not locked out. */
  async function lockedUntil(actor: Actor, deviceId: string, now: Date): Promise<Date | null> {
    const recent = await db.prisma.auditLog.findMany({
      where: {
        storeId: actor.storeId,
        actorId: deviceId,
        action: { in: [APPROVED, REFUSED] },
        createdAt: { gt: new Date(now.getTime() - lockout.durationMs) },
      },
      orderBy: { id: "desc" },
      take: lockout.failures,
      select: { action: true, createdAt: true },
    });
    if (recent.length < lockout.failures || recent.some((entry) => entry.action !== REFUSED)) return null;
    return new Date(recent[0]!.createdAt.getTime() + lockout.durationMs);
  }

  async function refuse(
    actor: Actor,
    deviceId: string,
    input: KioskApprovalInput,
    error: ServiceError,
  ): Promise<never> {
    await db.prisma.auditLog.create({
      data: {
        storeId: actor.storeId,
        actorKind: actor.kind,
        actorId: deviceId,
        action: REFUSED,
        subject: `kiosk-session:${input.sessionId}`,
        details: { kind: input.kind, subject: input.subject, badge: input.badge, reason: error.code },
        createdAt: new Date(),
      },
    });
    throw error;
  }

  async function approve(actor: Actor, input: KioskApprovalInput): Promise<KioskApprovalResult> {
    const session = await openSession(actor, input.sessionId);
    const now = new Date();
    const until = await lockedUntil(actor, session.deviceId, now);
    if (until) {
      const retryAfterS = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
      throw new ServiceError(
        "ATTENDANT_LOCKED_OUT",
        `Too many wrong badges or PINs at this kiosk: try again in ${retryAfterS} s`,
        { retryAfterS },
      );
    }
    const user = await db.prisma.user.findUnique({
      where: { badgeCode: input.badge },
      select: { id: true, name: true, role: true, storeId: true, active: true, pinHash: true },
    });
    const candidate = user && user.active && user.storeId === actor.storeId && user.pinHash ? user : null;
    const pinMatches = await verifyPin(input.pin, candidate?.pinHash ?? decoyPinHash);
    if (!candidate || !pinMatches) {
      return refuse(
        actor,
        session.deviceId,
        input,
        new ServiceError("ATTENDANT_NOT_RECOGNISED", "Badge or PIN not recognised: check both and try again"),
      );
    }
    if (!approverRoles.has(candidate.role)) {
      return refuse(
        actor,
        session.deviceId,
        input,
        new ServiceError(
          "ATTENDANT_NOT_ALLOWED",
          `${candidate.name} (${candidate.role.toLowerCase()}) may not approve at a kiosk: only attendants and managers may`,
        ),
      );
    }
    const approval = await db.prisma.$transaction(async (tx) => {
      const created = await tx.kioskApproval.create({
        data: {
          sessionId: session.id,
          kind: input.kind,
          subject: input.subject,
          userId: candidate.id,
          createdAt: now,
        },
        select: { id: true, createdAt: true },
      });
      await tx.auditLog.create({
        data: {
          storeId: actor.storeId,
          actorKind: actor.kind,
          actorId: session.deviceId,
          action: APPROVED,
          subject: `kiosk-session:${session.id}`,
          details: { approvalId: created.id, kind: input.kind, subject: input.subject, userId: candidate.id },
          createdAt: now,
        },
      });
      return created;
    });
    return {
      approvalId: approval.id,
      kind: input.kind,
      subject: input.subject,
      attendant: { name: candidate.name },
      approvedAt: approval.createdAt.toISOString(),
    };
  }

  /** The subjects of a session's approvals of one kind. */
  async function approvedSubjects(sessionId: string, kind: KioskApprovalKind): Promise<Set<string>> {
    const rows = await db.prisma.kioskApproval.findMany({
      where: { sessionId, kind },
      select: { subject: true },
    });
    return new Set(rows.map((row) => row.subject));
  }

  /** Loose produce for the kiosk's PLU grid: every active product with a PLU and a price here. */
  async function produce(actor: Actor): Promise<ProduceItem[]> {
    const now = new Date();
    const products = await db.prisma.product.findMany({
      where: { active: true, barcodes: { some: { kind: "PLU" } } },
      select: {
        sku: true,
        nameEn: true,
        nameZh: true,
        unitOfSale: true,
        icon: true,
        category: { select: { icon: true } },
        barcodes: {
          where: { kind: "PLU" },
          orderBy: [{ isPrimary: "desc" }, { code: "asc" }],
          take: 1,
          select: { code: true },
        },
        prices: {
          where: { storeId: actor.storeId, validFrom: { lte: now } },
          orderBy: { validFrom: "desc" },
          take: 1,
          select: { priceMinor: true },
        },
      },
      orderBy: [{ nameEn: "asc" }, { sku: "asc" }],
    });
    return products.flatMap((product) => {
      const plu = product.barcodes[0]?.code;
      const price = product.prices[0];
      if (plu === undefined || price === undefined) return [];
      return [
        {
          plu,
          sku: product.sku,
          nameEn: product.nameEn,
          nameZh: product.nameZh,
          unitOfSale: product.unitOfSale,
          priceMinor: price.priceMinor,
          icon: product.icon ?? product.category.icon ?? fallbackIcon,
        },
      ];
    });
  }

  return { config, setConfig, start, end, approve, openSession, sessionOf, approvedSubjects, produce };
}
