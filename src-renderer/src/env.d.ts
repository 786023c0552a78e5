import type { Api, Unsubscribe } from '@shared/api';
import type { CoreEvent } from '@shared/events';
import type { MessageSchema } from './i18n/en';

/** What the Electron preload exposes as `window.marketlens`; absent when the browser host serves the renderer. */
export interface MarketLensBridge {
  api: Api;
  onEvent(listener: (event: CoreEvent) => void): Unsubscribe;
}

declare global {
  interface Window {
    marketlens?: MarketLensBridge;
  }
}

declare module 'vue-i18n' {
  // Offers the English messages' keys to t() in editors; test/unit/i18n.test.ts checks the keys actually used.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends MessageSchema {}
}
