import { error } from "@sveltejs/kit";
import { z } from "zod";
import { inventory, loadFromInventory } from "$lib/server/inventory";
import type { PageServerLoad } from "./$types";

const skuSchema = z.string().trim().min(1).max(64);

export const load = (async ({ params, fetch }) => {
  const notFound = { message: `No product has SKU '${params.sku}'`, code: "PRODUCT_NOT_FOUND" } as const;
  const sku = skuSchema.safeParse(params.sku);
  if (!sku.success) error(404, notFound);
  // The catalog finds products by SKU among other things; the page is for exactly this one.
  const { items } = await loadFromInventory(() =>
    inventory(fetch).catalog.search.query({ query: sku.data, limit: 100 }),
  );
  const product = items.find((item) => item.sku.toLowerCase() === sku.data.toLowerCase());
  if (!product) error(404, notFound);
  return { product };
}) satisfies PageServerLoad;
