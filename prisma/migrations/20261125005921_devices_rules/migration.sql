-- Device rules Prisma's schema language cannot express, written by hand (see
-- 20261124223105_database_rules for why they live in a migration of their own).

-- Only a shelf label shows a product and only a shelf sensor weighs one.
ALTER TABLE "Device"
  ADD CONSTRAINT "Device_product_only_on_shelf_devices" CHECK (
    "productId" IS NULL OR "kind" IN ('SHELF_LABEL', 'SHELF_SENSOR')),
  -- A retired device keeps its history but can never log in to the broker again.
  ADD CONSTRAINT "Device_retired_without_credential" CHECK (
    "retiredAt" IS NULL OR "credentialHash" IS NULL);

-- A scanner's message sequence counts up from 0.
ALTER TABLE "DeviceScan"
  ADD CONSTRAINT "DeviceScan_seq_nonnegative" CHECK ("seq" >= 0);

-- An estimate counts what is there; the weight itself may dip below 0 by sensor noise.
ALTER TABLE "ShelfEstimate"
  ADD CONSTRAINT "ShelfEstimate_quantities_nonnegative" CHECK ("units" >= 0 AND "systemOnHand" >= 0);

ALTER TABLE "LabelState"
  ADD CONSTRAINT "LabelState_attempts_nonnegative" CHECK ("attempts" >= 0);
