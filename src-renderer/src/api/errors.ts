import type { ErrorCode } from '@shared/errors';

/** Codes the core sends, plus the one only the renderer can see: the core did not answer at all. */
export type ClientErrorCode = ErrorCode | 'UNREACHABLE';

/** A failed operation, carrying the core's code (which the UI translates) and its English message (the detail). */
export class ApiError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}
