import type { Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { callerAs, callerWithToken, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

describe("store.info", () => {
  it("tells anyone the node's store as its apps show it, and nothing more", async () => {
    const info = await (await callerAs(services, null)).store.info();
    expect(info).toEqual({
      code: "S001",
      name: "Test Store Jing'an",
      currency: "CNY",
      locale: "zh-CN",
      timezone: "Asia/Shanghai",
      deliveryRadiusM: 3000,
      deliveryPromiseMin: 30,
    });
  });

  it("answers a token's own store", async () => {
    const other = await callerWithToken(services, fixture.otherStoreManagerToken);
    expect(await other.store.info()).toMatchObject({ code: "S002", name: "Test Store Pudong" });
  });
});
