//! The taint-eviction controller: deletes pods from nodes with `NoExecute` taints they do not
//! tolerate, at once or after their `tolerationSeconds`.
//!
//! Rules (upstream `pkg/controller/tainteviction`):
//!
//! 1. Only `NoExecute` taints count. A node without any cancels every pending deletion of its
//!    pods.
//! 2. For each `NoExecute` taint, in node order, the *first* toleration in pod order that
//!    tolerates it is picked. A taint with none means: delete now.
//! 3. Over the picked tolerations: all without seconds means tolerated forever (pending deletion
//!    cancelled); otherwise the smallest value, where any `tolerationSeconds <= 0` counts as 0.
//! 4. The clock starts when the controller sees the change (the taint's `timeAdded` is never
//!    read). A pending deletion created earlier is kept unchanged by later re-evaluations that
//!    still give a finite time: neither shortened nor lengthened, not even by a time of 0 (which
//!    otherwise deletes at once). One created at the same instant is replaced. Only
//!    cancellation (rules 1 and 3) or an untolerated taint (rule 2) ends it.
//! 5. Deletion is a normal DELETE: the pod's own grace period applies, PodDisruptionBudgets are
//!    not consulted.

use crate::model::{Taint, TaintEffect, Toleration};
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the taints of a node mean for one pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The node has no `NoExecute` taint.
    NoNoExecuteTaints,
    /// Some `NoExecute` taint is not tolerated by any toleration: delete now, whatever is
    /// pending.
    Untolerated,
    /// Every taint is tolerated; the pod may stay this long. Zero when a picked toleration
    /// allows 0 s or less; that deletes at once unless an earlier deletion is pending (rule 4).
    TolerateFor(Duration),
    /// Every taint is tolerated forever.
    TolerateForever,
}

/// The minimum over the `tolerationSeconds` of the picked tolerations (`None` = no seconds,
/// i.e. forever). An empty list gives `Some(0)`; any value `<= 0` gives `Some(0)`; all `None`
/// gives `None`.
pub fn min_toleration_seconds(used: &[Option<i64>]) -> Option<i64> {
    if used.is_empty() {
        return Some(0);
    }
    let mut min: Option<i64> = None;
    for s in used.iter().flatten() {
        if *s <= 0 {
            return Some(0);
        }
        min = Some(min.map_or(*s, |m| m.min(*s)));
    }
    min
}

/// Applies rules 1 to 3 to one pod on a node with `taints`.
pub fn evaluate(taints: &[Taint], tolerations: &[Toleration]) -> Verdict {
    let mut used = Vec::new();
    let mut any = false;
    for taint in taints.iter().filter(|t| t.effect == TaintEffect::NoExecute) {
        any = true;
        match tolerations.iter().find(|t| t.tolerates(taint)) {
            Some(t) => used.push(t.toleration_seconds),
            None => return Verdict::Untolerated,
        }
    }
    if !any {
        return Verdict::NoNoExecuteTaints;
    }
    match min_toleration_seconds(&used) {
        None => Verdict::TolerateForever,
        Some(s) => Verdict::TolerateFor(Duration::from_secs(s.max(0) as u64)),
    }
}

/// What the engine must do after the controller processed a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing changes.
    None,
    /// Delete the pod now.
    DeleteNow,
    /// A deletion is (now) scheduled at this instant; the engine should wake the controller
    /// then (see [`TaintEvictionController::fire`]).
    ScheduleAt(SimTime),
    /// A pending deletion was cancelled.
    Cancelled,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    created_at: SimTime,
    fire_at: SimTime,
}

/// The controller's timers, keyed by pod.
#[derive(Clone, Debug, Default)]
pub struct TaintEvictionController<K: Ord + Clone> {
    pending: BTreeMap<K, Pending>,
}

impl<K: Ord + Clone> TaintEvictionController<K> {
    /// A controller with no timers.
    pub fn new() -> Self {
        TaintEvictionController { pending: BTreeMap::new() }
    }

    /// Re-evaluates the pod `pod` bound to a node with `taints`, at `now`.
    pub fn process(&mut self, now: SimTime, pod: &K, taints: &[Taint], tolerations: &[Toleration]) -> Action {
        match evaluate(taints, tolerations) {
            Verdict::NoNoExecuteTaints | Verdict::TolerateForever => self.cancel(pod),
            Verdict::Untolerated => {
                self.pending.remove(pod);
                Action::DeleteNow
            }
            Verdict::TolerateFor(d) => {
                if self.pending.get(pod).is_some_and(|p| p.created_at < now) {
                    return Action::None;
                }
                if d.is_zero() {
                    self.pending.remove(pod);
                    return Action::DeleteNow;
                }
                let fire_at = now + d;
                self.pending.insert(pod.clone(), Pending { created_at: now, fire_at });
                Action::ScheduleAt(fire_at)
            }
        }
    }

    /// Cancels the pod's pending deletion, if any.
    pub fn cancel(&mut self, pod: &K) -> Action {
        if self.pending.remove(pod).is_some() { Action::Cancelled } else { Action::None }
    }

