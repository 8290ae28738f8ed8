/* retiment — filters the list of every action in place, by status, line and SDG.
   Without JavaScript the form stays hidden and the pages by status and by SDG do the same job.
   The filter is kept in the address (?status=…&line=…&sdg=…), so a filtered list can be shared. */
(function () {
  'use strict';
  var form = document.getElementById('action-filters');
  var count = document.getElementById('filter-count');
  if (!form || !count || !window.URLSearchParams || !window.history || !history.replaceState) return;

  var fields = ['status', 'line', 'sdg'];
  var rows = Array.prototype.slice.call(document.querySelectorAll('main tr[data-status]'));
  var blocks = Array.prototype.slice.call(document.querySelectorAll('main [data-filter-block]'));
  var toc = document.getElementById('actions-toc');
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function value(name) {
    return form.elements[name] ? form.elements[name].value : '';
  }

  function apply() {
    var status = value('status');
    var line = value('line');
    var sdg = value('sdg');
    var shown = 0;
    rows.forEach(function (row) {
      var sdgs = ' ' + (row.getAttribute('data-sdgs') || '') + ' ';
      var match = (!status || row.getAttribute('data-status') === status) &&
        (!line || row.getAttribute('data-line') === line) &&
        (!sdg || sdgs.indexOf(' ' + sdg + ' ') !== -1);
      row.hidden = !match;
      if (match) shown += 1;
    });
    // Objectives and lines without a matching action are hidden with their headings.
    blocks.slice().reverse().forEach(function (block) {
      block.hidden = !block.querySelector('tr[data-status]:not([hidden])');
    });
    var active = !!(status || line || sdg);
    if (toc) toc.hidden = active;
    var template = shown === 1 ? form.getAttribute('data-one') : form.getAttribute('data-many');
    count.textContent = active ? template.replace('{n}', number.format(shown)) : '';

    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (name) {
      if (value(name)) params.set(name, value(name));
      else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
  }

  // Open with the filter of the address, when its values exist in the form.
  var initial = new URLSearchParams(window.location.search);
  fields.forEach(function (name) {
    var select = form.elements[name];
    var wanted = initial.get(name);
    if (!select || !wanted) return;
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === wanted) select.value = wanted;
    }
  });

  form.hidden = false;
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener('reset', function () {
    // The form's values change after the reset event.
    window.setTimeout(apply, 0);
  });
  apply();
}());
