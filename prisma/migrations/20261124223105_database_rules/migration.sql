-- Rules Prisma's schema language cannot express, written by hand. Prisma's diff ignores CHECK
-- constraints, functions and triggers, so later generated migrations leave these alone.

-- Stock can neither go negative nor be reserved below zero.
ALTER TABLE "StockBalance"
  ADD CONSTRAINT "StockBalance_onHand_nonnegative" CHECK ("onHand" >= 0),
  ADD CONSTRAINT "StockBalance_reserved_nonnegative" CHECK ("reserved" >= 0);

-- A movement always moves something.
ALTER TABLE "StockMovement"
  ADD CONSTRAINT "StockMovement_delta_nonzero" CHECK ("delta" <> 0);

-- Quantities taken, sold and ordered are positive; picked quantities may be zero (short pick).
ALTER TABLE "Reservation"
  ADD CONSTRAINT "Reservation_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "SaleLine"
  ADD CONSTRAINT "SaleLine_quantity_positive" CHECK ("quantity" > 0),
  ADD CONSTRAINT "SaleLine_amounts_nonnegative" CHECK (
    "unitPriceMinor" >= 0 AND "grossMinor" >= 0 AND "discountMinor" >= 0
    AND "totalMinor" >= 0 AND "taxMinor" >= 0),
  ADD CONSTRAINT "SaleLine_taxRateBp_range" CHECK ("taxRateBp" BETWEEN 0 AND 10000);
ALTER TABLE "OrderLine"
  ADD CONSTRAINT "OrderLine_quantity_positive" CHECK ("quantity" > 0),
  ADD CONSTRAINT "OrderLine_pickedQuantity_nonnegative" CHECK ("pickedQuantity" >= 0),
  ADD CONSTRAINT "OrderLine_amounts_nonnegative" CHECK (
    "unitPriceMinor" >= 0 AND "estimatedTotalMinor" >= 0 AND "pickedTotalMinor" >= 0);

-- Money is never negative; refunds and voids are statuses, not negative amounts.
ALTER TABLE "PriceBookEntry"
  ADD CONSTRAINT "PriceBookEntry_priceMinor_nonnegative" CHECK ("priceMinor" >= 0);
ALTER TABLE "Sale"
  ADD CONSTRAINT "Sale_amounts_nonnegative" CHECK (
    "subtotalMinor" >= 0 AND "discountMinor" >= 0 AND "taxMinor" >= 0 AND "totalMinor" >= 0);
ALTER TABLE "Order"
  ADD CONSTRAINT "Order_amounts_nonnegative" CHECK (
    "estimatedTotalMinor" >= 0 AND "pickedTotalMinor" >= 0 AND "distanceM" >= 0);
ALTER TABLE "Payment"
  ADD CONSTRAINT "Payment_amounts_valid" CHECK (
    "amountMinor" >= 0 AND "capturedMinor" BETWEEN 0 AND "amountMinor");

-- Currencies are ISO 4217 codes.
ALTER TABLE "Store" ADD CONSTRAINT "Store_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Sale" ADD CONSTRAINT "Sale_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Order" ADD CONSTRAINT "Order_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');

-- Rates in basis points stay within 0-100 %, promotion quantities are positive.
ALTER TABLE "Category"
  ADD CONSTRAINT "Category_taxRateBp_range" CHECK ("taxRateBp" BETWEEN 0 AND 10000);
ALTER TABLE "Promotion"
  ADD CONSTRAINT "Promotion_values_valid" CHECK (
    "buyQuantity" > 0 AND "payQuantity" >= 0 AND "priceMinor" >= 0
    AND "percentOffBp" BETWEEN 0 AND 10000),
  ADD CONSTRAINT "Promotion_period_valid" CHECK ("endsAt" IS NULL OR "endsAt" > "startsAt");
ALTER TABLE "PromotionItem"
  ADD CONSTRAINT "PromotionItem_quantity_positive" CHECK ("quantity" > 0);

-- Product measures used by the bagging-scale check and reorder alerts.
ALTER TABLE "Product"
  ADD CONSTRAINT "Product_measures_valid" CHECK (
    "unitWeightG" > 0 AND "weightToleranceG" >= 0 AND "contentAmount" > 0
    AND "lowStockThreshold" >= 0 AND "minimumAge" BETWEEN 0 AND 99);

ALTER TABLE "Device"
  ADD CONSTRAINT "Device_batteryPct_range" CHECK ("batteryPct" BETWEEN 0 AND 100);
ALTER TABLE "Store"
  ADD CONSTRAINT "Store_delivery_valid" CHECK ("deliveryRadiusM" >= 0 AND "deliveryPromiseMin" > 0);

-- The stock ledger is append-only: a wrong movement is corrected by another movement, so the
-- history that balances are checked against can never be rewritten.
CREATE FUNCTION "stock_movement_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'StockMovement is append-only: % of movement % refused; record a correcting movement instead', TG_OP, OLD."id"
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "StockMovement_append_only"
  BEFORE UPDATE OR DELETE ON "StockMovement"
  FOR EACH ROW EXECUTE FUNCTION "stock_movement_append_only"();

-- Every Event row wakes the subscribers of its store (channel store_events, payload the store
-- id) when its transaction commits, so no writer can forget the NOTIFY. PostgreSQL folds
-- identical notifications within one transaction into one, so an explicit pg_notify with the
-- same payload costs nothing extra.
CREATE FUNCTION "event_notify"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('store_events', NEW."storeId"::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Event_notify"
  AFTER INSERT ON "Event"
  FOR EACH ROW EXECUTE FUNCTION "event_notify"();
