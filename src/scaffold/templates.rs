//! The text of new content files and of a new site: every field of a kind is
//! present, the optional ones commented out with a word on what they are for,
//! so that an editor discovers the content model by reading the file.

/// YAML double-quoted scalar: JSON strings are valid YAML, escapes included.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Front matter lines as (YAML, comment); comments are aligned in one column.
fn front_matter(kind: &str, lines: &[(String, &str)], body: &str) -> String {
    // Comments line up after the keys that are written out; a long example
    // line does not push every comment to the right.
    let width = lines
        .iter()
        .filter(|(code, c)| !c.is_empty() && !code.starts_with('#'))
        .map(|(code, _)| code.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(24, 40)
        + 2;
    let mut out = format!("---\n# yaml-language-server: $schema=../../schemas/{kind}.json\n");
    for (code, comment) in lines {
        if comment.is_empty() {
            out.push_str(code);
        } else {
            let pad = width.saturating_sub(code.chars().count()).max(1);
            out.push_str(&format!("{code}{}# {comment}", " ".repeat(pad)));
        }
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(body);
    out
}

fn l(code: impl Into<String>, comment: &'static str) -> (String, &'static str) {
    (code.into(), comment)
}

pub fn action(id: &str, objective: &str, title: &str, year: i32) -> String {
    let lines = [
        l(format!("title: {}", quote(title)), "required: what the action does, in a few words"),
        l(format!("objective: {}", quote(objective)), "required: the objective it serves"),
        l("status: not_started", "not_started, in_progress, delayed, completed or cancelled"),
        l("progress: 0", "0–100; required while in_progress or delayed"),
        l("# summary: \"One sentence for lists and cards.\"", ""),
        l(format!("# start: {year}-01-01"), "YYYY-MM-DD"),
        l(format!("# end: {year}-12-31"), "on or after start"),
        l("# responsible: \"International Relations Office\"", "the unit in charge"),
        l("# partners: [\"Metropolis\"]", "networks and bodies"),
        l("# municipalities: [\"Badalona\"]", "municipalities involved"),
        l("# sdgs: [11, 17]", "UN Sustainable Development Goals, 1–17"),
        l("# tags: [\"governance\"]", "free keywords"),
        l("# budget:", "money per year; executed counts as 0 until written"),
        l(format!("#   - {{ year: {year}, planned: 10000, executed: 0 }}"), ""),
        l("# indicators:", "what is measured, with a value per year"),
        l(format!("#   - {{ name: \"Meetings held\", unit: \"meetings\", baseline: 0, target: 6, values: [{{ year: {year}, value: 2 }}] }}"), ""),
        l("# updates:", "the public timeline: record every change of status here"),
        l(format!("#   - {{ date: {year}-03-01, note: \"Work started.\", status: in_progress, progress: 10 }}"), ""),
        l("# related: [\"1.1.2\"]", "other actions' ids"),
        l("# links:", "http(s):// addresses or \"@/…\" internal links"),
        l("#   - { title: \"Call for proposals\", url: \"https://example.org/call\" }", ""),
        l("# draft: true", "left out of the site unless built with --drafts"),
    ];
    let body = format!(
        "What action {id} is for, who takes part and what will be done, in Markdown.\n\
         It serves [objective {objective}](@/objectives/{objective}.md).\n"
    );
    front_matter("action", &lines, &body)
}

pub fn objective(id: &str, line: &str, title: &str) -> String {
    let lines = [
        l(
            format!("title: {}", quote(title)),
            "required: the objective, in a few words",
        ),
        l(
            format!("line: {}", quote(line)),
            "required: the line of intervention it belongs to",
        ),
    ];
    let body = format!("What objective {id} aims at, in Markdown. Its actions and progress are listed below this text.\n");
    front_matter("objective", &lines, &body)
}

pub fn line(id: &str, title: &str) -> String {
    let lines = [
        l(
            format!("title: {}", quote(title)),
            "required: the line of intervention, in a few words",
        ),
        l("# order: 1", "lines are listed by order, then by id"),
    ];
    let body = format!("What line {id} gathers, in Markdown.\n");
    front_matter("line", &lines, &body)
}

pub fn report(year: i32, title: &str) -> String {
    let lines = [
        l(
            format!("year: {year}"),
            "required: the same as the file name",
        ),
        l(
            format!("title: {}", quote(title)),
            "optional: the theme shows \"Report <year>\" without one",
        ),
        l(
            format!("# published: {}-04-15", year + 1),
            "the day the report was published",
        ),
        l(
            "# own_revenue: 1500000.00",
            "the body's own revenue that year: the base of the cooperation share",
        ),
        l(
            "# cooperation_spending: 10500.00",
            "optional: without it, the sum of the actions' executed budgets",
        ),
    ];
    let body = format!(
        "The narrative of {year}: what was done, what was not, and why, in Markdown.\n\
         The figures (progress, money, changes since the previous report) are computed from the actions.\n"
    );
    front_matter("report", &lines, &body)
}

pub fn page(title: &str) -> String {
    let lines = [
        l(format!("title: {}", quote(title)), "required"),
        l("# order: 1", "menu order"),
        l("# menu: true", "true to list the page in the site menu"),
    ];
    front_matter("page", &lines, "The page's text, in Markdown.\n")
}

pub fn index() -> String {
    let lines = [l(
        "title: \"The plan at a glance\"",
        "optional: the home page's title",
    )];
    let body =
        "This site follows the public body's action plan: its lines, objectives and actions,\n\
                the money planned and executed, and an annual report for each year.\n\
                Start with [line 1](@/lines/1.md).\n";
    // The home page sits in content/, one folder up from the others.
    front_matter("index", &lines, body).replace("../../schemas/", "../schemas/")
}

pub fn site_toml(year: i32) -> String {
    format!(
        r#"# The site's settings. Every key is described in retiment's docs/content-model.md.
title = "Action plan {year}–{end}"
description = "Public tracking of the plan's actions, the money planned and executed, and the annual reports."
base_url = "https://example.org/"   # where the site is published; a sub-path such as /plan/ works
default_language = "en"
theme = "default"                   # built into retiment; or the name of a folder under themes/
output_dir = "public"
# notice = "Illustrative data."     # a banner on every page

# Every other language gets a table (the default theme has strings for ca, es and en):
# [languages.es]
# title = "Plan de actuación {year}–{end}"

[plan]
organisation = "Your organisation"
start_year = {year}
end_year = {end}
currency = "EUR"

[accountability]
cooperation_target_pct = 0.7        # the share of own revenue pledged to cooperation
# source_url = "https://example.org/plan-content/"   # where the source files and their history live
# contact = "plan@example.org"
"#,
        end = year + 3
    )
}

pub const GITIGNORE: &str = "# The built site: rebuild it with `retiment build`.\npublic/\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_yaml_needs() {
        assert_eq!(quote("say \"hi\" \\ now"), r#""say \"hi\" \\ now""#);
    }

    #[test]
    fn schema_comment_is_the_first_line_after_the_fence() {
        let text = action("1.1.9", "1.1", "T", 2026);
        assert!(
            text.starts_with("---\n# yaml-language-server: $schema=../../schemas/action.json\n")
        );
        assert!(index().contains("$schema=../schemas/index.json"));
        assert!(text.contains("# partners: [\"Metropolis\"]"));
    }
}
