import { type BoardGroup, type BoardView, GROUP_LABELS } from "./boardView";

/** The live board page: server-rendered so it reads at once, then kept current by the SSE stream. */

const COLOURS: Record<BoardView["level"], string> = { red: "#d32f2f", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0" };
const GROUPS: BoardGroup[] = ["notYet", "escalated", "unreachable", "answered"];

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#f6f6f6}
header{color:#fff;padding:1rem}h1{font-size:1.2rem;margin:0 0 .3rem}main{padding:.8rem;max-width:48rem;margin:auto}
.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(6.5rem,1fr));gap:.5rem}
.counts div{background:#fff;border-radius:.5rem;padding:.6rem;text-align:center}.counts b{display:block;font-size:1.6rem}
section{background:#fff;border-radius:.5rem;margin-top:.8rem;padding:.6rem}h2{font-size:1rem;margin:0 0 .4rem}
ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}li{background:#eee;border-radius:1rem;padding:.15rem .6rem}
li.late{background:#ffe0b2}#live{font-size:.8rem;color:#666;margin-top:.8rem}`;

export function renderBoardPage(v: BoardView, streamPath: string): string {
  const count = (key: keyof BoardView["counts"], label: string) => `<div>${label}<b id="c-${key}">${v.counts[key]}</b></div>`;
  const section = (g: BoardGroup) => {
    const names = v.people.filter((p) => p.group === g).map((p) => `<li${p.late ? ' class="late"' : ""}>${esc(p.name)}</li>`);
    return `<section><h2>${GROUP_LABELS[g]}（<span id="n-${g}">${names.length}</span>）</h2><ul id="g-${g}">${names.join("")}</ul></section>`;
  };
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>叫应看板 · ${esc(v.title)}</title><style>${STYLE}</style></head>
<body><header id="head" style="background:${COLOURS[v.level]}"><h1 id="title">${esc(v.title)}</h1>
<div><span id="kind">${esc(v.type)} · ${esc(v.levelLabel)}</span> · <span id="state">${esc(v.state)}</span> · 截止时间（北京时间）：<span id="deadline">${esc(v.deadline ?? "未发送")}</span></div></header>
<main><div class="counts">${count("answered", "已回应")}${count("notYet", "未回应")}${count("escalated", "已升级")}${count("unreachable", "无法送达")}
<div>叫应率<b id="rate">${v.rate === null ? "—" : `${v.rate}%`}</b></div></div>
${GROUPS.map(section).join("\n")}
<p id="live">共 ${v.counts.total} 人 · 标橙为超时后回应 · 页面自动更新</p></main>
<script>${clientScript(streamPath)}</script></body></html>`;
}

// The browser half: re-renders counts and groups from each `board` event, with textContent only.
function clientScript(streamPath: string): string {
  return `(function(){var groups=${JSON.stringify(GROUPS)};
function set(id,t){var e=document.getElementById(id);if(e)e.textContent=t;}
function render(v){set("title",v.title);set("state",v.state);set("deadline",v.deadline||"未发送");
["answered","notYet","escalated","unreachable"].forEach(function(k){set("c-"+k,v.counts[k]);});
set("rate",v.rate===null?"—":v.rate+"%");
groups.forEach(function(g){var ul=document.getElementById("g-"+g);ul.textContent="";var n=0;
v.people.forEach(function(p){if(p.group!==g)return;n++;var li=document.createElement("li");li.textContent=p.name;if(p.late)li.className="late";ul.appendChild(li);});
set("n-"+g,n);});
set("live","共 "+v.counts.total+" 人 · 标橙为超时后回应 · 更新于 "+new Date().toLocaleTimeString("zh-CN",{hour12:false}));}
var es=new EventSource(${JSON.stringify(streamPath).replace(/</g, "\\u003c")});
es.addEventListener("board",function(e){render(JSON.parse(e.data));});
es.addEventListener("expired",function(){es.close();set("live","链接已过期，请重新获取看板链接");});
es.onerror=function(){set("live","连接中断，正在重连…");};})();`;
}

/** A small Chinese page for a bad link (the API answers JSON instead). */
export function renderLinkRefused(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>链接无效</title></head>
<body style="font-family:system-ui,sans-serif;padding:2rem"><h1>看板链接无效或已过期</h1><p>请向值班人员重新获取看板链接。</p></body></html>`;
}
