import type { Unsubscribe } from '@shared/api';
import type { Input, OperationName, Output } from '@shared/contract';
import type { Result } from '@shared/errors';
import type { CoreEvent } from '@shared/events';

/** How the renderer reaches the core: Electron IPC through the preload, or HTTP to the browser host. */
export interface Transport {
  invoke<K extends OperationName>(name: K, input: Input<K>): Promise<Result<Output<K>>>;
  onEvent(listener: (event: CoreEvent) => void): Unsubscribe;
}
