/**
 * The dashboard's script, inlined into the page (allowed by its hash in the page's CSP). Plain browser
 * JavaScript, no build step: it reads the JSON API with the key the manager signed in with, kept in
 * sessionStorage only (gone when the tab closes), and builds the DOM with textContent, never innerHTML,
 * so nothing a project team recorded can run as markup. Written without template literals so that it
 * can live inside this one.
 */
export const DASHBOARD_SCRIPT = String.raw`
'use strict';
(function () {
  var KEY = 'project-tracker.api-key';
  var UPCOMING_DAYS = 30;
  /** The list's page size: the most GET /projects gives at once; more come with "Show more". */
  var PAGE = 500;
  /** Statuses in the order a project goes through them. */
  var LIFECYCLE = ['proposed', 'approved', 'implementation', 'suspended', 'finalisation', 'closed', 'cancelled'];
  var main = document.getElementById('main');
  var who = document.getElementById('who');
  var stream = null;
  var selectedId = null;

  function h(tag, attrs) {
    var element = document.createElement(tag);
    if (attrs) for (var name in attrs) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') element.textContent = String(value);
      else if (name.slice(0, 2) === 'on') element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (var i = 2; i < arguments.length; i++) append(element, arguments[i]);
    return element;
  }
  // Appends every child after the parent (arrays flattened; null, undefined and false skipped).
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); continue; }
      parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
  }
  function clear(element) { while (element.firstChild) element.removeChild(element.firstChild); return element; }
  function number(value) { return value === null || value === undefined ? '-' : Number(value).toLocaleString('en'); }
  function percent(share) { return Math.round(share * 100) + '%'; }
  function today() { return new Date().toISOString().slice(0, 10); }
  function inDays(days) { return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10); }
  function label(status) { return String(status).replace(/_/g, ' '); }
  function inLifecycleOrder(statuses) {
    return statuses.slice().sort(function (a, b) { return rank(a) - rank(b); });
    function rank(s) { var at = LIFECYCLE.indexOf(s); return at < 0 ? LIFECYCLE.length : at; }
  }
  // A table in a box of its own that scrolls sideways when its columns are wider than the panel.
  function scrolling(table) { return h('div', { class: 'scroll' }, table); }

  function key() { return sessionStorage.getItem(KEY); }

  function ApiError(status, problem) { this.status = status; this.problem = problem; }
  // A refusal signs out only the key it refused: the answers to a mistyped key's requests (several are
  // sent at once) may come after the user signed in again with the right one.
  function refused(usedKey, message) { if (key() === usedKey) signOut(message); }
  function api(path, options) {
    var usedKey = key();
    var init = Object.assign({ headers: { Authorization: 'Bearer ' + usedKey, Accept: 'application/json' } }, options || {});
    return fetch(path, init).then(function (response) {
      if (response.status === 401) { refused(usedKey, 'Your key was refused (revoked, expired or mistyped). Sign in again.'); throw new ApiError(401, null); }
      if (!response.ok) return response.json().catch(function () { return null; }).then(function (problem) { throw new ApiError(response.status, problem); });
      return response.json();
    });
  }
  function problemText(error) {
    if (error instanceof ApiError) return (error.problem && (error.problem.detail || error.problem.title)) || ('The API answered ' + error.status + '.');
    return 'The API cannot be reached: ' + (error && error.message ? error.message : String(error));
  }

  // Sign in --------------------------------------------------------------------------------------
  function showSignIn(message) {
    main.className = '';
    clear(who);
    var input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'key-help' });
    var error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert', text: message || '' });
    var form = h('form', { class: 'sign-in', onsubmit: function (event) {
      event.preventDefault();
      var value = input.value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY, value);
      start();
    } },
      h('label', { for: 'api-key', text: 'API key' }),
      input,
      h('p', { id: 'key-help', class: 'muted', text: 'Kept in this tab only (session storage) and sent as a bearer token to this server.' }),
      error,
      h('button', { type: 'submit', text: 'Sign in' }));
    append(clear(main), h('section', { 'aria-labelledby': 'sign-in-heading' }, h('h2', { id: 'sign-in-heading', text: 'Sign in' }), form));
    input.focus();
  }
  function signOut(message) {
    sessionStorage.removeItem(KEY);
    if (stream) stream.abort();
    stream = null;
    showSignIn(message);
  }

  // Layout ---------------------------------------------------------------------------------------
  function start() {
    main.className = 'signed-in';
    append(clear(main), [
      h('section', { id: 'portfolio', 'aria-labelledby': 'portfolio-heading', 'aria-busy': 'true' }, h('h2', { id: 'portfolio-heading', text: 'Portfolio' }), h('p', { class: 'muted', text: 'Loading...' })),
      h('section', { id: 'project', 'aria-labelledby': 'project-heading' }, h('h2', { id: 'project-heading', text: 'Project' }), h('p', { class: 'muted', text: 'Choose a project in the list to see its progress.' })),
      h('section', { id: 'notifications', 'aria-labelledby': 'notifications-heading' }, h('h2', { id: 'notifications-heading', text: 'Live notifications' }), h('p', { id: 'feed-status', class: 'muted', role: 'status' }), h('ol', { id: 'feed', reversed: true }))
    ]);
    append(clear(who), h('button', { type: 'button', class: 'secondary', onclick: function () { signOut('Signed out.'); }, text: 'Sign out' }));
    loadPortfolio().then(function () { var id = fromHash(); if (id) loadProject(id, false); }).catch(function () {});
    startNotifications();
  }

  // Portfolio ------------------------------------------------------------------------------------
  function loadPortfolio() {
    var section = document.getElementById('portfolio');
    return Promise.all([api('/portfolio'), api('/projects?limit=' + PAGE)]).then(function (answers) {
      renderPortfolio(section, answers[0], answers[1]);
    }, function (error) {
      if (error instanceof ApiError && error.status === 401) throw error;
      section.removeAttribute('aria-busy');
      append(clear(section), h('h2', { id: 'portfolio-heading', text: 'Portfolio' }), h('p', { class: 'error', role: 'alert', text: problemText(error) }),
        h('button', { type: 'button', onclick: function () { start(); }, text: 'Try again' }));
      throw error;
    });
  }

  function badge(state) { return h('span', { class: 'badge ' + state, text: state === 'unreached' ? 'not reached' : state }); }
  function stat(term, value) { return h('div', null, h('dt', { text: term }), h('dd', { text: number(value) })); }

  function renderPortfolio(section, portfolio, projects) {
    section.removeAttribute('aria-busy');
    var statuses = inLifecycleOrder(Object.keys(portfolio.projects.byStatus));
    var countries = Object.keys(portfolio.projects.byCountry).sort();
    var byCountry = h('table', null,
      h('caption', { text: 'Projects by country and status' }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Country' }), statuses.map(function (s) { return h('th', { scope: 'col', class: 'num', text: label(s) }); }), h('th', { scope: 'col', class: 'num', text: 'total' }))),
      h('tbody', null, countries.map(function (country) {
        var row = portfolio.projects.byCountry[country];
        var total = statuses.reduce(function (sum, s) { return sum + (row[s] || 0); }, 0);
        return h('tr', null, h('th', { scope: 'row', text: country }), statuses.map(function (s) { return h('td', { class: 'num', text: number(row[s] || 0) }); }), h('td', { class: 'num', text: number(total) }));
      })));
    var m = portfolio.milestones, i = portfolio.indicators;
    var country = h('select', { id: 'filter-country' }, h('option', { value: '', text: 'All countries' }), countries.map(function (c) { return h('option', { value: c, text: c }); }));
    var status = h('select', { id: 'filter-status' }, h('option', { value: '', text: 'All statuses' }), statuses.map(function (s) { return h('option', { value: s, text: label(s) }); }));
    var body = h('tbody');
    var count = h('p', { class: 'muted', role: 'status' });
    var more = h('button', { type: 'button', class: 'secondary', onclick: function () { list(true); }, text: 'Show more' });
    // The list as the API filters and pages it (by code): the filters ask the API, so every project
    // matching them can be reached however many there are, a page of PAGE at a time.
    var shown = projects;
    var asked = 0;
    function fill() {
      count.textContent = shown.items.length < shown.total ? shown.items.length + ' of ' + shown.total + ' projects shown' : shown.total + ' projects';
      more.hidden = shown.nextAfter === null;
      append(clear(body), shown.items.map(function (p) {
        return h('tr', { 'data-project-id': p.id, 'aria-current': p.id === selectedId ? 'true' : null },
          h('td', null, h('button', { type: 'button', class: 'link', onclick: function () { loadProject(p.id, true); }, text: p.title })),
          h('td', { text: p.code }), h('td', { text: p.country }), h('td', { text: label(p.status) }));
      }));
    }
    function list(next) {
      var query = ['limit=' + PAGE];
      if (country.value) query.push('country=' + encodeURIComponent(country.value));
      if (status.value) query.push('status=' + encodeURIComponent(status.value));
      if (next) query.push('after=' + encodeURIComponent(shown.nextAfter));
      var mine = ++asked;
      count.textContent = 'Loading...';
      api('/projects?' + query.join('&')).then(function (page) {
        // A later change of the filters has asked again: its answer is the one to show.
        if (mine !== asked) return;
        shown = next ? { items: shown.items.concat(page.items), total: page.total, nextAfter: page.nextAfter } : page;
        fill();
      }, function (error) {
        if (mine !== asked || (error instanceof ApiError && error.status === 401)) return;
        count.textContent = problemText(error);
      });
    }
    country.addEventListener('change', function () { list(false); });
    status.addEventListener('change', function () { list(false); });
    fill();
    append(clear(section), [
      h('h2', { id: 'portfolio-heading', text: 'Portfolio' }),
      h('dl', { class: 'stats', 'aria-label': 'Portfolio totals' },
        stat('Projects', portfolio.projects.total), stat('Milestones reached', m.reached), stat('Milestones overdue', m.overdue),
        stat('Upcoming (30 days)', m.upcoming), stat('Indicators on track', i.onTrack), stat('Indicators behind', i.behind)),
      h('p', { class: 'muted', text: number(m.planned) + ' milestones still planned, ' + number(m.waived) + ' waived; ' + number(i.measured) + ' of ' + number(i.total) + ' indicators measured, ' + number(i.targetReached) + ' at target.' }),
      scrolling(byCountry),
      h('h3', { id: 'projects-heading', text: 'Projects' }),
      h('div', { class: 'filters' },
        h('div', null, h('label', { for: 'filter-country', text: 'Country' }), country),
        h('div', null, h('label', { for: 'filter-status', text: 'Status' }), status)),
      count,
      scrolling(h('table', { 'aria-labelledby': 'projects-heading' },
        h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Project' }), h('th', { scope: 'col', text: 'Code' }), h('th', { scope: 'col', text: 'Country' }), h('th', { scope: 'col', text: 'Status' }))),
        body)),
      more
    ]);
  }

  // One project ----------------------------------------------------------------------------------
  function fromHash() { var match = /^#project=([0-9a-f-]{36})$/i.exec(location.hash); return match ? match[1] : null; }

  function loadProject(id, focus) {
    selectedId = id;
    if (location.hash !== '#project=' + id) history.replaceState(null, '', '#project=' + id);
    Array.prototype.forEach.call(document.querySelectorAll('tr[data-project-id]'), function (row) {
      if (row.getAttribute('data-project-id') === id) row.setAttribute('aria-current', 'true'); else row.removeAttribute('aria-current');
    });
    var section = document.getElementById('project');
    section.setAttribute('aria-busy', 'true');
    var id64 = encodeURIComponent(id);
    return Promise.all([api('/projects/' + id64), api('/projects/' + id64 + '/timeline')]).then(function (answers) {
      if (selectedId !== id) return;
      renderProject(section, answers[0], answers[1]);
      if (focus) document.getElementById('project-heading').focus();
    }, function (error) {
      section.removeAttribute('aria-busy');
      if (error instanceof ApiError && error.status === 401) return;
      append(clear(section), h('h2', { id: 'project-heading', tabindex: '-1', text: 'Project' }), h('p', { class: 'error', role: 'alert', text: problemText(error) }));
    });
  }

  // As GET /portfolio counts them: due from today to before today + 30 days, on a project that is not
  // closed or cancelled (whose planned milestones will not happen, past due or not).
  function milestoneState(m, projectStatus) {
    if (m.status === 'reached') return 'reached';
    if (m.status === 'waived') return 'waived';
    if (m.overdue) return 'overdue';
    // A closed or cancelled project's milestones still planned will not happen: not "later".
    if (projectStatus === 'closed' || projectStatus === 'cancelled') return 'unreached';
    if (m.dueDate >= inDays(0) && m.dueDate < inDays(UPCOMING_DAYS)) return 'upcoming';
    return 'planned';
  }

  function renderProject(section, p, timeline) {
    section.removeAttribute('aria-busy');
    var states = p.milestones.map(function (m) { return milestoneState(m, p.status); });
    function tally(state) { return states.filter(function (s) { return s === state; }).length; }
    var where = p.location ? [p.location.village, p.location.district, p.location.province].filter(Boolean).join(', ') : '';
    append(clear(section), [
      h('h2', { id: 'project-heading', tabindex: '-1', text: p.title }),
      h('p', { class: 'muted', text: [p.code, p.country, where, label(p.status), 'version ' + p.version].filter(Boolean).join(' \u00b7 ') }),
      p.description ? h('p', { text: p.description }) : null,
      h('p', { class: 'muted', text: [
        p.plannedStart || p.plannedEnd ? 'Planned ' + (p.plannedStart || 'open') + ' to ' + (p.plannedEnd || 'open') : 'No planned dates',
        p.actualStart ? 'started ' + p.actualStart : null, p.actualEnd ? 'ended ' + p.actualEnd : null].filter(Boolean).join('; ') }),
      timeline.plannedDateRevisions.length === 0 ? null :
        h('ul', { class: 'muted', 'aria-label': 'Revisions of the planned dates' }, timeline.plannedDateRevisions.map(function (r) {
          var moved = [['start', r.previousPlannedStart, r.plannedStart], ['end', r.previousPlannedEnd, r.plannedEnd]]
            .filter(function (d) { return d[1] !== d[2]; })
            .map(function (d) { return 'planned ' + d[0] + ' ' + (d[1] || 'open') + ' \u2192 ' + (d[2] || 'open'); });
          return h('li', { text: r.occurredAt.slice(0, 10) + ': ' + moved.join(', ') + ' (' + r.reason + ')' });
        })),
      h('h3', { id: 'milestones-heading', text: 'Milestones' }),
      h('dl', { class: 'stats', 'aria-label': 'Milestones of this project' },
        stat('Reached', tally('reached')), stat('Overdue', tally('overdue')), stat('Upcoming (30 days)', tally('upcoming')), stat('Later', tally('planned')), stat('Waived', tally('waived')),
        tally('unreached') ? stat('Not reached (project ' + label(p.status) + ')', tally('unreached')) : null),
      p.milestones.length === 0 ? h('p', { class: 'muted', text: 'No milestones planned yet.' }) : scrolling(
        h('table', { 'aria-labelledby': 'milestones-heading' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Milestone' }), h('th', { scope: 'col', text: 'Due' }), h('th', { scope: 'col', text: 'State' }), h('th', { scope: 'col', text: 'Reached' }))),
          h('tbody', null, p.milestones.map(function (m, index) {
            var state = states[index];
            return h('tr', { 'data-milestone-state': state },
              h('td', { text: m.title }), h('td', { text: m.dueDate + (m.timesRescheduled ? ' (moved ' + m.timesRescheduled + '\u00d7)' : '') }),
              h('td', null, badge(state)),
              h('td', { text: m.reachedOn || (m.waiveReason ? 'waived: ' + m.waiveReason : '') }));
          })))),
      h('h3', { id: 'indicators-heading', text: 'Indicators against target' }),
      p.indicators.length === 0 ? h('p', { class: 'muted', text: 'No indicators defined yet.' }) :
        h('ul', { class: 'indicators', 'aria-labelledby': 'indicators-heading' }, p.indicators.map(renderIndicator)),
      h('h3', { id: 'timeline-heading', text: 'Timeline' }),
      timeline.milestones.length === 0 ? h('p', { class: 'muted', text: 'Nothing on the timeline yet.' }) :
        h('ol', { class: 'timeline', 'aria-labelledby': 'timeline-heading' }, timeline.milestones.map(function (m) {
          var state = milestoneState(m, p.status);
          return h('li', { class: state },
            h('strong', { text: m.dueDate + ' \u2014 ' + m.title + ' ' }), badge(state),
            h('ul', null, m.history.map(function (entry) {
              var text = label(entry.kind) + ' ' + (entry.date || entry.occurredAt.slice(0, 10));
              if (entry.previousDueDate) text += ': due ' + entry.previousDueDate + ' \u2192 ' + entry.dueDate;
              else if (entry.kind === 'planned') text += ': due ' + entry.dueDate;
              if (entry.note) text += ' (' + entry.note + ')';
              return h('li', { text: text });
            })));
        }))
    ]);
  }

  function renderIndicator(i) {
    var share = typeof i.progress === 'number' ? i.progress : null;
    var shown = share === null ? 0 : Math.max(0, Math.min(1, share));
    var fill = h('span');
    fill.style.width = (shown * 100).toFixed(1) + '%';
    var actual = i.latestActual ? number(i.latestActual.value) + ' ' + i.unit + ' on ' + i.latestActual.date : 'not measured yet';
    var text = actual + ' of a target of ' + number(i.target.value) + ' ' + i.unit + (i.target.date ? ' by ' + i.target.date : '') +
      ' (baseline ' + number(i.baseline.value) + ')' + (share === null ? '' : ': ' + percent(share));
    return h('li', { class: 'indicator' },
      h('div', { class: 'title', text: i.title }),
      h('div', { class: 'bar' + (share !== null && share >= 1 ? ' done' : ''), role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100',
        'aria-valuenow': String(Math.round(shown * 100)), 'aria-label': i.title + ' progress', 'aria-valuetext': share === null ? 'not measured' : percent(share) }, fill),
      h('div', { class: 'muted', text: text }));
  }

  // What a notification is about has changed: show it, once a burst of them has passed.
  var refreshTimer = null;
  function refreshSoon(projectId) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      var country = document.getElementById('filter-country'), status = document.getElementById('filter-status');
      var filters = [country ? country.value : '', status ? status.value : ''];
      loadPortfolio().then(function () {
        var c = document.getElementById('filter-country'), st = document.getElementById('filter-status');
        if (c && filters[0]) { c.value = filters[0]; c.dispatchEvent(new Event('change')); }
        if (st && filters[1]) { st.value = filters[1]; st.dispatchEvent(new Event('change')); }
      }).catch(function () {});
      if (selectedId && (!projectId || projectId === selectedId)) loadProject(selectedId, false);
    }, 500);
  }

  // Live notifications ---------------------------------------------------------------------------
  // EventSource cannot send an Authorization header, and the key must not travel in a URL (logs,
  // history), so the stream is read with fetch and parsed here; Last-Event-ID resumes after a drop.
  function startNotifications() {
    var feed = document.getElementById('feed');
    var status = document.getElementById('feed-status');
    var controller = new AbortController();
    stream = controller;
    var lastId = null;
    var delay = 1000;
    function show(entry, fresh) {
      if (document.querySelector('#feed li[data-seq="' + entry.seq + '"]')) return;
      var item = h('li', { 'data-seq': entry.seq, class: entry.read ? null : 'unread' },
        h('time', { datetime: entry.time, text: entry.time.slice(0, 16).replace('T', ' ') + ' ' }),
        entry.projectId ? h('button', { type: 'button', class: 'link', onclick: function () { loadProject(entry.projectId, true); }, text: entry.headline }) : h('span', { text: entry.headline }));
      if (fresh) feed.insertBefore(item, feed.firstChild); else feed.appendChild(item);
      if (fresh) refreshSoon(entry.projectId);
    }
    api('/notifications?limit=20').then(function (page) {
      page.items.forEach(function (entry) { show(entry, false); });
      // Resume from what was listed, so nothing that arrives in between is missed.
      lastId = page.items.length ? String(page.items[0].seq) : '0';
      if (page.items.length === 0) status.textContent = 'No notifications yet. Subscribe this key to the inbox channel (POST /subscriptions) to receive them here.';
      connect();
    }, function (error) {
      if (error instanceof ApiError && error.status === 403) status.textContent = 'Live notifications are for admin and manager keys.';
      else if (!(error instanceof ApiError && error.status === 401)) status.textContent = problemText(error);
    });
    function connect() {
      if (controller.signal.aborted) return;
      var usedKey = key();
      var headers = { Authorization: 'Bearer ' + usedKey, Accept: 'text/event-stream' };
      if (lastId !== null) headers['Last-Event-ID'] = lastId;
      fetch('/notifications/stream', { headers: headers, signal: controller.signal, cache: 'no-store' }).then(function (response) {
        if (response.status === 401) { refused(usedKey, 'Your key was refused. Sign in again.'); return; }
        if (!response.ok || !response.body) throw new Error('the stream answered ' + response.status);
        delay = 1000;
        status.textContent = 'Connected: new notifications appear at the top of the list.';
        var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        var buffer = '';
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error('the stream ended');
            buffer += chunk.value.replace(/\r\n?/g, '\n');
            var end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              var block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              var event = 'message', data = [], id = null;
              block.split('\n').forEach(function (line) {
                if (line.charAt(0) === ':') return;
                var colon = line.indexOf(':');
                var field = colon < 0 ? line : line.slice(0, colon);
                var value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
                if (field === 'event') event = value; else if (field === 'data') data.push(value); else if (field === 'id') id = value;
              });
              if (id !== null) lastId = id;
              if (event === 'notification' && data.length) { try { show(JSON.parse(data.join('\n')), true); } catch (e) { /* a malformed event is skipped, not fatal */ } }
            }
            return pump();
          });
        }
        return pump();
      }).catch(function (error) {
        if (controller.signal.aborted) return;
        status.textContent = 'Disconnected (' + (error && error.message ? error.message : error) + '); reconnecting in ' + Math.round(delay / 1000) + ' s.';
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      });
    }
  }

  window.addEventListener('hashchange', function () { var id = fromHash(); if (id && key() && id !== selectedId) loadProject(id, false); });
  if (key()) start(); else showSignIn();
})();
`;
