/** The report page's only stylesheet, inlined so report.html stays one file that needs no network. */
export const reportCss = `
:root { --ink:#111827; --muted:#6b7280; --line:#e5e7eb; --soft:#f9fafb; --ok:#047857; --ok-bg:#ecfdf5;
  --warn:#b45309; --warn-bg:#fffbeb; --bad:#b91c1c; --bad-bg:#fef2f2; --accent:#2563eb; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); background: #f3f4f6; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; background: #fff; min-height: 100vh; }
header .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); margin: 0; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 6px; }
h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 0; font-size: 13px; }
.verdict { margin: 22px 0 8px; padding: 18px 22px; border-radius: 10px; border: 1px solid; border-left-width: 8px; }
.verdict.promote { background: var(--ok-bg); border-color: var(--ok); }
.verdict.conditions { background: var(--warn-bg); border-color: var(--warn); }
.verdict.reject { background: var(--bad-bg); border-color: var(--bad); }
.verdict .label { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0; }
.verdict .decision { font-size: 30px; font-weight: 750; margin: 2px 0 6px; letter-spacing: .01em; }
.verdict.promote .decision { color: var(--ok); }
.verdict.conditions .decision { color: var(--warn); }
.verdict.reject .decision { color: var(--bad); }
.verdict p { margin: 4px 0; }
.pill { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 999px;
  border: 1px solid currentColor; white-space: nowrap; }
.pill.ok { color: var(--ok); background: var(--ok-bg); }
.pill.warn { color: var(--warn); background: var(--warn-bg); }
.pill.bad { color: var(--bad); background: var(--bad-bg); }
.pill.muted { color: var(--muted); background: var(--soft); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600;
  background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.reasons td:first-child { width: 92px; }
.reasons td { width: 45%; }
.aud { display: block; font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
ul.changes { padding-left: 0; list-style: none; margin: 6px 0; }
ul.changes li { padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; margin: 6px 0; background: var(--soft); }
ul.changes b { display: block; }
.after { font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px; }
figure { margin: 0; padding: 12px 14px; border: 1px solid var(--line); border-radius: 10px; break-inside: avoid; }
figure h3 { margin: 0 0 6px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
dl.facts { display: grid; grid-template-columns: 190px 1fr; gap: 4px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.note { color: var(--muted); }
.nowrap, .nowrap code { white-space: nowrap; word-break: normal; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; min-height: 0; }
  h2 { break-after: avoid; }
  tr, figure, .verdict, ul.changes li { break-inside: avoid; }
  .charts { grid-template-columns: 1fr; gap: 10px; }
  figure svg { margin: 0 auto; }
  figure { padding: 6px; }
}
`;
