// What the browser scripts (console.e2e.mjs, cognito.e2e.mjs) share: the platform they run against (from the
// environment local-dev's browser tests set), named checks, Chromium, and the exit code.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE = (process.env.LONGWATCH_URL ?? '').replace(/\/+$/, '');
export const KEY = process.env.LONGWATCH_KEY ?? '';
export const NOW = Number(process.env.LONGWATCH_NOW ?? Date.now()); // the platform's clock (local-dev's test fixes it)
export const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/console-e2e';
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!BASE || !KEY) {
  console.error('set LONGWATCH_URL and LONGWATCH_KEY');
  process.exit(2);
}

/** The names of the checks run so far, in order. */
export const checks = [];

/** Runs one named check: prints `ok - name`, or fails with the name in front of the reason. */
export function check(name, fn) {
  checks.push(name);
  return fn().then(() => console.log(`ok - ${name}`), (e) => { e.message = `${name}: ${e.message}`; throw e; });
}

/** Debian's headless Chromium, with no network beyond 127.0.0.1. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
}

/** Runs a script's main after creating the screenshot directory: exit code 0 when every check held, else 1. */
export function run(main) {
  mkdirSync(SHOTS, { recursive: true });
  main().catch((e) => {
    console.error(`FAILED ${e.message}`);
    process.exit(1);
  });
}
