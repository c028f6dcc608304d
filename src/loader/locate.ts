// Finding where a path of the merged model was written, across every file that was loaded.
import type { SourcePosition } from '../errors.js';
import type { PathSegment } from './paths.js';
import type { PositionIndex } from './parse.js';

/** With `key`, where the key of the node at `path` was written (an unknown attribute is its key). */
export type Locate = (path: readonly PathSegment[], options?: { key?: boolean }) => SourcePosition | undefined;

/** Later files override earlier ones, so the last file that wrote a node is where it came from. */
export function locateAcross(indices: readonly PositionIndex[]): Locate {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      for (let i = indices.length - 1; i >= 0; i--) {
        if (indices[i].has(prefix)) return indices[i].locate(prefix);
      }
    }
    return undefined;
  };
}
