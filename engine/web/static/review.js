// introgate review page: card actions, lazy drafts, live updates, keyboard shortcuts.
// No framework and no build step; the server renders every card, this file only talks to it.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let version = document.querySelector('meta[name="version"]').content;
  const statusLine = document.getElementById("status");
  const groupsRoot = document.getElementById("groups");
  const POLL_MS = 2000;
  let current = null; // the selected card's request id
  let refreshWanted = false;

  function say(text, failed) {
    statusLine.textContent = text;
    statusLine.classList.toggle("failed", Boolean(failed));
  }

  function cards() {
    return Array.from(document.querySelectorAll("article.card"));
  }

  function cardOf(element) {
    return element ? element.closest("article.card") : null;
  }

  function idOf(card) {
    return card.id.slice(2); // "r-" + the request id
  }

  function select(card) {
    if (!card) return;
    cards().forEach((c) => c.classList.remove("selected"));
    card.classList.add("selected");
    current = idOf(card);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    const area = card.querySelector("textarea");
    if (area) loadQuestion(area);
  }

  async function post(id, action, body) {
    const response = await fetch(`/requests/${id}/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (e) {
      answer = { error: `failed (${response.status})` };
    }
    if (!response.ok) throw new Error(answer.error || `failed (${response.status})`);
    return answer;
  }

  // -- the drafted question, read from Drafts when its card comes into view --------------
  async function loadQuestion(area) {
    if (area.dataset.loading) return;
    area.dataset.loading = "1";
    const id = idOf(cardOf(area));
    try {
      const response = await fetch(`/requests/${id}/question`, { credentials: "same-origin" });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || "failed");
      if (answer.question === null) {
        area.placeholder = "(the draft is no longer in Drafts)";
        return;
      }
      area.value = answer.question;
      area.dataset.saved = answer.question;
      area.disabled = false;
      area.dataset.recipients = JSON.stringify(answer.recipients);
      offerSending(cardOf(area), answer.recipients);
    } catch (e) {
      area.placeholder = `(cannot read the draft: ${e.message})`;
    }
  }

  // a To: added to the draft (here or in a mail client) makes it sendable by e-mail
  function offerSending(card, recipients) {
    if (!recipients.length || card.querySelector('button[data-act="send"]')) return;
    const button = document.createElement("button");
    button.dataset.act = "send";
    button.textContent = `Send by e-mail to ${recipients.join(", ")}`;
    const actions = card.querySelector(".actions");
    actions.insertBefore(button, actions.querySelector('button[data-act="know"]'));
  }

  const watcher = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          watcher.unobserve(entry.target);
          loadQuestion(entry.target);
        }
      }
    },
    { rootMargin: "400px" },
  );

  function watchQuestions() {
    document.querySelectorAll("article.card textarea").forEach((area) => watcher.observe(area));
  }

  async function saveQuestion(area) {
    if (area.disabled || area.value === area.dataset.saved) return true;
    const card = cardOf(area);
    const text = area.value;
    card.classList.add("busy");
    try {
      const answer = await post(idOf(card), "edit", { question: text });
      area.dataset.saved = text;
      say(answer.message);
      return true;
    } catch (e) {
      say(e.message, true);
      return false;
    } finally {
      card.classList.remove("busy");
    }
  }

  // -- actions ------------------------------------------------------------------------
  async function copyText(area) {
    try {
      await navigator.clipboard.writeText(area.value);
    } catch (e) {
      area.select(); // a page served without TLS to another machine has no clipboard API
      document.execCommand("copy");
    }
  }

  async function act(card, action) {
    if (!card) return;
    const button = card.querySelector(`button[data-act="${action}"]`);
    if (!button || card.classList.contains("busy")) return;
    const area = card.querySelector("textarea");
    if (action === "copy") {
      // opened inside the click: a browser lets only a user's gesture open a tab
      window.open(card.querySelector("a.name").href, "_blank", "noopener,noreferrer");
      if (area) {
        await copyText(area);
        if (!(await saveQuestion(area))) return;
      }
    } else if (area && !(await saveQuestion(area))) {
      return;
    }
    card.classList.add("busy");
    try {
      const answer = await post(idOf(card), action);
      say(answer.message + (action === "copy" ? " (text copied)" : ""));
      await refresh();
    } catch (e) {
      say(e.message, true);
    } finally {
      card.classList.remove("busy");
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (button) {
      const card = cardOf(button);
      select(card);
      act(card, button.dataset.act);
      return;
    }
    const card = cardOf(event.target);
    if (card && event.target.tagName !== "A") select(card);
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("article.card textarea")) saveQuestion(event.target);
  });

  // -- live updates: a cheap version number, the groups fetched again when it moves -------
  function editing() {
    const active = document.activeElement;
    return active && active.tagName === "TEXTAREA" && active.value !== active.dataset.saved;
  }

  async function refresh() {
    if (editing()) {
      refreshWanted = true; // never replace a text the user is typing
      return;
    }
    const response = await fetch("/groups", { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    version = response.headers.get("X-Introgate-Version") || version;
    const keep = current;
    const texts = {};
    document.querySelectorAll("article.card textarea").forEach((area) => {
      if (area.dataset.saved !== undefined) {
        texts[idOf(cardOf(area))] = [area.dataset.saved, area.dataset.recipients || "[]"];
      }
    });
    const parsed = new DOMParser().parseFromString(html, "text/html");
    groupsRoot.replaceChildren(...parsed.body.childNodes);
    document.querySelectorAll("article.card textarea").forEach((area) => {
      const id = idOf(cardOf(area));
      if (texts[id] !== undefined) {
        const [saved, recipients] = texts[id];
        area.value = saved;
        area.dataset.saved = saved;
        area.dataset.recipients = recipients;
        area.dataset.loading = "1";
        area.disabled = false;
        offerSending(cardOf(area), JSON.parse(recipients));
      }
    });
    watchQuestions();
    const again = keep && document.getElementById(`r-${keep}`);
    if (again) again.classList.add("selected");
    refreshWanted = false;
  }

  async function poll() {
    try {
      const response = await fetch("/version", { credentials: "same-origin" });
      if (response.ok) {
        const answer = await response.json();
        if (String(answer.version) !== String(version) || refreshWanted) await refresh();
      }
    } catch (e) {
      say("the review page is not answering (is introgate web still running?)", true);
    }
    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("focusout", (event) => {
    if (event.target.tagName === "TEXTAREA" && refreshWanted) {
      window.setTimeout(refresh, 0);
    }
  });

  // -- keyboard: j/k move, c copy and open, i know, x ignore, u undo, e edit ------------
  const KEYS = { c: "copy", i: "know", x: "ignore", u: "undo" };

  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "TEXTAREA") {
      if (event.key === "Escape") {
        const card = cardOf(event.target);
        event.target.blur();
        select(card);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const all = cards();
    const at = all.findIndex((c) => idOf(c) === current);
    if (event.key === "j" || event.key === "k") {
      const next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      select(all[next]);
      event.preventDefault();
    } else if (event.key === "e" && at >= 0) {
      const area = all[at].querySelector("textarea");
      if (area) {
        area.focus();
        event.preventDefault();
      }
    } else if (KEYS[event.key] && at >= 0) {
      act(all[at], KEYS[event.key]);
      event.preventDefault();
    }
  });

  watchQuestions();
  window.setTimeout(poll, POLL_MS);
})();
