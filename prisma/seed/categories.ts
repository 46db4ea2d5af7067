import type { TemperatureZone } from "@store/db";
import { CHINA_VAT_AGRICULTURAL_BP, CHINA_VAT_GENERAL_BP } from "@store/domain";

/** The departments of the demo store; a category's code starts with its department. */
export const DEPARTMENTS = [
  "PRODUCE",
  "DAIRY",
  "BAKERY",
  "MEAT",
  "SEAFOOD",
  "FROZEN",
  "PANTRY",
  "SNACKS",
  "DRINKS",
  "ALCOHOL",
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type CategorySeed = {
  code: string;
  department: Department;
  nameEn: string;
  nameZh: string;
  /**
   * China's VAT, prices tax-inclusive: 9 % for agricultural products (fresh produce, meat,
   * eggs, aquatic products, fresh and sterilized milk, grain, edible vegetable oil, dried
   * agricultural goods), 13 % for processed food, drinks and alcohol.
   */
  taxRateBp: number;
  temperatureZone: TemperatureZone;
  /** An emoji for products that have none of their own. */
  icon: string;
};

const VAT_GENERAL = CHINA_VAT_GENERAL_BP;
const VAT_AGRICULTURAL = CHINA_VAT_AGRICULTURAL_BP;

function category(
  code: string,
  nameEn: string,
  nameZh: string,
  icon: string,
  taxRateBp: number,
  temperatureZone: TemperatureZone = "AMBIENT",
): CategorySeed {
  const department = code.split("-")[0] as Department;
  if (!DEPARTMENTS.includes(department)) throw new Error(`Category ${code} names no department`);
  return { code, department, nameEn, nameZh, taxRateBp, temperatureZone, icon };
}

// prettier-ignore
export const CATEGORIES = [
  category("PRODUCE-FRUIT", "Fruit", "水果", "🍎", VAT_AGRICULTURAL),
  category("PRODUCE-VEGETABLES", "Vegetables", "蔬菜", "🥬", VAT_AGRICULTURAL),
  category("PRODUCE-MUSHROOMS", "Mushrooms & sprouts", "菌菇豆芽", "🍄", VAT_AGRICULTURAL, "CHILLED"),
  category("PRODUCE-TOFU", "Tofu & soy products", "豆制品", "🧈", VAT_GENERAL, "CHILLED"),
  category("DAIRY-MILK", "Milk", "牛奶", "🥛", VAT_AGRICULTURAL, "CHILLED"),
  category("DAIRY-YOGURT", "Yogurt & dairy drinks", "酸奶乳饮", "🥛", VAT_GENERAL, "CHILLED"),
  category("DAIRY-CHEESE", "Cheese, butter & cream", "奶酪黄油", "🧀", VAT_GENERAL, "CHILLED"),
  category("DAIRY-EGGS", "Eggs", "鲜蛋", "🥚", VAT_AGRICULTURAL, "CHILLED"),
  category("BAKERY-INSTORE", "In-store bakery", "现烤烘焙", "🥐", VAT_GENERAL),
  category("BAKERY-PACKAGED", "Bread & cakes", "面包糕点", "🍞", VAT_GENERAL),
  category("MEAT-PORK", "Pork", "猪肉", "🥩", VAT_AGRICULTURAL, "CHILLED"),
  category("MEAT-BEEF-LAMB", "Beef & lamb", "牛羊肉", "🥩", VAT_AGRICULTURAL, "CHILLED"),
  category("MEAT-POULTRY", "Poultry", "禽肉", "🍗", VAT_AGRICULTURAL, "CHILLED"),
  category("MEAT-DELI", "Deli & cooked meats", "熟食卤味", "🍖", VAT_GENERAL, "CHILLED"),
  category("SEAFOOD-FRESH", "Fish & seafood", "水产海鲜", "🐟", VAT_AGRICULTURAL, "CHILLED"),
  category("FROZEN-DUMPLINGS", "Dumplings & buns", "速冻面点", "🥟", VAT_GENERAL, "FROZEN"),
  category("FROZEN-MEAT-SEAFOOD", "Frozen meat & seafood", "冷冻肉禽水产", "🧊", VAT_AGRICULTURAL, "FROZEN"),
  category("FROZEN-MEALS", "Frozen meals & snacks", "速冻菜肴", "🍱", VAT_GENERAL, "FROZEN"),
  category("FROZEN-ICE-CREAM", "Ice cream", "冰淇淋", "🍦", VAT_GENERAL, "FROZEN"),
  category("PANTRY-RICE-FLOUR", "Rice, flour & grains", "米面杂粮", "🍚", VAT_AGRICULTURAL),
  category("PANTRY-OIL", "Cooking oil", "食用油", "🫒", VAT_AGRICULTURAL),
  category("PANTRY-CONDIMENTS", "Sauces & seasonings", "调味品", "🧂", VAT_GENERAL),
  category("PANTRY-NOODLES", "Noodles & instant meals", "方便面食", "🍜", VAT_GENERAL),
  category("PANTRY-CANNED", "Canned & jarred food", "罐头酱菜", "🥫", VAT_GENERAL),
  category("PANTRY-BREAKFAST", "Cereal & breakfast", "冲调早餐", "🥣", VAT_GENERAL),
  category("PANTRY-DRIED", "Dried goods", "南北干货", "🌰", VAT_AGRICULTURAL),
  category("SNACKS-CHIPS", "Chips & puffed snacks", "薯片膨化", "🍿", VAT_GENERAL),
  category("SNACKS-NUTS", "Nuts, dried fruit & jerky", "坚果果干肉脯", "🥜", VAT_GENERAL),
  category("SNACKS-BISCUITS", "Biscuits & cakes", "饼干糕点", "🍪", VAT_GENERAL),
  category("SNACKS-CONFECTIONERY", "Sweets & chocolate", "糖果巧克力", "🍫", VAT_GENERAL),
  category("DRINKS-WATER", "Water", "饮用水", "💧", VAT_GENERAL),
  category("DRINKS-SOFT", "Soft drinks", "碳酸饮料", "🥤", VAT_GENERAL),
  category("DRINKS-TEA-JUICE", "Tea drinks & juice", "茶饮果汁", "🧃", VAT_GENERAL),
  category("DRINKS-COFFEE-TEA", "Coffee & tea", "咖啡茶叶", "☕", VAT_GENERAL),
  category("ALCOHOL-BEER", "Beer", "啤酒", "🍺", VAT_GENERAL),
  category("ALCOHOL-WINE", "Wine", "葡萄酒", "🍷", VAT_GENERAL),
  category("ALCOHOL-SPIRITS", "Baijiu, rice wine & spirits", "白酒黄酒洋酒", "🥃", VAT_GENERAL),
] as const satisfies readonly CategorySeed[];

export type CategoryCode = (typeof CATEGORIES)[number]["code"];

export function categoryByCode(code: string): CategorySeed {
  const found = CATEGORIES.find((candidate) => candidate.code === code);
  if (!found) throw new Error(`Unknown category '${code}'`);
  return found;
}
