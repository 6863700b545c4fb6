//! Scheduled sync: while the app is open, every tenant syncs on the workspace's schedule
//! (`sync.interval_minutes`, hourly by default), with drift after it, exactly as Sync all does —
//! the same method, so the same sync claim: never two syncs at once, and Sync all is refused as
//! `busy` while a scheduled one runs. When the drift opened high-severity findings and
//! `notify.high_findings` is on, an OS notification says so.
//!
//! One tokio task, started once in Tauri's `setup`, looks every [`TICK`] at whether a sync is
//! due ([`AppState::scheduled_tick`]): a workspace is open, the demo is not being set up, no sync
//! runs, and the newest sync of any kind started longer ago than the interval. A failure is logged
//! and tried again an interval later, never sooner. The window learns of scheduled runs by polling
//! `schedule_status` (events would need a core permission the window does not have), and the
//! notification is raised from Rust, so the window is granted none of the plugin's permissions.

use crate::ipc::ErrorCode;
use crate::state::AppState;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager};
use tenantatlas_engine::ops::drift::DriftRun;

/// How often the scheduler looks whether a sync is due.
pub const TICK: Duration = Duration::from_secs(30);

/// The scheduled runs of this window, for `schedule_status`.
#[derive(Default)]
pub struct ScheduleState {
    inner: Mutex<Runs>,
}

/// What `schedule_status` reports of the scheduled runs.
#[derive(Clone, Debug, Default)]
pub struct Runs {
    pub running: bool,
    pub last_started_at: Option<String>,
    pub last_finished_at: Option<String>,
    pub last_outcome: Option<String>,
    /// When the last scheduled sync was tried, so a failure waits an interval before the next try.
    tried: Option<Instant>,
}

impl ScheduleState {
    pub fn snapshot(&self) -> Runs {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Runs> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a scheduled sync may start: none was tried within the last `interval_minutes`.
    fn may_try(&self, interval_minutes: u32) -> bool {
        let interval = Duration::from_secs(u64::from(interval_minutes) * 60);
        self.lock().tried.is_none_or(|at| at.elapsed() >= interval)
    }

    fn started(&self) {
        let mut runs = self.lock();
        runs.running = true;
        runs.tried = Some(Instant::now());
        runs.last_started_at = Some(now_text());
    }

    fn finished(&self, outcome: Option<String>) {
        let mut runs = self.lock();
        runs.running = false;
        if let Some(outcome) = outcome {
            runs.last_finished_at = Some(now_text());
            runs.last_outcome = Some(outcome);
        }
    }
}

fn now_text() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

/// stderr, the app's only log for now.
fn log_line(line: &str) {
    eprintln!("tenantatlas-desktop: scheduled sync: {line}");
}

/// Starts the scheduler: one task for the app's lifetime.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            let state = app.state::<AppState>();
            if let Some(news) = state.scheduled_tick().await {
                notify(&app, &news);
            }
        }
    });
}

fn notify(app: &AppHandle, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app
        .notification()
        .builder()
        .title("TenantAtlas")
        .body(body)
        .show()
    {
        log_line(&format!("the notification could not be shown: {e}"));
    }
}

impl AppState {
    /// One look of the scheduler: runs the sync when it is due, and answers what to notify, if
    /// anything. Never fails: what goes wrong is logged and reported by `schedule_status`.
    pub async fn scheduled_tick(&self) -> Option<String> {
        // The demo's own set-up syncs and checks drift; it is not news.
        if self.demo_setting_up() || self.sync_running() {
            return None;
        }
        let (interval, notify) = {
            let opened = self.opened().await.ok()?;
            let schedule = match opened.engine.sync_schedule().await {
                Ok(s) => s,
                Err(e) => {
                    log_line(&format!("the schedule could not be read: {e}"));
                    return None;
                }
            };
            if !schedule.due {
                return None;
            }
            let notify = opened
                .engine
                .settings()
                .await
                .map_or(true, |s| s.notify_high_findings);
            (schedule.interval_minutes, notify)
        };
        if !self.schedule.may_try(interval) {
            return None;
        }
        self.schedule.started();
        match self.sync_and_check(Vec::new(), |_| {}).await {
            Ok(synced) => {
                let news = high_findings_news(&synced.drift);
                let synced_ok = synced
                    .outcomes
                    .iter()
                    .filter(|o| o.status != "failed")
                    .count();
                let failed = synced.outcomes.len() - synced_ok;
                let mut outcome =
                    format!("{synced_ok} of {} tenants synced", synced.outcomes.len());
                if failed > 0 {
                    outcome.push_str(&format!(", {failed} failed"));
                }
                if let Some(news) = &news {
                    outcome.push_str(&format!("; {news}"));
                }
                self.schedule.finished(Some(outcome));
                news.filter(|_| notify)
            }
            // Someone started a sync between the look and the claim: that one counts.
            Err(e) if e.code == ErrorCode::Busy => {
                self.schedule.finished(None);
                None
            }
            Err(e) => {
                log_line(&e.message);
                self.schedule
                    .finished(Some(format!("failed: {}", e.message)));
                None
            }
        }
    }
}

