import type { Input, OperationName, Output } from '@shared/contract';
import type { Result } from '@shared/errors';
import type { CoreEvent } from '@shared/events';
import type { ImportFileRef } from '@shared/import';
import { ApiError } from './errors';
import type { Transport } from './transport';

const TOKEN_KEY = 'marketlens.token';

/**
 * The browser host puts its per-start token in the address it prints. Keep it for reloads of this tab, and take
 * it out of the address bar so that it does not end up in screenshots, history or a copied link.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

export function httpTransport(token: string | null): Transport {
  const listeners = new Set<(event: CoreEvent) => void>();
  let events: EventSource | null = null;

  async function invoke<K extends OperationName>(name: K, input: Input<K>): Promise<Result<Output<K>>> {
    let response: Response;
    try {
      response = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { 'x-marketlens-token': token } : {}) },
        body: JSON.stringify(input),
      });
    } catch (error) {
      throw new ApiError('UNREACHABLE', error instanceof Error ? error.message : String(error));
    }
    // Every answer, 401 included, carries a Result body; anything else did not come from MarketLens.
    const body: unknown = await response.json().catch(() => null);
    if (!isResult(body)) throw new ApiError('INTERNAL', `Unexpected answer to ${name} (HTTP ${response.status}).`);
    return body as Result<Output<K>>;
  }

  function openEvents(): EventSource {
    const source = new EventSource(`/events?token=${encodeURIComponent(token ?? '')}`);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as CoreEvent;
      for (const listener of listeners) listener(event);
    };
    return source;
  }

  return {
    invoke,
    onEvent(listener) {
      listeners.add(listener);
      events ??= openEvents();
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The browser door's stand-in for a file dialog: streams the file to the host (POST /upload) and returns the id
 * import operations know it by. XHR rather than fetch, for upload progress (0..1) on big exports.
 */
export function uploadFile(file: File, onProgress?: (share: number) => void): Promise<ImportFileRef> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/upload');
    if (token) request.setRequestHeader('x-marketlens-token', token);
    request.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError('UNREACHABLE', `Uploading ${file.name} failed.`));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText) as unknown;
      } catch {
        // Handled below: anything but a Result did not come from MarketLens.
      }
      if (!isResult(body)) {
        reject(new ApiError('INTERNAL', `Unexpected answer to the upload (HTTP ${request.status}).`));
        return;
      }
      const result = body as Result<ImportFileRef>;
      if (result.ok) resolve(result.value);
      else reject(new ApiError(result.error.code, result.error.message));
    };
    request.send(file);
  });
}
