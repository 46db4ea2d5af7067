import { createHash } from "node:crypto";
import {
  buildVariableMeasureBarcode,
  classifyScan,
  defaultNomenclature,
  distanceMeters,
  isValidGtin,
  normalizeGtin,
  priceCart,
  promotionSchema,
} from "@store/domain";
import { beforeAll, describe, expect, it } from "vitest";
import { CATEGORIES, DEPARTMENTS } from "./categories";
import { verifyDevicePassword } from "@store/contracts/credentials";
import { deviceDefinitions } from "@store/contracts";
import { verifyPin } from "@store/db";
import { demoBridgeMqttCredentials, demoDevicePassword } from "./credentials";
import { homeZoneOf } from "./layout";
import {
  FAMILY_COUNT,
  catalogCapacity,
  demoCredentials,
  demoDevices,
  planDemoStore,
  type DemoStorePlan,
  type ProductSeed,
} from "./index";

const HAN = /\p{Script=Han}/u;

let plan: DemoStorePlan;
let products: ProductSeed[];
beforeAll(() => {
  plan = planDemoStore();
  products = plan.catalog.products;
});

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

describe("planDemoStore", () => {
  it("is deterministic: the same options give the same store, ids and credentials included", () => {
    const again = planDemoStore();
    expect(again.catalog).toEqual(plan.catalog);
    expect(again.locations).toEqual(plan.locations);
    expect(again.stock).toEqual(plan.stock);
    expect(again.promotions).toEqual(plan.promotions);
    expect(again.people).toEqual(plan.people);
    expect(again.devices).toEqual(plan.devices);
  });

  it("draws from its seed: another seed gives another catalog", () => {
    const other = planDemoStore({ seed: "another store" });
    expect(other.catalog.products.map((product) => product.priceMinor)).not.toEqual(
      products.map((product) => product.priceMinor),
    );
  });

  it("has about 600 products in every department and category", () => {
    expect(products).toHaveLength(600);
    const departments = new Set(products.map((product) => product.department));
    expect([...departments].sort()).toEqual([...DEPARTMENTS].sort());
    const categories = new Set(products.map((product) => product.categoryCode));
    expect([...categories].sort()).toEqual(CATEGORIES.map((category) => category.code).sort());
  });

  it("gives every product a unique id, SKU and name per brand, in English and Chinese", () => {
    expect(duplicates(products.map((product) => product.id))).toEqual([]);
    expect(duplicates(products.map((product) => product.sku))).toEqual([]);
    expect(duplicates(products.map((product) => `${product.brand}/${product.nameEn}`))).toEqual([]);
    expect(duplicates(products.map((product) => `${product.brand}/${product.nameZh}`))).toEqual([]);
    for (const product of products) {
      expect(product.nameEn, product.sku).toMatch(/^[A-Z0-9][^\p{Script=Han}]*$/u);
      expect(product.nameZh, product.sku).toMatch(HAN);
    }
  });

  it("stores valid GTINs normalized to GTIN-14, mostly GS1 China 690-699, some EAN-8 and UPC-A", () => {
    const gtins = products.flatMap((product) =>
      product.barcodes.filter((barcode) => barcode.kind === "GTIN"),
    );
    expect(gtins.length).toBeGreaterThan(400);
    for (const { code } of gtins) {
      expect(isValidGtin(code), code).toBe(true);
      expect(normalizeGtin(code)).toBe(code);
      expect(classifyScan(code, defaultNomenclature)).toMatchObject({ kind: "gtin", gtin14: code });
    }
    const ean8 = gtins.filter(({ code }) => code.startsWith("000000"));
    const upcA = gtins.filter(({ code }) => code.startsWith("00") && !code.startsWith("000000"));
    const china = gtins.filter(({ code }) => /^069\d/.test(code));
    expect(ean8.length).toBeGreaterThan(0);
    expect(upcA.length).toBeGreaterThan(0);
    expect(china.length / gtins.length).toBeGreaterThan(0.75);
  });

  it("never gives two products the same barcode", () => {
    const barcodes = products.flatMap((product) =>
      product.barcodes.map((barcode) => `${barcode.kind}:${barcode.code}`),
    );
    expect(duplicates(barcodes)).toEqual([]);
    for (const product of products)
      expect(product.barcodes.filter((barcode) => barcode.isPrimary)).toHaveLength(1);
  });

  it("sells weighed products by PLU or by a variable-measure label the store's nomenclature reads", () => {
    const weighed = products.filter((product) => product.unitOfSale === "WEIGHT");
    expect(weighed.length).toBeGreaterThan(60);
    const kinds = new Set<string>();
    for (const product of weighed) {
      const [barcode] = product.barcodes;
      expect(product.barcodes, product.sku).toHaveLength(1);
      if (barcode?.kind === "PLU") {
        expect(product.department).toBe("PRODUCE");
        expect(classifyScan(barcode.code, defaultNomenclature)).toMatchObject({
          kind: "plu",
          plu: barcode.code,
        });
        kinds.add("plu");
        continue;
      }
      expect(barcode?.kind, product.sku).toBe("VARIABLE_MEASURE");
      const itemReference = barcode?.code ?? "";
      const embedsWeight =
        (product.department === "MEAT" && product.categoryCode !== "MEAT-DELI") ||
        product.department === "SEAFOOD";
      const label = embedsWeight
        ? buildVariableMeasureBarcode({ itemReference, weightG: 523_000 }, defaultNomenclature)
        : buildVariableMeasureBarcode({ itemReference, priceMinor: 2_590 }, defaultNomenclature);
      const scan = classifyScan(label, defaultNomenclature);
      expect(scan.kind).toBe("variable");
      if (scan.kind !== "variable") continue;
      expect(scan.label.itemReference).toBe(itemReference);
      expect(scan.label.kind).toBe(embedsWeight ? "weight" : "price");
      kinds.add(scan.label.kind);
    }
    expect([...kinds].sort()).toEqual(["plu", "price", "weight"]);
    expect(
      products.some((product) => product.department === "PRODUCE" && product.unitOfSale === "EACH"),
    ).toBe(true);
    expect(products.some((product) => product.barcodes.some((barcode) => barcode.code === "4011"))).toBe(
      true,
    );
  });

  it("restricts alcohol to buyers of 18 and nothing else", () => {
    for (const product of products) {
      expect(product.minimumAge, product.sku).toBe(product.department === "ALCOHOL" ? 18 : null);
    }
  });

  it("taxes agricultural products at 9 % and the rest at 13 %", () => {
    const rate = new Map(CATEGORIES.map((category) => [category.code, category.taxRateBp]));
    expect(rate.get("PRODUCE-FRUIT")).toBe(900);
    expect(rate.get("MEAT-PORK")).toBe(900);
    expect(rate.get("PANTRY-RICE-FLOUR")).toBe(900);
    expect(rate.get("SNACKS-CHIPS")).toBe(1300);
    expect(rate.get("ALCOHOL-SPIRITS")).toBe(1300);
    expect(new Set(rate.values())).toEqual(new Set([900, 1300]));
  });

  it("prices in whole fen and gives pieces a weight and tolerance for the bagging scale", () => {
    for (const product of products) {
      expect(Number.isSafeInteger(product.priceMinor) && product.priceMinor > 0, product.sku).toBe(true);
      if (product.unitOfSale === "WEIGHT") {
        expect(product.unitWeightG).toBeNull();
        continue;
      }
      const weight = Number(product.unitWeightG);
      expect(weight, product.sku).toBeGreaterThan(0);
      expect(Number(product.weightToleranceG)).toBeGreaterThanOrEqual(10);
      expect(product.notWeighable, product.sku).toBe(weight < 25 || weight > 10_000);
      expect(Number(product.contentAmount)).toBeGreaterThan(0);
      expect(["g", "ml", "pcs"]).toContain(product.contentUnit);
    }
    expect(products.some((product) => product.notWeighable)).toBe(true);
  });

  it("lays out a serpentine walk from produce to the checkouts with unique shelf codes", () => {
    const { locations } = plan;
    expect(duplicates(locations.map((location) => location.code))).toEqual([]);
    const walk = locations.map((location) => location.walkSequence);
    expect(walk).toEqual([...walk].sort((a, b) => a - b));
    expect(duplicates(walk.map(String))).toEqual([]);
    const sellable = locations.filter((location) => location.sellable);
    const zoneOrder = [...new Set(sellable.map((location) => location.zone))];
    expect(zoneOrder).toEqual(["produce", "bakery", "grocery", "alcohol", "chilled", "frozen", "checkout"]);
    const aisleOrder = [...new Set(sellable.filter((l) => l.zone === "grocery").map((l) => l.aisle))];
    expect(aisleOrder).toEqual(["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]);
    for (let index = 1; index < sellable.length; index++) {
      const [a, b] = [sellable[index - 1], sellable[index]];
      if (!a || !b) continue;
      expect(Math.hypot(b.x - a.x, b.y - a.y), `${a.code} -> ${b.code}`).toBeLessThan(12);
    }
    expect(locations.find((location) => location.code === "A3-2-1")).toMatchObject({
      aisle: "A3",
      bay: 2,
      shelf: 1,
    });
    const notSellable = locations.filter((location) => !location.sellable).map((location) => location.kind);
    expect(new Set(notSellable)).toEqual(new Set(["BACKROOM", "RECEIVING", "PACKING"]));
  });

  it("gives every product one home shelf in a zone that fits it, and books stock as exact decimals", () => {
    const locationById = new Map(plan.locations.map((location) => [location.id, location]));
    const productById = new Map(products.map((product) => [product.id, product]));
    const homes = plan.stock.filter((row) => row.isHome);
    expect(homes).toHaveLength(products.length);
    expect(duplicates(homes.map((row) => row.productId))).toEqual([]);
    for (const row of plan.stock) {
      const location = locationById.get(row.locationId);
      const product = productById.get(row.productId);
      expect(location && product).toBeTruthy();
      if (!location || !product) continue;
      expect(row.onHand).toMatch(/^\d+(\.\d{1,3})?$/);
      if (product.unitOfSale === "EACH") expect(row.onHand, product.sku).toMatch(/^\d+$/);
      if (row.isHome) {
        expect(location.zone, product.sku).toBe(homeZoneOf(product).zone);
        expect(location.sellable).toBe(true);
        if (product.temperatureZone === "FROZEN") expect(location.zone).toBe("frozen");
      } else {
        expect(location.kind).toBe("BACKROOM");
      }
    }
    expect(plan.stock.some((row) => row.onHand.includes("."))).toBe(true);
    expect(plan.stock.some((row) => !row.isHome)).toBe(true);
  });

  it("runs a 3-for-2, a 2-for-¥10, a percent off a category and a meal deal", () => {
    const byId = new Map(products.map((product) => [product.id, product]));
    const kinds = plan.promotions.map((promotion) => promotion.kind).sort();
    expect(kinds).toEqual(["BUNDLE", "FIXED_PRICE", "MULTI_BUY", "PERCENT_OFF"]);
    for (const promotion of plan.promotions) {
      expect(promotion.items.length).toBeGreaterThan(0);
      for (const item of promotion.items) expect(byId.has(item.productId)).toBe(true);
    }
    const multiBuy = plan.promotions.find((promotion) => promotion.kind === "MULTI_BUY");
    expect(multiBuy).toMatchObject({ buyQuantity: 3, payQuantity: 2 });
    const fixed = plan.promotions.find((promotion) => promotion.kind === "FIXED_PRICE");
    expect(fixed).toMatchObject({ buyQuantity: 2, priceMinor: 1000 });
    for (const item of fixed?.items ?? []) expect(byId.get(item.productId)?.priceMinor).toBeGreaterThan(500);
    const percent = plan.promotions.find((promotion) => promotion.kind === "PERCENT_OFF");
    const category = new Set(percent?.items.map((item) => byId.get(item.productId)?.categoryCode));
    expect(category.size).toBe(1);
    expect(percent?.items).toHaveLength(
      products.filter((product) => category.has(product.categoryCode)).length,
    );
    const bundle = plan.promotions.find((promotion) => promotion.kind === "BUNDLE");
    const bundleSum = (bundle?.items ?? []).reduce(
      (sum, item) => sum + (byId.get(item.productId)?.priceMinor ?? 0),
      0,
    );
    expect(bundle?.priceMinor).toBeLessThan(bundleSum);
  });

  it("prices carts with the seeded promotions through the domain's pricing engine", () => {
    const byId = new Map(products.map((product) => [product.id, product]));
    const taxOf = new Map(CATEGORIES.map((category) => [category.code, category.taxRateBp]));
    const line = (productId: string, count: number, lineId: string) => {
      const product = byId.get(productId);
      if (!product) throw new Error(`unknown product ${productId}`);
      return {
        lineId,
        productId,
        unitOfSale: product.unitOfSale,
        quantityMilli: count * 1000,
        unitPriceMinor: product.priceMinor,
        taxRateBp: taxOf.get(product.categoryCode) ?? 0,
      };
    };
    const promotions = plan.promotions.map((promotion) => promotionSchema.parse(promotion));
    const promotion = (kind: string) => {
      const found = plan.promotions.find((candidate) => candidate.kind === kind);
      if (!found?.items[0]) throw new Error(`no ${kind} promotion`);
      return found;
    };

    const yogurt = promotion("MULTI_BUY").items[0]?.productId ?? "";
    const threeForTwo = priceCart({ lines: [line(yogurt, 3, "y")], promotions });
    expect(threeForTwo.totalMinor).toBe(2 * (byId.get(yogurt)?.priceMinor ?? 0));

    const [chipsA, chipsB] = promotion("FIXED_PRICE").items;
    const twoForTen = priceCart({
      lines: [
        line(chipsA?.productId ?? "", 1, "a"),
        line(chipsB?.productId ?? chipsA?.productId ?? "", 1, "b"),
      ],
      promotions,
    });
    expect(twoForTen.totalMinor).toBe(1000);

    const deal = promotion("BUNDLE");
    const mealDeal = priceCart({
      lines: deal.items.map((item, index) => line(item.productId, 1, `m${index}`)),
      promotions,
    });
    expect(mealDeal.totalMinor).toBe(deal.priceMinor);
  });

  it("issues demo tokens stored as SHA-256 hex with an 8-character prefix, and a scrypt-hashed PIN", async () => {
    const { tokens, credentials, users, devices } = plan.people;
    const byRole = (role: string) => tokens.filter((token) => token.role === role);
    for (const role of ["MANAGER", "KIOSK", "PICKER", "BRIDGE", "CHANNEL"])
      expect(byRole(role).length).toBeGreaterThan(0);
    const plaintext = [
      credentials.manager,
      credentials.kiosk,
      credentials.kiosk2,
      credentials.kiosk3,
      credentials.kiosk4,
      credentials.picker,
      credentials.picker2,
      credentials.bridge,
      credentials.channel,
    ];
    expect(plaintext).toHaveLength(tokens.length);
    for (const token of plaintext) {
      const row = tokens.find(
        (candidate) => candidate.tokenHash === createHash("sha256").update(token).digest("hex"),
      );
      expect(row, token).toBeDefined();
      expect(row?.prefix).toBe(token.slice(0, 8));
      expect(token).toMatch(/^demo-[a-z]+(-\d)?-[0-9a-f]{32}$/);
    }
    expect(credentials.manager).toMatch(/^demo-manager-/);
    expect(demoCredentials(plan.store.code)).toEqual(credentials);
    expect(demoCredentials("BJ-002").manager).not.toBe(credentials.manager);
    const attendant = users.find((user) => user.role === "ATTENDANT");
    expect(attendant?.badgeCode).toBe(credentials.attendantBadge);
    expect(attendant?.pinHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPin(credentials.attendantPin, attendant?.pinHash ?? "")).toBe(true);
    expect(await verifyPin("0000", attendant?.pinHash ?? "")).toBe(false);
    expect(devices.map((device) => device.kind).sort()).toEqual([
      "BRIDGE",
      "HANDHELD",
      "HANDHELD",
      "KIOSK",
      "KIOSK",
      "KIOSK",
      "KIOSK",
    ]);
  });

  it("binds a scanner and two scales to each kiosk and a scanner to each handheld", () => {
    const hosts = plan.people.devices.filter(
      (device) => device.kind === "KIOSK" || device.kind === "HANDHELD",
    );
    for (const host of hosts) {
      const bound = plan.devices
        .filter((device) => device.boundToId === host.id)
        .map((device) => device.model);
      expect(bound.sort(), host.name).toEqual(
        host.kind === "KIOSK"
          ? ["bagging-scale-15kg", "produce-scale-6kg", "zebra-ds9308"]
          : ["zebra-ds2278"],
      );
      for (const device of plan.devices.filter((each) => each.boundToId === host.id)) {
        expect(device.locationId).toBe(host.locationId);
      }
    }
  });

  it("puts shelf sensors under counted products and labels on their facings, all at the product's home", () => {
    const byId = new Map(products.map((product) => [product.id, product]));
    const sensors = plan.devices.filter((device) => device.kind === "SHELF_SENSOR");
    const labels = plan.devices.filter((device) => device.kind === "SHELF_LABEL");
    expect(sensors).toHaveLength(24);
    expect(labels).toHaveLength(48);
    for (const device of [...sensors, ...labels]) {
      const product = byId.get(device.productId ?? "");
      expect(product, device.name).toBeDefined();
      expect(device.locationId).toBe(plan.homes.get(product?.id ?? "")?.id);
    }
    for (const sensor of sensors) {
      const product = byId.get(sensor.productId ?? "");
      expect(product?.unitOfSale).toBe("EACH");
      expect(Number(product?.unitWeightG)).toBeGreaterThan(0);
    }
    const labelled = new Set(labels.map((label) => label.productId));
    expect(labelled.size).toBe(48);
    expect(sensors.every((sensor) => labelled.has(sensor.productId))).toBe(true);
    const models = labels.map((label) => label.model);
    expect(models.filter((model) => model === "esl-4.2-bwr").length).toBeGreaterThan(0);
    expect(models.filter((model) => model === "esl-2.13-bwr").length).toBeGreaterThan(models.length / 2);
    const promoted = new Set(
      plan.promotions.flatMap((promotion) => promotion.items.map((item) => item.productId)),
    );
    for (const label of labels)
      expect(label.model === "esl-4.2-bwr").toBe(promoted.has(label.productId ?? ""));
  });

  it("gives every demo device but the bridge a known model and a deterministic MQTT password stored as a $7$ hash", () => {
    const devices = demoDevices(plan);
    expect(devices).toHaveLength(plan.people.devices.length - 1 + plan.devices.length);
    expect(new Set(devices.map((device) => device.id)).size).toBe(devices.length);
    const rows = new Map([...plan.people.devices, ...plan.devices].map((device) => [device.id, device]));
    for (const device of devices) {
      expect(deviceDefinitions.get(device.model)?.kind, device.model).toBe(device.kind);
      const row = rows.get(device.id);
      expect(row?.mqttUsername).toBe(device.id);
      expect(device.password).toBe(demoDevicePassword("SH-001", device.key));
      expect(device.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    const [first] = devices;
    expect(verifyDevicePassword(first?.password ?? "", rows.get(first?.id ?? "")?.credentialHash ?? "")).toBe(
      true,
    );
    expect(
      verifyDevicePassword(devices[1]?.password ?? "", rows.get(first?.id ?? "")?.credentialHash ?? ""),
    ).toBe(false);
    const sensor = devices.find((device) => device.kind === "SHELF_SENSOR");
    expect(sensor).toMatchObject({
      productSku: expect.any(String) as unknown,
      unitWeightG: expect.any(String) as unknown,
      hostId: null,
    });
    expect(sensor?.locationCode).toMatch(/^[A-Z]+\d?-\d+-\d+$/);
    const scanner = devices.find((device) => device.key === "kiosk-1-scanner");
    expect(scanner).toMatchObject({
      model: "zebra-ds9308",
      locationCode: "CO-1-1",
      hostId: rows.get(scanner?.hostId ?? "")?.id,
    });
    expect(rows.get(scanner?.hostId ?? "")?.key).toBe("kiosk-1");
    expect(plan.people.devices.find((device) => device.kind === "BRIDGE")?.credentialHash).toBeNull();
    expect(demoBridgeMqttCredentials("SH-001")).toEqual({
      username: "bridge",
      password: demoDevicePassword("SH-001", "bridge"),
    });
    expect(demoBridgeMqttCredentials("BJ-002").password).not.toBe(
      demoBridgeMqttCredentials("SH-001").password,
    );
  });

  it("places the store in Shanghai with the GS1 nomenclature the domain defines", () => {
    expect(plan.store).toMatchObject({
      code: "SH-001",
      currency: "CNY",
      locale: "zh-CN",
      deliveryRadiusM: 3000,
      deliveryPromiseMin: 30,
    });
    expect(plan.store.nomenclature).toBe(defaultNomenclature);
    const peoplesSquare = { latitude: 31.2304, longitude: 121.4737 };
    expect(distanceMeters(plan.store, peoplesSquare)).toBeLessThan(5000);
  });

  it("refuses options it cannot honour", () => {
    expect(() => planDemoStore({ productCount: FAMILY_COUNT - 1 })).toThrow(/productCount/);
    expect(() => planDemoStore({ productCount: catalogCapacity() + 1 })).toThrow(/exceeds/);
    expect(() => planDemoStore({ productCount: 600.5 })).toThrow(/productCount/);
    expect(() => planDemoStore({ baseTime: new Date("not a date") })).toThrow(/baseTime/);
  });
});

describe("large catalogs", () => {
  it("stay valid at 20,000 products: unique SKUs, names and barcodes", () => {
    const large = planDemoStore({ productCount: 20_000 }).catalog.products;
    expect(large).toHaveLength(20_000);
    expect(duplicates(large.map((product) => product.sku))).toEqual([]);
    expect(duplicates(large.map((product) => `${product.brand}/${product.nameEn}`))).toEqual([]);
    const codes = large.flatMap((product) =>
      product.barcodes.map((barcode) => `${barcode.kind}:${barcode.code}`),
    );
    expect(duplicates(codes)).toEqual([]);
    for (const product of large) {
      for (const barcode of product.barcodes) {
        if (barcode.kind === "GTIN") expect(isValidGtin(barcode.code)).toBe(true);
      }
    }
  });
});
