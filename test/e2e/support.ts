import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const URL_LINE = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;

export interface BrowserHost {
  /** The address the host printed, token included. */
  url: string;
  origin: string;
  token: string;
  /** MARKETLENS_HOME: settings, the demo project and the workspace's projects live under it. */
  home: string;
  stop(): Promise<void>;
}

/** Starts the browser host the way a user does, in a fresh home folder, and reads the address it prints. */
export async function startBrowserHost(options: { home?: string; project?: string } = {}): Promise<BrowserHost> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'marketlens-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MARKETLENS_HOME: home, LANG: 'en_US.UTF-8' };
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  const project = options.project ? [options.project] : [];
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'marketlens.mjs'), 'serve', ...project, '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`marketlens serve printed no address in 60 s. ${stderr}`)), 60_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = URL_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          done(match[0]);
        }
      });
      child.once('exit', (code) => fail(new Error(`marketlens serve exited with ${code}: ${stderr}`)));
    });
    const parsed = new URL(url);
    return {
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token') ?? '',
      home,
      stop: async () => {
        await stop(child);
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop(child);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Screenshots are kept as test artifacts, to be looked at; taken once fades and slides have settled. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Runs in the page (a string, since this file is checked without the DOM types); spinners never end, so they are left out.
  await page.evaluate(
    'Promise.allSettled(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished))',
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A laptop screen in English and UTC; reduced motion so that charts are drawn at once and screenshots show them whole. */
export function newLaptopContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
}

/** Collects the page's console errors and uncaught exceptions into `problems`: a clean run has none. */
export function watchForProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
}
