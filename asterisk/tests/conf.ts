/**
 * Reads Asterisk .conf files the way Asterisk's config parser does, far
 * enough for static checks: `[section]` headers with optional `(!)`
 * template / `(name)` inheritance markers, `key = value` and `key => value`
 * lines, `;` comments (a `\;` is a literal semicolon), blank lines.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Entry = { key: string; value: string; line: number; arrow: boolean };
export type Section = { name: string; template: boolean; inherits: string[]; entries: Entry[]; line: number };
export type ConfFile = { file: string; sections: Section[]; /** entries before any section */ preamble: Entry[] };

export function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
      continue;
    }
    if (line[i] === ';') break;
    out += line[i];
  }
  return out.trim();
}

export function parseConf(text: string, file = '(text)'): ConfFile {
  const conf: ConfFile = { file, sections: [], preamble: [] };
  let current: Section | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw);
    if (!line) return;
    const header = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (header) {
      const markers = (header[2] ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      current = {
        name: header[1]!,
        template: markers.includes('!'),
        inherits: markers.filter((m) => m !== '!' && m !== '+'),
        entries: [],
        line: index + 1,
      };
      conf.sections.push(current);
      return;
    }
    // A whole-line placeholder (rendered by pbx.mjs into zero or more lines).
    if (/^\{\{[A-Z0-9_]+\}\}$/.test(line)) {
      (current ? current.entries : conf.preamble).push({ key: line, value: '', line: index + 1, arrow: false });
      return;
    }
    const arrow = line.indexOf('=>');
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${file}:${index + 1}: not a key/value line: ${raw}`);
    const isArrow = arrow >= 0 && arrow === eq;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + (isArrow ? 2 : 1)).trim();
    (current ? current.entries : conf.preamble).push({ key, value, line: index + 1, arrow: isArrow });
  });
  return conf;
}

export function loadConfDir(dir: string): Map<string, ConfFile> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.conf'))
      .map((f) => [f, parseConf(readFileSync(join(dir, f), 'utf8'), f)]),
  );
}

export const section = (conf: ConfFile, name: string) => conf.sections.find((s) => s.name === name);
export const values = (s: Section | undefined, key: string) =>
  (s?.entries ?? []).filter((e) => e.key === key).map((e) => e.value);
export const value = (s: Section | undefined, key: string) => values(s, key).at(-1);

/** One dialplan step: `exten => pattern,priority,App(args)` or `same => priority,App(args)`. */
export type Step = { context: string; exten: string; priority: string; app: string; args: string; line: number };

/** The dialplan's steps; `same` lines inherit the extension of the line before. */
export function dialplanSteps(conf: ConfFile): Step[] {
  const steps: Step[] = [];
  for (const s of conf.sections) {
    let exten = '';
    for (const e of s.entries) {
      if (e.key !== 'exten' && e.key !== 'same') continue;
      const parts = e.value.split(',');
      if (e.key === 'exten') exten = parts.shift()!.trim();
      const priority = parts.shift()!.trim();
      const rest = parts.join(',').trim();
      const m = /^([A-Za-z_]+)(?:\((.*)\))?$/s.exec(rest);
      if (!m) throw new Error(`${conf.file}:${e.line}: cannot read application in "${rest}"`);
      steps.push({ context: s.name, exten, priority, app: m[1]!, args: m[2] ?? '', line: e.line });
    }
  }
  return steps;
}
