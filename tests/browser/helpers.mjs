// Shared set-up of the browser tests: the bench's URL, the fixture, the screenshot folder, Chromium.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const base = process.env.CRM_PLUS_URL || "http://127.0.0.1:8000";
export const fixture = JSON.parse(process.env.CRM_PLUS_FIXTURE || "{}");
export const shots = process.env.CRM_PLUS_ARTIFACTS || "artifacts";
mkdirSync(shots, { recursive: true });

// Debian's chromium, never a downloaded browser; no background traffic off this machine.
export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--lang=zh-CN"],
	});
}

export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" };
