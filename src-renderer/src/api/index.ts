import type { Unsubscribe } from '@shared/api';
import type { Input, OperationName, Output } from '@shared/contract';
import type { EventMap, EventName } from '@shared/events';
import { desktopTransport } from './desktop';
import { ApiError, toApiError } from './errors';
import { httpTransport, takeToken } from './http';
import type { Transport } from './transport';

export { ApiError, toApiError, type ClientErrorCode } from './errors';
export { uploadFile } from './http';

let transport: Transport | null = null;

/** Picks the door this renderer came through. Call once, before anything else talks to the core. */
export function connect(): void {
  transport = window.marketlens ? desktopTransport(window.marketlens) : httpTransport(takeToken());
}

function requireTransport(): Transport {
  if (!transport) throw new ApiError('INTERNAL', 'connect() must run before the first call.');
  return transport;
}

/** Operations whose input is empty may be called without one. */
type InputArgs<K extends OperationName> =
  Record<string, never> extends Input<K> ? [input?: Input<K>] : [input: Input<K>];

/** Runs one operation and returns its value, or throws an `ApiError` carrying the core's error code. */
export async function call<K extends OperationName>(name: K, ...[input]: InputArgs<K>): Promise<Output<K>> {
  let result;
  try {
    result = await requireTransport().invoke(name, input ?? ({} as Input<K>));
  } catch (error) {
    throw toApiError(error);
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}

export function onEvent<K extends EventName>(name: K, listener: (payload: EventMap[K]) => void): Unsubscribe {
  return requireTransport().onEvent((event) => {
    if (event.name === name) listener(event.payload as EventMap[K]);
  });
}
