// What the window says when a command fails. Commands reject with an IpcError `{code, message}`
// whose message already says what to do next; anything else (a bug, a lost IPC channel) gets one
// plain sentence. Never a stack, never "undefined".

import { visible } from './text';

const FALLBACK = 'something went wrong inside TenantAtlas; try again, and if it keeps failing, restart the app';

/** The message to show for a failed command, as a sentence (it may name a tenant, so made visible). */
export function errorMessage(err: unknown): string {
  let message: unknown = err;
  if (typeof err === 'object' && err !== null && 'message' in err) {
    message = (err as { message: unknown }).message;
  }
  if (typeof message !== 'string' || message.trim() === '') {
    message = FALLBACK;
  }
  const text = visible((message as string).trim());
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The IpcError's code, when the error has one; screens branch on codes, never on messages. */
export function errorCode(err: unknown): string | null {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}
