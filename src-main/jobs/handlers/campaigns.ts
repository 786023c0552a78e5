import type { JobHandler } from "../context";
import type { CampaignsJobResults } from "../../shared/campaigns";

/** The campaigns area's job kinds and the code that runs each inside a worker. */
export const CAMPAIGNS_JOB_HANDLERS: {
  [K in keyof CampaignsJobResults]: JobHandler<unknown, CampaignsJobResults[K]>;
} = {};
