import { tracked } from "@trpc/server";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import { subscribeInput } from "./events.schema";

export const eventsRouter = createTRPCRouter({
  /**
   * Stock, price, order, sale and device events of the caller's store, each tracked by its id so
   * a client that reconnects resumes after the last one it saw.
   */
  subscribe: roleProcedure("MANAGER", "BRIDGE", "KIOSK", "PICKER", "ATTENDANT")
    .input(subscribeInput)
    .subscription(async function* ({ ctx, input, signal }) {
        const events = ctx.services.events.subscribe(ctx.actor.storeId, {
        types: input.types,
        lastEventId: input.lastEventId,
        signal,
      });
      for await (const event of events) {
        yield tracked(event.id, {
          id: event.id,
          type: event.type,
          subject: event.subject,
          payload: event.payload,
          createdAt: event.createdAt,
        });
      }
    }),
});
