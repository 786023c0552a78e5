import type { CliModule } from "./cli-module";

/** The campaigns area's commands (being built). */
export const campaignsCli: CliModule = {
  help: [],
  options: {},
  run: () => Promise.resolve(null),
};
