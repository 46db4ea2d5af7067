import { stockReaderRoles } from "../../auth/actor";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import { cancelInput, completeInput, createInput, listInput } from "./replenishment.schema";

/** Staff on the floor: they see the tasks and do them. */
const staff = roleProcedure(...stockReaderRoles);
const manager = roleProcedure("MANAGER");

export const replenishmentRouter = createTRPCRouter({
  list: staff.input(listInput).query(({ ctx, input }) => ctx.services.replenishment.list(ctx.actor, input)),

  create: manager
    .input(createInput)
    .mutation(({ ctx, input }) => ctx.services.replenishment.create(ctx.actor, input)),

  complete: staff
    .input(completeInput)
    .mutation(({ ctx, input }) => ctx.services.replenishment.complete(ctx.actor, input)),

  cancel: manager
    .input(cancelInput)
    .mutation(({ ctx, input }) => ctx.services.replenishment.cancel(ctx.actor, input)),
});
