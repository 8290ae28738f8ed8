"""Checks retiment's published files with real validators.

Called by tests/validators.rs with the Python of the venv that scripts/test
installs (frictionless and lxml from PyPI). One subcommand per kind of file:

  validate.py datapackage PACKAGE.json…
      `frictionless validate` on each data package: descriptor, field types,
      primary keys, foreign keys.
  validate.py atom FEED --site-dir DIR --base-url URL --feed-url URL
                   --home-url URL --lang LANG [--min-entries N]
                   [--plan PLAN.json --default-language LANG]
      RELAX NG validation against atom.rng (RFC 4287), then what a schema
      cannot say: unique ids, entries newest first, the feed's updated not
      older than any entry's, at most one alternate link per type and
      hreflang, and retiment's own promises (self and home links, every link
      under base_url and leading to a built page). With --plan, the xml:lang
      in force on each entry's text is the language that text is written
      in: an update's note is never translated (CONTENT-MODEL.md section 1),
      and an untranslated title stays in the default language.
  validate.py sitemap SITEMAP --site-dir DIR --base-url URL
                      --languages ca,en,es --default-language ca [--xsd FILE]
      XML Schema validation against the sitemaps.org schema (FILE, else
      $RETIMENT_SITEMAP_XSD) plus xhtml-link.xsd, then the protocol's limits,
      every loc under base_url and built, every built page listed, and the
      hreflang alternates complete, self-including and reciprocal.
  validate.py selftest
      The schemas and checks above reject documents known to be wrong, and
      accept documents known to be right: a schema that accepts everything
      would make every other check pass for nothing.

Each problem is printed on its own line; the exit status is 0 when there is
none, 1 when there is any, 2 when the check itself could not run.
"""

import argparse
import copy
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
ATOM_RNG = HERE / "atom.rng"
SITEMAP_WRAPPER = HERE / "sitemap-with-alternates.xsd"

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XSD = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
A = "{%s}" % ATOM

# sitemaps.org: at most 50,000 URLs and 50 MiB (52,428,800 bytes) uncompressed.
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 52_428_800

# RFC 3339 section 5.6 date-time, with the upper-case T and Z that RFC 4287 section 3.3 requires.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")


def cannot_run(message):
    """The check itself cannot run: exit 2, not 1."""
    print(f"validate.py: {message}", file=sys.stderr)
    sys.exit(2)


class Problems:
    """Problems found in one file, printed as `file: message`."""

    def __init__(self, name):
        self.name = name
        self.items = []

    def add(self, message):
        self.items.append(message)

    def report(self):
        for m in self.items:
            print(f"{self.name}: {m}")
        return not self.items


def load_xml(path, problems):
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as e:
        problems.add(f"not well-formed XML: {e}")
        return None


def schema_errors(schema, doc):
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --- data packages -----------------------------------------------------------


def check_datapackage(path):
    """Run the frictionless command line on one data package."""
    p = Problems(path)
    run = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(path)],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        p.add(f"frictionless exited with {run.returncode} and no JSON report:\n{run.stdout}{run.stderr}")
        return p.report()
    for e in report.get("errors", []):
        p.add(f"package: {e.get('type')}: {e.get('message')}")
    for task in report.get("tasks", []):
        for e in task.get("errors", []):
            where = task.get("name") or task.get("place")
            row = f" row {e['rowNumber']}" if "rowNumber" in e else ""
            field = f" field {e['fieldName']}" if "fieldName" in e else ""
            p.add(f"{where}{row}{field}: {e.get('type')}: {e.get('message')}")
    if run.returncode != 0 and not p.items:
        p.add(f"frictionless exited with {run.returncode}: {run.stderr.strip()}")
    if run.returncode == 0 and not report.get("valid"):
        p.add("frictionless exited with 0 but reported the package invalid")
    if not p.items:
        tables = ", ".join(f"{t.get('name')} ({t.get('stats', {}).get('rows', '?')} rows)" for t in report.get("tasks", []))
        print(f"{path}: valid: {tables}")
    return p.report()


