import type { UnitRow } from "../directory";

/**
 * 青禾县, a fictional county: its emergency-management bureau with four offices and an
 * enforcement squad, three towns and four villages in each.
 */
export const COUNTY = { name: "青禾县", root: "QH", division: "519901", centre: { longitude: 104.62, latitude: 31.48 } } as const;

/** Each town with its villages and where it lies from the county centre (degrees). */
export const TOWNS = [
  { code: "QH-DL", name: "东岭镇", offset: [0.06, 0.02], villages: ["石桥村", "柳湾村", "青石社区", "龙井村"] },
  { code: "QH-NC", name: "南川镇", offset: [0.0, -0.07], villages: ["南川社区", "桃园村", "白沙村", "双河村"] },
  { code: "QH-XH", name: "西河街道", offset: [-0.05, 0.01], villages: ["河西社区", "滨江社区", "新桥村", "杨柳村"] },
] as const;

/** The code of one of the three towns. */
export type TownCode = (typeof TOWNS)[number]["code"];

/** `QH-DL-03`: the third village of 东岭镇. */
export const villageCode = (town: TownCode, n: 1 | 2 | 3 | 4): string => `${town}-0${n}`;

/** The bureau, its offices and squad, the towns and their villages, parents first. */
export const demoUnits: UnitRow[] = [
  { code: COUNTY.root, name: `${COUNTY.name}应急管理局`, kind: "bureau", parentCode: null },
  { code: "QH-BGS", name: "办公室", kind: "department", parentCode: COUNTY.root },
  { code: "QH-ZHK", name: "综合协调科", kind: "department", parentCode: COUNTY.root },
  { code: "QH-WHK", name: "危险化学品安全监督管理科", kind: "department", parentCode: COUNTY.root },
  { code: "QH-GMK", name: "工贸行业安全监督管理科", kind: "department", parentCode: COUNTY.root },
  { code: "QH-ZFZD", name: "综合行政执法中队", kind: "squad", parentCode: COUNTY.root },
  ...TOWNS.flatMap((t): UnitRow[] => [
    { code: t.code, name: t.name, kind: "town", parentCode: COUNTY.root },
    ...t.villages.map((v, i): UnitRow => ({ code: villageCode(t.code, (i + 1) as 1 | 2 | 3 | 4), name: v, kind: "village", parentCode: t.code })),
  ]),
];
