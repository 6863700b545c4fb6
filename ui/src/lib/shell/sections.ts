// The sections of the navigation rail. Only those marked `ready` have a screen yet; the others
// show what they will hold, so the rail already has its final shape and no link is broken.

export type SectionId = 'portfolio' | 'findings' | 'baselines' | 'compare' | 'operations' | 'settings';

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
