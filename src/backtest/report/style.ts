/**
 * The report's stylesheet, marker shapes and its optional hover script, all inline: the file is
 * opened offline, so nothing may come from elsewhere. The page reads completely without the
 * script; it only adds tooltips (the values under the cursor, a marker's trade).
 */

const PALETTE_LIGHT = ["#2f6fdb", "#e8710a", "#16a05d", "#d6336c", "#7b4fd6", "#0f9fb5", "#b08900", "#8c564b", "#e377c2", "#5f6b7a"];
const PALETTE_DARK = ["#6c9cf0", "#f59a45", "#3ccf86", "#f06b95", "#a686f5", "#3fc6da", "#e0b92e", "#c08a7c", "#f09bd6", "#9aa6b5"];
const palette = (colours: string[]) => colours.map((c, i) => `.c${i}{color:${c}}`).join("");

export const CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5e6773;--line:#dde1e6;--grid:#eef0f3;--head:#f6f7f9;--price:#9aa3ad;--pos:#137a3f;--neg:#c2262e;--link:#2456b8;color-scheme:light dark}
${palette(PALETTE_LIGHT)}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#e3e6ea;--muted:#98a1ac;--line:#2c323a;--grid:#1d2228;--head:#181c21;--price:#6b7480;--pos:#48c27a;--neg:#f0646b;--link:#7fa8f5}${palette(PALETTE_DARK)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:1240px;margin:0 auto;padding:20px 20px 48px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:17px;margin:36px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:22px 0 8px}
p{margin:6px 0}
a{color:var(--link)}
.sub,.note{color:var(--muted)}
.note{font-size:13px}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px 24px;margin:16px 0 0}
.facts div{min-width:0}
.facts dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:1px 0 0;overflow-wrap:anywhere}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:16px 0 0}
.stats div{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--head)}
.stats dt{font-size:12px;color:var(--muted)}
.stats dd{margin:0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
.tw{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin:8px 0}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;white-space:nowrap;font-size:13px}
th,td{padding:6px 8px;text-align:right;border-bottom:1px solid var(--grid)}
thead th{background:var(--head);font-weight:600;color:var(--muted);font-size:12px;position:sticky;top:0}
tbody tr:last-child>*{border-bottom:0}
tbody tr:hover{background:var(--head)}
.l,.metrics :is(td,th):nth-child(-n+2),.trades :is(td,th):nth-child(-n+2),.trades :is(td,th):last-child,.open :is(td,th):nth-child(-n+2),.cmp td:first-of-type{text-align:left}
.metrics th:first-child,.metrics td:first-child{position:sticky;left:0;background:var(--bg)}
.metrics td:nth-child(-n+2){white-space:normal;min-width:8em;overflow-wrap:break-word}
.metrics thead th:first-child{background:var(--head)}
.tw.fit{width:fit-content;max-width:100%}
.runs :is(td,th){text-align:left;white-space:normal}
.runs code{white-space:nowrap}
:is(.cmp,.metrics) thead th{white-space:normal;vertical-align:bottom}
.cmp .mh th{text-align:left;padding-top:10px}
.cmp .mh:hover{background:none}
.cmp [data-metric] td:first-child{padding-left:26px;color:var(--muted)}
td small{font-size:.85em;opacity:.62}
.pos{color:var(--pos)}
.neg{color:var(--neg)}
.sw{display:inline-block;width:10px;height:10px;border-radius:3px;background:currentColor;margin-right:7px;vertical-align:-1px}
.chart{margin:10px 0 4px}
.plot{position:relative;padding:8px 30px 26px 64px}
.plot>svg{display:block;width:100%;height:300px;overflow:visible}
.small .plot>svg{height:170px}
.plot text{font-size:11px;fill:var(--muted)}
.yl text{text-anchor:end}
.xl text{text-anchor:middle}
.gr line{stroke:var(--grid)}
.gr .z{stroke:var(--line)}
.in path{fill:none;vector-effect:non-scaling-stroke;stroke-linejoin:round;stroke-linecap:round}
.ln{stroke:currentColor;stroke-width:1.6}
.ln.d{stroke-dasharray:6 4;stroke-width:1.4}
.bd{stroke:var(--price);stroke-width:1.2}
.lk{stroke:currentColor;stroke-width:1;opacity:.5}
.ref{stroke:var(--muted);stroke-dasharray:2 4}
.mk{fill:currentColor}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:2px 0 0 64px;padding:0;font-size:13px}
.legend i{display:inline-block;width:18px;border-top:3px solid currentColor;vertical-align:middle;margin-right:6px}
.legend i.d{border-top-style:dashed}
.legend i.cm{color:var(--price)}
.legend .mkey{color:var(--muted)}
.pair{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:8px 24px}
.pair h3{margin:14px 0 0}
details{margin:6px 0}
summary{cursor:pointer;padding:6px 0;font-weight:600}
summary .note{font-weight:400}
.tip{position:fixed;z-index:9;pointer-events:none;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:6px 9px;font-size:12px;box-shadow:0 4px 14px rgba(0,0,0,.14);white-space:nowrap;display:none}
.tip b{font-weight:600}
.xh{position:absolute;top:8px;bottom:26px;width:0;border-left:1px dashed var(--muted);pointer-events:none;display:none}
@media (max-width:640px){main{padding:14px 12px 40px}h1{font-size:19px}.plot{padding:8px 14px 26px 52px}.plot>svg{height:230px}.legend{margin-left:0}.xl .alt{display:none}.pair{grid-template-columns:minmax(0,1fr)}th,td{padding:5px 8px}}
@media print{.tip,.xh{display:none}}
`;

/**
 * Entry markers point the way of the trade (▲ long, ▼ short); an exit is a ring. Referenced by
 * `<use>` in every chart; the smaller set is for a chart crowded with trades.
 */
function markers(suffix: string, k: number): string {
  const u = (v: number) => Math.round(v * k * 100) / 100;
  return (
    `<path id="mel${suffix}" d="M0 ${u(-6)}l${u(5.5)} ${u(9.5)}h${u(-11)}z" style="stroke:var(--bg);stroke-width:1"/>` +
    `<path id="mes${suffix}" d="M0 ${u(6)}l${u(5.5)} ${u(-9.5)}h${u(-11)}z" style="stroke:var(--bg);stroke-width:1"/>` +
    `<circle id="mx${suffix}" r="${u(3.6)}" style="fill:var(--bg);stroke:currentColor;stroke-width:${k < 1 ? 1.4 : 1.8}"/>`
  );
}

export const MARKER_DEFS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>${markers("", 1)}${markers("s", 0.7)}</defs></svg>`;

