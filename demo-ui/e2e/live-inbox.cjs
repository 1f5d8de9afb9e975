// Headless Chromium check of the /demo live inbox page (driven by an xunit test, see
// tests/MailGateway.IntegrationTests/Events/DemoPageE2ETests.cs).
// Usage: node live-inbox.cjs <baseUrl> <token> <accountId> <subject>
// Prints READY once the page is subscribed; the test then appends a message with <subject> over IMAP.
// Exits 0 when the row appears (rendered as text), 1 otherwise.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [baseUrl, token, accountId, subject] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH ||
  ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "mg-demo-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const errors = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("dialog", (d) => { errors.push("unexpected dialog: " + d.message()); d.dismiss(); });
    const response = await page.goto(baseUrl + "/demo", { waitUntil: "load" });
    if (!page.url().endsWith("/demo/")) {
      throw new Error("expected a redirect to /demo/, got " + page.url() + " " + (response && response.status()) + " " + (await page.content()).slice(0, 300));
    }
    if (await page.evaluate(() => typeof signalR) !== "object") throw new Error("the bundled @microsoft/signalr client did not load");
    await page.fill("#token", token);
    await page.click("#load-accounts");
    await page.waitForSelector(`#accounts option[value="${accountId}"]`, { state: "attached", timeout: 15000 });
    await page.selectOption("#accounts", accountId);
    await page.click("#open");
    // The first watch of an account takes a baseline: wait until the gateway reports the watch is up.
    await page.waitForFunction(() => document.getElementById("events").textContent.includes("account.connected"), null, { timeout: 20000, polling: 100 });
    console.log("READY");
    const row = page.locator("#message-rows tr", { hasText: subject });
    try {
      await row.first().waitFor({ timeout: 30000 });
    } catch (e) {
      const state = await page.evaluate(() => document.getElementById("status").textContent + " | " + document.getElementById("events").textContent);
      throw new Error(String(e) + "\npage: " + state);
    }
    const text = await row.first().innerText();
    const injected = await page.locator("#message-rows img, #message-rows b").count();
    if (injected > 0) throw new Error("mail data was rendered as HTML");
    if (errors.length > 0) throw new Error("page errors: " + errors.join("; "));
    await page.screenshot({ path: path.join(os.tmpdir(), "mg-demo-e2e.png") });
    console.log("FOUND " + JSON.stringify(text));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().then(() => process.exit(0), (e) => { console.error(String(e && e.stack || e)); process.exit(1); });
