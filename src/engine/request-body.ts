// Engine requests that carry their configuration in the body only. dockerode hands a call's
// options to docker-modem, which writes them into the URL's query string as well as into the
// JSON body: environment values, passwords and labels would land in URLs, which engine debug
// logs, authorization plugins and socket proxies record (and a large value fails with 431).
// docker-modem sends an options object's `_query` as the query and its `_body` as the body.
import type Docker from 'dockerode';

type QueryValue = string | number | undefined;

/** Options for a dockerode call: `body` as the JSON body, and only `query` (unset values left out) in the URL. */
export function bodyOnly<T extends object>(body: T, query: Record<string, QueryValue> = {}): T {
  const set = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  // Typed as the body, the shape dockerode's typings know; docker-modem reads the two fields.
  return { _query: set, _body: body } as unknown as T;
}

/** `POST /containers/create`: the name and platform are its query parameters, everything else is the body. */
export function containerCreateRequest(options: Docker.ContainerCreateOptions): Docker.ContainerCreateOptions {
  const { name, platform, ...config } = options;
  return bodyOnly(config, { name, platform });
}
