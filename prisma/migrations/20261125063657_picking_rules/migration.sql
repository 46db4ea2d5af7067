-- Picking rules Prisma's schema language cannot express, written by hand (see
-- 20261124223105_database_rules for why they live in a migration of their own).

ALTER TABLE "Store"
  ADD CONSTRAINT "Store_orderWeighedMarginBp_range" CHECK ("orderWeighedMarginBp" BETWEEN 0 AND 10000),
  ADD CONSTRAINT "Store_pickClaimTimeoutS_range" CHECK ("pickClaimTimeoutS" BETWEEN 15 AND 3600);

-- An order being picked is held by exactly one picker until the claim lapses.
ALTER TABLE "Order"
  ADD CONSTRAINT "Order_picking_claimed" CHECK (
    "status" <> 'PICKING' OR ("claimedBy" IS NOT NULL AND "claimExpiresAt" IS NOT NULL AND "batchId" IS NOT NULL)),
  ADD CONSTRAINT "Order_pick_counts_nonnegative" CHECK ("pickScans" >= 0 AND "pickErrors" >= 0);

ALTER TABLE "OrderLine"
  ADD CONSTRAINT "OrderLine_pick_quantities_nonnegative" CHECK (
    "substituteQuantity" >= 0 AND "refundedQuantity" >= 0 AND "substituteUnitPriceMinor" >= 0),
  ADD CONSTRAINT "OrderLine_pick_counts_nonnegative" CHECK ("pickScans" >= 0 AND "pickErrors" >= 0);

ALTER TABLE "OrderPick"
  ADD CONSTRAINT "OrderPick_quantity_positive" CHECK ("quantity" > 0);

ALTER TABLE "Tote"
  ADD CONSTRAINT "Tote_code_format" CHECK ("code" ~ '^[A-Z0-9-]{4,32}$');
