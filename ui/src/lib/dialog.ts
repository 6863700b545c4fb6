// What every modal dialog does with the keyboard: Escape closes it (unless it is busy), and Tab
// and Shift+Tab stay inside it while it is open.

export function dialogKeys(event: KeyboardEvent, dialog: HTMLElement | undefined, busy: boolean, onclose: () => void): void {
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    if (!busy) onclose();
    return;
  }
  if (event.key !== 'Tab' || !dialog) return;
  const focusable = [...dialog.querySelectorAll<HTMLElement>('button, input, textarea, select')].filter(
    (el) => !(el as HTMLButtonElement).disabled,
  );
  const [head, tail] = [focusable[0], focusable[focusable.length - 1]];
  if (event.shiftKey && document.activeElement === head) {
    event.preventDefault();
    tail?.focus();
  } else if (!event.shiftKey && document.activeElement === tail) {
    event.preventDefault();
    head?.focus();
  }
}
