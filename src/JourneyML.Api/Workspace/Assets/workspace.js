// The workspace's only script (served by the service, allowed by its Content-Security-Policy): small keyboard help.
// Every page works without it.
"use strict";
document.addEventListener("keydown", (event) => {
  // "/" jumps to the search box of the list, as in many web tools, unless the user is typing somewhere already.
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const search = document.getElementById("q");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  }
});
