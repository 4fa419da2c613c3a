/**
 * The icon of an element's type (user, browser, server, database, cloud, queue, ...), from the
 * Lucide icon set (ISC), for the editor's shapes and stencils and the SVG report alike: one small
 * table of keywords, read against what is known of the type (its id, its name and its parents'
 * names) and then the element's own name, and an icon per kind when nothing matches. Pure data:
 * the SVG renderer draws an icon as markup (`iconSymbol`), the editor as React elements.
 */
/// <reference path="./lucideIcons.d.ts" />
import activity from 'lucide/dist/esm/icons/activity.mjs';
import appWindow from 'lucide/dist/esm/icons/app-window.mjs';
import archive from 'lucide/dist/esm/icons/archive.mjs';
import bookUser from 'lucide/dist/esm/icons/book-user.mjs';
import brickWall from 'lucide/dist/esm/icons/brick-wall.mjs';
import building from 'lucide/dist/esm/icons/building.mjs';
import clock from 'lucide/dist/esm/icons/clock.mjs';
import cloud from 'lucide/dist/esm/icons/cloud.mjs';
import cog from 'lucide/dist/esm/icons/cog.mjs';
import container from 'lucide/dist/esm/icons/container.mjs';
import cpu from 'lucide/dist/esm/icons/cpu.mjs';
import database from 'lucide/dist/esm/icons/database.mjs';
import folder from 'lucide/dist/esm/icons/folder.mjs';
import gitBranch from 'lucide/dist/esm/icons/git-branch.mjs';
import hammer from 'lucide/dist/esm/icons/hammer.mjs';
import hardDrive from 'lucide/dist/esm/icons/hard-drive.mjs';
import idCard from 'lucide/dist/esm/icons/id-card.mjs';
import inbox from 'lucide/dist/esm/icons/inbox.mjs';
import keyRound from 'lucide/dist/esm/icons/key-round.mjs';
import memoryStick from 'lucide/dist/esm/icons/memory-stick.mjs';
import monitor from 'lucide/dist/esm/icons/monitor.mjs';
import network from 'lucide/dist/esm/icons/network.mjs';
import plug from 'lucide/dist/esm/icons/plug.mjs';
import scrollText from 'lucide/dist/esm/icons/scroll-text.mjs';
import server from 'lucide/dist/esm/icons/server.mjs';
import smartphone from 'lucide/dist/esm/icons/smartphone.mjs';
import squareFunction from 'lucide/dist/esm/icons/square-function.mjs';
import user from 'lucide/dist/esm/icons/user.mjs';
import userCog from 'lucide/dist/esm/icons/user-cog.mjs';
import { escapeMarkup } from './escape.js';

/** An icon as data: its SVG elements as `[tag, attributes]` on a 24 x 24 grid (Lucide's form). */
export type IconNode = readonly (readonly [tag: string, attrs: Readonly<Record<string, string | number>>])[];

/** An icon and its name (Lucide's, for tests and class names). */
export interface ElementIcon {
  name: string;
  node: IconNode;
}

const ICONS = {
  activity,
  'app-window': appWindow,
  archive,
  'book-user': bookUser,
  'brick-wall': brickWall,
  building,
  clock,
  cloud,
  cog,
  container,
  cpu,
  database,
  folder,
  'git-branch': gitBranch,
  hammer,
  'hard-drive': hardDrive,
  'id-card': idCard,
  inbox,
  'key-round': keyRound,
  'memory-stick': memoryStick,
  monitor,
  network,
  plug,
  'scroll-text': scrollText,
  server,
  smartphone,
  'square-function': squareFunction,
  user,
  'user-cog': userCog,
} satisfies Record<string, IconNode>;

/** An icon's name in the set. */
export type IconName = keyof typeof ICONS;

/**
 * Keywords to icons, most specific first: the first rule that matches a clue wins. Clues are read
 * as lower-case words (`SqlDatabase`, `sql_database` and `sql-database` all read "sql database").
 */
