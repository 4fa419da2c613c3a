/**
 * A cheap guard run before a YAML parser sees a text: the yaml package recurses per nesting level,
 * so absurdly deep input (found by fuzzing, issue 9) takes seconds and then runs out of stack.
 */
/** Deeper nesting than this is refused before YAML parsing: no real file comes close, and the parser slows and runs out of stack. */
export const MAX_YAML_NESTING = 1000;

/**
 * How deeply a YAML (or JSON) text nests: flow brackets (`[`, `{`), and `- ` items opened on one
 * line. Quotes are not considered, so brackets inside strings count too: only absurd files reach the limit.
 */
export function yamlNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let dashes = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth = Math.max(0, depth - 1);
    if (ch === 0x0a) {
      lineStart = true;
      dashes = 0;
    } else if (lineStart && ch === 0x2d && text.charCodeAt(i + 1) === 0x20) {
      deepest = Math.max(deepest, ++dashes);
    } else if (ch !== 0x20) {
      lineStart = false;
    }
  }
  return deepest;
}
