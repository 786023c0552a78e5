import type en from "./campaigns.en";

/** 简体中文: the same keys as campaigns.en.ts. */
const zhCN: typeof en = {
  title: "营销活动",
};

export default zhCN;
