//! The tenant's compliance score: one number an MSP can put in front of a customer.
//!
//! `score = 100 × coverage × min(in place, weighed)`
//!
//! - **Coverage** is the share of the baseline's objects that could be checked at all. A kind the
//!   tenant's consent or a failed read kept out of the snapshot is *not checked*: the score cannot
//!   vouch for it, so it scales the score down, and a tenant with anything not checked is never
//!   100 %.
//! - **In place** is how much of the baseline the tenant has: the mean of the compared objects'
//!   own scores (the share of each object's configured values as expected; 0 when missing).
//! - **Weighed** is what the findings that still stand — open or acknowledged; not resolved, not an
//!   accepted risk — weigh: each takes a share of what is left, high 25 %, medium 5 %, low 1 %,
//!   info 0.25 %. One broken security control costs as much as five ordinary policies off standard;
//!   ten renamed policies cost less than one of those. Shares multiply, so this reading does not
//!   depend on how many objects the baseline holds: three switched-off security controls weigh the
//!   same in a 10-object baseline as in a 300-object one, as they do for the customer.
//!
//! A tenant fails in either of two ways — a few serious gaps, or a baseline largely not in place —
//! so the score is the lower of the two readings. Ratings read it in words (*not checked* when
//! nothing could be): 90 and above *good*,
//! 70 to 90 *needs attention*, 50 to 70 *at risk*, below 50 *failing* — one high finding (75) needs
//! attention, two (56) put the tenant at risk, three (42) fail it. `docs/drift.md` explains the
//! model to MSPs with these examples.

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
    /// Nothing of the baseline could be checked: no reading at all, good or bad.
    NotChecked,
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
            Rating::NotChecked => "not checked",
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

/// What a tenant's check found, as the score reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Checked<'a> {
    /// Baseline objects compared.
    pub objects: u64,
    /// Baseline objects that could not be checked.
    pub not_checked: u64,
    /// The mean of the compared objects' own scores, 0–1 (1 when none were compared).
    pub in_place: f64,
    /// The severities of the findings that still stand.
    pub standing: &'a [Severity],
}

/// The tenant's score (see the module documentation).
pub fn tenant_score(checked: &Checked<'_>) -> TenantScore {
    let expected = checked.objects + checked.not_checked;
    let coverage = if expected == 0 {
        1.0
    } else {
        checked.objects as f64 / expected as f64
    };
    let weighed: f64 = checked.standing.iter().map(|s| 1.0 - penalty(*s)).product();
    let in_place = checked.in_place.clamp(0.0, 1.0);
    let mut score = (1000.0 * coverage * in_place.min(weighed)).round() / 10.0;
    // Rounding must not make anything unseen or wrong look perfect.
    if (checked.not_checked > 0 || !checked.standing.is_empty() || in_place < 1.0) && score >= 100.0
    {
        score = 99.9;
    }
    TenantScore {
        score,
        rating: if checked.objects == 0 && checked.not_checked > 0 {
            Rating::NotChecked
        } else {
            Rating::of(score)
        },
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    fn score(objects: u64, not_checked: u64, standing: &[Severity]) -> f64 {
        rated(objects, not_checked, 1.0, standing).score
    }

    fn rated(objects: u64, not_checked: u64, in_place: f64, standing: &[Severity]) -> TenantScore {
        tenant_score(&Checked {
            objects,
            not_checked,
            in_place,
            standing,
        })
    }

    #[test]
    fn the_model_on_the_scenarios_it_is_meant_for() {
        // Everything checked, nothing standing.
        assert_eq!(score(85, 0, &[]), 100.0);
        // MFA for all users switched to report-only, BitLocker off, a firewall policy deleted:
        // three high findings fail the tenant, whatever the baseline's size.
        assert_eq!(score(85, 0, &[High, High, High]), 42.2);
        assert_eq!(score(10, 0, &[High, High, High]), 42.2);
        assert_eq!(rated(85, 0, 1.0, &[High; 3]).rating, Rating::Failing);
        assert_eq!(rated(85, 0, 1.0, &[High]).rating, Rating::NeedsAttention);
        assert_eq!(rated(85, 0, 1.0, &[High, High]).rating, Rating::AtRisk);
        // Cosmetic drift barely moves it; five ordinary deviations weigh about one high.
        assert_eq!(score(85, 0, &[Info; 10]), 97.5);
        assert_eq!(score(85, 0, &[Medium; 5]), 77.4);
        assert_eq!(rated(85, 0, 1.0, &[Info; 10]).rating, Rating::Good);
    }

    #[test]
    fn what_could_not_be_checked_is_never_perfect() {
        // Conditional Access (6 of 85 objects) unreadable: 92.9 %, never 100.
        assert_eq!(score(79, 6, &[]), 92.9);
        assert_eq!(score(1999, 1, &[]), 99.9);
        assert_eq!(score(0, 5, &[]), 0.0);
        assert_eq!(rated(0, 5, 1.0, &[]).rating, Rating::NotChecked);
        assert_eq!(score(4000, 0, &[Info]), 99.8);
        assert_eq!(score(100_000, 0, &[Info]), 99.8);
        // Nothing expected: nothing wrong.
        assert_eq!(score(0, 0, &[]), 100.0);
    }

    #[test]
    fn a_baseline_largely_not_in_place_fails_however_small() {
        // Ten ordinary objects, all missing: the findings alone would weigh 59.9.
        assert_eq!(rated(10, 0, 0.0, &[Medium; 10]).score, 0.0);
        // Half the values of a baseline off: in place decides.
        assert_eq!(rated(10, 0, 0.5, &[Medium; 2]).score, 50.0);
        // Three high findings among 85 objects otherwise in place: the findings decide.
        assert_eq!(rated(85, 0, 0.97, &[High; 3]).score, 42.2);
        // A value off that no finding carries (an accepted risk scores its object 100, so this
        // is only a partial read) still keeps the score below 100.
        assert_eq!(rated(85, 0, 0.9999, &[]).score, 99.9);
    }
}
