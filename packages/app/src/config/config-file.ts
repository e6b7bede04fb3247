import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error.js';
import { configKeys } from './config-keys.js';

export type Tree = Record<string, unknown>;

/** Reads a YAML config file into a tree; a syntax error names the file, the line and the column. */
export function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) {
    const at = lineCounter.linePos(error.pos[0]);
    const where = `, line ${at.line}, column ${at.col}`;
    throw new ConfigError(`config file ${file}${where}: YAML syntax error: ${error.message}`, {
      cause: error,
    });
  }
  const parsed: unknown = document.toJS();
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw new ConfigError(`config file ${file} must hold a YAML mapping`);
  return parsed;
}

/**
 * The tree without the keys this server does not know, each named in `warnings`: a config that
 * starts the Rust server starts this one (the Rust server ignores unknown keys too).
 */
export function withKnownKeysOnly(tree: Tree, where: string, warnings: string[]): Tree {
  const known: Tree = {};
  for (const [name, value] of Object.entries(tree)) {
    if (configKeys.isSection(name) && isTree(value)) {
      known[name] = Object.fromEntries(
        Object.entries(value).filter(([key]) => {
          const isKnown = configKeys.kindsOf([name, key]) !== undefined;
          if (!isKnown) warnings.push(`unknown key ${name}.${key} ${where}: ignored`);
          return isKnown;
        }),
      );
    } else if (configKeys.isSection(name) || configKeys.kindsOf([name]) !== undefined) {
      known[name] = value;
    } else {
      warnings.push(`unknown key ${name} ${where}: ignored`);
    }
  }
  return known;
}

export function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
