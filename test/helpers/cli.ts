import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/marketlens.mjs', import.meta.url));

/** The demo's order lines: real UCI Online Retail rows every CLI test can import. */
export const DEMO_SAMPLE = fileURLToPath(new URL('../../resources/demo/online-retail-sample.csv', import.meta.url));

/** Runs the installed CLI as a user would, in its own settings folder, returning exit code and both streams. */
export async function marketlens(
  args: string[],
  home: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, MARKETLENS_HOME: home },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
