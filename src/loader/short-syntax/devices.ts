// The short device syntax of `devices:`, expanded to a long-syntax mapping as compose-go does.
import type { Dict } from '../paths.js';

/** `source[:target[:permissions]]`; the target defaults to the source, permissions to `rwm`. */
export function parseDevice(spec: string): Dict {
  const parts = spec.split(':');
  if (parts.length > 3) {
    throw new Error(`invalid device "${spec}": too many colons, use the long syntax (source, target, permissions)`);
  }
  const [source, target, permissions = 'rwm'] = parts;
  return { source, target: target || source, permissions };
}
