//! The preview's reuse of whole stages between rebuilds: a stage's last
//! result stands while every action it reads is the same `Arc` as last time
//! (the preview keeps an action whose file and ids did not change) or alike
//! in the fields that stage reads. An edit to a body or a title then costs
//! the derived figures and the facets nothing, where computing them reads
//! every action (docs/performance.md).

use crate::model::Action;
use std::sync::Arc;

/// What one stage made from a list of actions, and that list (kept, not
/// just compared by address, so that no address is reused meanwhile).
pub struct Reused<T> {
    actions: Vec<Arc<Action>>,
    /// Everything else the stage read, as one number.
    rest: u64,
    made: T,
}

impl<T: Clone> Reused<T> {
    /// The result made last time, if `actions` and `rest` are alike enough
    /// (`alike` says whether two versions of an action give the same result).
    pub fn get(
        memo: &Option<Reused<T>>,
        actions: &[Arc<Action>],
        rest: u64,
        alike: impl Fn(&Action, &Action) -> bool,
    ) -> Option<T> {
        let memo = memo.as_ref()?;
        let same = memo.rest == rest
            && memo.actions.len() == actions.len()
            && memo
                .actions
                .iter()
                .zip(actions)
                .all(|(a, b)| Arc::ptr_eq(a, b) || alike(a, b));
        same.then(|| memo.made.clone())
    }

    /// Remember `made`, made from `actions` and `rest`.
    pub fn keep(actions: &[Arc<Action>], rest: u64, made: T) -> Reused<T> {
        Reused {
            actions: actions.to_vec(),
            rest,
            made,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_only_what_is_alike() {
        let c = crate::example_site();
        let actions = c.plan.actions.clone();
        let memo = Some(Reused::keep(&actions, 7, 42));
        let status = |a: &Action, b: &Action| a.status == b.status;
        assert_eq!(Reused::get(&memo, &actions, 7, status), Some(42));
        assert_eq!(Reused::get(&memo, &actions, 8, status), None);
        assert_eq!(Reused::get(&memo, &actions[1..], 7, status), None);
        // A new version of an action: reused while the field read is alike.
        let mut edited = actions.clone();
        let mut a = (*edited[0]).clone();
        a.progress = a.progress.wrapping_add(1);
        edited[0] = Arc::new(a.clone());
        assert_eq!(Reused::get(&memo, &edited, 7, status), Some(42));
        let progress = |a: &Action, b: &Action| a.progress == b.progress;
        assert_eq!(Reused::get(&memo, &edited, 7, progress), None);
    }
}
