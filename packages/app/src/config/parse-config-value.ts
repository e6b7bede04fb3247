import { parse as parseYaml } from 'yaml';
import type { ValueKind } from './config-keys.js';

const decimalNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const yamlBoolean = /^(?:true|false)$/i;

/**
 * A flag or environment value read as its key's type. A key that takes a string keeps the text
 * as given (`--database.password=0123` stays "0123"); numbers, booleans and `null` are parsed
 * only where the key takes them; a list is `a,b` or a YAML flow list `[a, b]`. A value that
 * fits none is passed on as text, for validation to report against its key. `kinds` is
 * undefined for an unknown key.
 */
export function parseConfigValue(raw: string, kinds: ReadonlySet<ValueKind> | undefined): unknown {
  if (kinds === undefined) return raw;
  if (kinds.has('null') && raw === 'null') return null;
  if (kinds.has('array')) return parseList(raw);
  if (kinds.has('string')) return raw;
  if (kinds.has('number') && decimalNumber.test(raw)) return Number(raw);
  if (kinds.has('boolean') && yamlBoolean.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

function parseList(raw: string): unknown {
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      return parseYaml(text) as unknown;
    } catch {
      return raw;
    }
  }
  return text === '' ? [] : text.split(',').map((item) => item.trim());
}
