"""The portfolio page's one stylesheet (pinned by its hash in the page's CSP).

Screen: a summary table first, then one collapsed `<details>` per credential. Print (`@media
print`, what "Print to PDF" uses): black on white, each credential's details forced open where
the browser allows it (`::details-content`, Chromium 131+) and its summary line kept where it
does not, no disclosure triangles or hints, links followed by their URL, no card split across
pages.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root{color-scheme:light;--ink:#1b1b1b;--muted:#4a4a4a;--line:#c9c9c9;--ok:#0b5d1e;--okbg:#e3f2e6;
--bad:#8a1111;--badbg:#fbe9e9;--warn:#6b4a00;--warnbg:#fff4d6;--link:#0a4fa8;--band:#f4f6f8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--ink);background:#fff}
header,main,footer{max-width:60rem;margin:0 auto;padding:.75rem 1.25rem}
header{border-bottom:2px solid var(--ink)}
header p{margin:.3rem 0}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.2rem 0 .4rem}
h3{font-size:1rem;margin:0}h4{font-size:.95rem;margin:.8rem 0 .2rem}
p,li,dd,td,th{overflow-wrap:anywhere}
a{color:var(--link)}
.muted{color:var(--muted)}
.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;
overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--band)}
table.summary th[scope=row]{font-weight:600;width:42%}
table.summary td.when{white-space:nowrap}
.badge,.verdict{display:inline-block;padding:0 .5rem;border-radius:1rem;font-weight:700;
font-size:.88rem;white-space:nowrap;border:1px solid currentColor}
.ok{background:var(--okbg);color:var(--ok)}.bad{background:var(--badbg);color:var(--bad)}
.warn{background:var(--warnbg);color:var(--warn)}
.banner{padding:.4rem .75rem;border-left:.35rem solid var(--bad);background:var(--badbg);
color:var(--bad);font-weight:600;margin:.4rem 0}
.credential{border:1px solid var(--line);border-radius:.5rem;margin:.5rem 0}
.credential>details>summary{display:flex;gap:.75rem;align-items:center;padding:.5rem .75rem;
cursor:pointer;list-style:none}
.credential>details>summary::-webkit-details-marker{display:none}
.credential>details>summary::before{content:"\\25B8";color:var(--link);flex:none}
.credential>details[open]>summary::before{content:"\\25BE"}
.credential>details[open]>summary{border-bottom:1px solid var(--line)}
summary img{width:3rem;height:3rem;object-fit:contain;flex:none}
summary .head{flex:1;min-width:0}
summary .sub{display:block;color:var(--muted);font-size:.92rem;overflow-wrap:anywhere}
summary .badges{flex:none;text-align:right}
.body{padding:.4rem 1rem .8rem}
.body>p:first-child{margin-top:.3rem}
.body p,.body ul,.body ol{margin:.2rem 0}.body h4{margin:.7rem 0 .15rem}
.line{margin:.15rem 0}
.narrative{white-space:pre-wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dt{font-weight:600}dd{margin:0}
ul.checks{list-style:none;padding-left:0;margin:.3rem 0}
ul.checks li{margin:.15rem 0}
.mark{display:inline-block;width:1.3em;font-weight:700}
.sr-label{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);
white-space:nowrap}
.tech{margin-top:.5rem}
.tech>summary{color:var(--link);text-decoration:underline;cursor:pointer;width:max-content;
max-width:100%}
progress{width:100%;height:1rem}
ul.req{padding-left:1.2rem}
.state{font-weight:700}
.screen-hint{font-size:.92rem}
@media (max-width:40rem){header,main,footer{padding:.6rem .8rem}
table.summary thead{display:none}
table.summary,table.summary tbody,table.summary tr,table.summary th,table.summary td{
display:block;border:0;padding:0}
table.summary tr{border-top:1px solid var(--line);padding:.45rem 0}
table.summary td.issuer,table.summary td.when{display:inline;color:var(--muted)}
table.summary td.when::before{content:"\\00A0\\00B7\\00A0"}
table.summary th[scope=row]{width:auto}
table.summary td.status{display:inline;margin-left:.4rem}
summary img{width:2.5rem;height:2.5rem}.body{padding:.3rem .7rem .7rem}
.credential>details>summary{flex-wrap:wrap;gap:.2rem .6rem;padding:.45rem .6rem}
summary .head{flex:1 1 10rem}summary .badges{flex-basis:100%;text-align:left;padding-left:1.6rem}
dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
@media print{
@page{margin:1.6cm 1.4cm}
:root{--ink:#000;--muted:#000;--line:#777;--ok:#000;--okbg:#fff;--bad:#000;--badbg:#fff;
--warn:#000;--warnbg:#fff;--link:#000;--band:#fff}
body{font-size:10pt;line-height:1.3;background:#fff;color:#000}
.body dl{display:flex;flex-wrap:wrap;gap:0 1.2rem;margin:.15rem 0}
.body dt::after{content:":"}.body dd{margin-left:.3rem}
header,main,footer{max-width:none;padding:0}
header{padding-bottom:.4rem;margin-bottom:.6rem}
.screen-hint,.tech{display:none}
a{color:#000;text-decoration:underline}
a[href^="http"]::after{content:" <" attr(href) ">";font-size:.85em;overflow-wrap:anywhere}
.credential{break-inside:avoid-page;border-color:#777}
.credential>details>summary{padding:.35rem .6rem}
.credential>details>summary::before,.credential>details[open]>summary::before{content:none}
.credential>details::details-content{content-visibility:visible;display:block}
table.summary tr,.banner,dl{break-inside:avoid}
ul.checks li{display:inline;margin-right:.9em}
.body{padding:.3rem .7rem .5rem}.body h4{margin:.45rem 0 .1rem}
table.summary th[scope=row]{width:auto}
h2,h3{break-after:avoid}
.badge,.verdict,.banner{background:#fff;color:#000;border-color:#000}
.banner{border-left-width:.25rem}}
""".strip()

CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
