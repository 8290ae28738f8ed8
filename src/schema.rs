//! JSON Schemas of the front matter of each content kind, generated from the
//! very Rust types the loader parses into, so that an editor's autocompletion
//! and the build can never disagree. Published by the build under
//! `/schemas/<kind>.json` and written to a site's `schemas/` folder by
//! `retiment schemas`, where content files point at them with a
//! `# yaml-language-server: $schema=…` comment.

use crate::load::kinds::{ActionFm, IndexFm, LineFm, ObjectiveFm, PageFm, ReportFm, TranslationFm};
use crate::load::values::{Date, LinkTarget, Money, Progress, Sdg, Year};
use crate::render::Output;
use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The folder, under a site root and under the output, that holds the schemas.
pub const DIR: &str = "schemas";

/// Every kind with a schema, by the name of its file (`action` → `action.json`).
pub const KINDS: &[&str] = &[
    "index",
    "line",
    "objective",
    "action",
    "report",
    "page",
    "translation",
];

/// The schema of one kind, as pretty JSON with a final newline; None for an unknown kind.
pub fn schema_json(kind: &str) -> Option<String> {
    let (schema, title) = match kind {
        "index" => (root::<IndexFm>(), "Home page (content/_index.md)"),
        "line" => (
            root::<LineFm>(),
            "Line of intervention (content/lines/<id>.md)",
        ),
        "objective" => (
            root::<ObjectiveFm>(),
            "Objective (content/objectives/<id>.md)",
        ),
        "action" => (root::<ActionFm>(), "Action (content/actions/<id>.md)"),
        "report" => (
            root::<ReportFm>(),
            "Annual execution report (content/reports/<year>.md)",
        ),
        "page" => (root::<PageFm>(), "Free page (content/pages/<slug>.md)"),
        "translation" => (
            root::<TranslationFm>(),
            "Translation (<id>.<lang>.md beside its file)",
        ),
        _ => return None,
    };
    let mut value = schema.to_value();
    finish(&mut value, kind, title);
    // Serialising a JSON value cannot fail; the fallback keeps this total.
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    Some(text + "\n")
}

/// `(file name, contents)` of every schema, in `KINDS` order.
pub fn all() -> Vec<(String, String)> {
    KINDS
        .iter()
        .filter_map(|k| schema_json(k).map(|text| (format!("{k}.json"), text)))
        .collect()
}

/// The schemas as build outputs, `schemas/<kind>.json`, for `render` to publish.
pub fn schema_outputs() -> Vec<Output> {
    all()
        .into_iter()
        .map(|(name, text)| Output {
            path: format!("{DIR}/{name}"),
            bytes: text.into_bytes(),
        })
        .collect()
}

/// Write (or refresh) `root/schemas/*.json`; returns the files written.
pub fn write(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let mut written = Vec::new();
    for (name, text) in all() {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// Draft 7: the version the YAML language server and most editors know best.
fn root<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// What the types alone cannot say: a title for editors, which keys are
/// required, and that `progress` is required while an action is under way.
fn finish(value: &mut Value, kind: &str, title: &str) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    obj.insert(
        "title".into(),
        json!(format!("retiment front matter: {title}")),
    );
    // Every key is optional for the loader (so that one run reports every
    // missing key); the ones marked `#[schemars(required)]` in `load::kinds`
    // come out with a default of null that their schema does not admit: an
    // editor must write them.
    let mut required: Vec<Value> = Vec::new();
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (key, p) in props.iter_mut() {
            if p.get("default") == Some(&Value::Null) && !admits_null(p) {
                required.push(json!(key));
                if let Some(o) = p.as_object_mut() {
                    o.remove("default");
                }
            }
        }
    }
    if !required.is_empty() {
        obj.insert("required".into(), Value::Array(required));
    }
    if kind == "action" {
        obj.insert(
            "if".into(),
            json!({ "properties": { "status": { "enum": ["in_progress", "delayed"] } }, "required": ["status"] }),
        );
        obj.insert("then".into(), json!({ "required": ["progress"] }));
    }
}

/// `type: "null"`, `type: [.., "null"]` or an `anyOf` with a null branch.
fn admits_null(p: &Value) -> bool {
    let null_type =
        |t: &Value| t == "null" || t.as_array().is_some_and(|a| a.iter().any(|x| x == "null"));
    p.get("type").is_some_and(null_type)
        || p.get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(admits_null))
}

// The value types check themselves in a hand-written `Deserialize`; their
// schemas state the same accepted form, inline so editors show it on hover.

impl JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "A calendar date, YYYY-MM-DD." })
    }
}

impl JsonSchema for Money {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number", "minimum": 0, "multipleOf": 0.01, "description": "An amount in the plan's currency, at most 2 decimals." })
    }
}

impl JsonSchema for Progress {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Progress".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 0, "maximum": 100, "description": "A whole percentage, 0–100." })
    }
}

impl JsonSchema for Sdg {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Sdg".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 1, "maximum": 17, "description": "A UN Sustainable Development Goal, 1–17." })
    }
}

impl JsonSchema for Year {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Year".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 1000, "maximum": 9999, "description": "A year with four digits." })
    }
}

impl JsonSchema for LinkTarget {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "LinkTarget".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^(https?://|@/)", "description": "http(s)://… or an internal link such as \"@/actions/1.1.7.md\"." })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(kind: &str) -> Value {
        serde_json::from_str(&schema_json(kind).unwrap()).unwrap()
    }

    #[test]
    fn every_kind_has_a_closed_schema() {
        for kind in KINDS {
            let s = schema(kind);
            assert_eq!(s["additionalProperties"], json!(false), "{kind}");
            assert!(s["title"]
                .as_str()
                .unwrap()
                .starts_with("retiment front matter"));
        }
        assert!(schema_json("nope").is_none());
    }

    #[test]
    fn action_schema_states_the_rules() {
        let s = schema("action");
        let required = s["required"].as_array().unwrap();
        for key in ["title", "objective", "status"] {
            assert!(required.contains(&json!(key)), "{key}");
        }
        assert_eq!(s["properties"]["title"]["type"], "string");
        assert_eq!(s["then"]["required"], json!(["progress"]));
        let text = schema_json("action").unwrap();
        for needle in [
            "not_started",
            "^\\\\d{4}-\\\\d{2}-\\\\d{2}$",
            "multipleOf",
            "^(https?://|@/)",
        ] {
            assert!(text.contains(needle), "{needle} missing");
        }
    }

    #[test]
    fn outputs_are_published_under_schemas() {
        let outs = schema_outputs();
        assert_eq!(outs.len(), KINDS.len());
        assert!(outs.iter().any(|o| o.path == "schemas/action.json"));
    }
}
