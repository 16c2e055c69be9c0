/*
 * /sparql: YASGUI's editor (Yasqe) and results table (Yasr) over the plain query form.
 *
 * Progressive enhancement: without JavaScript, or when the vendor bundle is missing
 * (`bash .ci/build-ui` has not run), the form and the server-rendered table work as they are.
 * Everything comes from the page (#sparql-config, the example list) and every request goes to
 * this origin's endpoint: the remote autocompleters (Linked Open Vocabularies for classes and
 * properties, prefix.cc for prefixes) are switched off and the page's CSP (connect-src 'self')
 * would block them anyway.
 */
(function () {
  "use strict";

  var Yasgui = window.Yasgui;
  var configEl = document.getElementById("sparql-config");
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  if (!Yasgui || !Yasgui.Yasqe || !Yasgui.Yasr || !configEl || !form || !textarea) return;

  var config = JSON.parse(configEl.textContent);
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var PREFIX_COMPLETER = "crosswalk-prefixes";

  // --- prefixes: ours first, then YASGUI's bundled list (no prefix.cc) ------------------------

  Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: PREFIX_COMPLETER,
      persistenceId: null, // no stale list in localStorage: the page's list is the truth
      get: function (yasqe) {
        var ours = Object.keys(config.prefixes).map(function (name) {
          return name + ": <" + config.prefixes[name] + ">";
        });
        var bundled = Yasqe.Autocompleters.prefixes.get(yasqe);
        return Promise.resolve(bundled).then(
          function (list) {
            var others = (list || []).filter(function (entry) {
              return !Object.prototype.hasOwnProperty.call(config.prefixes, entry.split(":")[0]);
            });
            return ours.concat(others);
          },
          function () {
            return ours;
          }
        );
      },
    },
    false
  );
  // Set on the defaults, not per instance: YASGUI deep-merges arrays index by index.
  Yasqe.defaults.autocompleters = ["variables", PREFIX_COMPLETER];
  Yasqe.defaults.prefixCcApi = null;
  Yasr.defaults.pluginOrder = ["table", "response"];

  // --- small helpers --------------------------------------------------------------------------

  function pageUrl(query) {
    var url = new URL(form.getAttribute("action"), window.location.href);
    url.searchParams.set("query", query);
    url.searchParams.set("format", "html");
    return url.pathname + url.search;
  }

  function graphArgs() {
    var args = [];
    form.querySelectorAll("input[name='default-graph-uri'], input[name='named-graph-uri']").forEach(function (input) {
      if (input.value.trim()) args.push({ name: input.name, value: input.value.trim() });
    });
    return args;
  }

  var results = document.getElementById("results");
  var status = document.getElementById("results-status");
  var heading = document.getElementById("results-heading");
  var serverResults = document.getElementById("server-results");
  var serverError = document.getElementById("server-error");

  function say(text) {
    status.textContent = text;
  }

  // --- the editor -----------------------------------------------------------------------------

  var editorEl = document.createElement("div");
  editorEl.id = "query-editor";
  textarea.insertAdjacentElement("beforebegin", editorEl);

  var yasqe = new Yasqe(editorEl, {
    value: textarea.value,
    persistenceId: null, // the query comes from the page (an example, a link), not localStorage
    consumeShareLink: null,
    createShareableLink: function (instance) {
      return new URL(pageUrl(instance.getValue()), window.location.href).toString();
    },
    showQueryButton: false, // the form's "Run query" button runs it (one button, one name)
    resizeable: true,
    editorHeight: "18rem",
    // Tab moves focus out of the editor (no keyboard trap); Ctrl-] and Ctrl-[ indent.
    extraKeys: { Tab: false, "Shift-Tab": false },
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      // YASGUI's defaultGraphs option sends the named graphs; pass both lists as plain args.
      args: graphArgs,
    },
  });

  textarea.hidden = true;
  textarea.required = false; // a hidden required field would block the form without a message
  var input = yasqe.getInputField();
  input.setAttribute("aria-labelledby", "query-label");
  input.setAttribute("aria-describedby", "editor-help");
  var help = document.getElementById("editor-help");
  if (help) help.hidden = false;
  var label = document.getElementById("query-label");
  if (label) {
    label.addEventListener("click", function () {
      yasqe.focus();
    });
  }
  yasqe.on("change", function () {
    textarea.value = yasqe.getValue();
  });

  // --- the results table ----------------------------------------------------------------------

  var yasrEl = document.getElementById("yasr");
  var yasr = new Yasr(yasrEl, {
    persistenceId: null,
    prefixes: function () {
      return Object.assign({}, config.prefixes, yasqe.getPrefixesFromQuery());
    },
    getPlainQueryLinkToEndpoint: function () {
      return pageUrl(yasqe.getValue());
    },
    getDownloadFileName: function () {
      return "crosswalk-query-results";
    },
  });
  // The header's help link is an unlabelled icon pointing off-site: not on this page.
  yasrEl.querySelectorAll(".yasr_external_ref_btn").forEach(function (link) {
    link.remove();
  });

  var focusResults = false;

  yasqe.on("queryBefore", function () {
    results.hidden = false;
    results.setAttribute("aria-busy", "true");
    say("Running the query…");
  });

  yasqe.on("queryResponse", function (instance, response, duration) {
    results.removeAttribute("aria-busy");
    if (serverResults) {
      serverResults.remove(); // the page's own table belonged to the previous query
      serverResults = null;
    }
    if (serverError) {
      serverError.remove();
      serverError = null;
    }
    yasr.setResponse(response, duration);
    if (response instanceof Error) {
      say("Error: " + response.message);
    } else {
      var parts = [];
      var answer = yasr.results ? yasr.results.getBoolean() : undefined;
      if (typeof answer === "boolean") {
        parts.push("answer: " + answer);
      } else if (yasr.results) {
        var count = (yasr.results.getBindings() || []).length;
        parts.push(count + (count === 1 ? " row" : " rows"));
      }
      parts.push(Math.round(duration) + " ms");
      var truncated = response.headers && response.headers.get("X-Crosswalk-Truncated") === "true";
      if (truncated) {
        parts.push("truncated: only the first " + config.row_cap + " are shown; add LIMIT/OFFSET or narrow the query");
      }
      say(parts.join(" · "));
      // The URL names what is shown: a reload (or a shared link) runs the same query on the server.
      window.history.replaceState(null, "", pageUrl(yasqe.getValue()));
    }
    if (focusResults) {
      focusResults = false;
      heading.focus();
    }
  });

  function run() {
    if (!yasqe.getValue().trim()) {
      results.hidden = false;
      say("Write a query first.");
      yasqe.focus();
      return;
    }
    yasqe.query().catch(function () {
      /* shown by Yasr and in the status line */
    });
  }

  form.addEventListener("submit", function (event) {
    textarea.value = yasqe.getValue();
    var format = form.querySelector("select[name='format']");
    if (format && format.value !== "html") return; // CSV, Turtle ...: let the browser fetch it
    event.preventDefault();
    run();
  });

  // --- examples: Run loads the query into the editor and runs it ------------------------------

  function exampleButton(link, onPress) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-label", link.getAttribute("aria-label") || link.textContent);
    button.dataset.example = link.dataset.example;
    button.addEventListener("click", onPress);
    link.replaceWith(button);
    return button;
  }

  document.querySelectorAll("[data-example-query]").forEach(function (pre) {
    var slug = pre.dataset.exampleQuery;
    var query = pre.textContent;
    var item = pre.closest("[data-example]");
    if (!item) return;
    var runLink = item.querySelector("a.example-run");
    var editLink = item.querySelector("a.example-edit");
    if (runLink) {
      exampleButton(runLink, function () {
        yasqe.setValue(query);
        focusResults = true;
        form.scrollIntoView({ block: "start" });
        run();
      });
    }
    if (editLink) {
      exampleButton(editLink, function () {
        yasqe.setValue(query);
        window.history.replaceState(null, "", "?example=" + encodeURIComponent(slug));
        form.scrollIntoView({ block: "start" });
        yasqe.focus();
      });
    }
  });

  document.documentElement.classList.add("has-editor");
})();
