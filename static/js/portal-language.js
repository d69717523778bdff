// The language selector in the admin header submits itself when a language is chosen
// (templates/admin/base_site.html). A static file: the Content-Security-Policy allows no
// inline script or event-handler attribute. Without JavaScript the form's button works.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("form.portal-language select[name=language]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
