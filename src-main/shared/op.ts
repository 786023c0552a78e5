import type { z } from 'zod';
import type { ErrorCode } from './errors';

/**
 * Declares one operation: the request schema, the errors it may return besides VALIDATION and INTERNAL, and (as a
 * phantom type) its response. Each area's operations are declared with it in their own file and merged in
 * contract.ts.
 */
export function op<Output>() {
  return <Input extends z.ZodType, const Errors extends readonly ErrorCode[]>(input: Input, errors: Errors) => ({
    input,
    errors,
    output: undefined as unknown as Output,
  });
}
