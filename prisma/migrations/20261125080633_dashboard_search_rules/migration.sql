-- The product search text, written by hand (see 20261124223105_database_rules for why rules live
-- in a migration of their own; Prisma's diff leaves functions and triggers alone).
--
-- Case-insensitive matching (ILIKE, lower()) folds every row's text on every search, and that
-- costs more than the match itself: on 20,000 products three ILIKEs took several times a plain
-- LIKE. The names and SKU are folded once, when they change, and searches match the result with
-- LIKE. A line break separates them, so a match never runs from one into the next.
CREATE FUNCTION "product_search_text"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchText" := lower(NEW."nameEn" || E'\n' || NEW."nameZh" || E'\n' || NEW."sku");
  RETURN NEW;
END;
$$;

-- Also when "searchText" itself is written, so it can only ever be what the names say.
CREATE TRIGGER "Product_searchText"
  BEFORE INSERT OR UPDATE OF "nameEn", "nameZh", "sku", "searchText" ON "Product"
  FOR EACH ROW EXECUTE FUNCTION "product_search_text"();

UPDATE "Product" SET "searchText" = lower("nameEn" || E'\n' || "nameZh" || E'\n' || "sku");
