import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { isTrustedUrl } from '../app/security';
import type { OperationName } from '../shared/contract';
import type { Result } from '../shared/errors';

// Only types come from electron here: tests drive these functions with plain objects shaped like IPC events,
// because Electron's binary cannot run in them.

export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
export type SenderCheck = (event: SenderEvent) => boolean;
export type Dispatch = (name: string, payload: unknown) => Promise<Result<unknown>>;
export type IpcHandler = (event: SenderEvent, payload: unknown) => Promise<Result<unknown>>;

/**
 * A message is ours when it comes from the main frame of one of our windows (so from the top level: not an iframe,
 * not a nested page) while that frame shows a page of the trusted origin.
 */
export function trustedSenders(trustedOrigin: string, isOurWindow: (contents: WebContents) => boolean): SenderCheck {
  return ({ sender, senderFrame }) =>
    senderFrame !== null &&
    senderFrame.frameTreeNodeId === sender.mainFrame.frameTreeNodeId &&
    isOurWindow(sender) &&
    isTrustedUrl(senderFrame.url, trustedOrigin);
}

/** The one helper every IPC operation goes through: the sender is checked here, the payload parsed by `dispatch`. */
export function createIpcHandler(name: OperationName, dispatch: Dispatch, isTrustedSender: SenderCheck): IpcHandler {
  return async (event, payload) => {
    if (!isTrustedSender(event)) {
      return {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: `${name} was refused: it did not come from a MarketLens window.` },
      };
    }
    return dispatch(name, payload);
  };
}
