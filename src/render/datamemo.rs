//! What the preview keeps of each language's data between rebuilds: each
//! entity's share by fingerprint, what each action's and report's share was
//! made from (its *origin*), the last data files and `data` value, and the
//! prepared pages (see `dataset::make` and `pages::prepare_language`).

use super::datafiles::DataFiles;
use super::dataset::Share;
use crate::derive::Figures;
use crate::load::Kind;
use crate::model::Plan;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::Value;

/// What the preview keeps of each language from one rebuild to the next:
/// its data (`LangMemo`) and its prepared pages.
#[derive(Default)]
pub struct DataMemo {
    pub(super) langs: Mutex<HashMap<String, LangMemo>>,
    /// Each language's prepared pages, with what they were made from
    /// besides its data (see `pages::prepare_language`).
    prepared: Mutex<HashMap<String, (u128, Arc<super::pages::Prepared>)>>,
}

impl DataMemo {
    /// The language's prepared pages of the last call, if made from `key`.
    /// With `key` none, whatever it was made from.
    pub(super) fn prepared(
        &self,
        lang: &str,
        key: Option<u128>,
    ) -> Option<Arc<super::pages::Prepared>> {
        let kept = self.prepared.lock().ok()?;
        kept.get(lang)
            .filter(|(k, _)| key.is_none_or(|key| *k == key))
            .map(|(_, p)| p.clone())
    }

    pub(super) fn keep_prepared(
        &self,
        lang: &str,
        key: u128,
        prepared: Arc<super::pages::Prepared>,
    ) {
        if let Ok(mut kept) = self.prepared.lock() {
            kept.insert(lang.to_string(), (key, prepared));
        }
    }
}

/// One language's data as the last rebuild made it.
#[derive(Default)]
pub(super) struct LangMemo {
    /// What every share of the language also depends on (its interface
    /// words, the default language): when it changes, nothing is reused.
    pub(super) context: Option<u128>,
    pub(super) shares: HashMap<u128, Arc<Share>>,
    /// Each action's and report's origin and its share's fingerprint, by
    /// URL, valid while the pages links may point at (`targets`) are the
    /// same (a link to a missing page stops the build, so that is only a guard).
    pub(super) origins: HashMap<String, (Origin, u128)>,
    pub(super) targets: u64,
    /// This run's shares in the document's order, the rest of the document
    /// the files read (site and plan figures), and what was made of them:
    /// while every share is the same as last time, so are the files and
    /// `data` (an edit to a body alone changes no data).
    pub(super) last: Vec<Arc<Share>>,
    pub(super) outline: Option<u128>,
    pub(super) made: Option<(Arc<DataFiles>, Value)>,
}

/// What an action's or report's share is made from besides the
/// configuration and the language's words: the linked action (the preview
/// keeps the same `Arc` while its file and the ids it is checked against are
/// unchanged) or the report's figures (kept while the actions they read are
/// alike, see `reuse`), and the bodies of its own file and of the text
/// shown in the language (a file parsed again gets a new one; whatever is
/// shown comes from those files or from the action). Kept, not just
/// compared by address, so that no address is reused while it is
/// remembered. The same origin makes the same
/// share, so its fingerprint need not be computed again: at 10,000 actions
/// that is most of the cost of the data after an edit.
pub struct Origin {
    pub from: Arc<dyn std::any::Any + Send + Sync>,
    pub bodies: [Arc<str>; 2],
}

impl Origin {
    pub(super) fn same(&self, other: &Origin) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.from), Arc::as_ptr(&other.from))
            && (self.bodies.iter().zip(&other.bodies)).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

/// The origins of a document's actions and reports, in its order, and the
/// pages their links may point at (`model_refs::link_targets`).
pub struct Origins {
    pub actions: Vec<Origin>,
    pub reports: Vec<Origin>,
    pub targets: u64,
}

/// The origins of the shares of `plan`'s actions and reports in `lang`.
pub fn origins_of(plan: &Plan, figures: &Figures, lang: &str) -> Origins {
    let actions = plan
        .actions
        .par_iter()
        .map(|a| Origin {
            from: a.clone(),
            bodies: [
                a.text.body.clone(),
                plan.text(Kind::Action, &a.id, lang, &a.text).body.clone(),
            ],
        })
        .collect();
    let reports = plan
        .reports
        .iter()
        .zip(&figures.reports)
        .map(|(r, f)| Origin {
            from: f.clone(),
            bodies: [
                r.text.body.clone(),
                (plan.text(Kind::Report, &r.year.to_string(), lang, &r.text))
                    .body
                    .clone(),
            ],
        })
        .collect();
    Origins {
        actions,
        reports,
        targets: crate::model_refs::link_targets(plan),
    }
}
