// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Preselect the browser's time zone on the registration form, when the list has it.
  for (const select of document.querySelectorAll("select[data-detect-zone]")) {
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && [...select.options].some((o) => o.value === zone)) select.value = zone;
    } catch (e) { /* keep the default */ }
  }
  // Ask before destructive actions.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Show the retake date only when an exam attempt did not pass.
  for (const form of document.querySelectorAll("form[data-exam]")) {
    const retake = form.querySelector("[data-retake]");
    const update = () => {
      const failed = form.querySelector("input[name=result][value=failed]");
      if (retake && failed) retake.hidden = !failed.checked;
    };
    form.addEventListener("change", update);
    update();
  }
  // Unfold "Another credential" when it is the one chosen in the list.
  for (const other of document.querySelectorAll("details#other")) {
    const select = other.closest("form")?.querySelector("select[name=code]");
    if (!select) continue;
    select.addEventListener("change", () => { if (select.value === "OTHER") other.open = true; });
  }
  // Checklists save as each box is ticked: the same POST as the Save button (its CSRF token is in
  // the form), answered 204 for this request. The Save button stays: without JavaScript it saves.
  for (const form of document.querySelectorAll("form[data-autosave]")) {
    const button = form.querySelector("[data-autosave-button]");
    const status = form.querySelector("[data-autosave-status]");
    const say = (text) => { if (status) status.textContent = text; };
    form.addEventListener("change", async () => {
      say("Saving…");
      try {
        const response = await fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        });
        if (!response.ok) throw new Error(String(response.status));
        say("Saved.");
      } catch (e) {
        say("Not saved: use the Save button.");
      }
    });
  }
});

// --- certificate reading (issue 16) ---
// A certificate chosen on the CEU form is sent to be read at once (the "Read it" button stays for
// pages without JavaScript); the waiting page asks for the reading's state instead of refreshing.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-auto-read]")) {
    const button = input.form?.querySelector("button[data-read-button]");
    if (!button) continue;
    input.addEventListener("change", () => {
      if (!input.files.length) return;
      input.form.requestSubmit(button);  // the button's formaction: the reader, not the save
      button.textContent = "Reading…";
      button.disabled = true;
    });
  }
  const waiting = document.querySelector("[data-read-state]");
  if (waiting) {
    const ask = () => fetch(waiting.dataset.readState, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.ok ? response.json() : null)
      .then((state) => {
        if (state && state.status !== "pending") window.location.replace(state.form_url);
        else window.setTimeout(ask, 600);
      })
      .catch(() => window.setTimeout(ask, 1500));
    window.setTimeout(ask, 400);
  }
});