# --- Atom --------------------------------------------------------------------


def parse_date(text, what, p):
    if text is None or not RFC3339.match(text):
        p.add(f"{what}: {text!r} is not an RFC 3339 date-time (RFC 4287 section 3.3)")
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        p.add(f"{what}: {text!r} is not a real date-time: {e}")
        return None


def links(el):
    return el.findall(A + "link")


def rel(link):
    r = link.get("rel", "alternate")
    return "alternate" if r == "http://www.iana.org/assignments/relation/alternate" else r


def check_alternates_unique(el, what, p):
    seen = set()
    for l in links(el):
        if rel(l) == "alternate":
            key = (l.get("type"), l.get("hreflang"))
            if key in seen:
                p.add(f"{what}: more than one alternate link with type={key[0]!r} hreflang={key[1]!r} (RFC 4287 section 4.1.1/4.1.2)")
            seen.add(key)


def built_file(site_dir, base_url, url):
    """The file a URL under base_url is served from, or None."""
    if not url.startswith(base_url):
        return None
    path = url[len(base_url):].split("#", 1)[0].split("?", 1)[0]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return Path(site_dir) / path


def atom_problems(doc, args, p, page_of=None):
    """Everything checked in a feed after the schema. `page_of(url)` is the
    built file a URL leads to (None when it is not under base_url)."""
    page_of = page_of or (lambda url: built_file(args.site_dir, args.base_url, url))
    feed = doc.getroot()
    base = args.base_url
    lang = feed.get(XML_LANG)
    if lang != args.lang:
        p.add(f"feed: xml:lang is {lang!r}, expected {args.lang!r}")
    selfs = [l for l in links(feed) if rel(l) == "self"]
    if len(selfs) != 1 or selfs[0].get("href") != args.feed_url:
        p.add(f"feed: expected one rel=self link to {args.feed_url}, found {[l.get('href') for l in selfs]}")
    homes = [l.get("href") for l in links(feed) if rel(l) == "alternate"]
    if args.home_url not in homes:
        p.add(f"feed: no alternate link to the home page {args.home_url} (found {homes})")
    check_alternates_unique(feed, "feed", p)
    if not (feed.findtext(A + "title") or "").strip():
        p.add("feed: empty title")

    feed_updated = parse_date(feed.findtext(A + "updated"), "feed updated", p)
    ids = {}
    feed_id = feed.findtext(A + "id")
    if feed_id is not None:
        ids[feed_id] = "the feed"
    previous = None
    entries = feed.findall(A + "entry")
    if len(entries) < args.min_entries:
        p.add(f"feed: {len(entries)} entries, expected at least {args.min_entries}")
    for n, entry in enumerate(entries, 1):
        eid = entry.findtext(A + "id")
        what = f"entry {n} ({eid})"
        if eid in ids:
            p.add(f"{what}: id already used by {ids[eid]} (each entry needs its own permanent id)")
        else:
            ids[eid] = f"entry {n}"
        if not (entry.findtext(A + "title") or "").strip():
            p.add(f"{what}: empty title")
        check_alternates_unique(entry, what, p)
        updated = parse_date(entry.findtext(A + "updated"), f"{what} updated", p)
        published = entry.findtext(A + "published")
        if published is not None:
            pub = parse_date(published, f"{what} published", p)
            if pub and updated and pub > updated:
                p.add(f"{what}: published {published} is after updated")
        if updated is not None:
            if feed_updated is not None and updated > feed_updated:
                p.add(f"{what}: updated {entry.findtext(A + 'updated')} is newer than the feed's updated {feed.findtext(A + 'updated')}")
            if previous is not None and updated > previous[1]:
                p.add(f"{what}: updated {entry.findtext(A + 'updated')} is newer than entry {previous[0]}'s: entries must be newest first")
            previous = (n, updated)
        for l in links(entry):
            href = l.get("href", "")
            if rel(l) == "alternate":
                f = page_of(href)
                if f is None:
                    p.add(f"{what}: alternate link {href} is not under base_url {base}")
                elif not f.is_file():
                    p.add(f"{what}: alternate link {href} leads to no built page ({f} is missing)")
    for i, who in ids.items():
        if i is not None and not i.startswith(base):
            p.add(f"{who}: id {i} is not under base_url {base}")
    if getattr(args, "plan", None):
        check_entry_languages(entries, args, p)


