import type { Database } from "@store/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/actor";
import { ServiceError } from "../../errors";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

const kiosk = () => callerAs(services, fixture.actors.KIOSK);

/** Another kiosk of the fixture store, so that lockouts and sessions of one leave the other alone. */
async function anotherKiosk(name: string): Promise<Actor> {
  const device = await db.prisma.device.create({
    data: { storeId: fixture.store.id, kind: "KIOSK", model: "test-kiosk", name },
  });
  return { ...fixture.actors.KIOSK, id: device.id, deviceId: device.id };
}

async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code: string; appCode: string | undefined; message: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const cause = error.cause instanceof ServiceError ? error.cause : undefined;
    return { code: error.code, appCode: cause?.code, message: error.message, details: cause?.details };
  }
  throw new Error("expected the call to fail");
}

describe("kiosk.config", () => {
  it("starts from the defaults: removal free, 90 s idle timeout, Chinese then English", async () => {
    expect(await (await kiosk()).kiosk.config()).toEqual({
      storeCode: "S001",
      storeName: "Test Store Jing'an",
      storeAddress: null,
      currency: "CNY",
      locale: "zh-CN",
      locales: ["zh-CN", "en"],
      removalNeedsApproval: false,
      idleTimeoutS: 90,
    });
  });

  it("is changed by a manager, audit-logged, and seen by kiosks at once", async () => {
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const changed = await manager.kiosk.setConfig({ removalNeedsApproval: true, idleTimeoutS: 120 });
    expect(changed).toMatchObject({
      removalNeedsApproval: true,
      idleTimeoutS: 120,
      locales: ["zh-CN", "en"],
    });
    expect(await (await kiosk()).kiosk.config()).toMatchObject({
      removalNeedsApproval: true,
      idleTimeoutS: 120,
    });
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "kiosk.config" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ actorId: fixture.actors.MANAGER.id, subject: `store:${fixture.store.id}` });
    expect(audit.details).toMatchObject({
      before: { removalNeedsApproval: false },
      change: { kioskRemovalNeedsApproval: true, kioskIdleTimeoutS: 120 },
    });
    await manager.kiosk.setConfig({ removalNeedsApproval: false, idleTimeoutS: 90 });
  });

  it("refuses settings out of range, changing nothing", async () => {
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const before = await db.prisma.auditLog.count();
    for (const input of [{ idleTimeoutS: 5 }, { locales: [] }, { locales: ["en", "en"] }, {}]) {
      expect((await failureOf(manager.kiosk.setConfig(input))).code).toBe("BAD_REQUEST");
    }
    expect(await db.prisma.auditLog.count()).toBe(before);
    expect(await (await kiosk()).kiosk.config()).toMatchObject({
      idleTimeoutS: 90,
      locales: ["zh-CN", "en"],
    });
  });
});

describe("kiosk sessions", () => {
  it("start a session; starting again abandons the one left open", async () => {
    const caller = await kiosk();
    const first = await caller.kiosk.start();
    const second = await caller.kiosk.start();
    const rows = await db.prisma.kioskSession.findMany({
      where: { id: { in: [first.sessionId, second.sessionId] } },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(first.sessionId)).toMatchObject({ status: "ABANDONED", endReason: "SUPERSEDED" });
    expect(byId.get(second.sessionId)).toMatchObject({
      status: "OPEN",
      endedAt: null,
      deviceId: fixture.devices.kiosk.id,
    });
    expect(new Date(second.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.startedAt).getTime());
  });

  it("leave exactly one session open when a kiosk starts twice at once", async () => {
    const actor = await anotherKiosk("Kiosk racing");
    const caller = await callerAs(services, actor);
    await Promise.all([caller.kiosk.start(), caller.kiosk.start(), caller.kiosk.start()]);
    expect(await db.prisma.kioskSession.count({ where: { deviceId: actor.deviceId!, status: "OPEN" } })).toBe(
      1,
    );
  });

  it("end as idle or cancelled; ending again changes nothing", async () => {
    const caller = await kiosk();
    const { sessionId } = await caller.kiosk.start();
    const ended = await caller.kiosk.end({ sessionId, reason: "IDLE" });
    expect(ended).toMatchObject({ sessionId, status: "ABANDONED" });
    expect(await caller.kiosk.end({ sessionId, reason: "CANCELLED" })).toEqual(ended);
    expect(await db.prisma.kioskSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      endReason: "IDLE",
    });
  });

  it("belong to their kiosk: another kiosk cannot end or approve on them", async () => {
    const { sessionId } = await (await kiosk()).kiosk.start();
    const other = await callerAs(services, await anotherKiosk("Kiosk other"));
    const refused = await failureOf(other.kiosk.end({ sessionId, reason: "CANCELLED" }));
    expect(refused).toMatchObject({ code: "NOT_FOUND", appCode: "KIOSK_SESSION_NOT_FOUND" });
    expect(refused.message).toBe(`Kiosk session ${sessionId} is not a session of this kiosk`);
    const { badge, pin } = fixture.badges.ATTENDANT;
    expect(
      await failureOf(other.kiosk.approve({ sessionId, kind: "AGE", subject: "x", badge, pin })),
    ).toMatchObject({
      appCode: "KIOSK_SESSION_NOT_FOUND",
    });
    expect(await db.prisma.kioskSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "OPEN",
    });
  });

  it("need a kiosk token bound to a kiosk device", async () => {
    const unbound = await callerAs(services, { ...fixture.actors.KIOSK, deviceId: null });
    expect(await failureOf(unbound.kiosk.start())).toMatchObject({
      code: "FORBIDDEN",
      appCode: "KIOSK_DEVICE_REQUIRED",
    });
    const bridgeBound = await callerAs(services, {
      ...fixture.actors.KIOSK,
      deviceId: fixture.devices.bridge.id,
    });
    expect(await failureOf(bridgeBound.kiosk.start())).toMatchObject({
      code: "FORBIDDEN",
      appCode: "KIOSK_DEVICE_REQUIRED",
    });
  });
});

