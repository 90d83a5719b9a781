import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/** Enough for any job request; a larger body is a mistake or an attack, refused before it is buffered. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The parsed JSON body (undefined when empty); 413 past the limit, 400 when it is not JSON. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(declared, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(size, limit);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('MD_ERR_BAD_JSON', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(bytes: number, limit: number): ApiError {
  return new ApiError(
    'MD_ERR_BODY_TOO_LARGE',
    `the request body of ${bytes} bytes or more is larger than the limit of ${limit} bytes`,
  );
}
