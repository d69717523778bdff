// 显示: a masked ID number or mobile number shown in full on a deliberate click
// (audit/reveal.py). The click POSTs to the reveal view, which checks the user may see it
// and logs it, and answers the value; it replaces the masked text, or fills the change
// form's input. A static file: the Content-Security-Policy allows no inline script.
if (!window.portalRevealLoaded) {
  window.portalRevealLoaded = true;
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.pd-reveal");
    if (!button) return;
    event.preventDefault();
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.revealUrl, {
        method: "POST",
        headers: { "X-CSRFToken": button.dataset.csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      const target = document.getElementById(button.dataset.target);
      if (target && target.tagName === "INPUT") {
        target.value = data.value;
        target.classList.add("pd-revealed");
      } else if (target) {
        target.textContent = data.value;
        target.classList.add("pd-revealed");
      }
      button.remove();
    } catch (error) {
      button.disabled = false;
      button.textContent = button.dataset.failed;
    }
  });
}