describe("kiosk.approve", () => {
  it("records an attendant's approval with badge and PIN, audit-logged", async () => {
    const caller = await kiosk();
    const { sessionId } = await caller.kiosk.start();
    const { badge, pin } = fixture.badges.ATTENDANT;
    const approval = await caller.kiosk.approve({
      sessionId,
      kind: "AGE",
      subject: fixture.products.wine.id,
      badge,
      pin,
    });
    expect(approval).toMatchObject({
      kind: "AGE",
      subject: fixture.products.wine.id,
      attendant: { name: "Ann Attendant" },
    });
    expect(
      await db.prisma.kioskApproval.findUniqueOrThrow({ where: { id: approval.approvalId } }),
    ).toMatchObject({
      sessionId,
      kind: "AGE",
      userId: fixture.actors.ATTENDANT.id,
    });
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "kiosk.approve", subject: `kiosk-session:${sessionId}` },
    });
    expect(audit).toMatchObject({ actorKind: "DEVICE", actorId: fixture.devices.kiosk.id });
    expect(audit.details).toMatchObject({
      approvalId: approval.approvalId,
      userId: fixture.actors.ATTENDANT.id,
    });
  });

  it("accepts a manager's badge too", async () => {
    const caller = await kiosk();
    const { sessionId } = await caller.kiosk.start();
    const { badge, pin } = fixture.badges.MANAGER;
    expect(
      await caller.kiosk.approve({ sessionId, kind: "BAGGING", subject: "weight mismatch", badge, pin }),
    ).toMatchObject({
      attendant: { name: "Max Manager" },
    });
  });

  it("refuses a wrong PIN, an unknown badge and a picker's badge, approving nothing", async () => {
    const actor = await anotherKiosk("Kiosk refusals");
    const caller = await callerAs(services, actor);
    const { sessionId } = await caller.kiosk.start();
    const attendant = fixture.badges.ATTENDANT;
    const wrongPin = await failureOf(
      caller.kiosk.approve({ sessionId, kind: "AGE", subject: "x", badge: attendant.badge, pin: "0000" }),
    );
    expect(wrongPin).toEqual({
      code: "FORBIDDEN",
      appCode: "ATTENDANT_NOT_RECOGNISED",
      message: "Badge or PIN not recognised: check both and try again",
      details: undefined,
    });
    const unknownBadge = await failureOf(
      caller.kiosk.approve({ sessionId, kind: "AGE", subject: "x", badge: "B-NOBODY", pin: attendant.pin }),
    );
    expect(unknownBadge).toMatchObject({ code: "FORBIDDEN", appCode: "ATTENDANT_NOT_RECOGNISED" });
    const picker = await failureOf(
      caller.kiosk.approve({
        sessionId,
        kind: "AGE",
        subject: "x",
        badge: fixture.badges.PICKER.badge,
        pin: fixture.badges.PICKER.pin,
      }),
    );
    expect(picker).toMatchObject({ code: "FORBIDDEN", appCode: "ATTENDANT_NOT_ALLOWED" });
    expect(picker.message).toBe(
      "Pat Picker (picker) may not approve at a kiosk: only attendants and managers may",
    );
    expect(await db.prisma.kioskApproval.count({ where: { sessionId } })).toBe(0);
    expect(
      await db.prisma.auditLog.count({
        where: { action: "kiosk.approve.refused", actorId: actor.deviceId! },
      }),
    ).toBe(3);
  });

  it("locks a kiosk out for a minute after 5 wrong attempts, even for the right PIN; other kiosks are unaffected", async () => {
    const actor = await anotherKiosk("Kiosk lockout");
    const caller = await callerAs(services, actor);
    const { sessionId } = await caller.kiosk.start();
    const { badge, pin } = fixture.badges.ATTENDANT;
    const approve = (withPin: string) =>
      caller.kiosk.approve({ sessionId, kind: "REMOVAL", subject: "line 2", badge, pin: withPin });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await failureOf(approve("1111"))).appCode).toBe("ATTENDANT_NOT_RECOGNISED");
    }
    const locked = await failureOf(approve(pin));
    expect(locked).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "ATTENDANT_LOCKED_OUT" });
    expect(locked.message).toMatch(/^Too many wrong badges or PINs at this kiosk: try again in (5\d|60) s$/);
    expect(await db.prisma.kioskApproval.count({ where: { sessionId } })).toBe(0);

    const elsewhere = await kiosk();
    const other = await elsewhere.kiosk.start();
    await expect(
      elsewhere.kiosk.approve({ sessionId: other.sessionId, kind: "REMOVAL", subject: "line 1", badge, pin }),
    ).resolves.toMatchObject({
      kind: "REMOVAL",
    });

    // A minute later (the refused attempts moved back in time) the right PIN is accepted again.
    await db.prisma.auditLog.updateMany({
      where: { actorId: actor.deviceId!, action: "kiosk.approve.refused" },
      data: { createdAt: new Date(Date.now() - 61_000) },
    });
    await expect(approve(pin)).resolves.toMatchObject({ kind: "REMOVAL", subject: "line 2" });
  });

  it("refuses approvals on a session that has ended", async () => {
    const caller = await kiosk();
    const { sessionId } = await caller.kiosk.start();
    await caller.kiosk.end({ sessionId, reason: "CANCELLED" });
    const { badge, pin } = fixture.badges.ATTENDANT;
    const refused = await failureOf(
      caller.kiosk.approve({ sessionId, kind: "AGE", subject: "x", badge, pin }),
    );
    expect(refused).toMatchObject({ code: "CONFLICT", appCode: "KIOSK_SESSION_CLOSED" });
    expect(refused.message).toBe(`Kiosk session ${sessionId} is abandoned: start a new session`);
  });

  it("refuses malformed input with the zod issues", async () => {
    const caller = await kiosk();
    const { sessionId } = await caller.kiosk.start();
    const { badge } = fixture.badges.ATTENDANT;
    for (const input of [
      { sessionId, kind: "AGE", subject: "", badge, pin: "2468" },
      { sessionId, kind: "AGE", subject: "x".repeat(65), badge, pin: "2468" },
      { sessionId, kind: "REFUND", subject: "x", badge, pin: "2468" },
      { sessionId, kind: "AGE", subject: "x", badge, pin: "24a8" },
      { sessionId, kind: "AGE", subject: "x", pin: "2468" },
    ]) {
      expect((await failureOf(caller.kiosk.approve(input as never))).code).toBe("BAD_REQUEST");
    }
  });
});

