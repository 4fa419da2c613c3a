/**
 * Lucide's icons, one module each (`lucide/dist/esm/icons/<name>.mjs`): imported one by one so
 * that loading the report package reads the few icons it draws, not the whole set. Each is the
 * icon as data: its SVG elements as `[tag, attributes]`, drawn on a 24 x 24 grid.
 */
declare module 'lucide/dist/esm/icons/*.mjs' {
  const icon: [tag: string, attrs: Record<string, string | number>][];
  export default icon;
}
