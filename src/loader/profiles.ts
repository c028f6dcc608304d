// Profiles: services that only run when one of their profiles is active.
import type { Service } from '../model/types.js';

/** Whether a service runs with the given active profiles (`*` activates every profile). */
export function isServiceEnabled(service: Pick<Service, 'profiles'>, active: readonly string[]): boolean {
  const own = service.profiles ?? [];
  if (own.length === 0 || active.includes('*')) return true;
  return own.some((p) => active.includes(p));
}

/**
 * Splits services into the enabled ones and those left out by profiles. A service named on the
 * command line (`named`) is enabled whatever its profiles, and so is everything it depends on,
 * as Docker Compose enables a profile for the services the user asks for.
 */
export function applyProfiles(
  services: Record<string, Service>,
  active: readonly string[],
  named: readonly string[] = [],
): { enabled: Record<string, Service>; disabled: Record<string, Service> } {
  const wanted = withDependencies(services, named);
  const entries = Object.entries(services);
  const on = ([name, service]: [string, Service]) => wanted.has(name) || isServiceEnabled(service, active);
  // fromEntries, not assignment: a service called `__proto__` must stay a plain key.
  return {
    enabled: Object.fromEntries(entries.filter(on)),
    disabled: Object.fromEntries(entries.filter((entry) => !on(entry))),
  };
}

/** The named services and, transitively, what they depend on; names not in `services` are left out. */
export function withDependencies(services: Record<string, Service>, named: readonly string[]): Set<string> {
  const wanted = new Set<string>();
  const want = (name: string) => {
    if (wanted.has(name) || !Object.hasOwn(services, name)) return;
    wanted.add(name);
    for (const dep of Object.keys(services[name].depends_on ?? {})) want(dep);
  };
  named.forEach(want);
  return wanted;
}

/** Every profile named by any service, sorted. */
export function allProfiles(services: Record<string, Service>[]): string[] {
  const names = new Set<string>();
  for (const group of services) for (const s of Object.values(group)) for (const p of s.profiles ?? []) names.add(p);
  return [...names].sort();
}
