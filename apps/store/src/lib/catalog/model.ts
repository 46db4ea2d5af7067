import type { AppRouter } from "@store/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
type CatalogOutputs = Outputs["catalog"];
type CatalogInputs = inferRouterInputs<AppRouter>["catalog"];

/** One product as the catalog shows it, exactly as the service sends it. */
export type CatalogItem = CatalogOutputs["search"]["items"][number];
export type CatalogPage = CatalogOutputs["search"];
export type CatalogSearchInput = CatalogInputs["search"];

/** A product page's data: the item plus barcodes, category, content and stock per location. */
export type ProductDetail = CatalogOutputs["product"]["product"];

export type StoreInfo = Outputs["store"]["info"];

/** Results per page, for the server's first page and the browser's "Show more" alike. */
export const catalogPageSize = 24;
