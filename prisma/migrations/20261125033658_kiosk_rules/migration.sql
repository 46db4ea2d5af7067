-- Kiosk rules Prisma's schema language cannot express, written by hand (see
-- 20261124223105_database_rules for why they live in a migration of their own).

-- A kiosk serves one shopper at a time: two concurrent starts cannot both leave a session open.
CREATE UNIQUE INDEX "KioskSession_one_open_per_device" ON "KioskSession" ("deviceId") WHERE "status" = 'OPEN';

-- An open session has not ended; a paid one names its sale; an ended one says when.
ALTER TABLE "KioskSession"
  ADD CONSTRAINT "KioskSession_end_consistent" CHECK (
    ("status" = 'OPEN' AND "endedAt" IS NULL AND "saleId" IS NULL)
    OR ("status" = 'PAID' AND "endedAt" IS NOT NULL AND "saleId" IS NOT NULL)
    OR ("status" = 'ABANDONED' AND "endedAt" IS NOT NULL AND "saleId" IS NULL));

ALTER TABLE "KioskApproval"
  ADD CONSTRAINT "KioskApproval_subject_length" CHECK (char_length("subject") BETWEEN 1 AND 64);

ALTER TABLE "Store"
  ADD CONSTRAINT "Store_kioskIdleTimeoutS_range" CHECK ("kioskIdleTimeoutS" BETWEEN 15 AND 3600),
  ADD CONSTRAINT "Store_kioskLocales_present" CHECK (cardinality("kioskLocales") >= 1);

-- A settled payment belongs to a sale or an order; declined and voided attempts may belong to neither.
ALTER TABLE "Payment"
  ADD CONSTRAINT "Payment_settled_has_owner" CHECK (
    "status" IN ('DECLINED', 'VOIDED') OR "saleId" IS NOT NULL OR "orderId" IS NOT NULL);