def lang_in_force(el):
    """The xml:lang of an element or of its nearest ancestor that has one."""
    while el is not None:
        if el.get(XML_LANG) is not None:
            return el.get(XML_LANG)
        el = el.getparent()
    return None


def check_entry_languages(entries, args, p):
    """Each text is declared in the language it is written in (RFC 4287 section 2)."""
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    actions = {a["url"]: a for a in plan["actions"]}
    reports = {r["url"]: r for r in plan["reports"]}
    wrong = []
    for n, entry in enumerate(entries, 1):
        href = next((l.get("href") for l in links(entry) if rel(l) == "alternate"), None)
        eid = entry.findtext(A + "id") or ""
        expected = {}
        if href in actions and "#update-" in eid:
            # An update's note exists only in the default language's file.
            expected[A + "summary"] = args.default_language
            expected[A + "title"] = actions[href].get("text_lang", args.default_language)
        elif href in reports and reports[href].get("title"):
            expected[A + "title"] = reports[href].get("text_lang", args.default_language)
        for tag, lang in expected.items():
            el = entry.find(tag)
            if el is not None and lang_in_force(el) != lang:
                wrong.append(f"entry {n} ({eid}): its {tag[len(A):]} is written in {lang!r} but declared {lang_in_force(el)!r} (xml:lang)")
    for w in wrong[:10]:
        p.add(w)
    if len(wrong) > 10:
        p.add(f"{len(wrong) - 10} more texts declared in the wrong language")


def atom_schema():
    return etree.RelaxNG(etree.parse(str(ATOM_RNG)))


def localise_rng_errors(rng, doc, p):
    """libxml2 reports a wrong entry as "Element feed has extra content:
    entry": validate the feed's metadata alone, then each entry alone in
    that feed, to name what is wrong."""
    feed = doc.getroot()
    entries = feed.findall(A + "entry")
    bare = copy.deepcopy(feed)
    for e in bare.findall(A + "entry"):
        bare.remove(e)
    for e in schema_errors(rng, bare.getroottree()):
        p.add(f"atom.rng, feed metadata: {e}")
    shown = 0
    for n, entry in enumerate(entries, 1):
        alone = copy.deepcopy(bare)
        alone.append(copy.deepcopy(entry))
        errors = schema_errors(rng, alone.getroottree())
        if errors:
            shown += 1
            if shown <= 10:
                p.add(f"atom.rng, entry {n} ({entry.findtext(A + 'id')}, line {entry.sourceline}): {'; '.join(errors)}")
    if shown > 10:
        p.add(f"atom.rng: {shown - 10} more entries do not match")


def check_atom(args):
    p = Problems(args.feed)
    doc = load_xml(args.feed, p)
    if doc is None:
        return p.report()
    rng = atom_schema()
    errors = schema_errors(rng, doc)
    for e in errors:
        p.add(f"atom.rng: {e}")
    if errors:
        localise_rng_errors(rng, doc, p)
    atom_problems(doc, args, p)
    if not p.items:
        feed = doc.getroot()
        entries = len(feed.findall(A + "entry"))
        print(f"{args.feed}: valid Atom 1.0, {entries} entries, newest {feed.findtext(A + 'updated')}")
    return p.report()


# --- sitemap -----------------------------------------------------------------


