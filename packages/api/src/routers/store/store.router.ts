import { createTRPCRouter, publicProcedure } from "../../trpc";

export const storeRouter = createTRPCRouter({
  /** The caller's store (anonymous callers: this node's store) as the shopper-facing apps show it. */
  info: publicProcedure.query(({ ctx }) => ctx.services.stores.info(ctx.storeId)),
});
