import { z } from 'zod';
import type { core } from 'zod';
import { configSchema } from './config-schema.js';

/** What a key's value can be, as far as reading a flag or an environment variable goes. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'array';

type JsonSchema = core.JSONSchema.JSONSchema;

/**
 * The config's keys, read off the schema itself (so a new key needs no second list): each
 * top-level key, and each section's keys, with the kinds of value it accepts.
 */
export class ConfigKeys {
  readonly #sections = new Map<string, ReadonlyMap<string, ReadonlySet<ValueKind>>>();
  readonly #topLevel = new Map<string, ReadonlySet<ValueKind>>();

  constructor(schema: JsonSchema) {
    for (const [name, node] of Object.entries(schema.properties ?? {})) {
      if (typeof node === 'boolean') continue;
      if (node.type === 'object') {
        const keys = Object.entries(node.properties ?? {}).map(
          ([key, child]) => [key, kindsOf(child)] as const,
        );
        this.#sections.set(name, new Map(keys));
      } else {
        this.#topLevel.set(name, kindsOf(node));
      }
    }
  }

  get sections(): readonly string[] {
    return [...this.#sections.keys()];
  }

  isSection(name: string): boolean {
    return this.#sections.has(name);
  }

  /** The kinds a key (`['mode']`, `['server', 'port']`) accepts; undefined when there is no such key. */
  kindsOf(path: readonly string[]): ReadonlySet<ValueKind> | undefined {
    const [first = '', second, ...rest] = path;
    if (rest.length > 0) return undefined;
    if (second === undefined) return this.#topLevel.get(first);
    return this.#sections.get(first)?.get(second);
  }
}

function kindsOf(node: boolean | JsonSchema): ReadonlySet<ValueKind> {
  if (typeof node === 'boolean') return new Set();
  const kinds = new Set<ValueKind>();
  for (const option of [...(node.anyOf ?? []), ...(node.oneOf ?? [])])
    for (const kind of kindsOf(option)) kinds.add(kind);
  const types = node.type === undefined ? [] : [node.type].flat();
  for (const type of types) {
    if (type === 'integer' || type === 'number') kinds.add('number');
    else if (type !== 'object') kinds.add(type);
  }
  for (const value of node.enum ?? []) kinds.add(value === null ? 'null' : 'string');
  return kinds;
}

export const configKeys = new ConfigKeys(
  z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
);
