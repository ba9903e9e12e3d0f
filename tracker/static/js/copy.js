// Copy buttons: a button[data-copy="<id>"] copies the value of the field with that id. Without
// JavaScript the button stays hidden and the field (readonly) can be selected and copied by hand.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
    if (!field) continue;
    button.hidden = false;
    field.addEventListener("focus", () => field.select());
    button.addEventListener("click", async () => {
      field.select();
      let copied = false;
      try {
        await navigator.clipboard.writeText(field.value);
        copied = true;
      } catch (e) {
        try { copied = document.execCommand("copy"); } catch (e2) { copied = false; }
      }
      if (status) status.textContent = copied ? "Copied. Paste it where your calendar app asks for a calendar from the web."
        : "Press Ctrl+C (or ⌘C) to copy the selected address.";
      button.textContent = copied ? "Copied" : "Copy address";
    });
  }
});
