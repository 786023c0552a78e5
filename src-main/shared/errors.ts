/** Every error the core can return. Messages are English; the renderer translates by code. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_OPERATION',
  'UNAUTHORIZED',
  'NO_PROJECT',
  'NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_NOT_FOUND',
  'PROJECT_NOT_SQLITE',
  'PROJECT_NOT_MARKETLENS',
  'PROJECT_CORRUPT',
  'PROJECT_NEWER_VERSION',
  'PROJECT_READ_ONLY',
  'JOB_NOT_FOUND',
  'IMPORT_UNREADABLE',
  'IMPORT_MAPPING_INCOMPLETE',
  'SEGMENT_EXISTS',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown inside the core; every door turns it into an `ApiError` value. */
export class CoreError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
