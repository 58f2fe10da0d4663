//! A memorandum's standing on a given day: derived status, whether it is in force, and for
//! auto-renewing agreements the running term's end and the notice deadline.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::api::{AutoRenewal, MemorandumStatus};

/// The dates that decide a memorandum's standing.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    /// Stored status: draft, signed or terminated.
    pub stored: MemorandumStatus,
    /// First day in force.
    pub effective_from: Option<NaiveDate>,
    /// Last day of the first term.
    pub expires_on: Option<NaiveDate>,
    /// Automatic renewal.
    pub renewal: Option<AutoRenewal>,
}

/// What a memorandum is on one day; part of its ETag, since it moves with the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Effective status.
    pub status: MemorandumStatus,
    /// In force that day.
    pub in_force: bool,
    /// End of the term running that day (signed, auto-renewing only).
    pub current_term_ends_on: Option<NaiveDate>,
    /// Last day to give notice not to renew, that day or later (signed, auto-renewing only).
    pub notice_deadline: Option<NaiveDate>,
}

/// The standing of `terms` on `day`.
pub fn standing(terms: &Terms, day: NaiveDate) -> Standing {
    let signed = terms.stored == MemorandumStatus::Signed;
    let renewing = match (signed, terms.renewal, terms.expires_on) {
        (true, Some(renewal), Some(first_end)) => Some((renewal, first_end)),
        _ => None,
    };
    let (current_term_ends_on, notice_deadline) = match renewing {
        Some((renewal, first_end)) => {
            let (k, end) = term_running(first_end, renewal.term_months, day);
            (Some(end), Some(notice_deadline(first_end, renewal, k, end, day)))
        }
        None => (None, None),
    };
    let end = current_term_ends_on.or(terms.expires_on);
    let expired = signed && renewing.is_none() && end.is_some_and(|end| end < day);
    let status = if expired { MemorandumStatus::Expired } else { terms.stored };
    let started = terms.effective_from.is_some_and(|from| from <= day);
    let in_force = signed && !expired && started;
    Standing { status, in_force, current_term_ends_on, notice_deadline }
}

/// The end of term `k` (term 0 ends on `first_end`); `None` past the calendar's range. A first
/// term ending on a month's last day renews to the last day of each later month (30 Sep → 31 Mar).
fn term_end(first_end: NaiveDate, term_months: i32, k: u32) -> Option<NaiveDate> {
    let months = Months::new(u32::try_from(term_months).ok()?.checked_mul(k)?);
    if first_end.succ_opt().is_some_and(|next| next.month() != first_end.month()) {
        let next_month = first_end.succ_opt()?.checked_add_months(months)?;
        return next_month.pred_opt();
    }
    first_end.checked_add_months(months)
}

/// The term running on `day`: the first `k` whose end is `day` or later, with that end.
fn term_running(first_end: NaiveDate, term_months: i32, day: NaiveDate) -> (u32, NaiveDate) {
    if first_end >= day {
        return (0, first_end);
    }
    let behind = (day.year() - first_end.year()) * 12 + day.month() as i32 - first_end.month() as i32;
    let mut k = u32::try_from(behind / term_months.max(1)).unwrap_or(1).max(1);
    loop {
        match term_end(first_end, term_months, k) {
            Some(end) if end >= day => return (k, end),
            Some(_) => k += 1,
            None => return (k, NaiveDate::MAX),
        }
    }
}

