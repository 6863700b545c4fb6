// The decisions of the workbench apart from its markup: the accept-risk form's rules (the
// engine's, checked before sending so the dialog can say what is missing at once), the keyboard
// shortcuts, and what a decision did, in words.

import type { TriageOutcome, TriageRequest } from '../ipc/commands';
import { visible } from '../text';

export interface RiskForm {
  justification: string;
  approver: string;
  /** `YYYY-MM-DD`. */
  expires: string;
}

export type RiskErrors = Partial<Record<keyof RiskForm, string>>;

/** Today's date in UTC, as the engine reads "today" (crates/engine/src/ops/findings.rs `today`). */
export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** `date` (`YYYY-MM-DD`) plus `days`, as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === text;
}

/**
 * What is wrong with a risk acceptance, field by field; empty when it can be sent. The engine
 * needs a justification and a future expiry date; the window also asks who approved it, so the
 * audit log names a person rather than the account that clicked.
 */
export function checkRiskForm(form: RiskForm, now: Date): RiskErrors {
  const errors: RiskErrors = {};
  if (form.justification.trim() === '') {
    errors.justification = 'Say why the risk is accepted.';
  }
  if (form.approver.trim() === '') {
    errors.approver = 'Name who approved it.';
  }
  const expires = form.expires.trim();
  if (expires === '') {
    errors.expires = 'Choose when the acceptance ends.';
  } else if (!isDate(expires)) {
    errors.expires = 'Write the date as YYYY-MM-DD.';
  } else if (expires <= todayUtc(now)) {
    errors.expires = 'The expiry date must be after today.';
  }
  return errors;
}

export function riskRequest(form: RiskForm): TriageRequest {
  return {
    action: 'accept_risk',
    justification: form.justification.trim(),
    approver: form.approver.trim(),
    expires: form.expires.trim(),
  };
}

export type Shortcut = 'next' | 'previous' | 'toggle' | 'acknowledge' | 'accept_risk' | 'clear';

/** Whether keys typed at `target` are text (a field, a list box), not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  }
  return false;
}

/** The workbench shortcut a key press means, if any: never while typing, never with Ctrl, Alt or ⌘. */
export function shortcutOf(event: KeyboardEvent): Shortcut | null {
  if (event.ctrlKey || event.altKey || event.metaKey || isTyping(event.target)) return null;
  switch (event.key) {
    case 'j':
    case 'ArrowDown':
      return 'next';
    case 'k':
    case 'ArrowUp':
      return 'previous';
    case 'x':
      return 'toggle';
    case 'a':
      return 'acknowledge';
    case 'r':
      return 'accept_risk';
    case 'Escape':
      return 'clear';
    default:
      return null;
  }
}

const DONE: Record<TriageRequest['action'], string> = {
  acknowledge: 'Acknowledged',
  accept_risk: 'Accepted the risk of',
  resolve: 'Resolved',
};

function findings(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}

/** What a decision did, in one or two sentences; `warn` when some findings were not changed. */
export function outcomeText(action: TriageRequest['action'], outcome: TriageOutcome): { text: string; warn: boolean } {
  const parts: string[] = [];
  if (outcome.changed.length > 0) {
    parts.push(`${DONE[action]} ${findings(outcome.changed.length)}.`);
  }
  // The engine's messages say why, with the finding's id; shown as text, like any error.
  const first = outcome.refused.length > 0 ? visible(outcome.refused[0].message) : '';
  if (outcome.refused.length === 1) {
    const sentence = first.charAt(0).toUpperCase() + first.slice(1);
    parts.push(outcome.changed.length === 0 ? `${sentence}.` : `Not changed: ${first}.`);
  } else if (outcome.refused.length > 1) {
    parts.push(`${findings(outcome.refused.length)} not changed (${first}, and others).`);
  }
  return { text: parts.join(' '), warn: outcome.refused.length > 0 };
}
