// File modes of secrets and configs are written in octal (`mode: 0440`), and compose-go reads
// that as octal (YAML 1.1 integers). The `yaml` library's YAML 1.2 core schema reads a plain
// `0440` as decimal 440 (-rw-rwx---): at these paths only, the parser keeps such a number as
// written, and cast.ts reads the text as octal, as it does for a quoted or interpolated mode.
import type { Scalar } from 'yaml';
import type { PathSegment } from './paths.js';

/** `services.<name>.secrets[i].mode` and `services.<name>.configs[i].mode`. */
function isFileModePath(path: readonly PathSegment[]): boolean {
  return (
    path.length === 5 &&
    path[0] === 'services' &&
    (path[2] === 'secrets' || path[2] === 'configs') &&
    typeof path[3] === 'number' &&
    path[4] === 'mode'
  );
}

/** A scalar's plain value, except a file mode written with a leading zero, which stays as its text. */
export function scalarValue(node: Scalar, path: readonly PathSegment[]): unknown {
  const written = node.source;
  if (typeof node.value === 'number' && written !== undefined && /^0[0-7]+$/.test(written) && isFileModePath(path))
    return written;
  return node.value;
}
