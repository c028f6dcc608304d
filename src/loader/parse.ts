// Reads one compose file into a plain map, keeping where every node came from so that later
// stages can report `file:line:column` for a path such as `services.web.ports[1]`.
import { LoadError } from '../errors.js';
import { formatPath, type Dict, type PathSegment } from './paths.js';
import { quickParse } from './quick-yaml.js';

/** `!reset` in an override file: drop the value inherited from earlier files. */
export class ResetTag {
  readonly tag = '!reset';
}
/** `!override` in an override file: replace the inherited value instead of merging. */
export class OverrideTag {
  readonly tag = '!override';
  constructor(readonly value: unknown) {}
}

export interface ParsedFile {
  file: string;
  data: Dict;
  positions: PositionIndex;
  /** Whether the file uses `!reset` or `!override` anywhere. */
  hasMergeTags: boolean;
}

/** Positions of the nodes of one file, keyed by formatted path. */
export class PositionIndex {
  constructor(
    readonly file: string,
    /** Offsets into the text: most are never asked for, so lines and columns are worked out on demand. */
    private readonly byPath: Map<string, number>,
    private readonly lineStarts: number[],
  ) {}

  /** The node at `path`, or its nearest ancestor that has a recorded position. */
  locate(path: readonly PathSegment[]): { file: string; line: number; column: number } | undefined {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.byPath.get(formatPath(path.slice(0, n)));
      if (hit !== undefined) return this.at(hit);
    }
    return undefined;
  }

  /** As `locate`, for a path already formatted (`services.web.ports[1]`), as errors carry it. */
  locateFormatted(path: string): { file: string; line: number; column: number } | undefined {
    let p = path;
    for (;;) {
      const hit = this.byPath.get(p);
      if (hit !== undefined) return this.at(hit);
      if (p === '') return undefined;
      const parent = p.replace(/(?:\.[^.[\]]*|\[\d+\])$/, '');
      p = parent === p ? '' : parent;
    }
  }

  /** Whether this file itself wrote the node at `path` (not only an ancestor of it). */
  has(path: readonly PathSegment[]): boolean {
    return this.byPath.has(formatPath(path));
  }

  private at(offset: number): { file: string; line: number; column: number } {
    return { file: this.file, ...lineColumn(this.lineStarts, offset) };
  }
}

export async function parseComposeText(text: string, file: string): Promise<ParsedFile> {
  if (text.includes('\u0000')) {
    throw new LoadError('yaml', 'the file holds binary content (a NUL byte), not YAML text', {
      position: { file },
    });
  }
  const quick = quickParse(text);
  if (quick) return { file, data: quick.data, positions: new PositionIndex(file, quick.byPath, lineStartOffsets(text)), hasMergeTags: false };
  // The library is loaded only for the files the quick reader gives up on.
  const { parseWithLibrary } = await import('./parse-library.js');
  return parseWithLibrary(text, file);
}

export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function lineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
