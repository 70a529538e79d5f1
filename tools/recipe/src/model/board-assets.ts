// The board's stylesheet and its one script. The page works without the script; it only adds
// the service filter. Colours keep a contrast ratio of at least 4.5:1 on their backgrounds.

export const boardStyle = `:root { color-scheme: light; --fg: #1a1a1a; --muted: #4d4d4d; --bg: #ffffff; --line: #c7c7c7; --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { padding: 0 1.5rem; max-width: 110rem; margin: 0 auto; }
h1 { margin: 1rem 0 0.25rem; font-size: 1.6rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
h3 { margin: 0 0 0.5rem; font-size: 1.1rem; }
h4 { margin: 0.75rem 0 0.25rem; font-size: 0.95rem; }
a { color: var(--accent); }
a:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #b3261e; outline-offset: 2px; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav ul { list-style: none; display: flex; gap: 1rem; padding: 0; margin: 0.5rem 0; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem; }
.skip:focus { left: 0.5rem; z-index: 1; }
.muted { color: var(--muted); }
.graph { list-style: none; padding: 0; display: flex; gap: 1rem; align-items: flex-start; overflow-x: auto; }
.graph > li { display: flex; flex-direction: column; gap: 1rem; }
.graph > li + li::before { content: "→"; align-self: center; font-size: 1.5rem; color: var(--muted); }
.level { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 1rem; }
.env { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; min-width: 18rem; max-width: 26rem; }
.env dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0; }
.env dt { color: var(--muted); }
.env dd { margin: 0; }
.checks, .verifications { padding-left: 1.1rem; margin: 0.25rem 0; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; border: 1px solid transparent; }
.badge-passed { background: #d7f0dc; color: #0d4a1c; }
.badge-failed { background: #fbd9d6; color: #7a1109; }
.badge-warn, .badge-override { background: #fdecc8; color: #5c3b00; }
.badge-held { background: #e6dcf5; color: #3d1a73; }
.badge-info, .badge-recorded { background: #dde8fb; color: #0a3a8c; }
.readiness { margin-top: 0.75rem; padding: 0.5rem 0.75rem; border-left: 4px solid var(--line); background: #f6f6f6; }
.readiness ul { margin: 0.25rem 0 0; padding-left: 1.1rem; }
.readiness-ready { border-color: #1e7b34; }
.readiness-waiting { border-color: #a86800; }
.readiness-blocked, .readiness-held { border-color: #b3261e; }
.filter { margin: 0.5rem 0; }
.filter input { font: inherit; padding: 0.25rem 0.5rem; min-width: 16rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.25rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; position: sticky; top: 0; }
.version { color: var(--muted); }
.behind { color: #7a1109; font-weight: 600; }
.ahead { color: #5c3b00; }
.event-rollback { background: #fff3f2; }
details.snapshot { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; margin: 0.5rem 0; }
[hidden] { display: none !important; }
`;

export const boardScript = `"use strict";
// Progressive enhancement: narrows the services matrix to the names that contain the filter text.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("service-filter");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#matrix tbody tr"));
  if (!input) return;
  function apply() {
    var needle = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = needle === "" || (row.getAttribute("data-service") || "").toLowerCase().indexOf(needle) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = needle === "" ? "" : shown + " of " + rows.length + " services";
  }
  input.addEventListener("input", apply);
  var fromHash = new URLSearchParams(location.search).get("service");
  if (fromHash) { input.value = fromHash; apply(); }
});
`;
