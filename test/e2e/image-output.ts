// What a command prints in a fresh container of an image: for checks on what a build put there.
import type { Engine } from '../../src/engine/connect.js';

export async function imageOutput(engine: Engine, image: string, cmd: string[]): Promise<string> {
  const container = await engine.createContainer({ Image: image, Cmd: cmd, Tty: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString().replace(/\r\n/g, '\n');
  } finally {
    await container.remove({ force: true });
  }
}