def sitemap_schema(official_xsd):
    """The wrapper schema, its sitemaps.org import pointed at the installed file."""
    if not official_xsd or not Path(official_xsd).is_file():
        cannot_run(f"no sitemaps.org schema at {official_xsd!r}: run scripts/test, or pass --xsd")
    wrapper = etree.parse(str(SITEMAP_WRAPPER))
    imports = wrapper.getroot().findall(f"{{{XSD}}}import[@namespace='{SITEMAP}']")
    if len(imports) != 1:
        cannot_run("sitemap-with-alternates.xsd must import the sitemaps.org namespace once")
    imports[0].set("schemaLocation", Path(official_xsd).resolve().as_uri())
    return etree.XMLSchema(wrapper)


def sitemap_problems(doc, size, args, p):
    base = args.base_url
    langs = args.languages.split(",")
    default = args.default_language
    urls = doc.getroot().findall(f"{{{SITEMAP}}}url")
    if len(urls) > SITEMAP_MAX_URLS:
        p.add(f"{len(urls)} URLs: a sitemap holds at most {SITEMAP_MAX_URLS}")
    if size > SITEMAP_MAX_BYTES:
        p.add(f"{size} bytes: a sitemap is at most {SITEMAP_MAX_BYTES} bytes")

    def lang_url(lang, path):
        return base + ("" if lang == default else f"{lang}/") + path

    def split(loc):
        """(language, path under that language) of a loc under base_url."""
        rest = loc[len(base):]
        for lang in langs:
            if lang != default and (rest == f"{lang}/" or rest.startswith(f"{lang}/")):
                return lang, rest[len(lang) + 1:]
        return default, rest

    alternates = {}
    for u in urls:
        loc = (u.findtext(f"{{{SITEMAP}}}loc") or "").strip()
        if not loc.startswith(base):
            p.add(f"<loc>{loc}</loc> is not under base_url {base}")
            continue
        if loc in alternates:
            p.add(f"<loc>{loc}</loc> is listed twice")
        f = built_file(args.site_dir, base, loc)
        if not f.is_file():
            p.add(f"<loc>{loc}</loc> leads to no built page ({f} is missing)")
        alts = {}
        for l in u.findall(f"{{{XHTML}}}link"):
            hl = l.get("hreflang")
            if hl in alts:
                p.add(f"<loc>{loc}</loc>: two alternates for hreflang {hl}")
            alts[hl] = l.get("href")
        alternates[loc] = alts

    for loc, alts in alternates.items():
        lang, path = split(loc)
        if len(langs) == 1 and not alts:
            continue
        if set(alts) != set(langs):
            p.add(f"<loc>{loc}</loc>: alternates for {sorted(alts)}, expected one for each language {sorted(langs)}")
        if alts.get(lang) != loc:
            p.add(f"<loc>{loc}</loc>: its alternates do not include itself as hreflang {lang} (found {alts.get(lang)})")
        for hl, href in alts.items():
            if hl in langs and href != lang_url(hl, path):
                p.add(f"<loc>{loc}</loc>: the {hl} alternate is {href}, expected {lang_url(hl, path)}")
            if href not in alternates:
                p.add(f"<loc>{loc}</loc>: its {hl} alternate {href} is not itself listed in the sitemap")
            elif alternates[href] != alts:
                p.add(f"<loc>{loc}</loc>: its {hl} alternate {href} lists other alternates ({alternates[href]}): hreflang links must be reciprocal")

    # Every page built is listed, but the not-found pages.
    site = Path(args.site_dir)
    for f in sorted(site.rglob("*.html")):
        rel_path = f.relative_to(site).as_posix()
        if rel_path.rsplit("/", 1)[-1] == "404.html":
            continue
        url = base + (rel_path[: -len("index.html")] if rel_path.endswith("index.html") else rel_path)
        if url not in alternates:
            p.add(f"the built page {rel_path} ({url}) is not in the sitemap")


