/** English messages of the campaigns area (merged into en.ts under `campaigns`). */
export default {
  title: "Campaigns",
};