/**
 * Hover: over a chart, the time and each curve's value (read back from the drawn path, so the
 * page carries no second copy of the data); over a marker, its trade's row from the trade table.
 */
export const SCRIPT = `(()=>{
const tip=document.createElement("div");tip.className="tip";document.body.append(tip);
const show=(html,e)=>{tip.innerHTML=html;tip.style.display="block";const w=tip.offsetWidth,h=tip.offsetHeight;
tip.style.left=Math.max(4,Math.min(innerWidth-w-4,e.clientX+14))+"px";tip.style.top=(e.clientY+h+20>innerHeight?e.clientY-h-12:e.clientY+16)+"px"};
const hide=()=>{tip.style.display="none"};
const esc=s=>s.replace(/[&<>]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;"})[c]);
const when=t=>new Date(t).toISOString().slice(0,16).replace("T"," ")+" UTC";
const num=(u,v)=>u==="percent"?(v*100).toFixed(2)+"%":(u==="usd"?"$":"")+v.toLocaleString("en-US",{maximumFractionDigits:Math.abs(v)<10?4:2});
for(const svg of document.querySelectorAll(".plot>svg")){
const d=svg.dataset,x0=+d.x0,x1=+d.x1,y0=+d.y0,y1=+d.y1,plot=svg.parentElement;
const lines=[...svg.querySelectorAll(".in path.ln,.in path.bd")].map(p=>{const n=p.getAttribute("d").slice(1).split(/[ L]/).map(Number),xs=[],ys=[];
for(let i=0;i+1<n.length;i+=2){xs.push(n[i]);ys.push(n[i+1])}return{name:(p.querySelector("title")||{}).textContent||"",colour:getComputedStyle(p).color,xs,ys,bd:p.classList.contains("bd")}});
const xh=document.createElement("div");xh.className="xh";plot.append(xh);
svg.addEventListener("mousemove",e=>{
const mark=e.target.closest("use");if(mark){xh.style.display="none";return trade(mark,e)}
const r=svg.getBoundingClientRect(),f=(e.clientX-r.left)/r.width;if(f<0||f>1)return hide();
const u=f*10000,rows=[];
for(const l of lines){let lo=0,hi=l.xs.length-1;if(hi<0||u<l.xs[0]||u>l.xs[hi])continue;
while(hi-lo>1){const m=(lo+hi)>>1;if(l.xs[m]<=u)lo=m;else hi=m}
const a=l.xs[hi]===l.xs[lo]?0:(u-l.xs[lo])/(l.xs[hi]-l.xs[lo]),y=l.ys[lo]+(l.ys[hi]-l.ys[lo])*a,v=y1-(y/1000)*(y1-y0);
rows.push('<div><span style="color:'+(l.bd?"inherit":l.colour)+'">&#9632;</span> '+esc(l.name)+" <b>"+num(d.unit,v)+"</b></div>")}
xh.style.display="block";xh.style.left=(parseFloat(getComputedStyle(plot).paddingLeft)+f*svg.clientWidth)+"px";
show("<div>"+when(x0+f*(x1-x0))+"</div>"+rows.join(""),e)});
svg.addEventListener("mouseleave",()=>{hide();xh.style.display="none"})}
function trade(mark,e){
const g=mark.parentElement,k=[...g.children].indexOf(mark)>>1,fig=g.closest("[data-symbol]");if(!fig)return;
const table=document.querySelector('table[data-trades="'+g.dataset.model+'"]');if(!table)return;
const row=[...table.tBodies[0].rows].filter(r=>r.cells[0].textContent===fig.dataset.symbol)[k];if(!row)return;
const heads=[...table.tHead.rows[0].cells].map(c=>c.textContent);
show("<div><b>"+esc(table.dataset.name||"")+"</b></div>"+[...row.cells].map((c,i)=>'<div>'+esc(heads[i])+": <b>"+esc(c.textContent)+"</b></div>").join(""),e)}
})();`;