def check_sitemap(args):
    p = Problems(args.sitemap)
    doc = load_xml(args.sitemap, p)
    if doc is None:
        return p.report()
    for e in schema_errors(sitemap_schema(args.xsd), doc):
        p.add(f"sitemap.xsd + xhtml-link.xsd: {e}")
    sitemap_problems(doc, os.path.getsize(args.sitemap), args, p)
    if not p.items:
        urls = len(doc.getroot().findall(f"{{{SITEMAP}}}url"))
        print(f"{args.sitemap}: valid sitemap, {urls} URLs in {len(args.languages.split(','))} language(s), alternates complete and reciprocal")
    return p.report()


# --- self-test ---------------------------------------------------------------

GOOD_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ca">
  <title>Pla</title>
  <id>https://example.org/pam/feed.xml</id>
  <link rel="self" type="application/atom+xml" href="https://example.org/pam/feed.xml"/>
  <link rel="alternate" type="text/html" href="https://example.org/pam/"/>
  <updated>2019-12-20T00:00:00Z</updated>
  <author><name>AMB</name></author>
  <entry>
    <id>https://example.org/pam/actions/1/#update-2019-12-20-1</id>
    <title>1 Una actuació</title>
    <link rel="alternate" type="text/html" href="https://example.org/pam/actions/1/"/>
    <updated>2019-12-20T00:00:00Z</updated>
    <summary>Nota</summary>
  </entry>
  <entry>
    <id>https://example.org/pam/reports/2018/</id>
    <title>Balanç 2018</title>
    <link href="https://example.org/pam/reports/2018/"/>
    <updated>2019-03-31T00:00:00Z</updated>
  </entry>
</feed>
"""

GOOD_SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>https://example.org/pam/</loc>
    <xhtml:link rel="alternate" hreflang="ca" href="https://example.org/pam/"/>
    <xhtml:link rel="alternate" hreflang="es" href="https://example.org/pam/es/"/>
  </url>
  <url>
    <loc>https://example.org/pam/es/</loc>
    <xhtml:link rel="alternate" hreflang="ca" href="https://example.org/pam/"/>
    <xhtml:link rel="alternate" hreflang="es" href="https://example.org/pam/es/"/>
  </url>
</urlset>
"""


def mutate(xml, old, new):
    assert old in xml, f"selftest: {old!r} is not in the sample"
    return xml.replace(old, new, 1)


ENTRY1_LINK = '<link rel="alternate" type="text/html" href="https://example.org/pam/actions/1/"/>'
FEED_AUTHOR = "<author><name>AMB</name></author>"

ATOM_ACCEPTS = {
    "the sample feed": GOOD_FEED,
    "no feed author, an author in every entry": mutate(
        mutate(mutate(GOOD_FEED, FEED_AUTHOR, ""), "<summary>Nota</summary>", "<summary>Nota</summary><author><name>A</name></author>"),
        "<title>Balanç 2018</title>",
        "<title>Balanç 2018</title><author><name>B</name><email>b@example.org</email></author>",
    ),
    "content and no link": mutate(GOOD_FEED, ENTRY1_LINK, '<content type="html">&lt;p&gt;Hola&lt;/p&gt;</content>'),
    "an xhtml title": mutate(
        GOOD_FEED, "<title>1 Una actuació</title>", '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">1 <b>Una</b></div></title>'
    ),
    "extension elements and attributes": mutate(
        GOOD_FEED, "<title>Pla</title>", '<title>Pla</title><x:meta xmlns:x="urn:x" x:a="1"><x:b/></x:meta>'
    ),
    "a time zone offset and fractions of a second": mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-03-31T00:00:00.5+01:00"),
    "out-of-line content with a summary": mutate(GOOD_FEED, ENTRY1_LINK, '<content src="https://example.org/x.pdf" type="application/pdf"/>'),
    "base64 content with a summary": mutate(GOOD_FEED, ENTRY1_LINK, '<content type="image/png">iVBORw0KGgo=</content>'),
    "no feed author, the authors in the entries' sources": mutate(
        mutate(mutate(GOOD_FEED, FEED_AUTHOR, ""), "<summary>Nota</summary>", "<summary>Nota</summary><source><author><name>A</name></author></source>"),
        "<title>Balanç 2018</title>",
        "<title>Balanç 2018</title><source><id>urn:x</id><author><name>B</name></author></source>",
    ),
}

