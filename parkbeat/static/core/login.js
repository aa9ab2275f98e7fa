// Demo login page: a click on a demo account fills the username and moves on to the password (CSP: no inline JS).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-demo-username]");
  if (!button) return;
  event.preventDefault();
  var username = document.getElementById("id_username");
  var password = document.getElementById("id_password");
  if (!username) return;
  username.value = button.getAttribute("data-demo-username");
  username.dispatchEvent(new Event("input", { bubbles: true }));
  document.querySelectorAll("[data-demo-username]").forEach(function (other) {
    other.classList.toggle("active", other === button);
    other.setAttribute("aria-pressed", other === button ? "true" : "false");
  });
  if (password) password.focus();
});
