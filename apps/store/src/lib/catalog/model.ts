import type { AppRouter } from "@store/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type CatalogOutputs = inferRouterOutputs<AppRouter>["catalog"];
type CatalogInputs = inferRouterInputs<AppRouter>["catalog"];

/** One product as the catalog shows it, exactly as the service sends it. */
export type CatalogItem = CatalogOutputs["search"]["items"][number];
export type CatalogPage = CatalogOutputs["search"];
export type CatalogSearchInput = CatalogInputs["search"];

/** Results per page, for the server's first page and the browser's "Show more" alike. */
export const catalogPageSize = 24;
