// Admin upload form: sends the chosen zip as the raw request body (Content-Type: application/zip).
// The button stays disabled until this handler is attached, so the form never submits natively.
const installForm = document.getElementById("install");
installForm.querySelector('button[type="submit"]').disabled = false;
installForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const file = form.elements.package.files[0];
  const id = form.elements.id.value.trim();
  const out = document.getElementById("install-result");
  out.textContent = "installing…";
  const response = await fetch(`/api/courses${id ? `?id=${encodeURIComponent(id)}` : ""}`, {
    method: "POST",
    headers: { "Content-Type": "application/zip" },
    body: file,
  });
  const result = await response.json();
  out.textContent = `${response.status} ${JSON.stringify(result, null, 2)}`;
  if (response.ok) setTimeout(() => location.reload(), 300);
});