export const ICON_RULES: readonly (readonly [RegExp, IconName])[] = [
  [/\b(admin|administrator|operator)s?\b/, 'user-cog'],
  [/\b(human|person|people|users?|actor|staff|employees?|customers?)\b/, 'user'],
  [/\bbrowsers?\b/, 'app-window'],
  [/\b(mobile|phone|smartphone|android|ios|tablet)\b/, 'smartphone'],
  [/\b(iot|sensors?|embedded|plc|scada)\b/, 'cpu'],
  [/\b(workstation|desktop|laptop|machine|pc|device|client)s?\b/, 'monitor'],
  [/\b(key ?vault|vault|secrets?|credentials?|tokens?|certificates?|keys?|kms|hsm|passwords?)\b/, 'key-round'],
  [/\b(firewall|waf)s?\b/, 'brick-wall'],
  [/\b(vpn|gateway|proxy|load balancer|router|network|dns)s?\b/, 'network'],
  [/\b(identity|idp|auth|authentication|sso|oauth|entra)\b/, 'id-card'],
  [/\b(directory|ldap|active directory)\b/, 'book-user'],
  [/\b(queues?|bus|events?|kafka|topics?|streams?|messages?|messaging|mq|sqs|sns|pub ?sub)\b/, 'inbox'],
  [/\b(log|logs|logging|audit)\b/, 'scroll-text'],
  [/\b(monitor|monitoring|telemetry|metrics?|siem)\b/, 'activity'],
  [/\b(backups?|archives?|snapshots?)\b/, 'archive'],
  [/\b(removable|usb|drives?|disks?|tapes?)\b/, 'hard-drive'],
  [/\b(files?|folders?|shares?|nas|blob|objects?|buckets?|s3|storage)\b/, 'folder'],
  [/\b(cache|redis|memcached?)\b/, 'memory-stick'],
  [
    /\b(sql|nosql|database|databases|db|mongo|mongodb|postgres|postgresql|mysql|oracle|cosmos|dynamo|dynamodb)\b/,
    'database',
  ],
  [/\b(build|ci|pipeline|jenkins|compiler)s?\b/, 'hammer'],
  [/\b(source|git|github|gitlab|repo|repository|code)\b/, 'git-branch'],
  [/\b(containers?|kubernetes|docker|pods?|k8s)\b/, 'container'],
  [/\b(function|functions|lambda|serverless)\b/, 'square-function'],
  [/\b(cloud|azure|aws|gcp|saas|iaas|paas|microsoft 365|office 365|m365)\b/, 'cloud'],
  [/\b(api|apis|webhooks?|endpoints?)\b/, 'plug'],
  [/\b(partner|third party|vendor|organi[sz]ation|company|bank|external system)s?\b/, 'building'],
  [/\b(jobs?|batch|cron|scheduler|scheduled)\b/, 'clock'],
  [/\b(stores?|data store)\b/, 'database'],
  [
    /\b(web|http|https|site|internet|servers?|services?|apps?|application|applications|hosts?|vms?|virtual)\b/,
    'server',
  ],
];

/** The icon for a kind when no rule matches. */
const BY_KIND: Record<string, IconName> = {
  process: 'cog',
  dataStore: 'database',
  externalEntity: 'user',
};

/** A clue as words: camelCase split, separators as spaces, lower case. */
function words(clue: string): string {
  return clue
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ');
}

/** The icon by its name. */
export function iconNamed(name: IconName): ElementIcon {
  return { name, node: ICONS[name] };
}

/**
 * The icon of a process, data store or external entity: the first clue (in order: the type's id,
 * its name and its parents' names, then the element's name) that a rule matches decides, else the
 * kind's icon. Other kinds (flows, boundaries, notes) have none.
 */
export function elementIcon(kind: string, clues: readonly (string | undefined)[]): ElementIcon | undefined {
  const fallback = BY_KIND[kind];
  if (!fallback) return undefined;
  for (const clue of clues) {
    if (!clue) continue;
    const text = words(clue);
    for (const [pattern, name] of ICON_RULES) if (pattern.test(text)) return iconNamed(name);
  }
  return iconNamed(fallback);
}

/**
 * An icon as an SVG `<symbol>` (24 x 24, drawn in `colour`) with the given id, to define once and
 * place with `<use href="#id" x y width height>`: a large diagram repeats a few icons many times.
 */
export function iconSymbol(icon: ElementIcon, id: string, colour: string): string {
  const parts = icon.node
    .map(([tag, attrs]) => {
      const a = Object.entries(attrs)
        .filter(([k]) => k !== 'key')
        .map(([k, v]) => ` ${k}="${escapeMarkup(String(v))}"`)
        .join('');
      return `<${tag}${a}/>`;
    })
    .join('');
  return `<symbol id="${escapeMarkup(id)}" viewBox="0 0 24 24" fill="none" stroke="${colour}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${parts}</symbol>`;
}
