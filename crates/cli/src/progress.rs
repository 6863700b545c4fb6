//! Progress bars for `sync` on a terminal: one bar per tenant, counting kinds read.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use tenantatlas_engine::ProgressEvent;

pub struct Bars {
    multi: Option<MultiProgress>,
    bars: HashMap<String, ProgressBar>,
}

impl Bars {
    pub fn new(enabled: bool) -> Self {
        Bars {
            multi: enabled.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            bars: HashMap::new(),
        }
    }

    pub fn update(&mut self, event: &ProgressEvent) {
        let Some(multi) = &self.multi else {
            return;
        };
        match event {
            ProgressEvent::SyncStarted {
                tenant,
                name,
                steps,
            } => {
                let bar = multi.add(ProgressBar::new(*steps));
                bar.set_style(
                    ProgressStyle::with_template("{prefix:<32.bold} {bar:30} {pos}/{len} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                // A tenant's name is text from outside: shown cleaned, like every table cell.
                bar.set_prefix(
                    crate::output::clean(name)
                        .chars()
                        .take(32)
                        .collect::<String>(),
                );
                self.bars.insert(tenant.clone(), bar);
            }
            ProgressEvent::KindRead { tenant, kind, .. } => {
                if let Some(bar) = self.bars.get(tenant) {
                    bar.inc(1);
                    bar.set_message(kind.clone());
                }
            }
            ProgressEvent::DetailsRead {
                tenant,
                done,
                total,
            } => {
                if let Some(bar) = self.bars.get(tenant) {
                    bar.set_message(format!("details {done}/{total}"));
                }
            }
            ProgressEvent::SyncFinished { tenant, status } => {
                if let Some(bar) = self.bars.get(tenant) {
                    bar.finish_with_message(status.clone());
                }
            }
            // Reports print their steps themselves (`report.rs`).
            ProgressEvent::ReportStep { .. } => {}
        }
    }

    pub fn finish(&self) {
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }
}
