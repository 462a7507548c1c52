// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Login: picking a group reloads the name list at once.
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
    form.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => form.submit());
    });
  });
  // Schedule Data Backup: picking a group shows its users at once.
  document.querySelectorAll("select[data-autosubmit-action]").forEach((select) => {
    select.form.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
    select.addEventListener("change", () => {
      const action = document.createElement("input");
      action.type = "hidden";
      action.name = "action";
      action.value = select.dataset.autosubmitAction;
      select.form.appendChild(action);
      select.form.submit();
    });
  });
  // Backup progress: follow the progress endpoint, reload when the run is over.
  const panel = document.querySelector("[data-progress-url]");
  if (panel) {
    const follow = async () => {
      try {
        const response = await fetch(panel.dataset.progressUrl, { credentials: "same-origin" });
        const job = await response.json();
        if (job.state !== "running") { window.location.reload(); return; }
        panel.querySelector("progress.overall").value = job.percent;
        panel.querySelector(".percent").textContent = job.percent + "%";
        for (const [name, fraction] of Object.entries(job.files)) {
          const bar = panel.querySelector(`progress[data-file="${CSS.escape(name)}"]`);
          if (bar) bar.value = Math.round(fraction * 100);
        }
      } catch (error) { /* a hiccup: try again */ }
      setTimeout(follow, 500);
    };
    setTimeout(follow, 500);
  }
  // Busy elsewhere: reload until it is done.
  if (document.querySelector("[data-reload]")) setTimeout(() => window.location.reload(), 2000);
  // Destructive buttons ask first: a form of one button, or one button of a list's form.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
});
