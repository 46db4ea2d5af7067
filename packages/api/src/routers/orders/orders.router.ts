import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import {
  cancelInput,
  confirmDeliveryInput,
  getInput,
  listInput,
  placeInput,
  setConfigInput,
} from "./orders.schema";

export const ordersRouter = createTRPCRouter({
  /** The delivery radius and promise, the authorization margin on weighed lines, when payments are captured, the claim timeout. */
  config: roleProcedure("MANAGER", "CHANNEL", "PICKER")
    .input(z.object({}).optional())
    .query(({ ctx }) => ctx.services.orders.config(ctx.actor)),

  setConfig: roleProcedure("MANAGER")
    .input(setConfigInput)
    .mutation(({ ctx, input }) => ctx.services.orders.setConfig(ctx.actor, input)),

  /** Reserves every line from the shared pool at once, or nothing. */
  place: roleProcedure("CHANNEL", "MANAGER")
    .input(placeInput)
    .mutation(({ ctx, input }) => ctx.services.orders.place(ctx.actor, input)),

  /** Cancels an order not yet being picked and gives its reserved stock back. */
  cancel: roleProcedure("CHANNEL", "MANAGER")
    .input(cancelInput)
    .mutation(({ ctx, input }) => ctx.services.orders.cancel(ctx.actor, input)),

  /** The courier delivered it: DELIVERED, and the payment captured now if the store captures on delivery. */
  confirmDelivery: roleProcedure("CHANNEL", "MANAGER")
    .input(confirmDeliveryInput)
    .mutation(({ ctx, input }) => ctx.services.orders.confirmDelivery(ctx.actor, input.orderId)),

  /** Expires reservations past their time now (the service host also does it on a timer). */
  expireReservations: roleProcedure("MANAGER")
    .input(z.object({}).optional())
    .mutation(({ ctx }) => ctx.services.orders.expireReservations(ctx.actor)),

  get: roleProcedure("MANAGER", "PICKER", "CHANNEL")
    .input(getInput)
    .query(({ ctx, input }) => ctx.services.orders.get(ctx.actor, input.orderId)),

  list: roleProcedure("MANAGER", "PICKER", "CHANNEL")
    .input(listInput)
    .query(({ ctx, input }) => ctx.services.orders.list(ctx.actor, input)),
});
