import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelDigest, parseModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, triagedExample } from '../testing/runCli.js';

describe('bulwark signoff', () => {
  it('records a sign-off with the digest of the model as it is, and says when it changed since', () => {
    const file = triagedExample();
    expect(runCli(['signoff', file, '--status']).code).toBe(1);
    const r = runCli(['signoff', file, '--by', 'Rita Reviewer', '--note', 'Fine once TLS is on']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('signed off');
    const model = parseModel(JSON.parse(readFileSync(file, 'utf8')));
    if (!model.ok) throw new Error(model.error.message);
    const signOff = model.value.review?.signOffs?.[0];
    expect(signOff).toMatchObject({
      by: 'Rita Reviewer',
      note: 'Fine once TLS is on',
      digest: modelDigest(model.value),
    });
    const status = runCli(['signoff', file, '--status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('is as Rita Reviewer signed it off on');
    expect(runCli(['check', file, '--require-signoff']).code).toBe(0);

    // A change after the sign-off: a threat's status.
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { threats: { status: string }[] };
    (raw.threats[0] as { status: string }).status = 'needs-investigation';
    writeFileSync(file, JSON.stringify(raw));
    const changed = runCli(['signoff', file, '--status']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('has changed since Rita Reviewer signed it off');
    const gate = runCli(['check', file, '--require-signoff']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('not signed off');
    expect(gate.stdout).toContain('passed: none of the');
  });

  it('refuses to sign off stale threats, a missing name or a .tm7 file, and changes nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'infra.bulwark.json');
    const original = readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8');
    writeFileSync(file, original);
    const stale = runCli(['signoff', file, '--by', 'Rita']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('bulwark analyze');
    const nobody = runCli(['signoff', file]);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('--by');
    expect(readFileSync(file, 'utf8')).toBe(original);
    copyFileSync(join(ROOT, 'packages/formats/fixtures/minimal.tm7'), join(dir, 'm.tm7'));
    const tm7 = runCli(['signoff', 'm.tm7', '--by', 'Rita'], dir);
    expect(tm7.code).toBe(2);
    expect(tm7.stderr).toContain('cannot hold a sign-off');
  });
});
