// The engine's `/build` answer, read to its end: newline-delimited JSON messages, split however
// the chunks arrive. Both builders end it the same way: the image ID in an `aux` message, or
// an `error` message.
import { StringDecoder } from 'node:string_decoder';
import { ServiceError } from '../errors.js';

export interface BuildMessage {
  id?: string;
  stream?: string;
  status?: string;
  progress?: string;
  /** The image ID (`{ID}`), or, from BuildKit, a base64 progress record. */
  aux?: { ID?: string } | string;
  error?: string;
  errorDetail?: { message?: string };
}

export interface BuildOutcome {
  imageId?: string;
  /** The engine's error message, when the build failed. */
  failure?: string;
}

/** Passes every message to `handle` and returns how the build ended. */
export async function readBuildMessages(
  progress: NodeJS.ReadableStream,
  service: string,
  handle: (message: BuildMessage) => void,
): Promise<BuildOutcome> {
  const outcome: BuildOutcome = {};
  const take = (message: BuildMessage) => {
    if (typeof message.aux === 'object' && message.aux.ID) outcome.imageId = message.aux.ID;
    if (message.error !== undefined || message.errorDetail)
      outcome.failure ??= (message.errorDetail?.message ?? message.error ?? '').trim();
    handle(message);
  };
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  try {
    for await (const chunk of progress) {
      buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) take(JSON.parse(line) as BuildMessage);
    }
    buffered += decoder.end();
    if (buffered.trim()) take(JSON.parse(buffered) as BuildMessage);
  } catch (err) {
    throw new ServiceError('build', service, `build failed: ${(err as Error).message}`, { cause: err });
  }
  return outcome;
}
