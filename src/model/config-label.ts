// The service config a container was created from, kept on the container in one label so a
// later `up` can say which attribute changed, not only that the config hash did. The hash
// stays the fast check; this label is read only when the hashes differ.
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { BerthLabel } from './labels.js';
import { isSensitiveName } from './redact.js';

/** A stored config larger than this once inflated is junk, not a config: it is ignored. */
const MAX_INFLATED = 1024 * 1024;

/**
 * Credential-like values are stored as a digest: a changed password still shows as changed,
 * and the label never holds the password itself (the engine shows labels in more places than
 * the environment).
 */
export function storableConfig(config: unknown): unknown {
  // Through JSON, as the label holds it: a key whose value is undefined is no key.
  return JSON.parse(JSON.stringify(maskSensitive(config))) as unknown;
}

function maskSensitive(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key !== undefined && isSensitiveName(key)) return digest(value);
  if (Array.isArray(value)) return value.map((item) => maskSensitive(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSensitive(v, k)]));
  }
  return value;
}

function digest(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/** The label's value: the storable config as JSON, deflated, in base64. */
export function encodeConfigLabel(config: unknown): string {
  return deflateSync(JSON.stringify(storableConfig(config))).toString('base64');
}

/** The config stored in a container's labels; undefined when absent (Compose, older berth) or unreadable. */
export function decodeConfigLabel(labels: Record<string, string>): unknown {
  const text = labels[BerthLabel.config];
  if (!text) return undefined;
  try {
    return JSON.parse(inflateSync(Buffer.from(text, 'base64'), { maxOutputLength: MAX_INFLATED }).toString('utf8'));
  } catch {
    return undefined;
  }
}
