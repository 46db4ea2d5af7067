import type { Locale } from "./locales";
import { kioskEn, kioskZh } from "./messages-kiosk";
import { pickerEn, pickerZh } from "./messages-picker";

/**
 * Every text the app shows, in English (the reference) and Simplified Chinese. A message is a string
 * or a function of its parameters; the Chinese dictionary must provide every English key with the
 * same parameters, which the type below enforces.
 */
const zonesEn: Record<string, string> = {
  produce: "Fruit and vegetables",
  bakery: "Bakery",
  grocery: "Grocery aisles",
  alcohol: "Wine and spirits",
  chilled: "Chilled",
  frozen: "Frozen",
  checkout: "At the checkouts",
  packing: "Packing",
  receiving: "Receiving",
  backroom: "Backroom",
  "backroom-chilled": "Backroom, chilled",
  "backroom-frozen": "Backroom, frozen",
};

const zonesZh: Record<string, string> = {
  produce: "蔬果区",
  bakery: "烘焙区",
  grocery: "食品杂货区",
  alcohol: "酒水区",
  chilled: "冷藏区",
  frozen: "冷冻区",
  checkout: "收银台旁",
  packing: "打包区",
  receiving: "收货区",
  backroom: "后仓",
  "backroom-chilled": "后仓冷藏",
  "backroom-frozen": "后仓冷冻",
};

/** Net content units as the catalog stores them. */
const unitsZh: Record<string, string> = { g: "克", ml: "毫升", pcs: "件" };

const en = {
  /** Shown in place of the store's own name while the inventory service has never answered. */
  "app.name": "Store",
  "app.tagline": "Fresh groceries, in store and delivered to your door.",
  "home.tagline": ({ minutes, distance }: { minutes: number; distance: string }) =>
    `Fresh groceries, in store and delivered within ${distance} in ${minutes} minutes.`,
  "nav.home": "Home",
  "nav.catalog": "Catalog",
  "nav.main": "Main",
  "language.label": "Language",
  "home.search": "Search",
  "home.catalog.title": "Catalog",
  "home.catalog.description":
    "Search every product by name in English or Chinese, by SKU or by barcode, with live stock.",
  "home.catalog.action": "Browse the catalog",
  "catalog.title": "Catalog",
  "catalog.search.label": "Search products",
  "catalog.search.placeholder": "Milk, 牛奶, SKU or barcode",
  "catalog.search.hint": "Search by name in English or Chinese, by SKU, or scan or type any barcode.",
  "catalog.search.clear": "Clear search",
  "catalog.results": ({ count, more }: { count: number; more: boolean }) =>
    `${count}${more ? "+" : ""} ${count === 1 && !more ? "product" : "products"}`,
  "catalog.loading": "Searching…",
  "catalog.loadMore": "Show more",
  "catalog.loadingMore": "Loading more…",
  "catalog.empty.title": "No products found",
  "catalog.empty.description": ({ query }: { query: string }) =>
    `Nothing matches “${query}”. Check the spelling, or try the other language or a barcode.`,
  "catalog.live": "Stock updates live",
  "catalog.live.offline": "Live stock paused, reconnecting…",
  "product.sku": "SKU",
  "product.perKg": "per kg",
  "product.each": "each",
  "product.availableQuantity": ({ quantity }: { quantity: string }) => `${quantity} available`,
  "product.outOfStock": "Out of stock",
  "product.lowStock": "Low stock",
  "product.barcode": "Barcode",
  "product.barcodes": "Barcodes",
  "product.barcode.primary": "Primary",
  "product.barcode.scaleLabel": "Scale label",
  "product.brand": "Brand",
  "product.category": "Category",
  "product.netContent": "Net content",
  "product.content": ({ amount, unit }: { amount: string; unit: string }) => `${amount} ${unit}`,
  "product.locations": "Where to find it",
  "product.locations.empty": "It is on no shelf right now.",
  "product.locations.stale": "The figures per shelf could not be refreshed and may be out of date.",
  "product.location": "Location",
  "product.location.zone": ({ zone }: { zone: string }) => zonesEn[zone] ?? zone,
  "product.location.home": "Usual place",
  "product.location.offFloor": "Not on the sales floor",
  "product.location.onHand": "On hand",
  "product.location.reserved": "Held for orders",
  "product.location.available": "Available",
  "product.location.total": "All shelves",
  "product.soldBy": "Sold",
  "product.soldByPiece": "by the piece",
  "product.soldByWeight": "by weight",
  "product.noPrice": "Price not set",
  "product.promotions": "Promotions",
  "product.ageRestricted": ({ age }: { age: number }) => `${age}+ only`,
  "product.back": "Back to the catalog",
  "error.title": "Something went wrong",
  "error.notFound": "This page does not exist.",
  "error.productNotFound": "No product has this SKU.",
  "error.serviceUnavailable":
    "The inventory service is not reachable right now, so prices and stock cannot be shown. Please try again in a moment.",
  "error.requestFailed": "The request failed. Please try again.",
  "error.retry": "Try again",
  "error.home": "Go to the front page",
  ...kioskEn,
  ...pickerEn,
} satisfies Record<string, Message>;

