import { describe, expect, it } from 'vitest';
import { parseXml, XSI } from './xml.js';

describe('parseXml', () => {
  it('resolves element and i:type namespaces through their declarations, whatever the prefixes', () => {
    const a = parseXml(
      '<r xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:p="urn:x"><p:v i:type="p:T">1</p:v></r>',
      'a.xml',
    );
    const b = parseXml(
      '<r xmlns:zz="http://www.w3.org/2001/XMLSchema-instance"><v xmlns="urn:x" xmlns:q="urn:x" zz:type="q:T">1</v></r>',
      'b.xml',
    );
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      for (const root of [a.value, b.value]) {
        expect(root.children[0]).toMatchObject({ ns: 'urn:x', name: 'v', type: { ns: 'urn:x', name: 'T' }, text: '1' });
      }
    }
    expect(XSI).toBe('http://www.w3.org/2001/XMLSchema-instance');
  });

  it('refuses DTDs, so entity bombs are never expanded', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    const t0 = performance.now();
    const r = parseXml(bomb, 'bomb.tm7');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('DTD');
  });

  it.each([
    ['PK\u0003\u0004\u0014\u0000rest-of-a-zip', 'ZIP archive'],
    ['trustzones: []\ncomponents: []\n', 'not XML'],
    ['', 'empty'],
  ])('says what %j is instead of XML', (text, what) => {
    const r = parseXml(text, 'x.tm7');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(what);
  });

  it('says where a truncated file breaks', () => {
    const r = parseXml('<a>\n  <b>text</b>\n  <c>\n', 'cut.tm7');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.file).toBe('cut.tm7');
      expect(r.error.line).toBeGreaterThanOrEqual(3);
      expect(r.error.message).toMatch(/unclosed|Not a valid/i);
      expect(r.error.message).not.toMatch(/\d+:\d+:/);
    }
  });

  it('decodes character references and strips a BOM', () => {
    const r = parseXml('\uFEFF<a>one&#xD;\ntwo &amp; three</a>', 'x.xml');
    expect(r.ok && r.value.text).toBe('one\r\ntwo & three');
  });
});
