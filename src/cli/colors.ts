// A colour per service for prefixed log lines on a terminal: each service's own slot (from its
// name, so it stays the same run after run), or, when another service took that slot first,
// the next free one, so that up to ten services never share a colour.
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];
const assigned = new Map<string, number>();

export function serviceColor(service: string): (text: string) => string {
  const code = colorOf(service);
  return (text) => `\u001b[${code}m${text}\u001b[0m`;
}

function colorOf(service: string): number {
  const known = assigned.get(service);
  if (known !== undefined) return known;
  let h = 0;
  for (const ch of service) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const taken = new Set(assigned.values());
  const free = PALETTE.map((_, i) => PALETTE[(h + i) % PALETTE.length]).find((c) => !taken.has(c));
  const code = free ?? PALETTE[h % PALETTE.length];
  assigned.set(service, code);
  return code;
}