    /// Called by the engine at an instant a deletion was scheduled for: returns whether the pod
    /// is to be deleted now (false when the timer was cancelled or replaced meanwhile).
    pub fn fire(&mut self, now: SimTime, pod: &K) -> bool {
        match self.pending.get(pod) {
            Some(p) if p.fire_at == now => {
                self.pending.remove(pod);
                true
            }
            _ => false,
        }
    }

    /// Forgets a pod that is gone.
    pub fn forget(&mut self, pod: &K) {
        self.pending.remove(pod);
    }

    /// When the pod's pending deletion fires, if one is pending.
    pub fn pending_deadline(&self, pod: &K) -> Option<SimTime> {
        self.pending.get(pod).map(|p| p.fire_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::keys::{NOT_READY, UNREACHABLE};

    fn t(secs: u64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn min_seconds_rules() {
        assert_eq!(min_toleration_seconds(&[]), Some(0));
        assert_eq!(min_toleration_seconds(&[None, None]), None);
        assert_eq!(min_toleration_seconds(&[None, Some(30), Some(10)]), Some(10));
        assert_eq!(min_toleration_seconds(&[Some(-5), Some(10)]), Some(0));
    }

    #[test]
    fn only_the_first_matching_toleration_counts() {
        let taints = vec![Taint::new(NOT_READY, TaintEffect::NoExecute)];
        let bounded_first = vec![
            Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, 300),
            Toleration::exists("", None),
        ];
        assert_eq!(evaluate(&taints, &bounded_first), Verdict::TolerateFor(Duration::from_secs(300)));
        let forever_first: Vec<_> = bounded_first.iter().rev().cloned().collect();
        assert_eq!(evaluate(&taints, &forever_first), Verdict::TolerateForever);
    }

    #[test]
    fn timers_are_sticky_across_a_not_ready_to_unreachable_swap() {
        let tols = vec![
            Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, 300),
            Toleration::exists_for(UNREACHABLE, TaintEffect::NoExecute, 100),
        ];
        let mut c = TaintEvictionController::new();
        let a = c.process(t(10), &1u32, &[Taint::new(NOT_READY, TaintEffect::NoExecute)], &tols);
        assert_eq!(a, Action::ScheduleAt(t(310)));
        let b = c.process(t(20), &1u32, &[Taint::new(UNREACHABLE, TaintEffect::NoExecute)], &tols);
        assert_eq!(b, Action::None);
        assert_eq!(c.pending_deadline(&1), Some(t(310)));
        assert!(!c.fire(t(120), &1));
        assert!(c.fire(t(310), &1));
    }

    #[test]
    fn removing_the_taint_cancels_and_a_new_taint_restarts_the_clock() {
        let tols = vec![Toleration::exists_for(UNREACHABLE, TaintEffect::NoExecute, 300)];
        let taint = [Taint::new(UNREACHABLE, TaintEffect::NoExecute)];
        let mut c = TaintEvictionController::new();
        c.process(t(0), &1u32, &taint, &tols);
        assert_eq!(c.process(t(50), &1u32, &[], &tols), Action::Cancelled);
        assert_eq!(c.process(t(70), &1u32, &taint, &tols), Action::ScheduleAt(t(370)));
    }

    #[test]
    fn a_zero_toleration_deletes_at_once_but_does_not_cut_a_pending_timer_short() {
        let zero = Taint::with_value("drain", "now", TaintEffect::NoExecute);
        let tols = vec![
            Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, 300),
            Toleration::exists_for("drain", TaintEffect::NoExecute, 0),
        ];
        assert_eq!(evaluate(std::slice::from_ref(&zero), &tols), Verdict::TolerateFor(Duration::ZERO));
        let mut c = TaintEvictionController::new();
        assert_eq!(c.process(t(5), &1u32, std::slice::from_ref(&zero), &tols), Action::DeleteNow);
        assert_eq!(c.pending_deadline(&1), None);

        let not_ready = Taint::new(NOT_READY, TaintEffect::NoExecute);
        let mut c = TaintEvictionController::new();
        assert_eq!(
            c.process(t(0), &1u32, std::slice::from_ref(&not_ready), &tols),
            Action::ScheduleAt(t(300))
        );
        // The time computed at 10 s is 0, but the deletion pending since 0 s is kept.
        assert_eq!(c.process(t(10), &1u32, &[not_ready.clone(), zero.clone()], &tols), Action::None);
        assert_eq!(c.pending_deadline(&1), Some(t(300)));
        // At the instant the pending one was created it is replaced instead.
        let mut c = TaintEvictionController::new();
        c.process(t(0), &1u32, std::slice::from_ref(&not_ready), &tols);
        assert_eq!(c.process(t(0), &1u32, &[not_ready, zero], &tols), Action::DeleteNow);
        assert_eq!(c.pending_deadline(&1), None);
    }

    #[test]
    fn an_untolerated_taint_deletes_at_once() {
        let mut c = TaintEvictionController::new();
        let taint = [Taint::with_value("dedicated", "x", TaintEffect::NoExecute)];
        assert_eq!(c.process(t(5), &1u32, &taint, &[]), Action::DeleteNow);
    }
}
