// The dashboard's one stylesheet, injected once so the bundle stays a single file.
const CSS = `
:root {
  --bg: #f5f7fa; --card: #fff; --text: #1d2733; --muted: #5f6b7a; --line: #e2e7ee;
  --accent: #1f6feb; --accent-dark: #1558c0; --accent-soft: #e8f0fe;
  --good: #1a7f4b; --good-soft: #e3f5eb; --warn: #9a6200; --warn-soft: #fff4d6;
  --bad: #c4301c; --bad-soft: #fde9e6; --info: #1f5fbf; --info-soft: #e8f0fe;
  --radius: 10px; --focus: 0 0 0 3px rgba(31, 111, 235, .35);
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.app { max-width: 960px; margin: 0 auto; padding: 20px 16px 40px; }
.app-header { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; margin-bottom: 12px; }
.app-title { font-size: 20px; margin: 0; font-weight: 650; }
.app-subtitle { color: var(--muted); }
.banner { background: var(--bad-soft); color: var(--bad); border: 1px solid #f3c2ba;
  border-radius: var(--radius); padding: 10px 14px; margin-bottom: 12px; font-weight: 550; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 16px; }
.tab { appearance: none; border: 0; background: none; font: inherit; color: var(--muted);
  padding: 8px 14px; border-bottom: 2px solid transparent; margin-bottom: -1px; cursor: pointer;
  border-radius: 6px 6px 0 0; font-weight: 550; }
.tab:hover { color: var(--text); background: #eef2f7; }
.tab[aria-selected="true"] { color: var(--accent); border-bottom-color: var(--accent); }
.panel:focus { outline: none; }
.panel:focus-visible { box-shadow: var(--focus); border-radius: var(--radius); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 16px 18px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04); min-width: 0; }
.settings-form .card { margin-bottom: 16px; }
.card-title { font-size: 15px; font-weight: 650; margin: 0 0 12px; display: flex; align-items: center; gap: 8px; }
.subtitle { font-size: 13px; font-weight: 650; color: var(--muted); margin: 16px 0 6px;
  text-transform: uppercase; letter-spacing: .04em; }
.lead { margin: 0 0 12px; color: var(--muted); }
.muted { color: var(--muted); }
.small { font-size: 12px; margin: 4px 0 0; }
.loading { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0 0 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; font-weight: 500; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; }
.card-result:empty { display: none; }
.card-result { margin: 10px 0 0; color: var(--muted); }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 9px;
  border-radius: 999px; background: #eef1f5; color: var(--muted); }
.badge-good { background: var(--good-soft); color: var(--good); }
.badge-warn { background: var(--warn-soft); color: var(--warn); }
.badge-bad { background: var(--bad-soft); color: var(--bad); }
.badge-info { background: var(--info-soft); color: var(--info); }
.messages, .errors { list-style: none; margin: 0; padding: 0; }
.messages li { padding: 6px 0; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
.messages li:first-child { border-top: 0; }
.counters { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 8px; margin: 0; }
.counter { background: var(--bg); border-radius: 8px; padding: 8px 10px; }
.counter dt { color: var(--muted); font-size: 12px; }
.counter dd { margin: 0; font-size: 20px; font-weight: 650; }
.error-item { display: flex; flex-direction: column; padding: 6px 0; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
.error-item:first-child { border-top: 0; }
.error-item time { color: var(--muted); font-size: 12px; }
.error-item span { color: var(--bad); }
.fetch-row { padding: 10px 0; border-top: 1px solid var(--line); }
.fetch-row:first-of-type { border-top: 0; padding-top: 0; }
.fetch-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.fetch-head .field-hint { margin: 0; flex: 1 1 160px; }
.job { margin-top: 10px; }
.job-line { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; font-size: 13px; }
.job-errors { color: var(--bad); font-weight: 550; }
.progress { height: 8px; background: #e9edf3; border-radius: 999px; overflow: hidden; margin-top: 6px; }
.progress-bar { height: 100%; background: var(--accent); border-radius: 999px; transition: width .4s ease; }
.progress-good { background: var(--good); } .progress-bad { background: var(--bad); }
.progress-warn { background: var(--warn); }
.progress-indeterminate .progress-bar { width: 35%; animation: slide 1.2s ease-in-out infinite; }
@keyframes slide { from { transform: translateX(-100%); } to { transform: translateX(300%); } }
@media (prefers-reduced-motion: reduce) { .progress-indeterminate .progress-bar { animation: none; width: 100%; opacity: .4; } }
.button { appearance: none; font: inherit; font-weight: 600; border-radius: 8px; padding: 7px 14px;
  border: 1px solid transparent; cursor: pointer; line-height: 1.3; }
.button:disabled { opacity: .5; cursor: not-allowed; }
.button-primary { background: var(--accent); color: #fff; }
.button-primary:hover:not(:disabled) { background: var(--accent-dark); }
.button-secondary { background: #fff; color: var(--text); border-color: #cfd6df; }
.button-secondary:hover:not(:disabled) { background: #f3f6f9; }
.button-danger { background: #fff; color: var(--bad); border-color: #f0b7ae; }
.button-danger:hover:not(:disabled) { background: var(--bad-soft); }
.button-small { padding: 4px 10px; font-size: 13px; }
.button-icon { background: none; border: 0; color: var(--muted); font-size: 20px; line-height: 1;
  padding: 6px 10px; }
.button-icon:hover { color: var(--bad); background: var(--bad-soft); }
:focus-visible { outline: none; box-shadow: var(--focus); }
.input { font: inherit; width: 100%; padding: 7px 10px; border: 1px solid #cfd6df; border-radius: 8px;
  background: #fff; color: var(--text); min-width: 0; }
.input:focus { border-color: var(--accent); box-shadow: var(--focus); outline: none; }
.input[aria-invalid="true"] { border-color: var(--bad); }
.input-short { max-width: 220px; }
.field { padding: 12px 0; border-top: 1px solid var(--line); }
.card-title + .field { border-top: 0; padding-top: 0; }
.field-label { display: block; font-weight: 600; margin: 0 0 2px; font-size: 14px; }
.field-hint { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.field-error { color: var(--bad); font-size: 13px; margin: 4px 0 0; font-weight: 500; }
.field-check { display: flex; gap: 10px; align-items: flex-start; }
.field-check input { margin-top: 4px; width: 16px; height: 16px; accent-color: var(--accent); }
.field-check .field-hint { margin: 0; }
.chip-picker { display: grid; gap: 8px; }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; gap: 2px; background: var(--accent-soft); color: #163f86;
  border-radius: 999px; padding: 2px 4px 2px 10px; font-size: 13px; max-width: 100%; }
.chip-label { overflow-wrap: anywhere; }
.chip-remove { appearance: none; border: 0; background: none; color: inherit; font-size: 16px; line-height: 1;
  width: 22px; height: 22px; border-radius: 50%; cursor: pointer; }
.chip-remove:hover { background: rgba(31, 111, 235, .15); }
.chips-empty { color: var(--muted); font-size: 13px; }
.picker-search { display: flex; gap: 8px; }
.option-list { list-style: none; margin: 0; padding: 4px; max-height: 168px; overflow: auto;
  border: 1px solid var(--line); border-radius: 8px; background: #fbfcfd; }
.option { display: flex; align-items: center; gap: 8px; padding: 4px 6px; border-radius: 6px; }
.option:hover { background: #eef2f7; }
.option input { accent-color: var(--accent); }
.option label { flex: 1; cursor: pointer; overflow-wrap: anywhere; }
.option-empty { color: var(--muted); padding: 4px 6px; font-size: 13px; }
.rows { display: grid; gap: 8px; margin-bottom: 10px; }
.rows-empty { color: var(--muted); margin: 0; font-size: 13px; }
.row { display: grid; grid-template-columns: 1fr 1fr auto auto; gap: 10px; align-items: start;
  border: 1px solid var(--line); border-radius: 8px; padding: 10px; margin: 0; background: #fbfcfd; min-width: 0; }
.row:has(> .cell:nth-of-type(2):last-of-type) { grid-template-columns: 1fr 1fr auto; }
.cell { min-width: 0; }
.cell-label { display: block; font-size: 12px; color: var(--muted); margin-bottom: 2px; font-weight: 600; }
/* Line the checkbox and the remove button up with the inputs, below the cell labels. */
.cell-narrow { align-self: start; margin-top: 21px; min-height: 37px; display: flex; align-items: center; }
.row > .button-icon { align-self: start; margin-top: 21px; min-height: 37px; }
.check { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; white-space: nowrap; cursor: pointer; }
.check input { accent-color: var(--accent); }
.notice { border-radius: 8px; padding: 10px 12px; margin: 0 0 10px; font-size: 13px; }
.notice p { margin: 0 0 8px; }
.notice-info { background: var(--info-soft); color: #183f7a; }
.notice-bad { background: var(--bad-soft); color: var(--bad); }
.notice-result:empty { display: none; }
.option-detail { color: var(--muted); font-size: 12px; margin-left: auto; }
.members { margin: 8px 0 0; }
.members-list { list-style: none; padding: 0; margin: 8px 0 0; }
.members-row { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 4px 0; border-top: 1px solid var(--line); }
.notice-result { margin: 8px 0 0; }
.form-alert { background: var(--bad-soft); color: var(--bad); border-radius: 8px; padding: 10px 12px;
  margin-bottom: 16px; font-weight: 500; }
.form-alert p { margin: 0; }
.save-bar { position: sticky; bottom: 0; display: flex; justify-content: flex-end; align-items: center;
  gap: 12px; padding: 12px 0; background: rgba(245, 247, 250, .96);
  border-top: 1px solid var(--line); backdrop-filter: blur(4px); }
.save-status { color: var(--muted); font-size: 13px; }
.save-status-good { color: var(--good); font-weight: 600; }
.save-status-bad { color: var(--bad); font-weight: 600; }
.activity-link { margin-top: 14px; }
.activity-filters { display: grid; grid-template-columns: minmax(140px, 200px) 1fr auto; gap: 10px;
  align-items: end; margin: 0 0 12px; }
.activity-filter-actions { display: flex; gap: 8px; }
.activity-status { margin: 0 0 8px; font-size: 13px; }
.timeline { list-style: none; margin: 0; padding: 0; }
.entry { position: relative; padding: 10px 0 10px 18px; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
.entry:first-child { border-top: 0; }
.entry::before { content: ""; position: absolute; left: 2px; top: 17px; width: 8px; height: 8px;
  border-radius: 50%; background: #b8c2cf; }
.entry-good::before { background: var(--good); } .entry-warn::before { background: #d49a00; }
.entry-bad::before { background: var(--bad); } .entry-info::before { background: var(--info); }
.entry-head { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; font-size: 12px; }
.entry-time { color: var(--muted); cursor: help; text-decoration: underline dotted #b8c2cf; }
.entry-kind { font-weight: 650; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.entry p { margin: 2px 0 0; }
.entry-message { font-weight: 550; }
.link-button { appearance: none; border: 0; background: none; padding: 0; font: inherit; font-weight: 600;
  color: var(--accent); cursor: pointer; text-align: left; overflow-wrap: anywhere; }
.link-button:hover { text-decoration: underline; }
.entry-label { color: var(--muted); font-weight: 600; }
.entry-hint { color: #183f7a; }
.entry-by { font-size: 12px; }
.timeline-more { margin-top: 12px; justify-content: center; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
@media (max-width: 560px) {
  .app { padding: 12px 10px 32px; }
  .row, .row:has(> .cell:nth-of-type(2):last-of-type) { grid-template-columns: 1fr auto; }
  .row .cell:not(.cell-narrow) { grid-column: 1 / -1; }
  .cell-narrow { margin-top: 0; grid-column: 1; }
  .row > .button-icon { margin-top: 0; grid-column: 2; justify-self: end; }
  .grid { grid-template-columns: 1fr; }
  .facts { grid-template-columns: 1fr; gap: 0; }
  .facts dd { margin-bottom: 6px; }
  .activity-filters { grid-template-columns: 1fr; }
  .activity-filter-actions .button { flex: 1; }
  .tabs { overflow-x: auto; }
}
`;

/** Adds the stylesheet once, even if the bundle runs twice. */
export function injectStyles(doc: Document) {
  if (doc.getElementById("hull-intercom-dashboard-styles")) return;
  const style = doc.createElement("style");
  style.id = "hull-intercom-dashboard-styles";
  style.textContent = CSS;
  doc.head.appendChild(style);
}
