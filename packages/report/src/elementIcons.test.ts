import { describe, expect, it } from 'vitest';
import { elementIcon, ICON_RULES, iconSymbol } from './elementIcons.js';

const icon = (kind: string, ...clues: (string | undefined)[]) => elementIcon(kind, clues)?.name;

describe('elementIcon', () => {
  it('reads the type id, then the type names, then the element name', () => {
    expect(icon('externalEntity', 'infra.user', 'User')).toBe('user');
    expect(icon('externalEntity', 'browser', 'Browser')).toBe('app-window');
    expect(icon('process', 'web-app', 'Web application')).toBe('server');
    expect(icon('dataStore', 'sql-database', 'SQL database')).toBe('database');
    expect(icon('process', 'cloud-service', 'Cloud service')).toBe('cloud');
    expect(icon('dataStore', 'message-queue')).toBe('inbox');
    expect(icon('dataStore', 'object-storage')).toBe('folder');
    expect(icon('externalEntity', 'mobile-client', 'Mobile client', 'Client application')).toBe('smartphone');
    expect(icon('dataStore', 'secrets-vault', 'Secrets vault')).toBe('key-round');
    expect(icon('process', 'serverless-function')).toBe('square-function');
    expect(icon('externalEntity', 'admin-user', 'Administrator', 'User')).toBe('user-cog');
    expect(icon('externalEntity', 'third-party-api')).toBe('plug');
    expect(icon('externalEntity', 'iot-device')).toBe('cpu');
    expect(icon('externalEntity', 'cia.partner-system')).toBe('building');
  });

  it('names the Microsoft tool’s stencils (GUID ids) by their names and parents', () => {
    const guid = '6c1e4d3a-8b2f-4c1a-9e7d-0f1b2c3d4e5f';
    expect(icon('process', guid, 'Azure App Service Web App', 'Web Application')).toBe('cloud');
    expect(icon('dataStore', guid, 'SQL Database')).toBe('database');
    expect(icon('externalEntity', guid, 'Human User')).toBe('user');
    expect(icon('dataStore', guid, 'Azure Key Vault')).toBe('key-round');
    expect(icon('process', guid, 'Web Server')).toBe('server');
    expect(icon('dataStore', guid, 'Azure Event Hub')).toBe('inbox');
    expect(icon('process', 'GE.P', 'ServiceBusQueue')).toBe('inbox');
  });

  it('gives the seeds’ infrastructure types their icons, and a generic type its kind’s', () => {
    expect(icon('process', 'infra.firewall', 'Firewall service')).toBe('brick-wall');
    expect(icon('process', 'infra.workstation', 'Machine')).toBe('monitor');
    expect(icon('process', 'infra.source-hosting', 'GitHub')).toBe('git-branch');
    expect(icon('dataStore', 'infra.removable-drive', 'Removable drive store')).toBe('hard-drive');
    expect(icon('dataStore', 'infra.log-store')).toBe('scroll-text');
    expect(icon('process', 'GE.P', 'Process')).toBe('cog');
    expect(icon('dataStore', 'GE.DS', 'Data store')).toBe('database');
    expect(icon('externalEntity', 'GE.EI', 'External entity')).toBe('user');
    expect(icon('process', 'GE.P', undefined)).toBe('cog');
    expect(icon('dataFlow', 'GE.DF', 'HTTPS')).toBeUndefined();
    expect(icon('trustBoundary', 'GE.TB.B', 'Cloud')).toBeUndefined();
  });

  it('has an icon drawn for every rule', () => {
    for (const [, name] of ICON_RULES) expect(elementIcon('process', [name])?.node.length).toBeGreaterThan(0);
  });

  it('draws an icon as an escaped SVG symbol, to place with <use>', () => {
    const svg = iconSymbol({ name: 'x', node: [['path', { d: 'M0 0"/><script>' }]] }, 'bw1-icon-x', '#123456');
    expect(svg).toBe(
      '<symbol id="bw1-icon-x" viewBox="0 0 24 24" fill="none" stroke="#123456" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M0 0&quot;/&gt;&lt;script&gt;"/></symbol>',
    );
  });
});
