/**
 * Import says what happened (issue 16.7), with the file picker as a person would: broken files
 * are answered with where they break and what to do, as the CLI prints it; a good .tm7 with a
 * summary (its name, counts, what the first analysis will do, every warning).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, serializeModel } from '@bulwark/core';
import { expect, it } from 'vitest';
import { journeys, ROOT, SCREENSHOTS } from './browser.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-import-journey-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const TM7 = readFileSync(join(ROOT, 'packages/formats/fixtures/minimal.tm7'), 'utf8');

const brokenJson = file(
  'shop.bulwark.json',
  '{\n  "schemaVersion": 1,\n  "metadata": { "name": "Shop" },\n  "template": ]\n}\n',
);
const yamlTypos = file(
  'shop.bulwark.yaml',
  [
    'schemaVersion: 1',
    'metadata:',
    '  name: Shop',
    'template: { id: stride }',
    'diagrams:',
    '  - id: d',
    '    name: D',
    '    elements:',
    '      - id: a',
    '        kind: proces',
    '        name: A',
    '        typeId: GE.P',
    '        position: { x: 0, y: 0, width: 120, height: 60 }',
    '      - id: b',
    '        kind: dataStore',
    '        nme: B',
    '        typeId: GE.DS',
    '        position: { x: 0, y: 100, width: 120, height: 60 }',
    '',
  ].join('\n'),
);
const odd = buildModel('Odd types').process('web').store('db').flow('web', 'db').build();
const web = odd.diagrams[0]?.elements.find((e) => e.name === 'web');
if (web) web.typeId = 'GE.P.Nonsense';
const unknownType = file('odd.bulwark.json', serializeModel(odd));
const unnamedTm7 = file(
  'Payments review.tm7',
  TM7.replace('<ThreatModelName>Shop</ThreatModelName>', '<ThreatModelName/>'),
);
const goodTm7 = file('minimal.tm7', TM7);
/** The fixture with its "Orders" flow detached from its source, as the tool lets a user leave it (issue 17.7). */
const sourceGuid = (guid: string) =>
  `<SourceGuid xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">${guid}</SourceGuid>`;
const looseTm7 = file(
  'loose.tm7',
  TM7.replace('<ThreatModelName>Shop</ThreatModelName>', '<ThreatModelName>Loose shop</ThreatModelName>').replace(
    sourceGuid('22222222-0000-4000-8000-000000000001'),
    sourceGuid('00000000-0000-0000-0000-000000000000'),
  ),
);

journeys('journeys: importing says what happened', (env) => {
  it('shows where broken files break, and a summary of each good import', async () => {
    const { page, server, errors } = env();
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Threat models' }).waitFor();
    const picker = page.getByLabel(/Import a file/);
    const failed = page.getByRole('alert', { name: 'Import failed' });
    const summary = page.getByRole('status', { name: 'Import summary' });

    // Corrupt JSON: the file, line and column, what was found, what to do.
    await picker.setInputFiles(brokenJson);
    await failed.waitFor();
    const json = await failed.innerText();
    expect(json).toContain('shop.bulwark.json was not imported');
    expect(json).toContain('shop.bulwark.json:4:15: Not valid JSON at line 4, column 15: expected a value');
    expect(json).toContain('found "]". Fix the file and import it again.');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-broken-json.png') });

    // A YAML typo: every problem, each with its line.
    await picker.setInputFiles(yamlTypos);
    await failed.getByText('shop.bulwark.yaml was not imported').waitFor();
    const problems = await failed.locator('li').allInnerTexts();
    expect(problems.length).toBe(2);
    for (const p of problems) expect(p).toMatch(/^shop\.bulwark\.yaml:\d+:\d+:diagrams\[0\]\.elements\[\d\]/);
    expect(problems.some((p) => p.startsWith('shop.bulwark.yaml:10:'))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-yaml-typos.png') });

    // An unknown element type imports, with a warning saying so.
    await picker.setInputFiles(unknownType);
    await summary.waitFor();
    expect(await failed.count()).toBe(0);
    const oddText = await summary.innerText();
    expect(oddText).toContain('Imported “Odd types” from odd.bulwark.json');
    expect(oddText).toContain(
      '1 diagram, 2 elements (processes, stores, external entities), 1 data flow, 0 trust boundaries',
    );
    expect(oddText).toContain('1 warning');
    expect(oddText).toContain('has type "GE.P.Nonsense", which template "stride" does not define');
    expect(oddText).toMatch(/The first analysis, when you open it \(template stride@[^)]*\), adds \d+ threats\./);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-unknown-type.png') });

    // A .tm7 whose model has no name: named after the file.
    await picker.setInputFiles(unnamedTm7);
    await summary.getByText('Imported “Payments review” from Payments review.tm7').waitFor();
    expect(await summary.innerText()).toContain('The file names no model, so it is named after the file.');

    // A .tm7 with a flow left unattached: imported, and the flow named, with what to do.
    await picker.setInputFiles(looseTm7);
    await summary.getByText('Imported “Loose shop” from loose.tm7').waitFor();
    expect(await summary.innerText()).toContain(
      'Data flow "Orders" (id 33333333-0000-4000-8000-000000000001) on diagram "Shop context" is not attached at its source: kept without an end: attach it in the editor.',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'import-tm7-unattached-flow.png') });

    // A good .tm7: its own name, its counts, what the first analysis will do, its warnings.
    await picker.setInputFiles(goodTm7);
    await summary.getByText('Imported “Shop” from minimal.tm7').waitFor();
    const tm7 = await summary.innerText();
    expect(tm7).toContain('Read as Microsoft Threat Modeling Tool (.tm7). Named as the file names it.');
    expect(tm7).toContain(
      '1 diagram, 2 elements (processes, stores, external entities), 1 data flow, 2 trust boundaries',
    );
    expect(tm7).toContain('1 threat from the file, kept as the file has them');
    expect(tm7).toMatch(
      /The first analysis, when you open it \(template 44444444-[^)]*\), regenerates the text of 1 from the file\./,
    );
    // The fixture's knowledge base has one rule the tool's own parser would refuse: said, not hidden.
    expect(tm7).toContain('1 warning');
    expect(tm7).toContain('Threat type "T3" is skipped: its include rule is broken');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-tm7-summary.png') });

    // The list shows each import under its own name; none is called "upload".
    const names = await page.locator('.bw-table tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['Shop', 'Payments review', 'Odd types']));
    expect(names).not.toContain('upload');
    await summary.getByRole('button', { name: 'Open the model' }).click();
    await page.waitForURL(/#\/models\//);
    await page.locator('.react-flow__node', { hasText: 'Web app' }).waitFor();
    // Only the browser's notes of the two refused uploads.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
  }, 90_000);
});
