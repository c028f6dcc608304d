// `extends`: a service starts from another service (in the same file or another one) and
// overrides it with the normal merge rules. Chains are followed and cycles rejected.
import { dirname, resolve } from 'node:path';
import { LoadError } from '../errors.js';
import type { Locate } from './locate.js';
import { mergeCompose } from './merge.js';
import { isDict, type Dict } from './paths.js';

export interface ExtendsContext {
  /** The file whose services are being resolved. */
  file: string;
  locate: Locate;
  /** Loads another compose file up to canonical form, with its relative paths resolved against its own directory. */
  loadFile: (file: string) => Promise<{ data: Dict; locate: Locate }>;
}

export interface ExtendsRef {
  service: string;
  file?: string;
}

/** A service still to resolve: its name, the services of its file, and that file's context. */
interface Link {
  name: string;
  services: Dict;
  ctx: ExtendsContext;
}

/** What one file's resolution has already done: a base shared by many services is loaded and merged once. */
interface Memo {
  /** Resolved services by `file#name`. */
  services: Map<string, Dict>;
  /** Other files by absolute path. */
  files: Map<string, { data: Dict; locate: Locate }>;
}

/** Returns the file's data with every `extends` resolved and removed. */
export async function applyExtends(data: Dict, ctx: ExtendsContext): Promise<Dict> {
  const services = isDict(data.services) ? data.services : undefined;
  if (!services) return data;
  const memo: Memo = { services: new Map(), files: new Map() };
  const resolved: [string, Dict][] = [];
  for (const name of Object.keys(services)) {
    resolved.push([name, await resolveService({ name, services, ctx }, memo)]);
  }
  // fromEntries, not assignment: a service called `__proto__` must stay a plain key.
  return { ...data, services: Object.fromEntries(resolved) };
}

/**
 * Follows the chain of bases down to a service that extends nothing (or one resolved before),
 * then merges back up. A loop, not recursion: a chain may be as long as the file allows.
 */
async function resolveService(start: Link, memo: Memo): Promise<Dict> {
  const chain: { key: string; name: string; own: Dict; file: string }[] = [];
  const inChain = new Map<string, number>();
  let link = start;
  let base: Dict;
  for (;;) {
    const key = `${link.ctx.file}#${link.name}`;
    const known = memo.services.get(key);
    if (known) {
      base = known;
      break;
    }
    const service = link.services[link.name] as Dict;
    const ref = extendsRef(service.extends);
    if (!ref) {
      base = service;
      memo.services.set(key, base);
      break;
    }
    const { extends: _omit, ...own } = service;
    const where = {
      position: link.ctx.locate(['services', link.name, 'extends']),
      path: `services.${link.name}.extends`,
    };
    inChain.set(key, chain.length);
    chain.push({ key, name: link.name, own, file: link.ctx.file });

    let next: Link;
    if (ref.file) {
      const file = resolve(dirname(link.ctx.file), ref.file);
      let other = memo.files.get(file);
      if (!other) {
        try {
          other = await link.ctx.loadFile(file);
        } catch (err) {
          if (!(err instanceof LoadError) || err.code !== 'file-not-found') throw err;
          // The error is about the file; it is reported where the file is named.
          throw new LoadError('extends', err.detail, where);
        }
        memo.files.set(file, other);
      }
      next = {
        name: ref.service,
        services: isDict(other.data.services) ? other.data.services : {},
        ctx: { ...link.ctx, file, locate: other.locate },
      };
    } else {
      next = { ...link, name: ref.service };
    }
    const cycleStart = inChain.get(`${next.ctx.file}#${next.name}`);
    if (cycleStart !== undefined) {
      // Names alone when the cycle stays in the starting file, else each with its file.
      const label = (c: { name: string; file: string }) =>
        c.file === start.ctx.file ? c.name : `${c.name} (${c.file})`;
      const names = [...chain.slice(cycleStart), chain[cycleStart]].map(label);
      throw new LoadError('extends', `extends cycle: ${names.join(' -> ')}`, where);
    }
    if (!Object.hasOwn(next.services, next.name) || !isDict(next.services[next.name])) {
      const inFile = ref.file ? ` in ${next.ctx.file}` : '';
      throw new LoadError('extends', `cannot extend service "${ref.service}": no such service${inFile}`, where);
    }
    link = next;
  }
  for (const { key, name, own } of chain.reverse()) {
    const merged = mergeCompose({ services: { [name]: base } }, { services: { [name]: own } });
    base = (merged.services as Dict)[name] as Dict;
    memo.services.set(key, base);
  }
  return base;
}

/** What an `extends` value names: a service, and the file it is in when not this one. */
export function extendsRef(value: unknown): ExtendsRef | undefined {
  if (typeof value === 'string') return { service: value };
  if (isDict(value) && typeof value.service === 'string') {
    return { service: value.service, file: typeof value.file === 'string' ? value.file : undefined };
  }
  return undefined;
}
