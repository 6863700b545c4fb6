// Text from outside (a tenant, Graph, a file) as it is shown in the window. This is the
// TypeScript twin of `visible` in crates/core/src/text.rs — keep the two in step. Svelte already
// escapes markup; this makes characters that reorder, hide or break text visible as escapes, so a
// tenant named `Legit\u{202e}txt.exe` cannot pass for another and one value stays on one line.

/** Characters shown as escapes wherever they are (see crates/core/src/text.rs). */
function isAlwaysHidden(cp: number): boolean {
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x61c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x180e ||
    cp === 0x200b ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x206f) ||
    cp === 0x3164 ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

const isJoiner = (cp: number) => cp === 0x200c || cp === 0x200d;

/** Whether the code point at `i` must be shown as an escape. */
function isHidden(cps: number[], i: number): boolean {
  const cp = cps[i];
  if (isAlwaysHidden(cp)) {
    return true;
  }
  if (isJoiner(cp)) {
    // A joiner joins two non-ASCII characters that are shown as they are (Persian, emoji
    // sequences); anywhere else it can only hide a difference.
    const joins = (j: number) => {
      const n = cps[j];
      return n !== undefined && n > 0x7f && !isAlwaysHidden(n) && !isJoiner(n);
    };
    return !(joins(i - 1) && joins(i + 1));
  }
  return false;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `text` with every character that could reorder, hide or break it shown as an escape
 * (`\n`, `\r`, `\t`, `\u{1b}`). A backslash itself is not escaped, as in the Rust original.
 */
export function visible(text: string): string {
  if (PRINTABLE_ASCII.test(text)) {
    return text;
  }
  const cps = Array.from(text, (c) => c.codePointAt(0) as number);
  let out = '';
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    if (!isHidden(cps, i)) {
      out += String.fromCodePoint(cp);
    } else if (cp === 0x0a) {
      out += '\\n';
    } else if (cp === 0x0d) {
      out += '\\r';
    } else if (cp === 0x09) {
      out += '\\t';
    } else {
      out += `\\u{${cp.toString(16)}}`;
    }
  }
  return out;
}