type Message = string | ((params: never) => string);
export type Messages = typeof en;
export type MessageKey = keyof Messages;
type Translations = { [K in MessageKey]: Messages[K] extends string ? string : Messages[K] };

const zhCN: Translations = {
  "app.name": "门店",
  "app.tagline": "新鲜食材，门店选购，送货上门。",
  "home.tagline": ({ minutes, distance }) => `新鲜食材，门店选购，${distance} 内 ${minutes} 分钟送达。`,
  "nav.home": "首页",
  "nav.catalog": "商品目录",
  "nav.main": "主导航",
  "language.label": "语言",
  "home.search": "搜索",
  "home.catalog.title": "商品目录",
  "home.catalog.description": "按中英文名称、SKU 或条码搜索所有商品，库存实时更新。",
  "home.catalog.action": "浏览商品目录",
  "catalog.title": "商品目录",
  "catalog.search.label": "搜索商品",
  "catalog.search.placeholder": "牛奶、Milk、SKU 或条码",
  "catalog.search.hint": "可按中英文名称、SKU 搜索，或扫描、输入任意条码。",
  "catalog.search.clear": "清除搜索",
  "catalog.results": ({ count, more }) => `${count}${more ? "+" : ""} 件商品`,
  "catalog.loading": "正在搜索…",
  "catalog.loadMore": "显示更多",
  "catalog.loadingMore": "正在加载…",
  "catalog.empty.title": "没有找到商品",
  "catalog.empty.description": ({ query }) =>
    `没有与“${query}”匹配的商品。请检查拼写，或换用另一种语言或条码。`,
  "catalog.live": "库存实时更新",
  "catalog.live.offline": "实时库存已暂停，正在重新连接…",
  "product.sku": "SKU",
  "product.perKg": "/千克",
  "product.each": "/件",
  "product.availableQuantity": ({ quantity }) => `可售 ${quantity}`,
  "product.outOfStock": "缺货",
  "product.lowStock": "库存紧张",
  "product.barcode": "条码",
  "product.barcodes": "条码",
  "product.barcode.primary": "主条码",
  "product.barcode.scaleLabel": "称重标签",
  "product.brand": "品牌",
  "product.category": "品类",
  "product.netContent": "净含量",
  "product.content": ({ amount, unit }) => `${amount} ${unitsZh[unit] ?? unit}`,
  "product.locations": "货架位置",
  "product.locations.empty": "目前不在任何货架上。",
  "product.locations.stale": "无法刷新各货架的数据，显示的可能不是最新数据。",
  "product.location": "位置",
  "product.location.zone": ({ zone }) => zonesZh[zone] ?? zone,
  "product.location.home": "常规位置",
  "product.location.offFloor": "不在卖场",
  "product.location.onHand": "在库",
  "product.location.reserved": "订单预留",
  "product.location.available": "可售",
  "product.location.total": "所有货架",
  "product.soldBy": "销售方式",
  "product.soldByPiece": "按件",
  "product.soldByWeight": "称重",
  "product.noPrice": "暂无价格",
  "product.promotions": "促销",
  "product.ageRestricted": ({ age }) => `仅限 ${age} 岁以上`,
  "product.back": "返回商品目录",
  "error.title": "出错了",
  "error.notFound": "页面不存在。",
  "error.productNotFound": "没有此 SKU 的商品。",
  "error.serviceUnavailable": "暂时无法连接库存服务，因此无法显示价格和库存。请稍后再试。",
  "error.requestFailed": "请求失败，请重试。",
  "error.retry": "重试",
  "error.home": "返回首页",
  ...kioskZh,
  ...pickerZh,
};

export const dictionaries: Record<Locale, Translations> = { en, "zh-CN": zhCN };

export type MessageArgs<K extends MessageKey> = Messages[K] extends (params: infer P) => string
  ? [params: P]
  : [];

export function translate<K extends MessageKey>(locale: Locale, key: K, ...args: MessageArgs<K>): string {
  const message: Message = dictionaries[locale][key];
  return typeof message === "string" ? message : (message as (params: unknown) => string)(args[0]);
}
