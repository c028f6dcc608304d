// The Engine API's Mount as berth sends it (engine/convert-mounts.ts and convert-files.ts build them).
/**
 * The Engine API's Mount. Kept here because @types/dockerode requires fields the API leaves
 * optional (no Source for an anonymous volume) and lacks the newer options.
 */
export interface EngineMount {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'image';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string;
    NonRecursive?: boolean;
    ReadOnlyNonRecursive?: boolean;
    ReadOnlyForceRecursive?: boolean;
    CreateMountpoint?: boolean;
  };
  VolumeOptions?: { NoCopy?: boolean; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  ImageOptions?: { Subpath?: string };
}
