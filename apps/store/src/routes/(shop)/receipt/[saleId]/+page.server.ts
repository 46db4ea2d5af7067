import { error } from "@sveltejs/kit";
import { z } from "zod";
import { inventory, loadFromInventory } from "$lib/server/inventory";
import type { PageServerLoad } from "./$types";

const notFound = { message: "No receipt has this number", code: "NOT_FOUND" } as const;

/** Anyone with the link sees the receipt: the sale's random id in it is the key. */
export const load = (async ({ params, fetch, url }) => {
  const saleId = z.uuid().safeParse(params.saleId);
  if (!saleId.success) error(404, notFound);
  const receipt = await loadFromInventory(
    () => inventory(fetch).checkout.receipt.query({ saleId: saleId.data }),
    notFound,
  );
  return { receipt, autoPrint: url.searchParams.has("print") };
}) satisfies PageServerLoad;