describe("kiosk.produce", () => {
  it("lists priced loose produce by name with its PLU, price per kg and icon (the category's when it has none)", async () => {
    const produce = await db.prisma.category.findFirstOrThrow({ where: { code: "produce" } });
    await db.prisma.category.update({ where: { id: produce.id }, data: { icon: "🥬" } });
    const carrots = await db.prisma.product.create({
      data: {
        sku: "PRODUCE-CARROT",
        nameEn: "Carrots",
        nameZh: "胡萝卜",
        categoryId: produce.id,
        unitOfSale: "WEIGHT",
        barcodes: { create: [{ kind: "PLU", code: "4562", isPrimary: true }] },
        prices: {
          create: [
            { storeId: fixture.store.id, priceMinor: 398, validFrom: new Date("2026-01-01T00:00:00Z") },
          ],
        },
      },
    });
    await db.prisma.product.create({
      data: {
        sku: "PRODUCE-UNPRICED",
        nameEn: "Aubergine",
        nameZh: "茄子",
        categoryId: produce.id,
        unitOfSale: "WEIGHT",
        barcodes: { create: [{ kind: "PLU", code: "4081", isPrimary: true }] },
      },
    });
    expect(await (await kiosk()).kiosk.produce()).toEqual([
      {
        plu: "4011",
        sku: "PRODUCE-BANANA",
        nameEn: "Bananas",
        nameZh: "香蕉",
        unitOfSale: "WEIGHT",
        priceMinor: 698,
        icon: "🍌",
      },
      {
        plu: "4562",
        sku: carrots.sku,
        nameEn: "Carrots",
        nameZh: "胡萝卜",
        unitOfSale: "WEIGHT",
        priceMinor: 398,
        icon: "🥬",
      },
    ]);
  });
});
