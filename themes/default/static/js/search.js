/* retiment — searches the site in place, from the language's search/index.json
   ([{ kind, id, title, url, summary, text }]). Without JavaScript the form stays
   hidden and the page still lists everything, with links to the action list and
   the pages by status and SDG. Matching ignores case and accents; every word
   typed must appear. The query is kept in the address (?q=…). */
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  var status = document.getElementById('search-status');
  var section = document.getElementById('search-results-section');
  var list = document.getElementById('search-results');
  if (!form || !status || !section || !list || !window.fetch || !window.URLSearchParams) return;
  var input = form.elements.q;
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var LIMIT = 50;
  var docs = null;
  var loading = null;
  var timer = 0;

  function data(name) {
    return form.getAttribute('data-' + name) || '';
  }

  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  // The language of titles shown untranslated, as the page's own lists mark them.
  var langOf = {};
  Array.prototype.forEach.call(document.querySelectorAll('main .search-list a[href]'), function (a) {
    var marked = a.hasAttribute('lang') ? a : a.querySelector('[lang]');
    if (marked) langOf[a.href] = marked.getAttribute('lang');
  });

  function load() {
    if (!loading) {
      loading = fetch(data('index'), { credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (index) {
          docs = index.map(function (doc) {
            return {
              doc: doc,
              title: fold(doc.id + ' ' + doc.title),
              body: fold(doc.summary + ' ' + doc.text)
            };
          });
        });
    }
    return loading;
  }

  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var found = [];
    docs.forEach(function (d, order) {
      var score = 0;
      for (var i = 0; i < words.length; i += 1) {
        var inTitle = d.title.indexOf(words[i]) !== -1;
        if (!inTitle && d.body.indexOf(words[i]) === -1) return;
        score += inTitle ? 10 : 1;
      }
      found.push({ doc: d.doc, score: score, order: order });
    });
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return found.map(function (f) { return f.doc; });
  }

  // A short excerpt of the text around the first word found, with the words marked.
  function excerpt(doc, words) {
    var text = doc.summary || '';
    if (!text || words.every(function (w) { return fold(text).indexOf(w) === -1; })) {
      var body = doc.text || '';
      var at = -1;
      var folded = fold(body);
      for (var i = 0; i < words.length && at === -1; i += 1) at = folded.indexOf(words[i]);
      if (at === -1) text = body.slice(0, 180);
      else {
        var start = Math.max(0, at - 70);
        text = (start > 0 ? '… ' : '') + body.slice(start, start + 200) + (start + 200 < body.length ? ' …' : '');
      }
    }
    return text;
  }

  function marked(parent, text, words) {
    // fold() keeps one character per character for Latin scripts, so positions match.
    var folded = fold(text);
    if (folded.length !== text.length) { parent.appendChild(document.createTextNode(text)); return; }
    var pos = 0;
    while (pos < text.length) {
      var next = -1;
      var len = 0;
      words.forEach(function (w) {
        var i = folded.indexOf(w, pos);
        if (i !== -1 && (next === -1 || i < next)) { next = i; len = w.length; }
      });
      if (next === -1) { parent.appendChild(document.createTextNode(text.slice(pos))); break; }
      if (next > pos) parent.appendChild(document.createTextNode(text.slice(pos, next)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(next, next + len);
      parent.appendChild(mark);
      pos = next + len;
    }
  }

  function show(query) {
    var results = search(query);
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = '';
    results.slice(0, LIMIT).forEach(function (doc) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = doc.url;
      var kind = document.createElement('span');
      kind.className = 'kicker';
      kind.textContent = doc.kind === 'page' ? data('kind-page') : data('kind-' + doc.kind) + ' ' + doc.id;
      var title = document.createElement('span');
      title.className = 'result-title';
      var lang = doc.text_lang || langOf[a.href];
      if (lang && lang !== document.documentElement.lang) title.setAttribute('lang', lang);
      marked(title, doc.title, words);
      a.appendChild(kind);
      a.appendChild(title);
      li.appendChild(a);
      var text = excerpt(doc, words);
      if (text) {
        var p = document.createElement('p');
        if (lang && lang !== document.documentElement.lang) p.setAttribute('lang', lang);
        marked(p, text, words);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    section.hidden = words.length === 0;
    var n = results.length;
    status.textContent = !words.length ? '' : n === 0 ? data('none') : (n === 1 ? data('one') : data('many')).replace('{n}', number.format(n));
  }

  function keep(query) {
    var params = new URLSearchParams(window.location.search);
    if (query) params.set('q', query);
    else params.delete('q');
    var q = params.toString();
    history.replaceState(null, '', window.location.pathname + (q ? '?' + q : ''));
  }

  function run() {
    var query = input.value.trim();
    keep(query);
    if (!query) { show(''); return; }
    if (docs) { show(query); return; }
    status.textContent = data('loading');
    load().then(function () { show(input.value.trim()); }, function () {
      status.textContent = data('error');
    });
  }

  form.hidden = false;
  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 200);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    run();
  });
  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    run();
  }
}());
