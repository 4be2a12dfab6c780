import { type EnterpriseRow, makeCreditCode } from "../directory";
import type { EnterpriseScale, Industry, RiskLevel } from "../org/vocabulary";
import { COUNTY, TOWNS, type TownCode } from "./county";
import { demoMobile } from "./people";

/** [name, industry, scale, risk, town, village 1–4, owner's number]. */
type Entry = [string, Industry, EnterpriseScale, RiskLevel, TownCode, 1 | 2 | 3 | 4, number];

const ENTRIES: Entry[] = [
  ["青禾燃气有限公司", "gas", "designated", "red", "QH-DL", 3, 46],
  ["青禾燃气有限公司东岭供气站", "gas", "small", "orange", "QH-DL", 1, 46],
  ["东岭化工有限责任公司", "hazchem", "designated", "red", "QH-DL", 2, 47],
  ["石桥加油站", "hazchem", "small", "orange", "QH-DL", 1, 47],
  ["青禾建工集团东岭安置房项目", "construction", "designated", "orange", "QH-DL", 3, 48],
  ["东岭镇中心小学教学楼改造工程", "construction", "small", "yellow", "QH-DL", 4, 48],
  ["柳湾机械制造有限公司", "industry_trade", "designated", "yellow", "QH-DL", 2, 49],
  ["龙井茶叶加工厂", "industry_trade", "small", "blue", "QH-DL", 4, 49],
  ["东岭农贸市场", "fire_key_site", "small", "yellow", "QH-DL", 3, 50],
  ["青石社区养老服务中心", "fire_key_site", "small", "orange", "QH-DL", 3, 50],
  ["东岭污水处理厂", "confined_space", "designated", "orange", "QH-DL", 2, 51],
  ["龙井峡景区", "tourism", "designated", "yellow", "QH-DL", 4, 52],
  ["东岭客运站", "road_traffic", "small", "blue", "QH-DL", 1, 52],
  ["南川水泥有限公司", "industry_trade", "designated", "orange", "QH-NC", 3, 53],
  ["白沙砂石加工厂", "industry_trade", "small", "yellow", "QH-NC", 3, 53],
  ["南川液化气供应站", "gas", "small", "red", "QH-NC", 1, 54],
  ["桃园烟花爆竹零售店", "hazchem", "small", "orange", "QH-NC", 2, 54],
  ["南川商贸城", "fire_key_site", "designated", "orange", "QH-NC", 1, 55],
  ["南川镇宾馆", "fire_key_site", "small", "yellow", "QH-NC", 1, 55],
  ["双河电梯维保服务部", "special_equipment", "small", "blue", "QH-NC", 4, 56],
  ["南川集中供热站", "special_equipment", "designated", "yellow", "QH-NC", 1, 56],
  ["青禾路桥公司南川段改建工程", "construction", "designated", "orange", "QH-NC", 4, 57],
  ["桃园农家乐", "tourism", "small", "blue", "QH-NC", 2, 57],
  ["南川物流有限公司", "road_traffic", "designated", "yellow", "QH-NC", 1, 58],
  ["白沙食品有限公司冷库", "confined_space", "small", "yellow", "QH-NC", 3, 58],
  ["南川镇卫生院", "other", "small", "blue", "QH-NC", 1, 59],
  ["西河化工园区管理有限公司", "hazchem", "designated", "red", "QH-XH", 3, 60],
  ["新桥危险品运输有限公司", "road_traffic", "designated", "red", "QH-XH", 3, 60],
  ["滨江商业综合体", "fire_key_site", "designated", "orange", "QH-XH", 2, 61],
  ["滨江欢唱KTV", "fire_key_site", "small", "red", "QH-XH", 2, 61],
  ["河西加油加气站", "gas", "small", "orange", "QH-XH", 1, 62],
  ["杨柳家具厂", "industry_trade", "small", "yellow", "QH-XH", 4, 62],
  ["西河起重设备租赁有限公司", "special_equipment", "designated", "yellow", "QH-XH", 3, 59],
  ["滨江花园二期工程", "construction", "designated", "yellow", "QH-XH", 2, 51],
  ["新桥村农房集中改造工程", "construction", "small", "blue", "QH-XH", 3, 51],
  ["西河古镇景区", "tourism", "designated", "orange", "QH-XH", 1, 55],
  ["杨柳污水提升泵站", "confined_space", "small", "orange", "QH-XH", 4, 49],
  ["河西粮油仓储有限公司", "confined_space", "designated", "yellow", "QH-XH", 1, 47],
  ["滨江超市", "other", "designated", "blue", "QH-XH", 2, 61],
  ["西河汽车维修厂", "other", "small", "blue", "QH-XH", 1, 62],
];

/** The industry departments' supervisors (numbers from people.ts). */
const SUPERVISOR: Record<Industry, number> = {
  gas: 14,
  hazchem: 14,
  construction: 9,
  fire_key_site: 10,
  special_equipment: 11,
  road_traffic: 12,
  industry_trade: 16,
  tourism: 13,
  confined_space: 16,
  other: 8,
};

const TOWN_LEADER: Record<TownCode, number> = { "QH-DL": 22, "QH-NC": 26, "QH-XH": 30 };

/** Large hazardous-chemical and industrial enterprises are supervised by the bureau's offices. */
function supervisingUnit(industry: Industry, scale: EnterpriseScale, town: TownCode): string {
  if (scale !== "designated") return town;
  if (industry === "hazchem" || industry === "gas") return "QH-WHK";
  if (industry === "industry_trade" || industry === "confined_space") return "QH-GMK";
  return town;
}

/** 龙井茶叶加工厂 has closed down: the demo shows an inactive enterprise. */
const CLOSED = new Set(["龙井茶叶加工厂"]);

/** Forty enterprises across every industry, both scales and all four risk colours. */
export const demoEnterprises: EnterpriseRow[] = ENTRIES.map(([name, industry, scale, risk, town, village, owner], i) => {
  const t = TOWNS.find((x) => x.code === town) as (typeof TOWNS)[number];
  const unit = supervisingUnit(industry, scale, town);
  // A fixed scatter around the village, so every run puts each enterprise in the same place.
  const spread = (k: number) => (((i + 1) * k) % 200) / 10000 - 0.01;
  return {
    creditCode: makeCreditCode("91", COUNTY.division, `MA6QH${String(i + 1).padStart(3, "0")}`),
    name,
    industry,
    scale,
    riskLevel: risk,
    address: `${COUNTY.name}${t.name}${t.villages[village - 1]}${((i * 7) % 90) + 1}号`,
    longitude: round6(COUNTY.centre.longitude + t.offset[0] + village * 0.006 + spread(37)),
    latitude: round6(COUNTY.centre.latitude + t.offset[1] - village * 0.004 + spread(53)),
    supervisingUnitCode: unit,
    adminOwnerMobile: demoMobile(unit === town ? TOWN_LEADER[town] : 2),
    supervisorOwnerMobile: demoMobile(SUPERVISOR[industry]),
    enterpriseOwnerMobile: demoMobile(owner),
    active: !CLOSED.has(name),
  };
});

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
