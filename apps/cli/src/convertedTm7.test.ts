/**
 * `bulwark convert` of a .tm7 (issue 17.7 and 17.9): every flow the file leaves unattached is
 * named, with the file, on the terminal and in --format json; the converted model carries its
 * template (`template.embedded`), so it analyses the same with nothing beside it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './testing/runCli.js';

const TM7 = readFileSync(join(ROOT, 'packages/formats/fixtures/minimal.tm7'), 'utf8');
const SOURCE_GUID = (guid: string) =>
  `<SourceGuid xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">${guid}</SourceGuid>`;
/** The fixture with its "Orders" flow detached from its source. */
const LOOSE = TM7.replace(
  SOURCE_GUID('22222222-0000-4000-8000-000000000001'),
  SOURCE_GUID('00000000-0000-0000-0000-000000000000'),
);

describe('bulwark convert of a .tm7', () => {
  it('names each unattached flow with the file, on the terminal and in --format json', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'loose.tm7'), LOOSE);
    const r = runCli(['convert', 'loose.tm7', '-o', 'loose.bulwark.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'loose.tm7: Data flow "Orders" (id 33333333-0000-4000-8000-000000000001) on diagram "Shop context" is not attached at its source: kept without an end: attach it in the editor.',
    );
    const json = runCli(['convert', 'loose.tm7', '-o', 'again.bulwark.json', '--format', 'json'], dir);
    expect(JSON.parse(json.stdout).warnings).toContainEqual(expect.stringContaining('loose.tm7: Data flow "Orders"'));
  });

  it('embeds the template, so the model analyses the same without .bulwark/templates', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'shop.tm7'), TM7);
    const r = runCli(['convert', 'shop.tm7', '-o', 'shop.bulwark.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('is embedded in shop.bulwark.json (template.embedded)');
    rmSync(join(dir, '.bulwark'), { recursive: true, force: true });
    const model = JSON.parse(readFileSync(join(dir, 'shop.bulwark.json'), 'utf8'));
    expect(model.template.embedded.id).toBe(model.template.id);
    const before = JSON.parse(runCli(['analyze', 'shop.tm7', '--format', 'json'], dir).stdout);
    const after = JSON.parse(runCli(['analyze', 'shop.bulwark.json', '--format', 'json'], dir).stdout);
    expect(after.threats).toEqual(before.threats);
  });

  it('refuses a model whose embedded template is not the one it names, saying where', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'shop.tm7'), TM7);
    runCli(['convert', 'shop.tm7', '-o', 'shop.bulwark.json'], dir);
    const model = JSON.parse(readFileSync(join(dir, 'shop.bulwark.json'), 'utf8'));
    model.template.id = 'stride';
    writeFileSync(join(dir, 'odd.bulwark.json'), JSON.stringify(model, null, 2));
    const r = runCli(['analyze', 'odd.bulwark.json'], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/template\.embedded.*but the model names "stride"/s);
  });
});
