import { expect } from 'vitest';
import { CoreError } from '../../src-main/shared/errors';

/** Runs `work` and checks that it refuses with a VALIDATION CoreError whose message matches. */
export function expectValidationError(work: () => unknown, message: RegExp): void {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('VALIDATION');
    expect((error as CoreError).message).toMatch(message);
    return;
  }
  expect.fail('expected a CoreError');
}
