// The one place that calls `invoke`: each Tauri command gets a typed function here, with its
// types from ./bindings (generated from Rust by src-tauri, never edited by hand).
import { invoke } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';

export type { AppInfo };

/** The product name and version of the running build (Rust: `commands::app_info`). */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}
