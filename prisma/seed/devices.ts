import type { ProductSeed } from "./catalog";
import { demoDevicePassword } from "./credentials";
import type { LocationSeed } from "./layout";
import { deviceSeed, type DeviceSeed } from "./people";
import type { PromotionSeed } from "./promotions";

/** Shelf sensors and labels of the demo store. */
export const SHELF_SENSOR_COUNT = 24;
export const SHELF_LABEL_COUNT = 48;
/** Of the labels, at most this many are the large promotion model. */
const PROMOTION_LABEL_COUNT = 8;
/** A 30 kg load cell under one facing: products heavier than this per unit are left to people. */
const SENSOR_MAX_UNIT_WEIGHT_G = 2000;

/** `count` items spread evenly over `items` (all of them when there are fewer). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from(
    { length: count },
    (_, index) => items[Math.floor(((index + 0.5) * items.length) / count)] as T,
  );
}

/**
 * The devices around the kiosks, handhelds and shelves: at each kiosk a presentation scanner, a
 * bagging scale and a produce scale bound to it; a cordless scanner bound to each handheld;
 * shelf sensors under facings of products sold by the piece that have a unit weight (so the
 * weight becomes a count); shelf labels on those facings and others along the walk, the large
 * model where a promotion runs. Picked in walk order, spread over the whole store.
 */
export function planShelfAndHostedDevices(
  storeCode: string,
  hosts: readonly DeviceSeed[],
  catalog: {
    products: readonly ProductSeed[];
    homes: ReadonlyMap<string, LocationSeed>;
    promotions: readonly PromotionSeed[];
  },
): DeviceSeed[] {
  const devices: DeviceSeed[] = [];
  const hosted = (
    host: DeviceSeed,
    suffix: string,
    kind: DeviceSeed["kind"],
    model: string,
    name: string,
    firmware: string,
  ) =>
    deviceSeed(storeCode, {
      key: `${host.key}-${suffix}`,
      kind,
      model,
      name: `${host.name} ${name}`,
      locationId: host.locationId,
      boundToId: host.id,
      firmware,
    });
  for (const host of hosts) {
    if (host.kind === "KIOSK") {
      devices.push(
        hosted(host, "scanner", "SCANNER", "zebra-ds9308", "scanner", "3.2.0"),
        hosted(host, "bagging-scale", "BAGGING_SCALE", "bagging-scale-15kg", "bagging scale", "1.4.2"),
        hosted(host, "produce-scale", "SCALE", "produce-scale-6kg", "produce scale", "1.1.0"),
      );
    } else if (host.kind === "HANDHELD") {
      devices.push(hosted(host, "scanner", "SCANNER", "zebra-ds2278", "scanner", "2.1.4"));
    }
  }

  const { products, homes, promotions } = catalog;
  const homeOf = (product: ProductSeed): LocationSeed => {
    const home = homes.get(product.id);
    if (!home) throw new Error(`Product ${product.sku} has no home location`);
    return home;
  };
  const inWalkOrder = [...products].sort(
    (a, b) => homeOf(a).walkSequence - homeOf(b).walkSequence || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0),
  );
  const sensed = spread(
    inWalkOrder.filter(
      (product) =>
        product.unitOfSale === "EACH" &&
        product.unitWeightG !== null &&
        !product.notWeighable &&
        Number(product.unitWeightG) <= SENSOR_MAX_UNIT_WEIGHT_G,
    ),
    SHELF_SENSOR_COUNT,
  );
  const promoted = new Set(promotions.flatMap((promotion) => promotion.items.map((item) => item.productId)));
  const labelled = new Set(sensed.map((product) => product.id));
  for (const product of spread(
    inWalkOrder.filter((each) => promoted.has(each.id) && !labelled.has(each.id)),
    PROMOTION_LABEL_COUNT,
  )) {
    labelled.add(product.id);
  }
  const others = inWalkOrder.filter((product) => !labelled.has(product.id));
  for (const product of spread(others, SHELF_LABEL_COUNT - labelled.size)) labelled.add(product.id);

  const number = (index: number) => String(index + 1).padStart(2, "0");
  sensed.forEach((product, index) => {
    const home = homeOf(product);
    devices.push(
      deviceSeed(storeCode, {
        key: `shelf-sensor-${number(index)}`,
        kind: "SHELF_SENSOR",
        model: "hx711-shelf-30kg",
        name: `Shelf sensor ${home.code} ${product.sku}`,
        locationId: home.id,
        productId: product.id,
        firmware: "0.9.3",
      }),
    );
  });
  inWalkOrder
    .filter((product) => labelled.has(product.id))
    .forEach((product, index) => {
      const home = homeOf(product);
      devices.push(
        deviceSeed(storeCode, {
          key: `shelf-label-${number(index)}`,
          kind: "SHELF_LABEL",
          model: promoted.has(product.id) ? "esl-4.2-bwr" : "esl-2.13-bwr",
          name: `Shelf label ${home.code} ${product.sku}`,
          locationId: home.id,
          productId: product.id,
          firmware: "5.0.1",
        }),
      );
    });
  return devices;
}

/** What the simulator needs to play one demo device over MQTT. */
export type DemoDevice = {
  id: string;
  key: string;
  kind: DeviceSeed["kind"];
  model: string;
  name: string;
  /** MQTT login: username = id, this password. */
  password: string;
  locationCode: string | null;
  productId: string | null;
  productSku: string | null;
  /** Grams per unit of the product a shelf sensor weighs (decimal text). */
  unitWeightG: string | null;
  /** The kiosk or handheld a scanner or scale is bound to. */
  hostId: string | null;
};

/**
 * Every demo device with a broker login (all but the bridge), with its plaintext demo password:
 * kiosks and handhelds, their scanners and scales, shelf sensors and labels.
 */
export function demoDevicesOf(
  storeCode: string,
  devices: readonly DeviceSeed[],
  locations: readonly LocationSeed[],
  products: readonly ProductSeed[],
): DemoDevice[] {
  const codeOf = new Map(locations.map((location) => [location.id, location.code]));
  const productOf = new Map(products.map((product) => [product.id, product]));
  return devices
    .filter((device) => device.credentialHash !== null)
    .map((device) => {
      const product = device.productId === null ? undefined : productOf.get(device.productId);
      return {
        id: device.id,
        key: device.key,
        kind: device.kind,
        model: device.model,
        name: device.name,
        password: demoDevicePassword(storeCode, device.key),
        locationCode: device.locationId === null ? null : (codeOf.get(device.locationId) ?? null),
        productId: product?.id ?? null,
        productSku: product?.sku ?? null,
        unitWeightG: product?.unitWeightG ?? null,
        hostId: device.boundToId,
      };
    });
}
