// The short-syntax parsers know where inside their value a fault is (a list index, a host
// name); the canonical walk adds the path above it to place the error in the file.
import type { PathSegment } from '../paths.js';

/** A value its syntax cannot describe; `at` locates it below the path of the rule that failed. */
export class ValueError extends Error {
  constructor(
    message: string,
    readonly at: PathSegment[] = [],
  ) {
    super(message);
  }
}
