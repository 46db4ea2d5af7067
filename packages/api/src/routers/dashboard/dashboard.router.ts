import { createTRPCRouter, roleProcedure } from "../../trpc";
import { auditInput, metricsWindowInput, productHistoryInput, stockInput } from "./dashboard.schema";

/** The manager's dashboard: read-only views over stock, orders, picking, kiosks and the audit log. */
const manager = roleProcedure("MANAGER");

export const dashboardRouter = createTRPCRouter({
  stock: manager
    .input(stockInput)
    .query(({ ctx, input }) => ctx.services.dashboard.stock(ctx.storeId, input)),

  productHistory: manager
    .input(productHistoryInput)
    .query(({ ctx, input }) => ctx.services.dashboard.productHistory(ctx.storeId, input)),

  orders: manager.query(({ ctx }) => ctx.services.dashboard.orders(ctx.storeId)),

  pickMetrics: manager
    .input(metricsWindowInput)
    .query(({ ctx, input }) => ctx.services.dashboard.pickMetrics(ctx.storeId, input)),

  kioskMetrics: manager
    .input(metricsWindowInput)
    .query(({ ctx, input }) => ctx.services.dashboard.kioskMetrics(ctx.storeId, input)),

  audit: manager
    .input(auditInput)
    .query(({ ctx, input }) => ctx.services.dashboard.audit(ctx.storeId, input)),
});
