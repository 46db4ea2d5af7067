import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import {
  batchInput,
  claimInput,
  claimNextInput,
  handoffInput,
  lineInput,
  packInput,
  scanInput,
  stageInput,
  toteInput,
} from "./picking.schema";

/** The picker's handheld: the queue, claims, the walk, scans, short picks, packing and hand-off. */
export const pickingRouter = createTRPCRouter({
  /** Orders waiting or being picked, most urgent first. */
  queue: roleProcedure("PICKER", "MANAGER")
    .input(z.object({}).optional())
    .query(({ ctx }) => ctx.services.picking.queue(ctx.actor)),

  /** Claims the orders that are still free, as one batch with a planned walk; two pickers never share an order. */
  claim: roleProcedure("PICKER")
    .input(claimInput)
    .mutation(({ ctx, input }) => ctx.services.picking.claim(ctx.actor, input)),

  claimNext: roleProcedure("PICKER")
    .input(claimNextInput)
    .mutation(({ ctx, input }) => ctx.services.picking.claimNext(ctx.actor, input)),

  /** The caller's open batch, if any (a handheld resuming after a reload). */
  current: roleProcedure("PICKER")
    .input(z.object({}).optional())
    .query(({ ctx }) => ctx.services.picking.current(ctx.actor)),

  batch: roleProcedure("PICKER", "MANAGER")
    .input(batchInput)
    .query(({ ctx, input }) => ctx.services.picking.batch(ctx.actor, input.batchId)),

  heartbeat: roleProcedure("PICKER")
    .input(batchInput)
    .mutation(({ ctx, input }) => ctx.services.picking.heartbeat(ctx.actor, input.batchId)),

  release: roleProcedure("PICKER")
    .input(batchInput)
    .mutation(({ ctx, input }) => ctx.services.picking.release(ctx.actor, input.batchId)),

  /** Claims whose handhelds went quiet, back to the queue now (the service host also does it on a timer). */
  releaseLapsedClaims: roleProcedure("MANAGER")
    .input(z.object({}).optional())
    .mutation(({ ctx }) => ctx.services.picking.releaseLapsedClaims(ctx.actor)),

  /** A scan to confirm a pick: the wrong product, too many or too heavy is refused and changes nothing. */
  scan: roleProcedure("PICKER")
    .input(scanInput)
    .mutation(({ ctx, input }) => ctx.services.picking.scan(ctx.actor, input)),

  substitutes: roleProcedure("PICKER", "MANAGER")
    .input(lineInput)
    .query(({ ctx, input }) => ctx.services.picking.substitutes(ctx.actor, input)),

  /** The rest of the line cannot be picked: refunded, its reservation released. */
  short: roleProcedure("PICKER")
    .input(lineInput)
    .mutation(({ ctx, input }) => ctx.services.picking.short(ctx.actor, input)),

  pack: roleProcedure("PICKER")
    .input(packInput)
    .mutation(({ ctx, input }) => ctx.services.picking.pack(ctx.actor, input)),

  stage: roleProcedure("PICKER", "MANAGER")
    .input(stageInput)
    .mutation(({ ctx, input }) => ctx.services.picking.stage(ctx.actor, input)),

  /** The courier takes whole orders; the picked total is captured (where the store captures at hand-off). */
  handoff: roleProcedure("PICKER", "MANAGER")
    .input(handoffInput)
    .mutation(({ ctx, input }) => ctx.services.picking.handoff(ctx.actor, input)),

  tote: roleProcedure("PICKER", "MANAGER")
    .input(toteInput)
    .query(({ ctx, input }) => ctx.services.picking.tote(ctx.actor, input.code)),
});
