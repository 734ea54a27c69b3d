// Highlight the NIF string a URL fragment names (#char=b,e), also after a 303 from /id/...#char=b,e.
// CSS :target does the same without JavaScript; this adds a class that survives focus changes
// and scrolls the sentence into the middle of the window.
(function () {
  function highlight() {
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    if (!location.hash) return;
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!el) return;
    el.classList.add("highlight");
    el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", highlight);
  document.addEventListener("DOMContentLoaded", highlight);
})();
