// berth as a library: load a project, then drive the engine with it.
export { loadProject, type LoadOptions } from './loader/index.js';
export { up, type UpOptions, type UpResult, type EngineOptions } from './api/up.js';
export { down, type DownOptions } from './api/down.js';
export { ps, type ContainerSummary, type PsOptions } from './api/ps.js';
export { start, stop, restart, rm, type LifecycleOptions, type RemoveOptions } from './api/lifecycle.js';
export { connectEngine, type Engine } from './engine/connect.js';
export { planUp, planDown, planImages, formatPlan, type Plan, type PlanNode, type Step } from './reconcile/plan.js';
export { serviceConfigHash } from './model/hash.js';
export { ServiceGraph } from './graph/graph.js';
export { BerthError, LoadError, ServiceError, type SourcePosition, type ErrorCode } from './errors.js';
export type { ProgressEvent, ProgressListener } from './progress/events.js';
export type * from './model/types.js';
export { build, type BuildOptions } from './api/build.js';
export { pull, type PullOptions, type PullResult } from './api/pull.js';
export { push, type PushOptions, type PushResult } from './api/push.js';
export { images, type ImageSummary, type ImagesOptions } from './api/images.js';
export { pause, unpause, type PauseOptions, type ContainerRefResult } from './api/pause.js';
export { kill, type KillOptions } from './api/kill.js';
export { events, formatEvent, type ProjectEvent, type EventsOptions } from './api/events.js';
export { wait, type WaitOptions, type WaitResult, type ContainerExit } from './api/wait.js';
export { listProjects, type ProjectSummary, type ListProjectsOptions } from './api/ls.js';
export { stats, computeStats, type ContainerStats, type StatsOptions } from './api/stats.js';
export { watch, watchedServices, type WatchOptions, type WatchEvent, type WatchAction } from './api/watch.js';
export { logs, type LogsOptions, type LogEntry, type LogSource } from './api/logs.js';
export { exec, type ExecOptions, type ExecResult } from './api/exec.js';
export { run, type RunOptions, type RunResult } from './api/run.js';
export { copy, splitCopyArg, type CopyOptions, type CopyResult } from './api/cp.js';
export { top, type TopOptions, type ContainerProcesses } from './api/top.js';
export { port, type PortOptions, type PublishedPort } from './api/port.js';
export type { ProcessStdio } from './engine/exec.js';
export {
  deploy,
  undeploy,
  stackTasks,
  type DeployOptions,
  type UndeployOptions,
  type StackTask,
  type StackPsOptions,
} from './api/deploy.js';
export {
  planDeploy,
  planUndeploy,
  formatSwarmPlan,
  type SwarmPlan,
  type SwarmPlanNode,
  type SwarmStep,
} from './swarm/plan.js';
