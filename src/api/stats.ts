// `stats`: resource usage of the project's containers, computed from the engine's stats API
// exactly as the docker CLI computes it (CPU from the delta between two samples, memory
// without the page cache, network and block I/O summed over interfaces and devices).
import { connectEngine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { containerRef, projectContainers } from './pause.js';
import type { EngineOptions } from './up.js';

export interface ContainerStats {
  id: string;
  name: string;
  service: string;
  /** Percent of one CPU times the number of online CPUs (200% = two CPUs busy). */
  cpuPercent: number;
  /** Bytes, without the inactive page cache. */
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export interface StatsOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
  /** Include stopped containers (their figures are zero). */
  all?: boolean;
}

/** The engine's stats response, as far as it is read here. */
export interface RawStats {
  id?: string;
  name?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  pids_stats?: { current?: number };
}

/** One sample of every selected container (the engine takes ~1 s to compute CPU usage). */
export async function stats(loaded: LoadedProject, options: StatsOptions = {}): Promise<ContainerStats[]> {
  const engine = options.engine ?? (await connectEngine());
  const containers = await projectContainers(engine, loaded.project.name, {
    services: options.services,
    states: options.all ? undefined : ['running', 'restarting', 'paused'],
  });
  const samples = await Promise.all(
    containers.map(async (c) => {
      const ref = containerRef(c);
      const running = c.State === 'running' || c.State === 'paused' || c.State === 'restarting';
      const raw = running
        ? ((await engine
            .getContainer(c.Id)
            .stats({ stream: false })
            .catch(() => ({}))) as RawStats)
        : {};
      return { ...computeStats(raw), id: ref.id, name: ref.name, service: c.Labels[Label.service] ?? '' };
    }),
  );
  return samples;
}

/** The docker CLI's figures from one stats response. */
export function computeStats(raw: RawStats): Omit<ContainerStats, 'id' | 'name' | 'service'> {
  const usage = raw.memory_stats?.usage ?? 0;
  const limit = raw.memory_stats?.limit ?? 0;
  const memoryUsage = memoryWithoutCache(usage, raw.memory_stats?.stats ?? {});
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.[0]?.toLowerCase();
    if (op === 'r') blockRead += entry.value;
    else if (op === 'w') blockWrite += entry.value;
  }
  let networkRx = 0;
  let networkTx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    networkRx += n.rx_bytes ?? 0;
    networkTx += n.tx_bytes ?? 0;
  }
  return {
    cpuPercent: cpuPercent(raw),
    memoryUsage,
    memoryLimit: limit,
    memoryPercent: limit ? (memoryUsage / limit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pids: raw.pids_stats?.current ?? 0,
  };
}

function cpuPercent(raw: RawStats): number {
  const cpuDelta = (raw.cpu_stats?.cpu_usage?.total_usage ?? 0) - (raw.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (raw.cpu_stats?.system_cpu_usage ?? 0) - (raw.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = raw.cpu_stats?.online_cpus || raw.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** cgroup v1 reports `total_inactive_file`, v2 `inactive_file`: both are page cache. */
function memoryWithoutCache(usage: number, stats: Record<string, number>): number {
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file;
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

/** Bytes with decimal units as the docker CLI prints I/O (`1.99MB`, `4.1kB`). */
export function humanSize(bytes: number, precision = 3): string {
  return customSize(bytes, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'], precision);
}

/** Bytes with binary units as the docker CLI prints memory (`1.5MiB`). */
export function bytesSize(bytes: number): string {
  return customSize(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'], 4);
}

function customSize(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${goG(size, precision)}${units[i]}`;
}

/** Go's `%.<p>g`: shortest of fixed and exponent notation, trailing zeros removed. */
export function goG(x: number, precision: number): string {
  if (x === 0) return '0';
  const s = x.toPrecision(precision);
  const e = s.indexOf('e');
  if (e < 0) return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  const mantissa = s.slice(0, e).replace(/\.?0+$/, '');
  const exponent = Number(s.slice(e + 1));
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
