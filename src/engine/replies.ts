// What shape the engine's answer to a request must have before berth reads it. An answer of
// another shape (from a proxy, a half-written reply, something else listening at DOCKER_HOST)
// would otherwise surface far from its cause, as "containers.filter is not a function".
// Routes not in the table (empty answers, raw log bytes, `/_ping`'s "OK") pass unchecked.

/** `created`: an object with the new resource's `Id`, which berth goes on to use. */
type Shape = 'list' | 'object' | 'created';

/** [method, route without the query string, shape of a successful answer]. */
const SHAPES: [string, RegExp, Shape][] = [
  ['GET', /^\/(containers|images)\/json$/, 'list'],
  ['GET', /^\/(networks|services|tasks|nodes|secrets|configs|plugins)$/, 'list'],
  ['GET', /^\/(volumes|info|version|swarm)$/, 'object'],
  ['GET', /^\/(containers|exec)\/[^/]+\/json$/, 'object'],
  ['GET', /^\/images\/.+\/json$/, 'object'],
  ['GET', /^\/containers\/[^/]+\/(top|stats)$/, 'object'],
  ['GET', /^\/(networks|volumes|services|tasks|nodes|secrets|configs)\/[^/]+$/, 'object'],
  ['POST', /^\/(containers|networks)\/create$/, 'created'],
  ['POST', /^\/containers\/[^/]+\/exec$/, 'created'],
  ['POST', /^\/(volumes|services|secrets|configs)\/create$/, 'object'],
  ['POST', /^\/containers\/[^/]+\/wait$/, 'object'],
];

/**
 * What is wrong with a successful answer (`data` as docker-modem hands it over: parsed JSON,
 * or a Buffer when the body was not JSON), or undefined when it has the expected shape.
 * Never quotes the answer: an inspect's answer holds environment values.
 */
export function malformedReply(method: string, route: string, data: unknown): string | undefined {
  const shape = SHAPES.find(([m, pattern]) => m === method && pattern.test(route))?.[2];
  if (!shape) return undefined;
  if (Buffer.isBuffer(data)) return data.length ? 'a body that is not JSON' : 'an empty body';
  if (shape === 'list') {
    if (!Array.isArray(data)) return `${kind(data)} where a list was expected`;
    const odd = data.find((item) => !isObject(item));
    return odd === undefined ? undefined : `a list holding ${kind(odd)} where objects were expected`;
  }
  if (!isObject(data)) return `${kind(data)} where an object was expected`;
  return shape === 'created' && typeof (data as { Id?: unknown }).Id !== 'string'
    ? 'an object without the new Id'
    : undefined;
}

/**
 * Whether a failed answer's body (docker-modem's `json`: parsed JSON, else the raw Buffer or
 * string) is one the engine could have written: it explains every failure as a JSON object
 * (`{"message": ...}`), and a 304 has no body at all.
 */
export function isEngineFailure(body: unknown): boolean {
  return !((Buffer.isBuffer(body) || typeof body === 'string') && body.length);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
