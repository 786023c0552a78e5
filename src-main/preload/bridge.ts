import { EVENT_CHANNEL, invokeChannel, type Api, type Unsubscribe } from '../shared/api';
import type { CoreEvent } from '../shared/events';
import { OPERATION_NAMES } from '../shared/operations';

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => Unsubscribe;

/** What the renderer finds as `window.marketlens`. */
export interface Bridge {
  api: Api;
  onEvent(listener: (event: CoreEvent) => void): Unsubscribe;
}

/**
 * One method per contract operation, each bound to its own channel, and one event subscription: nothing that
 * would let the page name a channel itself. Kept free of electron so that a test can pin it to the contract.
 */
export function buildBridge(invoke: Invoke, subscribe: Subscribe): Bridge {
  const api = Object.fromEntries(
    OPERATION_NAMES.map((name) => {
      const channel = invokeChannel(name);
      return [name, (input: unknown) => invoke(channel, input)];
    }),
  ) as Api;
  return {
    api,
    onEvent: (listener) => subscribe(EVENT_CHANNEL, (payload) => listener(payload as CoreEvent)),
  };
}
