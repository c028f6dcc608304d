// Values keyed by path patterns such as `services.*.ports`, where `*` is any key or index. The
// loader stages walk every node of large files, so a walk carries a cursor down the tree
// instead of building and matching a path array at each node.
import type { PathSegment } from './paths.js';

interface TrieNode<T> {
  children: Map<string, TrieNode<T>>;
  /** The first table row ending here: earlier rows win, as written. */
  row?: { index: number; value: T };
}

/** Where a walk stands in a table: the patterns its path still matches. */
export class Cursor<T> {
  private readonly byKey = new Map<string, Cursor<T>>();
  private star?: Cursor<T>;
  /** The value of the first row matching the path exactly, if any. */
  readonly value: T | undefined;
  /** No pattern matches this path or any path below it. */
  readonly empty: boolean;

  constructor(private readonly nodes: readonly TrieNode<T>[]) {
    let best: TrieNode<T>['row'];
    for (const node of nodes) if (node.row && (!best || node.row.index < best.index)) best = node.row;
    this.value = best?.value;
    this.empty = nodes.length === 0;
  }

  /** The cursor one segment further down. A list index only matches `*`. */
  child(segment: PathSegment): Cursor<T> {
    const key = typeof segment === 'number' ? undefined : segment;
    if (key !== undefined && this.nodes.some((n) => n.children.has(key))) {
      let next = this.byKey.get(key);
      if (!next) this.byKey.set(key, (next = this.descend(key)));
      return next;
    }
    // Every key no pattern names leads to the same place: one cursor serves them all.
    return (this.star ??= this.descend(undefined));
  }

  private descend(key: string | undefined): Cursor<T> {
    const next: TrieNode<T>[] = [];
    for (const node of this.nodes) {
      const exact = key === undefined ? undefined : node.children.get(key);
      if (exact) next.push(exact);
      const any = node.children.get('*');
      if (any) next.push(any);
    }
    return new Cursor(next);
  }
}

export class PathTable<T> {
  readonly root: Cursor<T>;

  constructor(rows: Record<string, T>) {
    const top: TrieNode<T> = { children: new Map() };
    Object.entries(rows).forEach(([pattern, value], index) => {
      let node = top;
      for (const segment of pattern.split('.')) {
        let child = node.children.get(segment);
        if (!child) node.children.set(segment, (child = { children: new Map() }));
        node = child;
      }
      node.row ??= { index, value };
    });
    this.root = new Cursor([top]);
  }

  lookup(path: readonly PathSegment[]): T | undefined {
    let cursor = this.root;
    for (const segment of path) {
      cursor = cursor.child(segment);
      if (cursor.empty) return undefined;
    }
    return cursor.value;
  }
}

/** Table rows giving several paths the same value. */
export function sameFor<T>(paths: readonly string[], value: T): Record<string, T> {
  return Object.fromEntries(paths.map((p) => [p, value]));
}
