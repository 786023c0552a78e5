/**
 * The campaigns area's part of the contract: its operations, its job requests and their results (merged into
 * contract.ts and dto.ts).
 */

export const campaignsOperations = {} as const;

/** Requests `jobs.start` accepts for this area's long work (each a strict object with a literal `kind`). */
export const CAMPAIGNS_JOB_REQUESTS = [] as const;

/** The result each of this area's job kinds carries once it has succeeded. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CampaignsJobResults {}
