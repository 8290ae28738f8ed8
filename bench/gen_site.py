#!/usr/bin/env python3
"""Generate a synthetic retiment site of N actions, and the same action pages
as a Hugo site, for bench/run.

    bench/gen_site.py N OUT

writes OUT/site (site.toml + content/, the default theme is built into
retiment) and OUT/hugo (hugo.toml, layouts/, the same action files). The
content follows docs/content-model.md: every action has full front matter
(budget, indicators, updates, partners, municipalities, SDGs, related
actions, links) and a 2-4 KB Markdown body with a table and `@/` links, and a
Spanish translation (`<id>.es.md`: title, summary, body). Default language
`ca`. Output is deterministic for a given N.
"""

import os
import random
import sys

SEED = 20150101
YEARS = [2015, 2016, 2017, 2018, 2019]
REPORT_YEARS = [2016, 2017, 2018, 2019]
ACTIONS_PER_OBJECTIVE = 25
OBJECTIVES_PER_LINE = 10

MUNICIPALITIES = [
    "Badalona", "Badia del Vallès", "Barberà del Vallès", "Barcelona", "Begues",
    "Castellbisbal", "Castelldefels", "Cerdanyola del Vallès", "Cervelló",
    "Corbera de Llobregat", "Cornellà de Llobregat", "El Papiol", "El Prat de Llobregat",
    "Esplugues de Llobregat", "Gavà", "L'Hospitalet de Llobregat", "La Palma de Cervelló",
    "Molins de Rei", "Montcada i Reixac", "Montgat", "Pallejà", "Ripollet",
    "Sant Adrià de Besòs", "Sant Andreu de la Barca", "Sant Boi de Llobregat",
    "Sant Climent de Llobregat", "Sant Cugat del Vallès", "Sant Feliu de Llobregat",
    "Sant Joan Despí", "Sant Just Desvern", "Sant Vicenç dels Horts",
    "Santa Coloma de Cervelló", "Santa Coloma de Gramenet", "Tiana", "Torrelles de Llobregat",
    "Viladecans",
]
PARTNER_KINDS = ["Xarxa", "Fundació", "Consorci", "Associació", "Institut", "Observatori", "Agència", "Plataforma"]
PARTNER_TOPICS = [
    "Mediterrània", "Cooperació Urbana", "Ciutats Sostenibles", "Aigua i Territori", "Mobilitat Metropolitana",
    "Habitatge Social", "Governança Local", "Clima i Energia", "Economia Circular", "Innovació Pública",
    "Drets Humans", "Pau i Desenvolupament", "Educació Global", "Salut Urbana", "Cultura i Patrimoni",
    "Espai Públic", "Transparència", "Dades Obertes", "Igualtat de Gènere", "Joventut",
    "Alimentació Sostenible", "Residus", "Resiliència Urbana", "Turisme Responsable", "Migracions",
]
TAGS = ["governança", "participació", "cooperació", "xarxes", "clima", "aigua", "mobilitat", "habitatge",
        "formació", "recerca", "comunicació", "finançament", "europa", "mediterrània", "àfrica", "amèrica-llatina"]
WORDS_CA = (
    "l'àrea metropolitana impulsa projectes de cooperació amb ciutats del mediterrani i d'arreu del món "
    "per compartir coneixement tècnic sobre aigua mobilitat habitatge residus i espai públic amb "
    "municipis socis entitats de la societat civil universitats i xarxes internacionals de ciutats que "
    "treballen per un desenvolupament urbà sostenible inclusiu i resilient davant el canvi climàtic "
    "l'actuació es coordina amb els ajuntaments del territori i es finança amb recursos propis i fons europeus"
).split()
WORDS_ES = (
    "el área metropolitana impulsa proyectos de cooperación con ciudades del mediterráneo y de todo el mundo "
    "para compartir conocimiento técnico sobre agua movilidad vivienda residuos y espacio público con "
    "municipios socios entidades de la sociedad civil universidades y redes internacionales de ciudades que "
    "trabajan por un desarrollo urbano sostenible inclusivo y resiliente ante el cambio climático "
    "la actuación se coordina con los ayuntamientos del territorio y se financia con recursos propios y fondos europeos"
).split()
HEADINGS_CA = ["Context", "Què s'ha fet", "Resultats", "Pròxims passos", "Finançament", "Socis"]
HEADINGS_ES = ["Contexto", "Qué se ha hecho", "Resultados", "Próximos pasos", "Financiación", "Socios"]


