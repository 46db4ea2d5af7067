/**
 * Where a brand's barcodes come from. Chinese brands carry EAN-13 codes under GS1 China's
 * prefixes 690-699; imports keep the EAN-13 of their home country or, from the USA and Canada,
 * a 12-digit UPC-A. Some small Chinese items carry an EAN-8.
 */
export type Origin =
  | "CN"
  | "US"
  | "DE"
  | "FR"
  | "IT"
  | "ES"
  | "GB"
  | "NL"
  | "BE"
  | "DK"
  | "SE"
  | "CH"
  | "JP"
  | "KR"
  | "TH"
  | "AU"
  | "NZ"
  | "CL"
  | "MX";

export type Brand = {
  /** As printed on the shelf label (Latin script; the Chinese name is in `zh`). */
  name: string;
  zh: string;
  origin: Origin;
  /** Price position against the family's reference price. */
  tier: number;
};

const brand = (name: string, zh: string, origin: Origin = "CN", tier = 1): Brand => ({
  name,
  zh,
  origin,
  tier,
});

/** The store's own label for loose and prepacked fresh food and everyday staples. */
export const HOUSE_BRAND = "house";

export const BRANDS = {
  [HOUSE_BRAND]: brand("Daily Harvest", "日日丰", "CN", 0.9),
  bright: brand("Bright Dairy", "光明", "CN", 1),
  mengniu: brand("Mengniu", "蒙牛", "CN", 1),
  yili: brand("Yili", "伊利", "CN", 1),
  junlebao: brand("Junlebao", "君乐宝", "CN", 0.95),
  sanyuan: brand("Sanyuan", "三元", "CN", 1),
  shinyMeadow: brand("Shiny Meadow", "每日鲜语", "CN", 1.3),
  simplelove: brand("Simplelove", "简爱", "CN", 1.25),
  weidendorf: brand("Weidendorf", "德亚", "DE", 1.1),
  anchor: brand("Anchor", "安佳", "NZ", 1.2),
  president: brand("Président", "总统", "FR", 1.3),
  lurpak: brand("Lurpak", "银宝", "DK", 1.4),
  deqingyuan: brand("DQY Ecological", "德青源", "CN", 1.1),
  zuming: brand("Zuming", "祖名", "CN", 1),
  qingmei: brand("Qingmei", "清美", "CN", 0.95),
  toly: brand("Toly", "桃李", "CN", 0.95),
  mankattan: brand("Mankattan", "曼可顿", "CN", 1.05),
  daliyuan: brand("Daliyuan", "达利园", "CN", 0.9),
  panpan: brand("Panpan", "盼盼", "CN", 0.85),
  shuanghui: brand("Shuanghui", "双汇", "CN", 0.95),
  jinluo: brand("Jinluo", "金锣", "CN", 0.9),
  hormel: brand("Hormel", "荷美尔", "CN", 1.3),
  zhouheiya: brand("Zhou Hei Ya", "周黑鸭", "CN", 1.2),
  synear: brand("Synear", "思念", "CN", 1),
  sanquan: brand("Sanquan", "三全", "CN", 1),
  wanchai: brand("Wanchai Ferry", "湾仔码头", "CN", 1.25),
  anjoy: brand("Anjoy", "安井", "CN", 0.95),
  cp: brand("CP", "正大", "CN", 1.05),
  guolian: brand("Guolian", "国联", "CN", 1.05),
  haagenDazs: brand("Häagen-Dazs", "哈根达斯", "FR", 2),
  walls: brand("Wall's", "和路雪", "CN", 1),
  arawana: brand("Arawana", "金龙鱼", "CN", 1),
  fortune: brand("Fortune", "福临门", "CN", 0.95),
  shiyue: brand("Shiyue Daotian", "十月稻田", "CN", 1.1),
  wudeli: brand("Wudeli", "五得利", "CN", 0.85),
  luhua: brand("Luhua", "鲁花", "CN", 1.15),
  betis: brand("Betis", "贝蒂斯", "ES", 1.3),
  haday: brand("Haday", "海天", "CN", 1),
  leeKumKee: brand("Lee Kum Kee", "李锦记", "CN", 1.1),
  laoGanMa: brand("Lao Gan Ma", "老干妈", "CN", 1),
  totole: brand("Totole", "太太乐", "CN", 1),
  hengshun: brand("Hengshun", "恒顺", "CN", 1),
  juancheng: brand("Juancheng", "鹃城", "CN", 0.9),
  haidilao: brand("Haidilao", "海底捞", "CN", 1.15),
  kewpie: brand("Kewpie", "丘比", "CN", 1.1),
  heinz: brand("Heinz", "亨氏", "US", 1.1),
  masterKong: brand("Master Kong", "康师傅", "CN", 1),
  uniPresident: brand("Uni-President", "统一", "CN", 1),
  baixiang: brand("Baixiang", "白象", "CN", 0.9),
  nissin: brand("Nissin", "日清", "JP", 1.2),
  nongshim: brand("Nongshim", "农心", "KR", 1.15),
  chenKeming: brand("Chen Keming", "陈克明", "CN", 1),
  maling: brand("Maling", "梅林", "CN", 1),
  gulong: brand("Gulong", "古龙", "CN", 1),
  linjia: brand("Linjia Puzi", "林家铺子", "CN", 0.95),
  quaker: brand("Quaker", "桂格", "US", 1.1),
  kelloggs: brand("Kellogg's", "家乐氏", "US", 1.2),
  nanfang: brand("Nanfang", "南方黑芝麻", "CN", 0.9),
  nestle: brand("Nestlé", "雀巢", "CN", 1.1),
  haoxiangni: brand("Haoxiangni", "好想你", "CN", 1.05),
  lays: brand("Lay's", "乐事", "CN", 1),
  oishi: brand("Oishi", "上好佳", "CN", 0.85),
  pringles: brand("Pringles", "品客", "US", 1.2),
  calbee: brand("Calbee", "卡乐比", "JP", 1.3),
  weilong: brand("Weilong", "卫龙", "CN", 0.9),
  wantWant: brand("Want Want", "旺旺", "CN", 0.95),
  threeSquirrels: brand("Three Squirrels", "三只松鼠", "CN", 1.05),
  bestore: brand("Bestore", "良品铺子", "CN", 1.1),
  qiaqia: brand("Qiaqia", "洽洽", "CN", 0.95),
  oreo: brand("Oreo", "奥利奥", "CN", 1),
  glico: brand("Glico", "格力高", "CN", 1.05),
  garden: brand("Garden", "嘉顿", "CN", 1),
  lotte: brand("Lotte", "乐天", "KR", 1.15),
  danisa: brand("Danisa", "皇冠", "DK", 1.3),
  dove: brand("Dove", "德芙", "CN", 1.1),
  whiteRabbit: brand("White Rabbit", "大白兔", "CN", 1),
  alpenliebe: brand("Alpenliebe", "阿尔卑斯", "CN", 1),
  extra: brand("Extra", "益达", "CN", 1),
  ferrero: brand("Ferrero Rocher", "费列罗", "IT", 1.6),
  lindt: brand("Lindt", "瑞士莲", "CH", 1.6),
  meiji: brand("Meiji", "明治", "JP", 1.3),
  hsuFuChi: brand("Hsu Fu Chi", "徐福记", "CN", 0.95),
  nongfu: brand("Nongfu Spring", "农夫山泉", "CN", 1),
  cestbon: brand("C'estbon", "怡宝", "CN", 1),
  ganten: brand("Ganten", "百岁山", "CN", 1.2),
  evian: brand("Evian", "依云", "FR", 2),
  wahaha: brand("Wahaha", "娃哈哈", "CN", 0.9),
  cocaCola: brand("Coca-Cola", "可口可乐", "CN", 1),
  pepsi: brand("Pepsi", "百事可乐", "CN", 0.95),
  sprite: brand("Sprite", "雪碧", "CN", 1),
  fanta: brand("Fanta", "芬达", "CN", 1),
  genki: brand("Genki Forest", "元气森林", "CN", 1.2),
  arcticOcean: brand("Arctic Ocean", "北冰洋", "CN", 1),
  wongLoKat: brand("Wong Lo Kat", "王老吉", "CN", 1),
  huiyuan: brand("Huiyuan", "汇源", "CN", 0.95),
  vita: brand("Vita", "维他", "CN", 1),
  suntory: brand("Suntory", "三得利", "CN", 1.1),
  nescafe: brand("Nescafé", "雀巢咖啡", "CN", 1),
  saturnbird: brand("Saturnbird", "三顿半", "CN", 1.4),
  starbucks: brand("Starbucks", "星巴克", "US", 1.5),
  lipton: brand("Lipton", "立顿", "CN", 1),
  zhangYiyuan: brand("Zhang Yiyuan", "张一元", "CN", 1.2),
  tsingtao: brand("Tsingtao", "青岛啤酒", "CN", 1),
  snow: brand("Snow", "雪花", "CN", 0.85),
  budweiser: brand("Budweiser", "百威", "CN", 1.1),
  yanjing: brand("Yanjing", "燕京", "CN", 0.9),
  harbin: brand("Harbin", "哈尔滨", "CN", 0.9),
  heineken: brand("Heineken", "喜力", "NL", 1.3),
  corona: brand("Corona", "科罗娜", "MX", 1.4),
  asahi: brand("Asahi", "朝日", "JP", 1.3),
  paulaner: brand("Paulaner", "保拉纳", "DE", 1.6),
  hoegaarden: brand("Hoegaarden", "福佳", "BE", 1.5),
  changyu: brand("Changyu", "张裕", "CN", 1),
  greatWall: brand("Great Wall", "长城", "CN", 0.95),
  penfolds: brand("Penfolds", "奔富", "AU", 2.2),
  yellowTail: brand("Yellow Tail", "黄尾袋鼠", "AU", 1.1),
  conchaYToro: brand("Concha y Toro", "干露", "CL", 1.1),
  castel: brand("Castel", "卡斯特", "FR", 1.3),
  moutai: brand("Kweichow Moutai", "贵州茅台", "CN", 1),
  wuliangye: brand("Wuliangye", "五粮液", "CN", 1),
  yanghe: brand("Yanghe", "洋河", "CN", 1),
  fenjiu: brand("Fenjiu", "汾酒", "CN", 1),
  redStar: brand("Red Star", "红星", "CN", 1),
  niulanshan: brand("Niulanshan", "牛栏山", "CN", 1),
  guyueLongshan: brand("Guyue Longshan", "古越龙山", "CN", 1),
  jiangXiaobai: brand("Jiang Xiaobai", "江小白", "CN", 1),
  johnnieWalker: brand("Johnnie Walker", "尊尼获加", "GB", 1),
  jackDaniels: brand("Jack Daniel's", "杰克丹尼", "US", 1),
  absolut: brand("Absolut", "绝对伏特加", "SE", 1),
  choya: brand("Choya", "俏雅", "JP", 1),
  zespri: brand("Zespri", "佳沛", "NZ", 1.3),
  driscolls: brand("Driscoll's", "怡颗莓", "US", 1.3),
  dole: brand("Dole", "都乐", "US", 1.1),
} as const satisfies Record<string, Brand>;

export type BrandKey = keyof typeof BRANDS;
