/**
 * What every model format of this package offers, so the CLI's `bulwark convert`, its loading of
 * any model file and the server's import and export handle them all the same way: recognise a
 * file by its content, read it into a Bulwark model, and (where the format can hold a model)
 * write one, each time with a list of what could not be carried across: never a silent loss.
 * Pure like the rest of the package: a format that refers to other files (Threagile's
 * `includes`) asks its caller for them through `readRelated`.
 */
import type { Result, Template, ThreatModel } from '@bulwark/core';

/** A model read from another tool's file. */
export interface ModelImport {
  model: ThreatModel;
  /** A template the file carries itself (a .tm7's knowledge base); otherwise the model names a built-in one. */
  template?: Template;
  /** What could not be carried across, in words a user can act on (one per problem). */
  warnings: string[];
}

/** A model written in another tool's format. */
export interface FormatOutput {
  text: string;
  /** What the format cannot hold of this model (one per problem). */
  warnings: string[];
  /** What was written, in words, where the format tells more than the model's counts ("3 diagrams as clusters..."). */
  summary?: string;
}

export interface ReadOptions {
  /**
   * The text of a file the one being read refers to, by the path written in it (relative to the
   * file being read). Without it, such references are not followed and a warning says so.
   */
  readRelated?: (path: string) => Result<string>;
}

/** One format of another tool (or a diagram language) that Bulwark reads and/or writes. */
export interface ModelFormat {
  /** Stable id: `tm7`, `threat-dragon`, `otm`, `tm-bom`, `threagile`, `threat-composer`, `mermaid`, `dot`. */
  id: string;
  /** Its name as people know it, e.g. "OWASP Threat Dragon (v2)". */
  name: string;
  /** File name endings it is usually saved with, most usual first (e.g. `.tm7`, `.json`). */
  extensions: readonly string[];
  /** The media type of what `write` makes (default: `text/plain; charset=utf-8`). */
  mediaType?: string;
  /** Whether a file's text is in this format, by content (never by name). */
  detect?: (text: string) => boolean;
  /** Reads a file's text (the file name is for messages). */
  read?: (text: string, file: string, options?: ReadOptions) => Result<ModelImport>;
  /** Writes a model; its template gives the types' names and properties where the format needs them. */
  write?: (model: ThreatModel, template: Template) => FormatOutput;
  /**
   * `write` in pieces that join to exactly its text, for formats whose files grow large (a .tm7
   * is about 13 times the size of the Bulwark JSON): callers write the pieces as they come.
   */
  writeParts?: (model: ThreatModel, template: Template) => { parts: Iterable<string>; warnings: string[] };
}
