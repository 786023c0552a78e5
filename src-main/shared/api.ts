import type { Input, OperationName, Output } from './contract';
import type { Result } from './errors';
import type { EventMap, EventName } from './events';

/** What the renderer sees, whichever door it came through. */
export type Api = {
  [K in OperationName]: (input: Input<K>) => Promise<Result<Output<K>>>;
};

export type Unsubscribe = () => void;

export interface EventSource {
  on<K extends EventName>(name: K, listener: (payload: EventMap[K]) => void): Unsubscribe;
}

/** Channel names used over Electron IPC. */
export const invokeChannel = (name: OperationName): string => `marketlens:${name}`;
export const EVENT_CHANNEL = 'marketlens:event';
