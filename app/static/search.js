// Autocomplete for the search box: the ARIA 1.2 combobox pattern (a text box that controls a
// listbox popup; https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). Without this script the
// box is a plain search field in a plain GET form. No framework, no inline handlers, and no
// HTML built from strings: every suggestion is set as text.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  var status = document.getElementById("q-status");
  if (!input || !list || !input.dataset.suggestUrl || !window.fetch) {
    return;
  }
  var form = input.form;
  var url = input.dataset.suggestUrl;
  var DELAY_MS = 120;
  var items = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var lastQuery = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function isOpen() {
    return !list.hidden;
  }

  function open() {
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function setActive(index) {
    var options = list.children;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "false");
      options[active].classList.remove("active");
    }
    active = index;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      options[active].classList.add("active");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    var item = items[index];
    if (!item) {
      return;
    }
    input.value = item.text;
    close();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function render(suggestions) {
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.appendChild(document.createTextNode(s.text));
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = s.kinds[0] + (s.count > 1 ? " · " + s.count + " datasets" : "");
      li.appendChild(kind);
      list.appendChild(li);
    });
    status.textContent = suggestions.length
      ? suggestions.length + " suggestion" + (suggestions.length === 1 ? "" : "s") + ": use the up and down arrow keys"
      : "";
    if (suggestions.length && document.activeElement === input) {
      open();
    } else {
      close();
    }
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query === lastQuery) {
      open();
      return;
    }
    lastQuery = query;
    if (pending) {
      pending.abort();
    }
    if (!query) {
      render([]);
      return;
    }
    pending = window.AbortController ? new AbortController() : null;
    fetch(url + "?limit=8&q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (query === input.value.trim()) {
          render(data.suggestions || []);
        }
      })
      .catch(function () {
        /* aborted or offline: the plain form still works */
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  });

  input.addEventListener("keydown", function (event) {
    var n = items.length;
    switch (event.key) {
      case "ArrowDown":
        if (!n) {
          return;
        }
        event.preventDefault();
        if (!isOpen()) {
          open();
          if (!event.altKey) {
            setActive(0);
          }
        } else {
          setActive((active + 1) % n);
        }
        break;
      case "ArrowUp":
        if (!n) {
          return;
        }
        event.preventDefault();
        if (!isOpen()) {
          open();
          setActive(n - 1);
        } else {
          setActive(active <= 0 ? n - 1 : active - 1);
        }
        break;
      case "Enter":
        if (isOpen() && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (isOpen()) {
          event.preventDefault();
          close();
        }
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", function () {
    close();
  });

  // mousedown would move the focus away (and close the list) before the click lands
  list.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });

  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) {
      choose(Array.prototype.indexOf.call(list.children, option));
    }
  });
})();
