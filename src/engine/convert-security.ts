// security_opt as the engine takes it: a seccomp profile travels as its JSON content (the
// engine cannot read the client's files), and `systempaths=unconfined` becomes empty
// masked/read-only path lists, as the docker CLI does.
import { resolve } from 'node:path';
import { ServiceError, type LoadError } from '../errors.js';
import { readTextFile } from '../loader/read-file.js';
import type { Service } from '../model/types.js';

export interface SecuritySettings {
  SecurityOpt?: string[];
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
}

const BUILTIN_PROFILES = new Set(['unconfined', 'builtin']);

export function securitySettings(service: Service, workingDir: string): SecuritySettings {
  const options = service.security_opt ?? [];
  const unconfined = options.includes('systempaths=unconfined');
  const rest = options
    .filter((o) => o !== 'systempaths=unconfined')
    .map((o) => inlineSeccomp(service.name, o, workingDir));
  return {
    SecurityOpt: rest.length ? rest : undefined,
    MaskedPaths: unconfined ? [] : undefined,
    ReadonlyPaths: unconfined ? [] : undefined,
  };
}

function inlineSeccomp(serviceName: string, option: string, workingDir: string): string {
  const match = /^seccomp[=:](.*)$/s.exec(option);
  // Built-in profile names and already-inlined JSON go as they are.
  if (!match || BUILTIN_PROFILES.has(match[1]) || match[1].startsWith('{')) return option;
  const path = resolve(workingDir, match[1]);
  let text: string;
  try {
    text = readTextFile(path, { what: 'seccomp profile', code: 'file-not-found' });
  } catch (cause) {
    throw new ServiceError('file-not-found', serviceName, (cause as LoadError).detail, { cause });
  }
  try {
    return `seccomp=${JSON.stringify(JSON.parse(text))}`;
  } catch (cause) {
    throw new ServiceError('usage', serviceName, `seccomp profile ${path} is not valid JSON`, { cause });
  }
}