/// "3 new high findings in Fabrikam Inc, Contoso Ltd": the tenants with most first; `None`
/// when the drift opened none.
pub fn high_findings_news(drift: &[DriftRun]) -> Option<String> {
    let mut tenants: Vec<(&str, u64)> = drift
        .iter()
        .filter(|r| r.opened_high > 0)
        .map(|r| (r.tenant_name.as_str(), r.opened_high))
        .collect();
    let total: u64 = tenants.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    tenants.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    const NAMED: usize = 3;
    let mut names: Vec<String> = tenants
        .iter()
        .take(NAMED)
        .map(|(name, _)| tenantatlas_core::text::visible(name).into_owned())
        .collect();
    if tenants.len() > NAMED {
        names.push(format!("{} more", tenants.len() - NAMED));
    }
    let plural = if total == 1 { "" } else { "s" };
    Some(format!(
        "{total} new high finding{plural} in {}",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantatlas_core::score::Rating;

    fn run(name: &str, opened_high: u64) -> DriftRun {
        DriftRun {
            id: "r".into(),
            tenant: format!("{name}.example"),
            tenant_name: name.into(),
            tenant_id: "t".into(),
            status: "succeeded".into(),
            baselines: vec![],
            objects: 0,
            compliant: 0,
            score: 100.0,
            rating: Rating::Good,
            expected: 0,
            not_checked: vec![],
            findings: opened_high,
            opened: opened_high,
            reopened: 0,
            opened_high,
            resolved: 0,
            resolved_ids: vec![],
            duration_ms: 0,
        }
    }

    #[test]
    fn the_notification_names_the_tenants_with_new_high_findings() {
        assert_eq!(high_findings_news(&[run("Contoso Ltd", 0)]), None);
        assert_eq!(
            high_findings_news(&[run("Contoso Ltd", 1), run("Fabrikam Inc", 2)]).as_deref(),
            Some("3 new high findings in Fabrikam Inc, Contoso Ltd")
        );
        assert_eq!(
            high_findings_news(&[run("A", 1)]).as_deref(),
            Some("1 new high finding in A")
        );
        let many: Vec<DriftRun> = ["A", "B", "C", "D", "E"].map(|n| run(n, 1)).into();
        assert_eq!(
            high_findings_news(&many).as_deref(),
            Some("5 new high findings in A, B, C, 2 more")
        );
    }

    /// Against the demo portfolio: a scheduled tick right after the demo opened does nothing (its
    /// set-up synced just now), and one with the schedule due syncs every tenant through the same
    /// claim as Sync all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_due_schedule_syncs_through_the_sync_all_claim() {
        let state = AppState::default();
        assert_eq!(state.scheduled_tick().await, None, "no workspace");
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();
        assert_eq!(state.scheduled_tick().await, None);
        assert!(state.schedule.snapshot().last_started_at.is_none());

        // Shortest interval, and a sync claim held: still nothing.
        let claim = state.start_sync().unwrap();
        state
            .set_setting("sync.interval_minutes", "15")
            .await
            .unwrap();
        assert_eq!(state.scheduled_tick().await, None);
        drop(claim);
        let status = state.schedule_status().await.unwrap();
        assert_eq!(status.interval_minutes, 15);
        assert!(status.next_at.is_some() && !status.running);
    }

    /// A workspace never synced is due at once; whatever the sync did, the next try waits an
    /// interval.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_scheduled_sync_is_tried_once_per_interval() {
        let state = AppState::default();
        let dir = tempfile::tempdir().unwrap();
        state
            .open_workspace(
                &dir.path().join("ws"),
                Some("a long enough schedule passphrase".into()),
            )
            .await
            .unwrap();
        assert_eq!(state.scheduled_tick().await, None, "no tenants, no news");
        let first = state.schedule.snapshot();
        assert!(!first.running);
        assert!(first.last_started_at.is_some());
        assert!(first.last_outcome.is_some(), "{first:?}");
        assert_eq!(state.scheduled_tick().await, None);
        assert_eq!(
            state.schedule.snapshot().last_started_at,
            first.last_started_at,
            "not tried again within the interval"
        );
    }
}
