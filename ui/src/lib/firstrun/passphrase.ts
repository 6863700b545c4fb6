// The rule a passphrase for a NEW workspace must meet, the same as the engine's
// (crates/store/src/keys.rs `check_new_passphrase`): at least 12 characters, at least 6 of them
// different, not only whitespace. An existing workspace opens with whatever it was made with.

export const MIN_CHARS = 12;
export const MIN_DISTINCT = 6;

export interface PassphraseCheck {
  longEnough: boolean;
  variedEnough: boolean;
  ok: boolean;
}

export function checkNewPassphrase(passphrase: string): PassphraseCheck {
  const chars = Array.from(passphrase);
  const longEnough = chars.length >= MIN_CHARS;
  const variedEnough = new Set(chars).size >= MIN_DISTINCT;
  const blank = passphrase.trim() === '';
  return { longEnough, variedEnough, ok: longEnough && variedEnough && !blank };
}
