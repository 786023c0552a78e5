import type { MarketLensBridge } from '@/env';
import type { Transport } from './transport';

export function desktopTransport(bridge: MarketLensBridge): Transport {
  return {
    invoke: (name, input) => bridge.api[name](input),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
