// Copy-on-write mapping over the plain trees the loader stages pass along: a stage returns its
// input's own objects wherever it changes nothing, so a large file is not copied once per
// stage. Stages therefore never modify a tree they were given.
import type { Dict } from './paths.js';

/** Returned by a mapping function: the entry is dropped. */
export const DROP: unique symbol = Symbol('drop');

/** `d` with `fn` applied to each value; `d` itself when every value comes back unchanged. */
export function mapDict(d: Dict, fn: (value: unknown, key: string) => unknown): Dict {
  let out: Dict | undefined;
  for (const key of Object.keys(d)) {
    const value = d[key];
    const next = fn(value, key);
    if (next === value) continue;
    // Spread, then set: a `__proto__` key stays an own key rather than a prototype.
    out ??= { ...d };
    if (next === DROP) delete out[key];
    else setKey(out, key, next);
  }
  return out ?? d;
}

/** `list` with `fn` applied to each item; `list` itself when every item comes back unchanged. */
export function mapList(list: readonly unknown[], fn: (value: unknown, index: number) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const next = fn(list[i], i);
    if (out === undefined) {
      if (next === list[i]) continue;
      out = list.slice(0, i);
    }
    if (next !== DROP) out.push(next);
  }
  return out ?? (list as unknown[]);
}

/** `d[key] = value`, where `__proto__` is an ordinary key. */
export function setKey(d: Dict, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
  else d[key] = value;
}

/** A `<<` merge: the entries of `source` that `out` has not got (from itself or an earlier source). */
export function mergeKeys(out: Dict, source: Dict): void {
  for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(out, k)) setKey(out, k, v);
}
