// Worklist keyboard shortcuts (an enhancement; every link is reachable with Tab without it):
// J moves to the next dossier, K to the previous one, Enter opens it.
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll(".odvc-worklist__link"));
  if (!links.length) return;
  var hint = document.querySelector(".odvc-shortcuts");
  if (hint) hint.hidden = false;
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
    var key = event.key.toLowerCase();
    if (key !== "j" && key !== "k") return;
    var index = links.indexOf(document.activeElement);
    var next = key === "j" ? index + 1 : (index < 0 ? 0 : index - 1);
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    event.preventDefault();
  });
})();