def q(s):
    """A YAML double-quoted string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug(s):
    import unicodedata
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    out, dash = [], False
    for ch in s:
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def partners_pool():
    pool, seen = [], set()
    for k in PARTNER_KINDS:
        for t in PARTNER_TOPICS:
            name = f"{k} {t}"
            if slug(name) not in seen:
                seen.add(slug(name))
                pool.append(name)
    return pool  # 200 names with distinct slugs


def sentence(rng, words, n):
    w = [rng.choice(words) for _ in range(n)]
    s = " ".join(w)
    return s[0].upper() + s[1:] + "."


def paragraph(rng, words, sentences):
    return " ".join(sentence(rng, words, rng.randint(10, 22)) for _ in range(sentences))


def body(rng, words, headings, links, years, target):
    """A Markdown body of about `target` bytes: headings, paragraphs with bold and
    `@/` links, a list and a table."""
    parts = [paragraph(rng, words, 3)]
    hs = list(headings)
    rng.shuffle(hs)
    i = 0
    while sum(len(p) for p in parts) < target:
        parts.append(f"## {hs[i % len(hs)]}" + (f" {i // len(hs) + 1}" if i >= len(hs) else ""))
        kind = i % 3
        if kind == 0:
            p = paragraph(rng, words, rng.randint(2, 4))
            title, link = links[i % len(links)]
            p += f" Vegeu **{title}** a [{title}]({link})."
            parts.append(p)
        elif kind == 1:
            items = [f"- {sentence(rng, words, rng.randint(5, 10))}" for _ in range(rng.randint(3, 5))]
            title, link = links[(i + 1) % len(links)]
            items.append(f"- [{title}]({link})")
            parts.append("\n".join(items))
        else:
            rows = ["| Any | Activitats | Participants | Import (€) |", "|---|--:|--:|--:|"]
            for y in years:
                rows.append(f"| {y} | {rng.randint(1, 40)} | {rng.randint(10, 900)} | {rng.randint(1000, 90000):,}".replace(",", ".") + " |")
            parts.append("\n".join(rows))
            parts.append(paragraph(rng, words, 2))
        i += 1
    return "\n\n".join(parts) + "\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def action_ids(n):
    """(line, objective, action id) for n actions: 25 actions per objective, 10 objectives per line."""
    out = []
    for k in range(n):
        o = k // ACTIONS_PER_OBJECTIVE
        line = o // OBJECTIVES_PER_LINE + 1
        obj = o % OBJECTIVES_PER_LINE + 1
        out.append((str(line), f"{line}.{obj}", f"{line}.{obj}.{k % ACTIONS_PER_OBJECTIVE + 1}"))
    return out


def action_file(rng, aid, objective, ids, partners):
    status = rng.choices(["not_started", "in_progress", "delayed", "completed", "cancelled"], [10, 45, 10, 30, 5])[0]
    progress = {"not_started": 0, "completed": 100}.get(status, rng.randint(5, 95))
    start_year = rng.choice(YEARS[:4])
    years = [y for y in YEARS if y >= start_year]
    fm = [
        "---",
        f"title: {q('Actuació ' + aid + ': ' + sentence(rng, WORDS_CA, rng.randint(6, 14))[:-1])}",
        f"objective: {q(objective)}",
        f"status: {status}",
        f"progress: {progress}",
        f"summary: {q(sentence(rng, WORDS_CA, rng.randint(12, 20)))}",
        f"start: {start_year}-{rng.randint(1, 12):02d}-01",
        f"end: 2019-12-{rng.randint(1, 28):02d}",
        f"responsible: {q('Àrea de Relacions Internacionals i Cooperació')}",
        "partners: [" + ", ".join(q(p) for p in rng.sample(partners, rng.randint(1, 4))) + "]",
        "municipalities: [" + ", ".join(q(m) for m in rng.sample(MUNICIPALITIES, rng.randint(1, 5))) + "]",
        "sdgs: [" + ", ".join(str(s) for s in sorted(rng.sample(range(1, 18), rng.randint(1, 3)))) + "]",
        "tags: [" + ", ".join(q(t) for t in rng.sample(TAGS, rng.randint(1, 3))) + "]",
        "budget:",
    ]
    for y in years:
        planned = rng.randint(5, 200) * 1000
        executed = round(planned * rng.uniform(0.6, 1.05), 2)
        fm.append(f"  - {{ year: {y}, planned: {planned}, executed: {executed} }}")
    fm.append("indicators:")
    for i in range(rng.randint(1, 3)):
        target = rng.randint(5, 500)
        fm += [
            f"  - name: {q('Indicador ' + str(i + 1) + ': ' + sentence(rng, WORDS_CA, 4)[:-1])}",
            f"    unit: {q(rng.choice(['persones', 'projectes', 'ciutats', 'reunions', 'tones']))}",
            "    baseline: 0",
            f"    target: {target}",
            "    values:",
        ]
        for j, y in enumerate(years):
            fm.append(f"      - {{ year: {y}, value: {round(target * (j + 1) / len(years))} }}")
    if status != "not_started":
        # A timeline that ends in today's status: in_progress steps, then the last one.
        steps = rng.randint(2, 6)
        dates = sorted({f"{rng.choice(years)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(steps)})
        fm.append("updates:")
        for i, d in enumerate(dates):
            last = i == len(dates) - 1
            st = status if last else "in_progress"
            p = progress if last else max(1, progress * (i + 1) // len(dates))
            if st == "completed":
                p = 100
            fm.append(f"  - {{ date: {d}, note: {q(sentence(rng, WORDS_CA, rng.randint(8, 16)))}, status: {st}, progress: {p} }}")
    related = [r for r in rng.sample(ids, min(3, len(ids))) if r != aid][: rng.randint(0, 3)]
    if related:
        fm.append("related: [" + ", ".join(q(r) for r in related) + "]")
    fm += [
        "links:",
        f"  - {{ title: {q('Fitxa del projecte')}, url: {q('https://example.org/projectes/' + aid)} }}",
        f"  - {{ title: {q('Balanç ' + str(REPORT_YEARS[-1]))}, url: {q('@/reports/' + str(REPORT_YEARS[-1]) + '.md')} }}",
        "---",
        "",
    ]
    return "\n".join(fm), years


def links_for(rng, ids, objective):
    others = rng.sample(ids, min(3, len(ids)))
    links = [(f"actuació {o}", f"@/actions/{o}.md") for o in others]
    links.append((f"objectiu {objective}", f"@/objectives/{objective}.md"))
    links.append((f"balanç {rng.choice(REPORT_YEARS)}", f"@/reports/{rng.choice(REPORT_YEARS)}.md"))
    return links


SITE_TOML = """title = "Pla sintètic de {n} actuacions"
description = "Lloc generat per bench/gen_site.py per mesurar retiment."
base_url = "https://example.org/pla/"
default_language = "ca"
theme = "default"
output_dir = "public"
notice = "Dades sintètiques per a proves de rendiment."

