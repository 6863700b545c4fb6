//! The tenant's compliance score: one number an MSP can put in front of a customer.
//!
//! `score = 100 × coverage × Π (1 − penalty(severity of each open finding))`
//!
//! - **Coverage** is the share of the baseline's objects that could be checked at all. A kind the
//!   tenant's consent or a failed read kept out of the snapshot is *not checked*: the score cannot
//!   vouch for it, so it scales the score down, and a tenant with anything not checked is never
//!   100 %.
//! - **Each finding that still stands** — open or acknowledged; not resolved, not an accepted risk —
//!   takes a share of what is left: high 25 %, medium 5 %, low 1 %, info 0.25 %. One broken
//!   security control costs as much as five ordinary policies off standard; twenty renamed
//!   policies cost less than one of those. Shares multiply, so the score never goes below zero
//!   and does not depend on how many objects the baseline holds: three switched-off security
//!   controls weigh the same in a 10-object baseline as in a 300-object one, as they do for the
//!   customer.
//!
//! Ratings read the score in words: 90 and above *good*, 70 to 90 *needs attention*, 50 to 70
//! *at risk*, below 50 *failing* — so one high finding (75) needs attention, two (56) put the tenant
//! at risk, three (42) fail it. `docs/drift.md` explains the model to MSPs with these examples.

use crate::severity::Severity;
use serde::Serialize;

/// The share of what is left that one standing finding takes.
pub fn penalty(severity: Severity) -> f64 {
    match severity {
        Severity::High => 0.25,
        Severity::Medium => 0.05,
        Severity::Low => 0.01,
        Severity::Info => 0.0025,
    }
}

/// The score in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Failing,
    AtRisk,
    NeedsAttention,
    Good,
}

impl Rating {
    pub fn of(score: f64) -> Rating {
        if score >= 90.0 {
            Rating::Good
        } else if score >= 70.0 {
            Rating::NeedsAttention
        } else if score >= 50.0 {
            Rating::AtRisk
        } else {
            Rating::Failing
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::NeedsAttention => "needs attention",
            Rating::AtRisk => "at risk",
            Rating::Failing => "failing",
        }
    }
}

/// What a tenant's score is made of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TenantScore {
    /// 0–100, one decimal; 100 only when everything was checked and nothing stands.
    pub score: f64,
    pub rating: Rating,
    /// 0–1: the share of the baseline's objects that could be checked.
    pub coverage: f64,
}

/// The score of a tenant whose check compared `checked` baseline objects, could not check
/// `not_checked`, and left findings of these severities standing.
pub fn tenant_score(checked: u64, not_checked: u64, standing: &[Severity]) -> TenantScore {
    let expected = checked + not_checked;
    let coverage = if expected == 0 {
        1.0
    } else {
        checked as f64 / expected as f64
    };
    let health: f64 = standing.iter().map(|s| 1.0 - penalty(*s)).product();
    let mut score = (1000.0 * coverage * health).round() / 10.0;
    // Rounding must not make anything unseen or wrong look perfect.
    if (not_checked > 0 || !standing.is_empty()) && score >= 100.0 {
        score = 99.9;
    }
    TenantScore {
        score,
        rating: Rating::of(score),
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    fn score(checked: u64, not_checked: u64, standing: &[Severity]) -> f64 {
        tenant_score(checked, not_checked, standing).score
    }

    #[test]
    fn the_model_on_the_scenarios_it_is_meant_for() {
        // Everything checked, nothing standing.
        assert_eq!(score(85, 0, &[]), 100.0);
        // MFA for all users switched to report-only, BitLocker off, a firewall policy deleted:
        // three high findings fail the tenant, whatever the baseline's size.
        assert_eq!(score(85, 0, &[High, High, High]), 42.2);
        assert_eq!(score(10, 0, &[High, High, High]), 42.2);
        assert_eq!(tenant_score(85, 0, &[High; 3]).rating, Rating::Failing);
        assert_eq!(tenant_score(85, 0, &[High]).rating, Rating::NeedsAttention);
        assert_eq!(tenant_score(85, 0, &[High, High]).rating, Rating::AtRisk);
        // Cosmetic drift barely moves it; five ordinary deviations weigh about one high.
        assert_eq!(score(85, 0, &[Info; 10]), 97.5);
        assert_eq!(score(85, 0, &[Medium; 5]), 77.4);
        assert_eq!(tenant_score(85, 0, &[Info; 10]).rating, Rating::Good);
    }

    #[test]
    fn what_could_not_be_checked_is_never_perfect() {
        // Conditional Access (6 of 85 objects) unreadable: 92.9 %, never 100.
        assert_eq!(score(79, 6, &[]), 92.9);
        assert_eq!(score(1999, 1, &[]), 99.9);
        assert_eq!(score(0, 5, &[]), 0.0);
        assert_eq!(score(4000, 0, &[Info]), 99.8);
        assert_eq!(score(100_000, 0, &[Info]), 99.8);
        // Nothing expected: nothing wrong.
        assert_eq!(score(0, 0, &[]), 100.0);
    }
}