ATOM_REJECTS = {
    "no feed id": mutate(GOOD_FEED, "<id>https://example.org/pam/feed.xml</id>", ""),
    "two feed titles": mutate(GOOD_FEED, "<title>Pla</title>", "<title>Pla</title><title>Pla</title>"),
    "no feed updated": mutate(GOOD_FEED, "<updated>2019-12-20T00:00:00Z</updated>\n  <author>", "<author>"),
    "no entry id": mutate(GOOD_FEED, "<id>https://example.org/pam/reports/2018/</id>", ""),
    "no entry title": mutate(GOOD_FEED, "<title>Balanç 2018</title>", ""),
    "no entry updated": mutate(GOOD_FEED, "<updated>2019-03-31T00:00:00Z</updated>", ""),
    "no author anywhere": mutate(GOOD_FEED, FEED_AUTHOR, ""),
    "a date without time": mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-03-31"),
    "a date without time zone": mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-03-31T00:00:00"),
    "a lower-case t": mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-03-31t00:00:00Z"),
    "a month 13": mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-13-31T00:00:00Z"),
    "a relative id": mutate(GOOD_FEED, "<id>https://example.org/pam/reports/2018/</id>", "<id>reports/2018/</id>"),
    "no content and only a self link": mutate(GOOD_FEED, ENTRY1_LINK, '<link rel="self" href="https://example.org/x"/>'),
    "out-of-line content and no summary": mutate(
        mutate(GOOD_FEED, "<summary>Nota</summary>", ""), ENTRY1_LINK, '<content src="https://example.org/x.pdf" type="application/pdf"/>'
    ),
    "base64 content and no summary": mutate(
        mutate(GOOD_FEED, "<summary>Nota</summary>", ""), ENTRY1_LINK, '<content type="image/png">iVBORw0KGgo=</content>'
    ),
    "no feed author, an entry's source without one": mutate(
        mutate(GOOD_FEED, FEED_AUTHOR, ""), "<summary>Nota</summary>", "<summary>Nota</summary><source><id>urn:x</id></source>"
    ),
    "markup in a text title": mutate(GOOD_FEED, "<title>Pla</title>", "<title>Pla <b>x</b></title>"),
    "an xhtml title without its div": mutate(GOOD_FEED, "<title>Pla</title>", '<title type="xhtml">Pla</title>'),
    "an unknown title type": mutate(GOOD_FEED, "<title>Pla</title>", '<title type="markdown">Pla</title>'),
    "a person without a name": mutate(GOOD_FEED, FEED_AUTHOR, "<author><email>a@example.org</email></author>"),
    "an invalid xml:lang": mutate(GOOD_FEED, 'xml:lang="ca"', 'xml:lang="not a tag"'),
    "a link without href": mutate(GOOD_FEED, 'href="https://example.org/pam/"/>', "/>"),
    "an unknown attribute": mutate(GOOD_FEED, 'xml:lang="ca"', 'xml:lang="ca" lang="ca"'),
    "an unknown Atom element": mutate(GOOD_FEED, "<title>Pla</title>", "<title>Pla</title><status>x</status>"),
    "metadata after an entry": mutate(GOOD_FEED, "</feed>", "<subtitle>late</subtitle></feed>"),
}


class SitemapArgs:
    sitemap = "sample"
    site_dir = None
    base_url = "https://example.org/pam/"
    languages = "ca,es"
    default_language = "ca"


