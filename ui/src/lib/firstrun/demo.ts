// The demo portfolio's steps as the first-run screen lists them, folded from the engine's
// progress events. The events say what has just finished ("cloud started", "tenant connected"),
// so each one moves the active step on.
import type { DemoProgress } from '../ipc/commands';

export const DEMO_STEPS: readonly string[] = [
  'Starting the simulated cloud',
  'Connecting tenants',
  'Syncing tenants',
  'Assigning the golden baseline',
  'Checking drift',
];

export interface DemoState {
  /** Index of the active step; DEMO_STEPS.length when all are done. */
  at: number;
  /** Tenants done of `total` in the active step (connecting, syncing); total 0 otherwise. */
  done: number;
  total: number;
}

export const DEMO_START: DemoState = { at: 0, done: 0, total: 0 };

export function advance(state: DemoState, event: DemoProgress): DemoState {
  switch (event.step) {
    case 'cloud_started':
      return { at: 1, done: 0, total: event.tenants };
    case 'tenant_connected':
      return { at: 1, done: event.done, total: event.total };
    case 'syncing':
      return { at: 2, done: 0, total: event.tenants };
    case 'sync': {
      if (state.at !== 2 || event.progress.event !== 'finished') return state;
      const done = state.done + 1;
      // Every tenant synced: the baseline is what the demo does next.
      return done >= state.total ? { at: 3, done: 0, total: 0 } : { ...state, done };
    }
    case 'baseline_assigned':
      return { at: 4, done: 0, total: 0 };
    case 'drift_checked':
      return { at: DEMO_STEPS.length, done: 0, total: 0 };
  }
}

export type StepState = 'done' | 'active' | 'pending';

export function stepStates(state: DemoState): StepState[] {
  return DEMO_STEPS.map((_, i) => (i < state.at ? 'done' : i === state.at ? 'active' : 'pending'));
}