/// `notice_days` before the end of term `k`, or of the first later term whose deadline is still
/// `day` or later (notice may be longer than a term).
fn notice_deadline(first_end: NaiveDate, renewal: AutoRenewal, k: u32, end: NaiveDate, day: NaiveDate) -> NaiveDate {
    let before = |end: NaiveDate| end.checked_sub_days(Days::new(renewal.notice_days.max(0) as u64)).unwrap_or(end);
    let mut deadline = before(end);
    let mut next = k;
    while deadline < day {
        next += 1;
        match term_end(first_end, renewal.term_months, next) {
            Some(end) => deadline = before(end),
            None => break,
        }
    }
    deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn renewing(first_end: &str, term_months: i32, notice_days: i32) -> Terms {
        Terms {
            stored: MemorandumStatus::Signed,
            effective_from: Some(date("2024-04-01")),
            expires_on: Some(date(first_end)),
            renewal: Some(AutoRenewal { term_months, notice_days }),
        }
    }

    #[test]
    fn renewing_terms_roll_forward_by_whole_terms() {
        let terms = renewing("2025-03-31", 12, 90);
        let s = standing(&terms, date("2025-03-31"));
        assert_eq!((s.current_term_ends_on, s.in_force), (Some(date("2025-03-31")), true));
        let s = standing(&terms, date("2025-04-01"));
        assert_eq!(s.current_term_ends_on, Some(date("2026-03-31")));
        assert_eq!(s.status, MemorandumStatus::Signed);
        let s = standing(&terms, date("2031-12-31"));
        assert_eq!(s.current_term_ends_on, Some(date("2032-03-31")));
    }

    #[test]
    fn notice_deadline_moves_to_the_next_term_once_passed() {
        let terms = renewing("2026-12-31", 12, 30);
        assert_eq!(standing(&terms, date("2026-12-01")).notice_deadline, Some(date("2026-12-01")));
        let s = standing(&terms, date("2026-12-02"));
        assert_eq!(s.current_term_ends_on, Some(date("2026-12-31")));
        assert_eq!(s.notice_deadline, Some(date("2027-12-01")));
    }

    #[test]
    fn month_ends_stay_month_ends() {
        let terms = renewing("2026-01-31", 1, 0);
        assert_eq!(standing(&terms, date("2026-02-01")).current_term_ends_on, Some(date("2026-02-28")));
        assert_eq!(standing(&terms, date("2026-03-01")).current_term_ends_on, Some(date("2026-03-31")));
        let half_years = renewing("2026-09-30", 6, 0);
        assert_eq!(standing(&half_years, date("2026-10-01")).current_term_ends_on, Some(date("2027-03-31")));
        let leap = renewing("2027-02-28", 12, 0);
        assert_eq!(standing(&leap, date("2027-03-01")).current_term_ends_on, Some(date("2028-02-29")));
        let mid_month = renewing("2026-01-30", 1, 0);
        assert_eq!(standing(&mid_month, date("2026-02-01")).current_term_ends_on, Some(date("2026-02-28")));
        assert_eq!(standing(&mid_month, date("2026-03-01")).current_term_ends_on, Some(date("2026-03-30")));
    }

    #[test]
    fn notice_longer_than_a_term_points_to_a_deadline_still_ahead() {
        let terms = renewing("2026-01-31", 1, 60);
        let s = standing(&terms, date("2026-02-15"));
        assert_eq!(s.current_term_ends_on, Some(date("2026-02-28")));
        assert_eq!(s.notice_deadline, Some(date("2026-03-01")), "60 days before 2026-04-30");
    }

    #[test]
    fn fixed_terms_expire_the_day_after_expires_on() {
        let terms = Terms { renewal: None, ..renewing("2026-12-31", 12, 30) };
        assert_eq!(standing(&terms, date("2026-12-31")).status, MemorandumStatus::Signed);
        let after = standing(&terms, date("2027-01-01"));
        assert_eq!((after.status, after.in_force, after.notice_deadline), (MemorandumStatus::Expired, false, None));
    }

    #[test]
    fn drafts_and_future_memoranda_are_not_in_force() {
        let draft = Terms { stored: MemorandumStatus::Draft, ..renewing("2026-12-31", 12, 30) };
        let s = standing(&draft, date("2026-06-01"));
        assert_eq!((s.status, s.in_force, s.current_term_ends_on), (MemorandumStatus::Draft, false, None));
        let future = renewing("2026-12-31", 12, 30);
        assert!(!standing(&future, date("2024-03-31")).in_force);
    }
}
