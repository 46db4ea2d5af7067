export { DomainError, isDomainError, type DomainErrorCode } from "./errors";
export {
  QUANTITY_DECIMALS,
  QUANTITY_SCALE,
  assertQuantityMilli,
  assertWholeQuantity,
  formatQuantity,
  parseQuantity,
  unitsToMilli,
  type QuantityMilli,
} from "./quantity";
export {
  DEFAULT_CURRENCY,
  DEFAULT_LOCALE,
  assertCurrency,
  assertMinorUnits,
  divideRoundHalfUp,
  formatMoney,
  minorToDecimalString,
  minorUnitsOf,
  parseMoney,
  priceForUnits,
  priceForWeight,
  type MinorUnits,
} from "./money";
export {
  compressUpcA,
  expandUpcE,
  gtinCheckDigit,
  isValidGtin,
  normalizeGtin,
  parseGtin,
  withCheckDigit,
  type EightDigitSymbology,
  type GtinFormat,
  type ParsedGtin,
} from "./gtin";
export { isPlu, parsePlu, type ParsedPlu } from "./plu";
export {
  buildVariableMeasureBarcode,
  defaultNomenclature,
  isVariableMeasurePrefix,
  nomenclatureSchema,
  parseVariableMeasure,
  priceCheckDigit,
  variableMeasureRuleFor,
  variableMeasureRuleSchema,
  type Nomenclature,
  type VariableMeasure,
  type VariableMeasureLabelInput,
  type VariableMeasureRule,
} from "./variable-measure";
export { classifyScan, type ClassifyScanOptions, type ScanResult } from "./scan";
export { EARTH_MEAN_RADIUS_METERS, distanceMeters, isWithinRadius, type Coordinates } from "./geo";
export { allocateProportionally } from "./allocation";
export {
  BASIS_POINTS,
  CHINA_VAT_AGRICULTURAL_BP,
  CHINA_VAT_GENERAL_BP,
  allocateTax,
  includedTax,
  type TaxGroup,
  type TaxableLine,
} from "./tax";
export {
  MAX_EXHAUSTIVE_PROMOTIONS,
  cartLineSchema,
  priceCart,
  priceCartInputSchema,
  promotionSchema,
  unitOfSaleSchema,
  type AppliedPromotion,
  type CartLine,
  type PriceCartInput,
  type PricedCart,
  type PricedLine,
  type Promotion,
  type PromotionKind,
  type UnitOfSale,
} from "./pricing";
export { seededRandom } from "./random";
export {
  BAGGING_PLACE_WINDOW_MS,
  acceptedBaseline,
  baggingExpectation,
  judgeBagging,
  type BaggingCheck,
  type BaggingExpectation,
  type BaggingVerdict,
  type WeighableProduct,
} from "./bagging";
export {
  DEFAULT_EXACT_PICK_PLACES,
  MAX_EXACT_PICK_PLACES,
  attachToCorridor,
  floorPlanSchema,
  optimalPickWalk,
  planPickWalk,
  walkLength,
  type CorridorAttachment,
  type FloorPlan,
  type PickStop,
  type PickWalk,
  type PickWalkOptions,
  type WalkPoint,
} from "./pick-walk";
export { replenishmentQuantity, shelfRefillLevel, type ShelfRefill } from "./replenishment";
