// The demo portfolio's steps as the first-run screen lists them, from the engine's progress.
import type { DemoProgress, DemoStep } from '../ipc-pending';

export const DEMO_STEPS: readonly { step: Exclude<DemoStep, 'done'>; label: string; counts: boolean }[] = [
  { step: 'cloud', label: 'Starting the simulated cloud', counts: false },
  { step: 'connect', label: 'Connecting tenants', counts: true },
  { step: 'sync', label: 'Syncing tenants', counts: true },
  { step: 'baseline', label: 'Assigning the golden baseline', counts: false },
  { step: 'drift', label: 'Checking drift', counts: false },
];

export type StepState = 'done' | 'active' | 'pending';

/** Each step's state given the newest progress report (null before the first). */
export function stepStates(progress: DemoProgress | null): StepState[] {
  const at = progress === null ? 0 : progress.step === 'done' ? DEMO_STEPS.length : DEMO_STEPS.findIndex((s) => s.step === progress.step);
  return DEMO_STEPS.map((_, i) => (i < at ? 'done' : i === at ? 'active' : 'pending'));
}
