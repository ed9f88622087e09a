// The library's filters: collapsed behind "Filter" on a phone (the markup's default, so the results
// come first), open wherever there is room. A file, not an inline script: the site's CSP forbids those.
(function () {
  "use strict";
  var roomy = window.matchMedia("(min-width: 40em)");

  function fit() {
    var panels = document.querySelectorAll("details.library-filters");
    for (var i = 0; i < panels.length; i++) {
      panels[i].open = roomy.matches;
    }
  }

  fit();
  if (roomy.addEventListener) {
    roomy.addEventListener("change", fit);
  } else if (roomy.addListener) {
    roomy.addListener(fit); // Safari before 14
  }
})();
