// The approval prompt's page. Deny has the focus and answers Enter (anywhere but another button) and Escape; Allow
// and Always are disabled until the prompt has been on screen for a moment, so nothing meant for what was there
// before approves. The extension checks every answer again (approvalPage.ts); this page only reports clicks.
(function () {
  const vscode = acquireVsCodeApi();
  const body = document.body;
  const token = body.dataset.token;
  const armMs = Number(body.dataset.armMs) || 600;
  const buttons = Array.from(document.querySelectorAll("button[data-choice]"));
  const deny = document.getElementById("deny");
  let answered = false;

  function answer(choice) {
    if (answered) return;
    answered = true;
    buttons.forEach((b) => (b.disabled = true));
    vscode.postMessage({ type: "answer", token: token, choice: choice });
  }

  buttons.forEach((b) => b.addEventListener("click", () => answer(b.dataset.choice)));
  document.addEventListener("keydown", (e) => {
    const onButton = e.target instanceof HTMLButtonElement;
    if (e.key === "Escape" || (e.key === "Enter" && !onButton)) {
      e.preventDefault();
      answer("deny");
    }
  });
  // Coming back to the prompt puts the focus on Deny again, unless the user had chosen a button.
  window.addEventListener("focus", () => {
    if (!buttons.includes(document.activeElement)) deny.focus();
  });
  deny.focus();
  setTimeout(() => {
    if (!answered) buttons.forEach((b) => (b.disabled = false));
  }, armMs);
})();
