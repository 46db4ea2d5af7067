import { createTRPCRouter, roleProcedure } from "../../trpc";
import { setPriceInput } from "./prices.schema";

export const pricesRouter = createTRPCRouter({
  /** A new price for every channel and the shelf label, announced as a `price.changed` event. */
  set: roleProcedure("MANAGER")
    .input(setPriceInput)
    .mutation(({ ctx, input }) => ctx.services.prices.set(ctx.actor, input)),
});
