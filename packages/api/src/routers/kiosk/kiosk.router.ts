import { createTRPCRouter, roleProcedure } from "../../trpc";
import { approveInput, endInput, setConfigInput } from "./kiosk.schema";

const kiosk = roleProcedure("KIOSK");

export const kioskRouter = createTRPCRouter({
  /** What a kiosk needs to know to run: languages, idle timeout, whether removals need approval. */
  config: roleProcedure("KIOSK", "ATTENDANT", "MANAGER").query(({ ctx }) =>
    ctx.services.kiosk.config(ctx.actor),
  ),

  /** Changes the store's kiosk settings (audit-logged). */
  setConfig: roleProcedure("MANAGER")
    .input(setConfigInput)
    .mutation(({ ctx, input }) => ctx.services.kiosk.setConfig(ctx.actor, input)),

  /** A new shopper session on this kiosk; a session still open on it is abandoned. */
  start: kiosk.mutation(({ ctx }) => ctx.services.kiosk.start(ctx.actor)),

  /** An attendant's approval (badge + PIN checked here) for an age check, bagging, removal or price. */
  approve: kiosk
    .input(approveInput)
    .mutation(({ ctx, input }) => ctx.services.kiosk.approve(ctx.actor, input)),

  /** Ends an unpaid session (idle timeout or the shopper cancelled); ending twice is harmless. */
  end: kiosk.input(endInput).mutation(({ ctx, input }) => ctx.services.kiosk.end(ctx.actor, input)),

  /** Loose produce for the PLU grid, by name. */
  produce: roleProcedure("KIOSK", "ATTENDANT").query(({ ctx }) => ctx.services.kiosk.produce(ctx.actor)),
});
