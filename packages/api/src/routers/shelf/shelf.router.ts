import { createTRPCRouter, roleProcedure } from "../../trpc";
import { truthInput } from "./shelf.schema";

export const shelfRouter = createTRPCRouter({
  truth: roleProcedure("MANAGER")
    .input(truthInput)
    .query(({ ctx, input }) => ctx.services.replenishment.shelfTruth(ctx.actor, input)),
});