# Problems the checks after the sitemap schema must find (the sample site has two pages, / and /es/).
SITEMAP_CHECK_REJECTS = [
    ("a page without its own alternate", mutate(GOOD_SITEMAP, '<xhtml:link rel="alternate" hreflang="es" href="https://example.org/pam/es/"/>\n  </url>\n</urlset>', "</url>\n</urlset>"), "do not include itself"),
    ("alternates that are not reciprocal", mutate(GOOD_SITEMAP, 'hreflang="es" href="https://example.org/pam/es/"/>\n  </url>\n  <url>', 'hreflang="es" href="https://example.org/pam/es/x/"/>\n  </url>\n  <url>'), "not itself listed"),
    ("a loc outside base_url", mutate(GOOD_SITEMAP, "<loc>https://example.org/pam/es/</loc>", "<loc>https://example.org/other/</loc>"), "not under base_url"),
    ("a loc of a page not built", mutate(GOOD_SITEMAP, "</urlset>", "<url><loc>https://example.org/pam/gone/</loc></url></urlset>"), "no built page"),
    ("a page built but not listed", GOOD_SITEMAP.replace(GOOD_SITEMAP[GOOD_SITEMAP.index("  <url>\n    <loc>https://example.org/pam/es/"):GOOD_SITEMAP.index("</urlset>")], ""), "not in the sitemap"),
    ("a loc listed twice", mutate(GOOD_SITEMAP, "</urlset>", GOOD_SITEMAP[GOOD_SITEMAP.index("  <url>"):GOOD_SITEMAP.index("  <url>\n    <loc>https://example.org/pam/es/")] + "</urlset>"), "listed twice"),
]


class FeedArgs:
    feed = "sample"
    site_dir = None
    base_url = "https://example.org/pam/"
    feed_url = "https://example.org/pam/feed.xml"
    home_url = "https://example.org/pam/"
    lang = "ca"
    min_entries = 1


