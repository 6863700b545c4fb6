// The sections of the navigation rail. Only those marked `ready` have a screen yet; the others
// show what they will hold, so the rail already has its final shape and no link is broken.

export type SectionId = 'portfolio' | 'findings' | 'baselines' | 'compare' | 'reports' | 'operations' | 'settings';

export interface Section {
  id: SectionId;
  label: string;
  ready: boolean;
  /** What the section will hold, for the "coming in a later version" page. */
  promise: string;
}

export const SECTIONS: readonly Section[] = [
  {
    id: 'portfolio',
    label: 'Portfolio',
    ready: true,
    promise: 'Every tenant at a glance.',
  },
  {
    id: 'findings',
    label: 'Findings',
    ready: true,
    promise:
      'A workbench for drift findings across all tenants: filter by tenant, severity and state; acknowledge, accept a risk or resolve, one at a time or in bulk.',
  },
  {
    id: 'baselines',
    label: 'Baselines',
    ready: true,
    promise:
      'Golden baselines from a reference tenant, assigned to tenants, with what matched and what did not for each of them.',
  },
  {
    id: 'compare',
    label: 'Compare',
    ready: true,
    promise: 'Two tenants, two snapshots, or a tenant against a baseline, side by side by meaning.',
  },
  {
    id: 'reports',
    label: 'Reports',
    ready: true,
    promise:
      'Review packs (PDF and signed evidence) for quarterly reviews, the portfolio report, and snapshot bundles for colleagues.',
  },
  {
    id: 'operations',
    label: 'Operations',
    ready: true,
    promise: 'Every sync, drift check, report and restore as a run: its progress, counts, errors and duration.',
  },
  {
    id: 'settings',
    label: 'Settings',
    ready: true,
    promise: 'Workspace, app registration, keychain, sync schedule, the sync SLA and severity rules.',
  },
];

/** A section's shortcut: Alt and its place on the rail (Alt+1 Portfolio … Alt+7 Settings). */
export function sectionShortcut(id: SectionId): string {
  return `Alt+${SECTIONS.findIndex((s) => s.id === id) + 1}`;
}

/** The section an Alt+digit key press goes to, if any (never with Ctrl, Shift or ⌘). */
export function sectionForKey(event: KeyboardEvent): SectionId | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  // `code` rather than `key`: Alt+digit types other characters on some layouts (macOS).
  const digit = /^Digit([1-9])$/.exec(event.code)?.[1] ?? /^[1-9]$/.exec(event.key)?.[0];
  if (digit === undefined) return null;
  return SECTIONS[Number(digit) - 1]?.id ?? null;
}
