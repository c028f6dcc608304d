// Paths into the plain-map form of a compose file, and the helpers every loader stage shares.

export type Dict = Record<string, unknown>;
export type PathSegment = string | number;

/** `['services','web','ports',1]` -> `services.web.ports[1]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

export function isDict(value: unknown): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}
