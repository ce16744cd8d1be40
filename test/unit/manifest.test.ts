/** package.json against the code: command ids, setting enums and the snippet path cannot drift from the core. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FRAMEWORKS, PRESETS } from '../../src/core';
import { AUTO_FRAMEWORK, COMMAND_IDS, FALLBACK_PRESET } from '../../src/commands/insertFlow';

interface Manifest {
  engines: { vscode: string };
  main: string;
  browser: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: { commandPalette: { command: string; when: string }[] };
    snippets: { language: string; path: string }[];
    configuration: { properties: Record<string, { enum?: string[]; default: unknown }> };
  };
}

/** The Explorer's command lives on ExplorerPanel, which imports vscode; its id is checked against that source's text. */
const EXPLORER_COMMAND = 'timestepLens.openExplorer';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('contributes exactly the commands the extension registers, in the Timestep Lens category', () => {
    const contributed = manifest.contributes.commands;
    assert.deepEqual(contributed.map((c) => c.command).sort(), [...Object.values(COMMAND_IDS), EXPLORER_COMMAND].sort());
    for (const command of contributed) assert.equal(command.category, 'Timestep Lens');
    const panelSource = readFileSync(resolve(__dirname, '../../src/explorer/explorerPanel.ts'), 'utf8');
    assert.ok(panelSource.includes(`openCommand = '${EXPLORER_COMMAND}'`), 'ExplorerPanel.openCommand changed');
  });

  it('offers the Explorer in the Python editor context menu and restores its panel', () => {
    const context = (manifest.contributes.menus as unknown as Record<string, { command: string; when: string }[]>)['editor/context'];
    assert.ok(context?.some((m) => m.command === EXPLORER_COMMAND && m.when.includes('python')));
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:timestepLens.explorer'));
  });

  it('shows the commands in the palette only while an editor is open', () => {
    const palette = manifest.contributes.menus.commandPalette;
    assert.deepEqual(palette.map((m) => m.command).sort(), Object.values(COMMAND_IDS).sort());
    for (const entry of palette) assert.equal(entry.when, 'editorIsOpen');
  });

  it('offers every framework and auto, defaulting to auto', () => {
    const setting = settings['timestepLens.defaultFramework']!;
    assert.deepEqual(setting.enum, [AUTO_FRAMEWORK, ...FRAMEWORKS]);
    assert.equal(setting.default, AUTO_FRAMEWORK);
  });

  it('offers every preset id, defaulting to diffusers', () => {
    const setting = settings['timestepLens.defaultPreset']!;
    assert.deepEqual(setting.enum, PRESETS.map((p) => p.id));
    assert.equal(setting.default, FALLBACK_PRESET);
  });

  it("defaults the width to 0, the preset's own", () => {
    assert.equal(settings['timestepLens.defaultWidth']!.default, 0);
  });

  it('contributes the generated Python snippets', () => {
    assert.deepEqual(manifest.contributes.snippets, [{ language: 'python', path: './dist/snippets/python.json' }]);
  });

  it('activates on its commands only, not on every Python file', () => {
    assert.ok(!manifest.activationEvents.some((event) => event.startsWith('onLanguage')));
  });

  it('targets VS Code 1.139 (code-server 4.139.1) with desktop and web entries in dist/', () => {
    assert.equal(manifest.engines.vscode, '^1.139.0');
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.browser, './dist/web/extension.js');
  });
});
