//! `include_cached`: a template rendered once per language and set of
//! arguments, then reused by every page that includes it with the same
//! arguments (like Hugo's `partialCached`). The built-in theme renders each
//! row of its action tables this way: an action is listed on about a dozen
//! pages (its objective, its line, the full list, each of its facets).
//!
//! A cached template sees the variables every page of its language shares
//! (`data`, `index`, `site`, `t`, `lang`…) and its arguments, never `page`
//! nor the caller's own variables: that is what makes its output the same
//! wherever it is included, and so safe to reuse. The cache belongs to the
//! language's prepared pages (`pages::Prepared`): it lives as long as the
//! variables it was made from.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

/// The function's name in templates.
pub const FUNCTION: &str = "include_cached";

/// Includes inside included templates deeper than this are an error: a
/// template that includes itself would otherwise never end.
const MAX_DEPTH: u32 = 8;

/// The cached includes of one prepared language.
pub struct Fragments {
    /// The variables the language's pages share.
    base: Context,
    /// By the Tera that rendered it (the built-in theme has two: as
    /// written and minified; the preview loads a new one when a template
    /// changes) and the include's template and arguments.
    done: Mutex<HashMap<(u64, String), Value>>,
}

impl Fragments {
    pub fn new(base: Context) -> Fragments {
        Fragments {
            base,
            done: Mutex::new(HashMap::new()),
        }
    }

    /// The variables the language's pages share (each page adds its own).
    pub fn base(&self) -> &Context {
        &self.base
    }
}

thread_local! {
    /// The fragments of the page being rendered on this thread (pages are
    /// rendered whole on one thread; Tera's functions cannot be handed
    /// anything but their arguments).
    static CURRENT: RefCell<Option<Arc<Fragments>>> = const { RefCell::new(None) };
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// While alive, `include_cached` on this thread uses `fragments`.
pub struct Installed(Option<Arc<Fragments>>);

pub fn install(fragments: &Arc<Fragments>) -> Installed {
    Installed(CURRENT.with(|c| c.replace(Some(fragments.clone()))))
}

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Register `include_cached` on `tera`; once `tera` is shared, put it in
/// the returned slot (the function renders with the Tera that calls it).
pub fn register(tera: &mut Tera) -> Arc<OnceLock<Weak<Tera>>> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let slot: Arc<OnceLock<Weak<Tera>>> = Arc::new(OnceLock::new());
    let own = slot.clone();
    tera.register_function(FUNCTION, move |kwargs: Kwargs, _: &State| {
        include(id, &own, &kwargs)
    });
    slot
}

fn include(id: u64, tera: &OnceLock<Weak<Tera>>, kwargs: &Kwargs) -> TeraResult<Value> {
    let template: String = kwargs.must_get("template")?;
    let mut args: Vec<(&str, &Value)> = (kwargs.iter())
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .filter(|(k, _)| *k != "template")
        .collect();
    args.sort_unstable_by_key(|(k, _)| *k);
    // JSON tells `1` from `"1"`, which a template may tell apart too.
    let key = serde_json::to_string(&(&template, &args)).map_err(tera::Error::message)?;
    let Some(fragments) = CURRENT.with(|c| c.borrow().clone()) else {
        return Err(tera::Error::message(format!(
            "{FUNCTION} is only available while a page is rendered"
        )));
    };
    let key = (id, key);
    if let Some(v) = lock(&fragments.done).get(&key) {
        return Ok(v.clone());
    }
    let tera = tera.get().and_then(Weak::upgrade).ok_or_else(|| {
        tera::Error::message(format!("{FUNCTION}: the templates are being unloaded"))
    })?;
    let depth = DEPTH.with(Cell::get);
    if depth >= MAX_DEPTH {
        return Err(tera::Error::message(format!(
            "{FUNCTION}(template=\"{template}\") is nested more than {MAX_DEPTH} deep: does a template include itself?"
        )));
    }
    let mut cx = fragments.base.clone();
    for (k, v) in args {
        cx.insert_value(k.to_string(), v.clone());
    }
    DEPTH.with(|d| d.set(depth + 1));
    let rendered = tera.render(&template, &cx);
    DEPTH.with(|d| d.set(depth));
    // Tera shows a function's error by its message alone: the cause goes in it.
    let html = rendered.map_err(|e| {
        let causes = super::engine::causes(&e);
        tera::Error::message(format!("in {template}: {e}{causes}"))
    })?;
    let value = Value::safe_string(&html);
    // Another thread may have made the same one meanwhile: either will do.
    lock(&fragments.done).insert(key, value.clone());
    Ok(value)
}

