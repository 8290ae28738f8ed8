//! `include_cached`: a template rendered once per language and set of
//! arguments, then reused by every page that includes it with the same
//! arguments (like Hugo's `partialCached`). The built-in theme renders each
//! row of its action tables this way: an action is listed on about a dozen
//! pages (its objective, its line, the full list, each of its facets).
//! With `each=list` one call includes the template once for each item of
//! the list, with one lock: a table's rows in one call instead of one each.
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
    /// By `Key`.
    done: Mutex<HashMap<String, Value>>,
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
    let each: Option<Value> = kwargs.get("each")?;
    // Without `each`, `var` is an argument like any other.
    let reserved = |k: &str| k == "template" || (each.is_some() && (k == "each" || k == "var"));
    let args: Vec<(&str, &Value)> = (kwargs.iter())
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .filter(|(k, _)| !reserved(k))
        .collect();
    let Some(fragments) = CURRENT.with(|c| c.borrow().clone()) else {
        return Err(tera::Error::message(format!(
            "{FUNCTION} is only available while a page is rendered"
        )));
    };
    let Some(each) = each else {
        let key = Key::new(id, &template, &args, None)?;
        return fragment(tera, &fragments, &template, &args, key, None);
    };
    let var: String = kwargs.get("var")?.unwrap_or_else(|| "item".to_string());
    if args.iter().any(|(k, _)| *k == var) {
        return Err(tera::Error::message(format!(
            "{FUNCTION}: `{var}` is both an argument and the name of each item (var)"
        )));
    }
    let Some(items) = each.as_array() else {
        return Err(tera::Error::message(format!(
            "{FUNCTION}: `each` must be a list, got {}",
            each.name()
        )));
    };
    let keys = (items.iter())
        .map(|item| Key::new(id, &template, &args, Some((&var, item))))
        .collect::<TeraResult<Vec<_>>>()?;
    // One lock for the whole list: most of its items were made by other pages.
    let found: Vec<Option<Value>> = {
        let done = lock(&fragments.done);
        keys.iter().map(|k| done.get(&k.0).cloned()).collect()
    };
    let mut html = String::new();
    for ((item, key), found) in items.iter().zip(keys).zip(found) {
        let v = match found {
            Some(v) => v,
            None => fragment(tera, &fragments, &template, &args, key, Some((&var, item)))?,
        };
        html.push_str(v.as_str().unwrap_or_default());
    }
    Ok(Value::safe_string(&html))
}

/// What identifies a fragment: the Tera that renders it (the built-in
/// theme has two: as written and minified; the preview loads a new one when
/// a template changes), its template and its arguments, sorted by name.
struct Key(String);

impl Key {
    /// `item` is the argument named `var` of one item of `each`.
    fn new(
        tera: u64,
        template: &str,
        args: &[(&str, &Value)],
        item: Option<(&str, &Value)>,
    ) -> TeraResult<Key> {
        let mut all: Vec<(&str, &Value)> = args.to_vec();
        all.extend(item);
        all.sort_unstable_by_key(|(k, _)| *k);
        let mut key = Key(tera.to_string());
        key.push_json(&template)?;
        for (name, value) in all {
            key.push_json(&name)?;
            key.push_json(value)?;
        }
        Ok(key)
    }

    /// JSON tells `1` from `"1"`, which a template may tell apart too; a
    /// name or value in JSON cannot run into the next one.
    fn push_json(&mut self, x: &impl serde::Serialize) -> TeraResult<()> {
        self.0.push(' ');
        let json = serde_json::to_string(x).map_err(tera::Error::message)?;
        self.0.push_str(&json);
        Ok(())
    }
}

/// The fragment of `key`: from the cache, or rendered and kept.
fn fragment(
    tera: &OnceLock<Weak<Tera>>,
    fragments: &Fragments,
    template: &str,
    args: &[(&str, &Value)],
    key: Key,
    item: Option<(&str, &Value)>,
) -> TeraResult<Value> {
    let key = key.0;
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
    for (k, v) in args.iter().chain(item.as_ref()) {
        cx.insert_value(k.to_string(), (*v).clone());
    }
    DEPTH.with(|d| d.set(depth + 1));
    let rendered = tera.render(template, &cx);
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
    fn a_list_is_each_item_included_in_turn_sharing_the_cache() {
        let row = "<{{ lang }}|{{ id }}|{{ wide }}>";
        let page = "{{ include_cached(template=\"row.html\", id=\"c\", wide=1) }}/\
            {{ include_cached(template=\"row.html\", each=ids, var=\"id\", wide=1) }}/\
            {{ include_cached(template=\"row.html\", each=[], var=\"id\", wide=1) }}/\
            {{ include_cached(template=\"item.html\", each=[1, \"1\"]) }}";
        let mut cx = Context::new();
        cx.insert("ids", &["a&b", "c", "a&b"]);
        let templates = [
            ("row.html", row),
            (
                "item.html",
                "{% if item is number %}n{% else %}s{% endif %}",
            ),
            ("page.html", page),
        ];
        let (html, f) = render(&templates, &cx);
        let want = "<ca|c|1>/<ca|a&amp;b|1><ca|c|1><ca|a&amp;b|1>//ns";
        assert_eq!(html.unwrap(), want);
        // `c` once for both forms, `a&b` once for its two items, and 1 and "1".
        assert_eq!(lock(&f.done).len(), 4);
    }

    #[test]
    fn a_list_that_is_not_one_or_an_item_named_like_an_argument_is_an_error() {
        for (page, says) in [
            (
                "{{ include_cached(template=\"row.html\", each=\"ab\") }}",
                "`each` must be a list, got string",
            ),
            (
                "{{ include_cached(template=\"row.html\", each=[1], var=\"n\", n=2) }}",
                "`n` is both an argument and the name of each item",
            ),
        ] {
            let templates = [("row.html", "{{ item }}"), ("page.html", page)];
            let text = render(&templates, &Context::new()).0.unwrap_err();
            assert!(text.contains(says), "{text}");
        }
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
