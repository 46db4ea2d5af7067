import { createTRPCRouter, roleProcedure } from "../../trpc";
import { commitInput, quoteInput } from "./checkout.schema";

export const checkoutRouter = createTRPCRouter({
  /** Prices a cart from the price book and promotions, writing nothing. */
  quote: roleProcedure("KIOSK", "ATTENDANT")
    .input(quoteInput)
    .query(({ ctx, input }) => ctx.services.checkout.quote(ctx.actor, input.lines)),

  /** Commits the sale once per idempotency key: stock, ledger, payment and events together. */
  commit: roleProcedure("KIOSK")
    .input(commitInput)
    .mutation(({ ctx, input }) => ctx.services.checkout.commit(ctx.actor, input)),
});