# Problems the checks after the schema must find: (name, sample, words of the message).
ATOM_CHECK_REJECTS = [
    ("two entries with one id", mutate(GOOD_FEED, "reports/2018/</id>", "actions/1/#update-2019-12-20-1</id>"), "already used"),
    ("entries oldest first", mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-12-21T00:00:00Z"), "newest first"),
    ("an entry newer than the feed", mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2020-01-01T00:00:00Z"), "newer than the feed"),
    ("two alternates of one type", mutate(GOOD_FEED, ENTRY1_LINK, ENTRY1_LINK + ENTRY1_LINK), "more than one alternate"),
    ("a feed in another language", mutate(GOOD_FEED, 'xml:lang="ca"', 'xml:lang="es"'), "xml:lang"),
    ("February 30", mutate(GOOD_FEED, "2019-03-31T00:00:00Z", "2019-02-30T00:00:00Z"), "not a real date"),
    ("no self link", mutate(GOOD_FEED, 'rel="self"', 'rel="related"'), "rel=self"),
]

SITEMAP_REJECTS = {
    "a link that is not an alternate": mutate(GOOD_SITEMAP, 'rel="alternate" hreflang="es"', 'rel="canonical" hreflang="es"'),
    "an alternate without hreflang": mutate(GOOD_SITEMAP, ' hreflang="es"', ""),
    "a relative alternate": mutate(GOOD_SITEMAP, 'href="https://example.org/pam/es/"', 'href="/pam/es/"'),
    "an undeclared foreign element": mutate(GOOD_SITEMAP, "</url>", '<x:y xmlns:x="urn:x"/></url>'),
    "a url without loc": mutate(GOOD_SITEMAP, "<loc>https://example.org/pam/</loc>", ""),
    "a loc too short to be an address": mutate(GOOD_SITEMAP, "<loc>https://example.org/pam/</loc>", "<loc>x</loc>"),
    "a priority above 1": mutate(GOOD_SITEMAP, "</loc>", "</loc><priority>2</priority>"),
}


def selftest(args):
    ok = True

    def fail(message):
        nonlocal ok
        ok = False
        print(f"selftest: {message}")

    rng = atom_schema()
    for name, xml in ATOM_ACCEPTS.items():
        errors = schema_errors(rng, etree.fromstring(xml.encode()).getroottree())
        if errors:
            fail(f"atom.rng rejects a valid feed ({name}): {errors}")
    for name, xml in ATOM_REJECTS.items():
        if not schema_errors(rng, etree.fromstring(xml.encode()).getroottree()):
            fail(f"atom.rng accepts an invalid feed ({name})")
    for name, xml, words in ATOM_CHECK_REJECTS:
        p = Problems("sample")
        atom_problems_no_files(etree.fromstring(xml.encode()).getroottree(), p)
        if not any(words in m for m in p.items):
            fail(f"the feed checks miss {name} (found {p.items})")
    p = Problems("sample")
    atom_problems_no_files(etree.fromstring(GOOD_FEED.encode()).getroottree(), p)
    if p.items:
        fail(f"the feed checks reject the sample feed: {p.items}")

    xsd = sitemap_schema(args.xsd)
    errors = schema_errors(xsd, etree.fromstring(GOOD_SITEMAP.encode()).getroottree())
    if errors:
        fail(f"the sitemap schema rejects a valid sitemap: {errors}")
    for name, xml in SITEMAP_REJECTS.items():
        if not schema_errors(xsd, etree.fromstring(xml.encode()).getroottree()):
            fail(f"the sitemap schema accepts an invalid sitemap ({name})")
    with tempfile.TemporaryDirectory() as site:
        for page in ["index.html", "es/index.html", "404.html"]:
            Path(site, page).parent.mkdir(parents=True, exist_ok=True)
            Path(site, page).write_text("<!doctype html>")
        args_s = SitemapArgs()
        args_s.site_dir = site
        samples = [("the sample sitemap", GOOD_SITEMAP, None)] + SITEMAP_CHECK_REJECTS
        for name, xml, words in samples:
            p = Problems("sample")
            sitemap_problems(etree.fromstring(xml.encode()).getroottree(), len(xml), args_s, p)
            if words is None and p.items:
                fail(f"the sitemap checks reject {name}: {p.items}")
            if words is not None and not any(words in m for m in p.items):
                fail(f"the sitemap checks miss {name} (found {p.items})")
    if ok:
        n = len(ATOM_ACCEPTS) + len(ATOM_REJECTS) + len(ATOM_CHECK_REJECTS) + 1 + len(SITEMAP_REJECTS) + 1 + len(SITEMAP_CHECK_REJECTS) + 1
        print(f"selftest: the schemas and checks judged all {n} samples right")
    return ok


def atom_problems_no_files(doc, p):
    """The feed checks on a sample, whose pages all count as built."""
    args = FeedArgs()
    atom_problems(doc, args, p, page_of=lambda url: HERE / "validate.py" if url.startswith(args.base_url) else None)


# --- command line ------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    d = sub.add_parser("datapackage")
    d.add_argument("packages", nargs="+")

    a = sub.add_parser("atom")
    a.add_argument("feed")
    a.add_argument("--site-dir", required=True)
    a.add_argument("--base-url", required=True)
    a.add_argument("--feed-url", required=True)
    a.add_argument("--home-url", required=True)
    a.add_argument("--lang", required=True)
    a.add_argument("--min-entries", type=int, default=0)
    a.add_argument("--plan", help="the plan.json of the feed's language: check the language of each entry's text")
    a.add_argument("--default-language")

    s = sub.add_parser("sitemap")
    s.add_argument("sitemap")
    s.add_argument("--site-dir", required=True)
    s.add_argument("--base-url", required=True)
    s.add_argument("--languages", required=True)
    s.add_argument("--default-language", required=True)
    s.add_argument("--xsd", default=os.environ.get("RETIMENT_SITEMAP_XSD"))

    t = sub.add_parser("selftest")
    t.add_argument("--xsd", default=os.environ.get("RETIMENT_SITEMAP_XSD"))

    args = parser.parse_args()
    if args.command == "atom" and args.plan and not args.default_language:
        parser.error("--plan needs --default-language")
    if args.command == "datapackage":
        ok = all([check_datapackage(p) for p in args.packages])
    elif args.command == "atom":
        ok = check_atom(args)
    elif args.command == "sitemap":
        ok = check_sitemap(args)
    else:
        ok = selftest(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
