import type { ParsedInput, Output } from "../shared/contract";
import type { campaignsOperations } from "../shared/campaigns";
import type { AreaContext } from "./area-context";

type Ops = keyof typeof campaignsOperations;

/** The campaigns area's operations (being built). */
export function campaignsHandlers(_context: AreaContext): {
  [K in Ops]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
} {
  return {};
}
