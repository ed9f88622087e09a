// A "Print" button without an inline handler (CSP allows scripts from our static files only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
