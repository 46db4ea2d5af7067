-- Replenishment rules Prisma's schema language cannot express, written by hand (see
-- 20261124223105_database_rules for why they live in a migration of their own).

-- One open task per product and shelf: a second alert, a manual request or two bridges reporting
-- at once never open another while one is open.
CREATE UNIQUE INDEX "ReplenishmentTask_one_open_per_shelf" ON "ReplenishmentTask" ("productId", "toLocationId")
  WHERE "status" = 'OPEN';

ALTER TABLE "ReplenishmentTask"
  ADD CONSTRAINT "ReplenishmentTask_quantities_positive" CHECK ("quantity" > 0 AND "movedQuantity" > 0),
  ADD CONSTRAINT "ReplenishmentTask_two_locations" CHECK ("fromLocationId" <> "toLocationId"),
  -- An alert opens a GAP or LOW_STOCK task and is named by it; a manager opens a MANUAL one.
  ADD CONSTRAINT "ReplenishmentTask_reason_source" CHECK (
    ("reason" = 'MANUAL') = ("alertEventId" IS NULL)),
  -- An open task is neither done nor cancelled; a done one says what moved, when and under which
  -- ledger reference; a cancelled one says when.
  ADD CONSTRAINT "ReplenishmentTask_status_consistent" CHECK (
    ("status" = 'OPEN' AND "completedAt" IS NULL AND "movedQuantity" IS NULL AND "reference" IS NULL
      AND "cancelledAt" IS NULL)
    OR ("status" = 'DONE' AND "completedAt" IS NOT NULL AND "movedQuantity" IS NOT NULL AND "reference" IS NOT NULL
      AND "cancelledAt" IS NULL)
    OR ("status" = 'CANCELLED' AND "cancelledAt" IS NOT NULL AND "completedAt" IS NULL AND "movedQuantity" IS NULL)),
  ADD CONSTRAINT "ReplenishmentTask_text_lengths" CHECK (
    char_length("note") <= 500 AND char_length("cancelReason") <= 500);
