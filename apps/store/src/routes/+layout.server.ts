import { inventory } from "$lib/server/inventory";
import { StoreInfoCache } from "$lib/server/store-info";
import type { LayoutServerLoad } from "./$types";

// One for the app server: the store's settings are the same for every shopper.
const storeInfo = new StoreInfoCache(() => inventory(fetch).store.info.query());

export const load = (async ({ locals }) => ({
  locale: locals.locale,
  /** Null while the inventory service has never answered: pages then name no store. */
  store: await storeInfo.get(),
})) satisfies LayoutServerLoad;
