//! The built-in theme writes its smallest components out where they run
//! once per action (`action.html`, `partials/timeline_item.html`,
//! `money_table`), because a component call costs a new context
//! (docs/performance.md, seventh round). Those copies must say exactly what
//! the components say, for the components are what sites that override a
//! page call: here every copy is replaced by the call it stands for, and the
//! pages must not change.

mod common;

use retiment::render;
use std::collections::BTreeMap;
use std::path::Path;

/// One written-out copy of a component and the call it stands for.
struct Written {
    file: &'static str,
    copy: String,
    call: String,
    /// How many times the copy is written in `file`.
    times: usize,
}

fn written(file: &'static str, copy: String, call: String, times: usize) -> Written {
    Written {
        file,
        copy,
        call,
        times,
    }
}

/// Every written-out copy in the built-in theme, as written, with its call.
fn copies() -> Vec<Written> {
    let (action, timeline, components) = (
        "action.html",
        "partials/timeline_item.html",
        "components.html",
    );
    let na = r#"<span aria-hidden="true">—</span><span class="visually-hidden">{{ t.not_available }}</span>"#;
    let title_of = |o: &str| {
        format!(
            r#"{{% if {o}?.text_lang and {o}.text_lang != lang %}}<span lang="{{{{ {o}.text_lang }}}}">{{{{ {o}.title }}}}</span>{{% else %}}{{{{ {o}.title }}}}{{% endif %}}"#
        )
    };
    let lang_attr = |o: &str| {
        format!(
            r#"{{% if {o}?.text_lang and {o}.text_lang != lang %}} lang="{{{{ {o}.text_lang }}}}"{{% endif %}}"#
        )
    };
    let badge = |s: &str| {
        format!(
            r#"<span class="status status-{{{{ {s} }}}}"><span class="status-icon" aria-hidden="true">{{% if {s} == "completed" %}}✓{{% elif {s} == "in_progress" %}}◐{{% elif {s} == "delayed" %}}!{{% elif {s} == "cancelled" %}}×{{% else %}}○{{% endif %}}</span> {{{{ t.status[{s}] }}}}</span>"#
        )
    };
    let facet_link = |kind: &str, x: &str| {
        format!(
            r#"{{% set u = facet_urls?.{kind}?[{x}] %}}{{% if u %}}<a href="{{{{ u }}}}">{{{{ {x} }}}}</a>{{% else %}}{{{{ {x} }}}}{{% endif %}}"#
        )
    };
    let value_num = |v: &str| {
        format!(
            r#"{{% set x = {v} %}}{{% if x is none %}}{na}{{% elif x is integer or x == (x | round) %}}{{{{ x | num }}}}{{% else %}}{{{{ x | num(decimals=2) }}}}{{% endif %}}"#
        )
    };
    let rate = |m: &str| {
        format!(
            r#"{{% if {m}?.execution_rate_pct is number %}}{{{{ {m}.execution_rate_pct | pct }}}}{{% else %}}{na}{{% endif %}}"#
        )
    };
    let call = |c: &str| format!("{{{{ <{c} /> }}}}");
    let mut all = Vec::new();
    for o in ["action", "line", "objective", "r", "prev", "next"] {
        let c = call(&format!("title_of o={{{o}}}"));
        all.push(written(action, title_of(o), c, 1));
    }
    all.push(written(timeline, title_of("a"), call("title_of o={a}"), 1));
    for o in ["action", "page"] {
        let c = call(&format!("lang_attr o={{{o}}}"));
        all.push(written(action, lang_attr(o), c, 1));
    }
    let src = r#"{% if src_lang %} lang="{{ src_lang }}"{% endif %}"#;
    all.push(written(action, src.into(), call("source_lang_attr"), 6));
    let src =
        r#"{% if lang != site.default_language %} lang="{{ site.default_language }}"{% endif %}"#;
    all.push(written(timeline, src.into(), call("source_lang_attr"), 1));
    for (s, file) in [
        ("action.status", action),
        ("r.status", action),
        ("u.status", timeline),
    ] {
        all.push(written(
            file,
            badge(s),
            call(&format!("status_badge status={{{s}}}")),
            1,
        ));
    }
    for (kind, x) in [("partners", "p"), ("municipalities", "m")] {
        let c = call(&format!(r#"facet_link kind="{kind}" name={{{x}}}"#));
        all.push(written(action, facet_link(kind, x), c, 1));
    }
    let chip = r#"<span class="sdg-chip sdg-{{ n }}">{{ t.action.sdg_abbr }} {{ n }}</span>"#;
    all.push(written(action, chip.into(), call("sdg_chip n={n}"), 1));
    for v in ["ind.baseline", "v.value", "ind.target"] {
        all.push(written(
            action,
            value_num(v),
            call(&format!("value_num v={{{v}}}")),
            1,
        ));
    }
    for m in ["e", "m"] {
        all.push(written(
            components,
            rate(m),
            call(&format!("rate m={{{m}}}")),
            1,
        ));
    }
    for (label, table) in [("cap", "indicator"), ("caption", "money")] {
        let file = if table == "money" { components } else { action };
        let open = format!(
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"{{{{ {label} }}}}\" tabindex=\"0\">\n<table class=\"{table}\">"
        );
        let with = format!("{{% <table_wrap label={{{label}}}> %}}\n<table class=\"{table}\">");
        all.push(written(file, open, with, 1));
        all.push(written(
            file,
            "</table>\n</div>".into(),
            "</table>\n{% </table_wrap> %}".into(),
            1,
        ));
    }
    let crumbs = r#"<nav class="breadcrumb" aria-label="{{ t.breadcrumb }}">
<ol><li><a href="{{ site.root }}">{{ t.breadcrumb_plan }}</a></li><li><a href="{{ line.url }}">{{ t.line.label }} {{ line.id }}</a></li><li><a href="{{ objective.url }}">{{ t.objective.label }} {{ objective.id }}</a></li><li><a href="{{ action.url }}" aria-current="page">{{ t.action.label }} {{ action.id }}</a></li>
</ol>
</nav>"#;
    let items = r#"[{"url": site.root, "title": t.breadcrumb_plan}, {"url": line.url, "title": t.line.label ~ " " ~ line.id}, {"url": objective.url, "title": t.objective.label ~ " " ~ objective.id}, {"url": action.url, "title": t.action.label ~ " " ~ action.id}]"#;
    all.push(written(
        action,
        crumbs.into(),
        call(&format!("breadcrumb items={{{items}}}")),
        1,
    ));
    all
}

/// The built-in templates with every written-out copy replaced by the
/// component call it stands for, as a site's own templates (files).
fn templates_calling_components(into: &Path) {
    let theme = common::repo_root().join("themes/default/templates");
    let mut edited: BTreeMap<&str, String> = BTreeMap::new();
    for c in copies() {
        let text = edited
            .entry(c.file)
            .or_insert_with(|| std::fs::read_to_string(theme.join(c.file)).unwrap());
        let found = text.matches(c.copy.as_str()).count();
        assert_eq!(
            found, c.times,
            "{} writes out `{}` {found} times, not {}: when a copy changes, change its component \
             (components.html) the same way, then this test",
            c.file, c.call, c.times
        );
        *text = text.replace(c.copy.as_str(), &c.call);
    }
    // Nothing written out is left unregistered on the pages rendered per
    // action: a new copy must be added to `copies` (and so compared).
    let markers = [
        "text_lang != lang",
        "status-icon",
        "sdg-chip",
        "visually-hidden",
        "table-wrap",
        "facet_urls",
        " lang=\"{{",
        "class=\"breadcrumb\"",
    ];
    for file in ["action.html", "partials/timeline_item.html"] {
        for marker in markers {
            assert!(
                !edited[file].contains(marker),
                "{file} still has `{marker}` once its registered copies are calls: \
                 a copy of a component that tests/theme_copies.rs does not know of?"
            );
        }
    }
    for (file, text) in edited {
        let path = into.join("templates").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every page of the `good-en` fixture (missing and fractional figures,
/// rates with nothing planned, untranslated titles, partners with and
/// without facet pages) and of the example site is the same with the
/// copies as with the component calls they replace. Pages from a site's
/// own templates are minified whole; the built-in pages are minified again
/// to compare them.
#[test]
fn every_written_out_copy_renders_as_its_component() {
    for original in [common::fixture("good-en"), common::repo_root()] {
        let site = common::TempDir::new("theme-calls");
        for part in ["content", "site.toml"] {
            match original.join(part).is_dir() {
                true => common::copy_dir(&original.join(part), &site.join(part)),
                false => drop(std::fs::copy(original.join(part), site.join(part)).unwrap()),
            }
        }
        templates_calling_components(site.path());
        let pages = same_pages(&original, site.path());
        assert!(pages > 50, "{}: {pages} pages", original.display());
    }
}

/// How many pages of `built_in` (the built-in theme) and `own` (a site's
/// own templates) were compared; panics at the first that differs.
fn same_pages(built_in: &Path, own: &Path) -> usize {
    let render = |root: &Path| {
        let c = common::compile_ok(root, false);
        let mut diags = Vec::new();
        let pages = render::render(root, &c.config, &c.plan, &c.figures, None, &mut diags);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        pages
    };
    let (copies, calls) = (render(built_in), render(own));
    assert_eq!(copies.len(), calls.len());
    let mut pages = 0;
    for (a, b) in copies.iter().zip(&calls) {
        assert_eq!(a.path, b.path);
        if !a.path.ends_with(".html") {
            continue;
        }
        common::assert_same_minified_page(&a.path, &a.bytes, &b.bytes, "the components");
        pages += 1;
    }
    pages
}
