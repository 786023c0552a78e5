import type { IpcMain, WebContents } from 'electron';
import { EVENT_CHANNEL, invokeChannel, type Unsubscribe } from '../shared/api';
import type { CoreEvent } from '../shared/events';
import { OPERATION_NAMES } from '../shared/operations';
import { createIpcHandler, type Dispatch, type SenderCheck } from './handler';

/** One `ipcMain.handle` per contract operation, each on its own channel, all through `createIpcHandler`. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatch: Dispatch,
  isTrustedSender: SenderCheck,
) {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(invokeChannel(name), createIpcHandler(name, dispatch, isTrustedSender));
  }
}

/** Pushes every core event to the renderers that `recipients` names at that moment. */
export function forwardCoreEvents(
  subscribe: (listener: (event: CoreEvent) => void) => Unsubscribe,
  recipients: () => Iterable<Pick<WebContents, 'send'>>,
): Unsubscribe {
  return subscribe((event) => {
    for (const contents of recipients()) contents.send(EVENT_CHANNEL, event);
  });
}
