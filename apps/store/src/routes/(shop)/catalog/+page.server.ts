import { catalogPageSize } from "$lib/catalog/model";
import { inventory, loadFromInventory } from "$lib/server/inventory";
import type { PageServerLoad } from "./$types";

export const load = (async ({ url, fetch }) => {
  const query = url.searchParams.get("q")?.trim() ?? "";
  const page = await loadFromInventory(() =>
    inventory(fetch).catalog.search.query({ query, limit: catalogPageSize }),
  );
  return { query, page };
}) satisfies PageServerLoad;
