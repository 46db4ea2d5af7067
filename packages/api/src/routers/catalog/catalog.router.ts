import { tracked } from "@trpc/server";
import { readsAllStock } from "../../auth/actor";
import { createTRPCRouter, publicProcedure, roleProcedure } from "../../trpc";
import { importCsvInput, lookupInput, productInput, searchInput, watchAvailabilityInput } from "./catalog.schema";

export const catalogRouter = createTRPCRouter({
  search: publicProcedure
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.catalog.search(ctx.storeId, input)),

  /**
   * A product's page. Stock per location: shelves (sellable locations) are public, as a shopper
   * uses them to find the aisle; backroom, receiving and packing stock is for staff who read
   * stock anyway (MANAGER, PICKER, ATTENDANT). Anyone else gets the sellable scope, whose
   * totals are what the store can sell, and nothing about stock held off the floor.
   */
  product: publicProcedure
    .input(productInput)
    .query(({ ctx, input }) =>
      ctx.services.catalog.product(ctx.storeId, input, readsAllStock(ctx.actor) ? "all" : "sellable"),
    ),

  lookup: publicProcedure
    .input(lookupInput)
    .query(({ ctx, input }) => ctx.services.catalog.lookup(ctx.storeId, input.code)),

  /**
   * Products from a CSV file, all or nothing: a report of every row's errors, or every row
   * upserted by SKU in one transaction (prices from now, announced like prices.set's).
   * Progress: `catalog.import_progress` events with the report's importId.
   */
  importCsv: roleProcedure("MANAGER")
    .input(importCsvInput)
    .mutation(({ ctx, input }) => ctx.services.catalogCsv.importCsv(ctx.actor, input)),

  /** Every product as a CSV file in the import's columns (it imports back unchanged). */
  exportProducts: roleProcedure("MANAGER").query(({ ctx }) => ctx.services.catalogCsv.exportProducts(ctx.actor)),

  /** Sellable availability of products whenever their stock changes (resumable by event id). */
  watchAvailability: publicProcedure.input(watchAvailabilityInput).subscription(async function* ({ ctx, input, signal }) {
    const changes = ctx.services.events.watchAvailability(ctx.storeId, {
      productIds: input.productIds,
      lastEventId: input.lastEventId,
      signal,
    });
    for await (const change of changes) {
      yield tracked(change.eventId, {
        productId: change.productId,
        available: change.available,
        inStock: change.inStock,
      });
    }
  }),
});
