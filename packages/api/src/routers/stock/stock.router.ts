import { stockReaderRoles } from "../../auth/actor";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import {
  adjustInput,
  balancesInput,
  countInput,
  exportLedgerInput,
  ledgerInput,
  receiveInput,
  transferInput,
} from "./stock.schema";

const stockReader = roleProcedure(...stockReaderRoles);
const stockWriter = roleProcedure("MANAGER");

export const stockRouter = createTRPCRouter({
  balances: stockReader.input(balancesInput).query(({ ctx, input }) => ctx.services.stock.balances(ctx.actor, input)),

  ledger: stockReader.input(ledgerInput).query(({ ctx, input }) => ctx.services.stock.ledger(ctx.actor, input)),

  receive: stockWriter.input(receiveInput).mutation(({ ctx, input }) => ctx.services.stock.receive(ctx.actor, input)),

  adjust: stockWriter.input(adjustInput).mutation(({ ctx, input }) => ctx.services.stock.adjust(ctx.actor, input)),

  transfer: stockWriter.input(transferInput).mutation(({ ctx, input }) => ctx.services.stock.transfer(ctx.actor, input)),

  count: stockWriter.input(countInput).mutation(({ ctx, input }) => ctx.services.stock.count(ctx.actor, input)),

  /** Every balance of the store as a CSV file (sku, location, on hand, reserved, available). */
  exportBalances: stockWriter.query(({ ctx }) => ctx.services.stockExport.exportBalances(ctx.actor)),

  /** The ledger's movements in a period as a CSV file. */
  exportLedger: stockWriter
    .input(exportLedgerInput)
    .query(({ ctx, input }) => ctx.services.stockExport.exportLedger(ctx.actor, input)),
});
