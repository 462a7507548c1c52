// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Login: picking a group reloads the name list at once.
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
    form.querySelectorAll("select").forEach((select) => {
      select.addEventListener("change", () => form.submit());
    });
  });
  // Destructive buttons ask first.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
