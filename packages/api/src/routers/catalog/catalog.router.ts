import { tracked } from "@trpc/server";
import { createTRPCRouter, publicProcedure } from "../../trpc";
import { lookupInput, searchInput, watchAvailabilityInput } from "./catalog.schema";

export const catalogRouter = createTRPCRouter({
  search: publicProcedure
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.catalog.search(ctx.storeId, input)),

  lookup: publicProcedure
    .input(lookupInput)
    .query(({ ctx, input }) => ctx.services.catalog.lookup(ctx.storeId, input.code)),

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
