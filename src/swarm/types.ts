// The Swarm side of the Engine API (1.41) as berth sends and reads it, and the labels a
// deployed stack carries. Kept here because @types/dockerode lacks jobs, capabilities,
// ulimits and generic resources, and marks optional fields as required.

/** Docker's stack tooling marks everything of a stack with this label. */
export const STACK_NAMESPACE = 'com.docker.stack.namespace';
/** The image as written in the compose file, on the service (as `docker stack deploy` sets it). */
export const STACK_IMAGE = 'com.docker.stack.image';
/** The compose key of a secret or config (berth's own, alongside Compose's `network` and `volume`). */
export const SECRET_KEY = 'com.docker.compose.secret';
export const CONFIG_KEY = 'com.docker.compose.config';

export type Nanoseconds = number;

export interface ServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: TaskSpec;
  Mode: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: EndpointSpec;
}

export interface ServiceMode {
  Replicated?: { Replicas: number };
  Global?: Record<string, never>;
  ReplicatedJob?: { MaxConcurrent: number; TotalCompletions: number };
  GlobalJob?: Record<string, never>;
}

export type ModeName = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: { Limits?: Limits; Reservations?: Reservations };
  RestartPolicy?: { Condition?: string; Delay?: Nanoseconds; MaxAttempts?: number; Window?: Nanoseconds };
  Placement?: {
    Constraints?: string[];
    Preferences?: { Spread: { SpreadDescriptor: string } }[];
    MaxReplicas?: number;
    Platforms?: { OS?: string; Architecture?: string }[];
  };
  Networks?: { Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }[];
  LogDriver?: { Name: string; Options?: Record<string, string> };
  ForceUpdate?: number;
}

export interface ContainerSpec {
  Image: string;
  Labels: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Groups?: string[];
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  StopSignal?: string;
  StopGracePeriod?: Nanoseconds;
  Healthcheck?: {
    Test?: string[];
    Interval?: Nanoseconds;
    Timeout?: Nanoseconds;
    Retries?: number;
    StartPeriod?: Nanoseconds;
  };
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Secrets?: SecretReference[];
  Configs?: ConfigReference[];
  Isolation?: string;
  Init?: boolean;
  Sysctls?: Record<string, string>;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
}

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface FileTarget {
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

/** SecretID is filled in when the plan runs (names are known before, IDs only after creation). */
export interface SecretReference {
  File: FileTarget;
  SecretID: string;
  SecretName: string;
}

export interface ConfigReference {
  File: FileTarget;
  ConfigID: string;
  ConfigName: string;
}

export interface Limits {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
}

export interface Reservations {
  NanoCPUs?: number;
  MemoryBytes?: number;
  GenericResources?: GenericResource[];
}

export type GenericResource =
  { DiscreteResourceSpec: { Kind: string; Value: number } } | { NamedResourceSpec: { Kind: string; Value: string } };

export interface UpdateConfig {
  Parallelism: number;
  Delay?: Nanoseconds;
  FailureAction?: string;
  Monitor?: Nanoseconds;
  MaxFailureRatio?: number;
  Order?: string;
}

export interface EndpointSpec {
  Mode?: string;
  Ports?: { Name?: string; Protocol: string; TargetPort: number; PublishedPort?: number; PublishMode: string }[];
}

/** A service as the engine returns it (the parts berth reads). */
export interface ServiceInfo {
  ID: string;
  Version: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: ServiceSpec;
  UpdateStatus?: { State?: string; Message?: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks?: number };
  JobStatus?: { JobIteration?: { Index: number } };
}

export interface TaskInfo {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  CreatedAt?: string;
  UpdatedAt?: string;
  DesiredState: string;
  Spec: TaskSpec;
  Status: {
    Timestamp?: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    PortStatus?: { Ports?: { Protocol: string; TargetPort: number; PublishedPort?: number; PublishMode: string }[] };
  };
  JobIteration?: { Index: number };
}

export interface NodeInfo {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string };
  Status?: { State?: string; Addr?: string };
}