[languages.es]
title = "Plan sintético de {n} actuaciones"
description = "Sitio generado por bench/gen_site.py para medir retiment."

[plan]
organisation = "Organisme sintètic"
start_year = 2015
end_year = 2019
currency = "EUR"

[accountability]
cooperation_target_pct = 0.7
contact = "rendiment@example.org"
"""

HUGO_TOML = """baseURL = "https://example.org/pla/"
title = "Pla sintètic"
defaultContentLanguage = "ca"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[languages.ca]
weight = 1
languageName = "Català"
[languages.es]
weight = 2
languageName = "Español"
[markup.goldmark.renderer]
unsafe = true
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ .Title }}{{ end }}">
<link rel="stylesheet" href="{{ "css/style.css" | relURL }}">
{{- range .AllTranslations }}
<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{- end }}
</head>
<body>
<header class="site-header">
<a class="brand" href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav aria-label="Language"><ul>
{{- range .AllTranslations }}
<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}"{{ if eq .Language.Lang $.Language.Lang }} aria-current="true"{{ end }}>{{ .Language.LanguageName }}</a></li>
{{- end }}
</ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<nav class="breadcrumb"><a href="{{ .Site.Home.RelPermalink }}">Pla</a> › <a href="{{ .Parent.RelPermalink }}">Actuacions</a> › {{ .File.ContentBaseName }}</nav>
<h1><span class="kicker">Actuació {{ .File.ContentBaseName }}</span> {{ .Title }}</h1>
<div class="state">
<p>Estat: <a class="status-link" href="{{ .Site.Home.RelPermalink }}status/{{ .Params.status }}/"><span class="badge status-{{ .Params.status }}">{{ .Params.status }}</span></a></p>
<p><span class="progress"><span class="bar" style="width: {{ .Params.progress }}%"></span></span> {{ .Params.progress }}%</p>
</div>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
<div class="prose">{{ .Content }}</div>
<section class="section"><h2>Fitxa</h2>
<dl class="facts">
<div><dt>Objectiu</dt><dd>{{ .Params.objective }}</dd></div>
<div><dt>Inici</dt><dd>{{ with .Params.start }}<time datetime="{{ . }}">{{ . | time.Format "2 January 2006" }}</time>{{ end }}</dd></div>
<div><dt>Final</dt><dd>{{ with .Params.end }}<time datetime="{{ . }}">{{ . | time.Format "2 January 2006" }}</time>{{ end }}</dd></div>
<div><dt>Responsable</dt><dd>{{ .Params.responsible }}</dd></div>
<div><dt>Socis</dt><dd><ul class="inline-list">{{ range .Params.partners }}<li><a href="{{ $.Site.Home.RelPermalink }}partners/{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul></dd></div>
<div><dt>Municipis</dt><dd><ul class="inline-list">{{ range .Params.municipalities }}<li><a href="{{ $.Site.Home.RelPermalink }}municipalities/{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul></dd></div>
<div><dt>ODS</dt><dd><ul class="sdg-list">{{ range .Params.sdgs }}<li><a href="{{ $.Site.Home.RelPermalink }}sdgs/{{ . }}/">ODS {{ . }}</a></li>{{ end }}</ul></dd></div>
</dl></section>
<section class="section"><h2>Pressupost</h2>
<table class="money"><thead><tr><th>Any</th><th>Previst</th><th>Executat</th><th>Execució</th></tr></thead><tbody>
{{- $planned := 0.0 }}{{ $executed := 0.0 }}
{{- range .Params.budget }}
{{- $planned = add $planned (float .planned) }}{{ $executed = add $executed (float (default 0 .executed)) }}
<tr><th scope="row">{{ .year }}</th><td class="num">{{ lang.FormatNumber 2 .planned }} €</td><td class="num">{{ lang.FormatNumber 2 (default 0 .executed) }} €</td><td class="num">{{ if gt (float .planned) 0.0 }}{{ lang.FormatNumber 2 (mul 100.0 (div (float (default 0 .executed)) (float .planned))) }} %{{ end }}</td></tr>
{{- end }}
</tbody><tfoot><tr><th scope="row">Total</th><td class="num">{{ lang.FormatNumber 2 $planned }} €</td><td class="num">{{ lang.FormatNumber 2 $executed }} €</td><td class="num">{{ if gt $planned 0.0 }}{{ lang.FormatNumber 2 (mul 100.0 (div $executed $planned)) }} %{{ end }}</td></tr></tfoot></table>
</section>
<section class="section"><h2>Indicadors</h2>
{{- range .Params.indicators }}
<table class="indicator"><caption>{{ .name }}{{ with .unit }} ({{ . }}){{ end }}</caption>
<thead><tr><th>Any</th><th>Valor</th><th>Meta</th></tr></thead><tbody>
{{- $target := .target }}
{{- range .values }}<tr><th scope="row">{{ .year }}</th><td class="num">{{ lang.FormatNumber 0 .value }}</td><td class="num">{{ $target }}</td></tr>{{ end }}
</tbody></table>
{{- end }}
</section>
<section class="section"><h2>Actualitzacions</h2><ol class="timeline">
{{- with .Params.updates }}{{ range sort . "date" "desc" }}
<li><time datetime="{{ .date }}">{{ .date | time.Format "2 January 2006" }}</time> {{ with .status }}<span class="badge status-{{ . }}">{{ . }}</span>{{ end }} {{ with .progress }}{{ . }}%{{ end }}<p>{{ .note }}</p></li>
{{- end }}{{ end }}
</ol></section>
<section class="section"><h2>Relacionades</h2><ul>
{{- range .Params.related }}{{ with site.GetPage (printf "/actions/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<table class="actions"><thead><tr><th>Id</th><th>Actuació</th><th>Estat</th><th>Avenç</th></tr></thead><tbody>
{{- range .Pages }}
<tr><th scope="row">{{ .File.ContentBaseName }}</th><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td><span class="badge status-{{ .Params.status }}">{{ .Params.status }}</span></td><td>{{ .Params.progress }}%</td></tr>
{{- end }}
</tbody></table>
{{ end }}
"""

HUGO_HOME = """{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}
"""


def generate(n, out):
    rng = random.Random(SEED + n)
    site = os.path.join(out, "site")
    hugo = os.path.join(out, "hugo")
    c = os.path.join(site, "content")
    for d in ["lines", "objectives", "actions", "reports", "pages"]:
        os.makedirs(os.path.join(c, d), exist_ok=True)
    for d in ["content/actions", "layouts/_default", "layouts/actions"]:
        os.makedirs(os.path.join(hugo, d), exist_ok=True)
    write(os.path.join(site, "site.toml"), SITE_TOML.format(n=n))

    triples = action_ids(n)
    ids = [t[2] for t in triples]
    objectives = sorted({(t[0], t[1]) for t in triples}, key=lambda x: [int(p) for p in x[1].split(".")])
    lines = sorted({t[0] for t in triples}, key=int)
    partners = partners_pool()

    write(os.path.join(c, "_index.md"), "---\ntitle: \"Pla sintètic\"\n---\n\n" + paragraph(rng, WORDS_CA, 5) + "\n")
    write(os.path.join(c, "_index.es.md"), "---\ntitle: \"Plan sintético\"\n---\n\n" + paragraph(rng, WORDS_ES, 5) + "\n")
    for i, line in enumerate(lines):
        write(os.path.join(c, "lines", f"{line}.md"),
              f"---\ntitle: {q('Línia ' + line + ': ' + sentence(rng, WORDS_CA, 8)[:-1])}\norder: {i + 1}\n---\n\n{paragraph(rng, WORDS_CA, 4)}\n")
        write(os.path.join(c, "lines", f"{line}.es.md"),
              f"---\ntitle: {q('Línea ' + line + ': ' + sentence(rng, WORDS_ES, 8)[:-1])}\n---\n\n{paragraph(rng, WORDS_ES, 4)}\n")
    for line, obj in objectives:
        write(os.path.join(c, "objectives", f"{obj}.md"),
              f"---\ntitle: {q('Objectiu ' + obj + ': ' + sentence(rng, WORDS_CA, 8)[:-1])}\nline: {q(line)}\n---\n\n{paragraph(rng, WORDS_CA, 3)}\n")
        write(os.path.join(c, "objectives", f"{obj}.es.md"),
              f"---\ntitle: {q('Objetivo ' + obj + ': ' + sentence(rng, WORDS_ES, 8)[:-1])}\n---\n\n{paragraph(rng, WORDS_ES, 3)}\n")
    for y in REPORT_YEARS:
        links = links_for(rng, ids, objectives[0][1])
        write(os.path.join(c, "reports", f"{y}.md"),
              f"---\nyear: {y}\ntitle: {q('Balanç ' + str(y))}\npublished: {y + 1}-03-31\nown_revenue: {rng.randint(100, 900) * 1_000_000 * max(1, n // 1000)}\n---\n\n"
              + body(rng, WORDS_CA, HEADINGS_CA, links, [y], 3000))
        write(os.path.join(c, "reports", f"{y}.es.md"),
              f"---\ntitle: {q('Balance ' + str(y))}\n---\n\n" + body(rng, WORDS_ES, HEADINGS_ES, links, [y], 3000))
    write(os.path.join(c, "pages", "about.md"), "---\ntitle: \"Sobre el pla\"\nmenu: true\norder: 1\n---\n\n" + paragraph(rng, WORDS_CA, 6) + "\n")
    write(os.path.join(c, "pages", "about.es.md"), "---\ntitle: \"Sobre el plan\"\n---\n\n" + paragraph(rng, WORDS_ES, 6) + "\n")

    in_bytes = 0
    for line, obj, aid in triples:
        fm, years = action_file(rng, aid, obj, ids, partners)
        links = links_for(rng, ids, obj)
        ca = fm + body(rng, WORDS_CA, HEADINGS_CA, links, years, rng.randint(2000, 3600))
        es = (
            "---\n"
            f"title: {q('Actuación ' + aid + ': ' + sentence(rng, WORDS_ES, rng.randint(6, 14))[:-1])}\n"
            f"summary: {q(sentence(rng, WORDS_ES, rng.randint(12, 20)))}\n"
            "---\n\n" + body(rng, WORDS_ES, HEADINGS_ES, links, years, rng.randint(2000, 3600))
        )
        for folder in (os.path.join(c, "actions"), os.path.join(hugo, "content", "actions")):
            write(os.path.join(folder, f"{aid}.md"), ca)
            write(os.path.join(folder, f"{aid}.es.md"), es)
        in_bytes += len(ca.encode()) + len(es.encode())

    write(os.path.join(hugo, "hugo.toml"), HUGO_TOML)
    write(os.path.join(hugo, "content", "_index.md"), "---\ntitle: \"Pla sintètic\"\n---\n")
    write(os.path.join(hugo, "content", "_index.es.md"), "---\ntitle: \"Plan sintético\"\n---\n")
    write(os.path.join(hugo, "content", "actions", "_index.md"), "---\ntitle: \"Actuacions\"\n---\n")
    write(os.path.join(hugo, "content", "actions", "_index.es.md"), "---\ntitle: \"Actuaciones\"\n---\n")
    write(os.path.join(hugo, "layouts", "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(hugo, "layouts", "actions", "single.html"), HUGO_SINGLE)
    write(os.path.join(hugo, "layouts", "actions", "list.html"), HUGO_LIST)
    write(os.path.join(hugo, "layouts", "index.html"), HUGO_HOME)
    print(f"{n} actions, {len(objectives)} objectives, {len(lines)} lines; action files {in_bytes / 2 / n / 1024:.1f} KiB on average per language")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_site.py N OUT")
    generate(int(sys.argv[1]), sys.argv[2])
