// What the engine holds for a project, as the planner sees it: engine/observe.ts takes the
// snapshot, and planning is a pure function of it.
export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  configHash?: string;
  /** Image ID the container was created from. */
  imageId: string;
  /** The `com.docker.compose.image` label: image ID the service's image had at creation. */
  imageLabel?: string;
  state: string;
  labels: Record<string, string>;
  /** Engine names of the named volumes it mounts; absent when not observed. */
  volumes?: string[];
  /** The last run's exit code; absent for a container that never ran. */
  exitCode?: number;
  /** Engine timestamps (RFC 3339, nanoseconds) of the last start and finish; absent when never. */
  startedAt?: string;
  finishedAt?: string;
  /** healthy, unhealthy or starting, for a container with a healthcheck. */
  health?: string;
}

export interface ObservedResource {
  name: string;
  configHash?: string;
  /** The compose key (`network` / `volume` label); absent for unlabelled resources. */
  key?: string;
  project?: string;
}

export interface Observed {
  containers: ObservedContainer[];
  /** The networks the project declares that the engine has, by engine name. */
  networks: Record<string, ObservedResource & { id: string }>;
  /** The volumes the project declares that the engine has, by engine name. */
  volumes: Record<string, ObservedResource>;
  /** Image IDs of the images the project names, by reference; absent when not present locally. */
  images: Record<string, string>;
}
