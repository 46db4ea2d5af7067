import { error } from "@sveltejs/kit";
import { z } from "zod";
import { inventory, loadFromInventory } from "$lib/server/inventory";
import type { PageServerLoad } from "./$types";

const skuSchema = z.string().trim().min(1).max(64);

export const load = (async ({ params, fetch }) => {
  const notFound = { message: `No product has SKU '${params.sku}'`, code: "PRODUCT_NOT_FOUND" } as const;
  const sku = skuSchema.safeParse(params.sku);
  if (!sku.success) error(404, notFound);
  const { product, lastEventId } = await loadFromInventory(
    () => inventory(fetch).catalog.product.query({ sku: sku.data }),
    notFound,
  );
  return { product, lastEventId };
}) satisfies PageServerLoad;
