-- Dashboard indexes Prisma's schema language cannot express, written by hand (see
-- 20261124223105_database_rules for why they live in a migration of their own). Prisma's diff
-- leaves expression indexes alone.

-- An order's latest milestone (packed, handed off, delivered or cancelled): the manager's
-- dashboard finds what happened to orders in a recent window (packed in the last hours, handed
-- off, delivered or cancelled today) without reading every order the store ever had. Queries
-- must repeat the expression exactly to use it.
CREATE INDEX "Order_storeId_lastMilestone_idx" ON "Order" ("storeId", greatest("packedAt", "handedOffAt", "deliveredAt", "cancelledAt"));
