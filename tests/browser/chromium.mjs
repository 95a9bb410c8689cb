// How the browser tests start Debian's Chromium: headless, offline (no background
// networking, updates, sync or first-run work), without a GPU unless `swiftshader`
// asks for WebGL2 through SwiftShader (a CPU emulation). `headless: 'old'` keeps the
// old headless mode the first suites were written against.
import {chromium} from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchChromium({headless = 'new', swiftshader = false, args = []} = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [headless === 'old' ? '--headless' : '--headless=new', '--no-sandbox', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
           ...(swiftshader ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu']), ...args],
  });
}
