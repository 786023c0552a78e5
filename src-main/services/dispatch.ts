import { contract, type OperationName, type Output, type ParsedInput } from '../shared/contract';
import { CoreError, type Result } from '../shared/errors';

export type Handlers = {
  [K in OperationName]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
};

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(contract, name);
}

/**
 * The one way into the core from any door: check the operation exists, parse the payload with its schema,
 * run it, and turn every failure into `{ code, message }` data.
 */
export async function dispatch(handlers: Handlers, name: string, payload: unknown): Promise<Result<unknown>> {
  if (!isOperationName(name)) {
    return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `There is no operation called "${name}".` } };
  }
  const parsed = contract[name].input.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
    return { ok: false, error: { code: 'VALIDATION', message: `Invalid request for ${name}: ${issues.join('; ')}` } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown> | unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof CoreError) return { ok: false, error: { code: error.code, message: error.message } };
    console.error(`[marketlens] ${name} failed:`, error);
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'INTERNAL', message: `Something went wrong in ${name}: ${message}` } };
  }
}