/// A poisoned lock only means another page's render panicked; the map is whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Render `page.html` of `templates` with `cx`, with the fragments it made.
    fn render(
        templates: &[(&str, &str)],
        cx: &Context,
    ) -> (Result<String, String>, Arc<Fragments>) {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        let slot = register(&mut tera);
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        let tera = Arc::new(tera);
        slot.set(Arc::downgrade(&tera)).unwrap();
        let mut base = Context::new();
        base.insert("lang", "ca");
        let fragments = Arc::new(Fragments::new(base));
        let _on = install(&fragments);
        // The message with its cause, as the build shows it.
        let html = tera.render("page.html", cx).map_err(|e| {
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            format!("{e}: {}", cause.unwrap_or_default())
        });
        (html, fragments)
    }

    #[test]
    fn renders_once_per_arguments_with_the_shared_variables_only() {
        let row = "<{{ lang }}|{{ id }}|{{ page | default(value=\"no page\") }}>";
        let page =
            "{% for id in ids %}{{ include_cached(template=\"row.html\", id=id) }}{% endfor %}";
        let mut cx = Context::new();
        cx.insert("ids", &["a&b", "c", "a&b"]);
        cx.insert("page", "secret");
        let (html, f) = render(&[("row.html", row), ("page.html", page)], &cx);
        // Escaped inside the include, not escaped again by the caller.
        let want = "<ca|a&amp;b|no page><ca|c|no page><ca|a&amp;b|no page>";
        assert_eq!(html.unwrap(), want);
        assert_eq!(lock(&f.done).len(), 2);
    }

    #[test]
    fn arguments_of_other_types_are_other_entries() {
        let row = "{% if n is number %}number{% else %}text{% endif %}";
        let page = "{{ include_cached(template=\"row.html\", n=1) }} {{ include_cached(template=\"row.html\", n=\"1\") }}";
        let (html, _) = render(&[("row.html", row), ("page.html", page)], &Context::new());
        assert_eq!(html.unwrap(), "number text");
    }

    #[test]
    fn a_template_that_includes_itself_is_an_error_not_a_crash() {
        let page = "{{ include_cached(template=\"page.html\", n=n + 1) }}";
        let mut cx = Context::new();
        cx.insert("n", &0);
        let text = render(&[("page.html", page)], &cx).0.unwrap_err();
        assert!(text.contains("nested more than 8 deep"), "{text}");
    }

    #[test]
    fn errors_name_the_included_template() {
        let page = "{{ include_cached(template=\"bad.html\", id=1) }}";
        let templates = [("bad.html", "{{ missing.field }}"), ("page.html", page)];
        let (html, f) = render(&templates, &Context::new());
        let text = html.unwrap_err();
        assert!(text.contains("in bad.html"), "{text}");
        assert!(lock(&f.done).is_empty());
    }

    #[test]
    fn outside_a_page_it_says_so() {
        let mut tera = Tera::new();
        register(&mut tera);
        let page = "{{ include_cached(template=\"page.html\") }}";
        tera.add_raw_templates([("page.html", page)]).unwrap();
        let e = tera.render("page.html", &Context::new()).unwrap_err();
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        let text = format!("{e}: {}", cause.unwrap_or_default());
        assert!(
            text.contains("only available while a page is rendered"),
            "{text}"
        );
    }
}
