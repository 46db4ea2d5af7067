import { createTRPCRouter, publicProcedure, roleProcedure } from "../../trpc";
import { commitInput, payInput, quoteInput, receiptInput } from "./checkout.schema";

export const checkoutRouter = createTRPCRouter({
  /** Prices a cart from the price book and promotions, writing nothing. */
  quote: roleProcedure("KIOSK", "ATTENDANT")
    .input(quoteInput)
    .query(({ ctx, input }) => ctx.services.checkout.quote(ctx.actor, input.lines)),

  /**
   * Records a sale paid elsewhere, once per idempotency key: stock, ledger, payment and events
   * together. Age-restricted products are refused (no session, so no attendant's approval).
   */
  commit: roleProcedure("KIOSK")
    .input(commitInput)
    .mutation(({ ctx, input }) => ctx.services.checkout.commit(ctx.actor, input)),

  /**
   * Pays a kiosk session's cart at the payment provider and commits the sale exactly once per
   * idempotency key: APPROVED with the sale, or DECLINED with the provider's reason.
   */
  pay: roleProcedure("KIOSK")
    .input(payInput)
    .mutation(({ ctx, input }) => ctx.services.payments.pay(ctx.actor, input)),

  /** A sale's receipt; the sale's random id (in the receipt's QR code) is the key to it. */
  receipt: publicProcedure
    .input(receiptInput)
    .query(({ ctx, input }) => ctx.services.receipts.get(ctx.storeId, input.saleId)),
});
