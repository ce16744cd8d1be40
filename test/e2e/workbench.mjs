/**
 * The VS Code workbench as a person drives it (palette, quick picks, editors, the Explorer's webview frame), shared by
 * the e2e scenarios (run.mjs) and the web-host check (web.mjs). Every wait names what it waited for when it times out.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workbench UI as a person uses it: palette, quick picks, editors, the webview. */
export class Workbench {
  /** `resultsDir` receives the screenshots steps ask for; every step waits at most `stepTimeoutMs`. */
  constructor(page, { resultsDir, stepTimeoutMs = 30_000 }) {
    this.page = page;
    this.resultsDir = resultsDir;
    this.stepTimeoutMs = stepTimeoutMs;
    this.quickInput = page.locator('.quick-input-widget');
    this.input = this.quickInput.locator('.quick-input-box input');
  }

  /** F1, type the command's title, wait for its row to be the focused one, Enter. */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    await this.input.waitFor({ state: 'visible', timeout: this.stepTimeoutMs });
    await this.page.keyboard.type(title);
    await this.acceptRow(title);
  }

  /** Quick open (Ctrl+P is the browser's print dialog in some setups, so F1 then backspace over the `>`). */
  async openFile(name) {
    await this.page.keyboard.press('F1');
    await this.input.waitFor({ state: 'visible', timeout: this.stepTimeoutMs });
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.type(name);
    await this.acceptRow(name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: this.stepTimeoutMs });
    await this.focusEditor();
  }

  /** Waits until the focused row of the open quick pick shows `text` (and `description`), then presses Enter. */
  async acceptRow(text, { description, screenshot } = {}) {
    const row = this.quickInput.locator('.monaco-list-row.focused', { hasText: text });
    await row.waitFor({ state: 'visible', timeout: this.stepTimeoutMs }).catch(async () => {
      const rows = await this.quickInput.locator('.monaco-list-row').allTextContents();
      throw new Error(`no focused quick-pick row with "${text}"; rows: ${rows.slice(0, 8).join(' | ') || 'none'}`);
    });
    if (description) await row.locator('.label-description', { hasText: description }).waitFor({ timeout: this.stepTimeoutMs });
    if (screenshot) await this.page.screenshot({ path: join(this.resultsDir, screenshot) });
    await this.page.keyboard.press('Enter');
  }

  /** Waits for the quick input's title to contain `text` (each step of the insert flow has its own title). */
  async waitForTitle(text) {
    await this.quickInput.locator('.quick-input-title', { hasText: text }).waitFor({ state: 'visible', timeout: this.stepTimeoutMs }).catch(async () => {
      throw new Error(`no quick input titled "…${text}"; the title is "${await this.quickInput.locator('.quick-input-title').textContent().catch(() => '?')}"`);
    });
  }

  /** An input box step: select its text, type the new value, Enter (only accepted when validation passed). */
  async replaceInput(value, { screenshot } = {}) {
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(value);
    assert.equal(await this.input.inputValue(), value);
    if (screenshot) await this.page.screenshot({ path: join(this.resultsDir, screenshot) });
    await this.acceptInput();
  }

  /** Enter on an input box once it shows no validation message. */
  async acceptInput() {
    const message = this.quickInput.locator('.quick-input-message');
    const text = (await message.isVisible()) ? (await message.textContent())?.trim() : '';
    // The box's own prompt is shown in the message area too; a validation error has the error severity class.
    if (await this.quickInput.locator('.quick-input-message.error, .monaco-inputbox.error').count()) throw new Error(`the input box refuses its value: ${text}`);
    await this.page.keyboard.press('Enter');
  }

  /** Clicks into the text of the first editor group's active editor. */
  async focusEditor() {
    await this.page.locator('.editor-group-container').first().locator('.monaco-editor .view-lines').click();
  }

  /** Ctrl+S, then waits until the file on disk is no longer what it was (the save reached the remote file system). */
  async save(file) {
    const before = readFileSync(file, 'utf8');
    await this.page.keyboard.press('Control+S');
    const deadline = Date.now() + this.stepTimeoutMs;
    while (readFileSync(file, 'utf8') === before) {
      if (Date.now() > deadline) throw new Error(`${file} was not saved`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Closes the notification toasts a fresh profile may show, so they cover nothing in the screenshots. */
  async dismissNotifications() {
    const close = this.page.locator('.notifications-toasts .codicon-notifications-clear');
    for (let i = 0; i < 5 && (await close.count()) > 0; i++) await close.first().click().catch(() => {});
  }

  /**
   * The Explorer's page: VS Code puts each webview in an `iframe.webview` (marked `ready` once its service worker
   * runs) whose document loads ours in `#active-frame`. Returns that inner frame as a Playwright Frame.
   */
  async webviewFrame(timeout = this.stepTimeoutMs) {
    const outer = this.page.locator('iframe.webview.ready');
    await outer.first().waitFor({ state: 'attached', timeout });
    const active = this.page.frameLocator('iframe.webview.ready').first().locator('#active-frame');
    await active.waitFor({ state: 'attached', timeout });
    const frame = await (await active.elementHandle()).contentFrame();
    assert.ok(frame, 'the webview has no active frame');
    await frame.locator('#root').waitFor({ state: 'attached', timeout });
    return frame;
  }
}
