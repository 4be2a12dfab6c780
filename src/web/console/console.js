/*
 * The console page's script: a phone-sized messenger. Plain ES2017 in one closure, no build step,
 * nothing from a CDN; strings reach the page only through textContent, never as HTML.
 * Its data: /console/api/settings (whether to sign in), /console/api/people (the picker),
 * /console/api/people/:id (who and the app menu), …/stream (the chat, live), …/messages and …/media.
 */
(function(){"use strict";
var S={api:"/console/api",requireLogin:false};var TOKEN_KEY="anshao.console.token";var MAX_UPLOAD=900*1024;
var state={person:null,lastId:0,stream:null,seen:{},blobs:[]};
function $(id){return document.getElementById(id);}
function show(id,on){$(id).classList.toggle("hidden",!on);}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=String(text);return e;}
function alertMsg(t){var a=$("alert");a.textContent=t||"";show("alert",!!t);}
function status(t){$("status").textContent=t||"";}
function token(){try{return sessionStorage.getItem(TOKEN_KEY)||"";}catch(e){return "";}}
function headers(extra){var h=extra||{};var t=token();if(t)h["Authorization"]="Bearer "+t;return h;}
function newId(){var b=new Uint8Array(12);crypto.getRandomValues(b);return Array.prototype.map.call(b,function(x){return ("0"+x.toString(16)).slice(-2);}).join("");}
function api(path,init){init=init||{};init.headers=headers(init.headers);return fetch(S.api+path,init).then(function(res){
 if(res.status===401){showLogin("登录已失效或令牌无效，请重新输入管理员访问令牌");throw new Error("unauthorized");}
 if(res.status!==403)return res;
 /* A person the administrator may not act for is the caller's to explain; anything else needs another token. */
 return res.clone().json().then(function(b){return b&&b.code==="console_person_not_allowed";},function(){return false;}).then(function(mine){
  if(mine)return res;showLogin("该令牌没有管理员权限，请使用管理员的访问令牌");throw new Error("unauthorized");});});}
function errorOf(res){return res.json().then(function(b){return (b&&b.message)||("请求失败（"+res.status+"）");},function(){return "请求失败（"+res.status+"）";});}

/* --- login and person picker --- */
function showLogin(msg){stopStream();show("login",true);show("picker",false);show("chat",false);show("switch",false);show("logout",false);alertMsg(msg||"");}
$("loginBtn").onclick=function(){var t=$("token").value.trim();if(!t){alertMsg("请输入访问令牌");return;}
 try{sessionStorage.setItem(TOKEN_KEY,t);}catch(e){}alertMsg("");show("login",false);openPicker();};
$("token").addEventListener("keydown",function(e){if(e.key==="Enter")$("loginBtn").click();});
$("logout").onclick=function(){try{sessionStorage.removeItem(TOKEN_KEY);}catch(e){}location.hash="";showLogin("");};
var searchTimer=null;
$("search").addEventListener("input",function(){clearTimeout(searchTimer);searchTimer=setTimeout(loadPeople,200);});
function openPicker(note){note=typeof note==="string"?note:"";stopStream();state.person=null;if(location.hash)history.replaceState(null,"",location.pathname);
 show("picker",true);show("chat",false);show("switch",false);show("logout",!!token());closeSheets();
 $("title").firstChild.textContent="安哨 · 本地控制台";$("subtitle").textContent="选择一位人员，以其身份与安哨对话";loadPeople(note);}
function loadPeople(note){note=typeof note==="string"?note:"";var q=$("search").value.trim();
 api("/people"+(q?"?q="+encodeURIComponent(q):"")).then(function(res){if(!res.ok)return errorOf(res).then(function(m){alertMsg(m);});
  return res.json().then(function(body){var ul=$("people");ul.textContent="";
   body.data.forEach(function(p){var li=el("li");var b=el("button");b.type="button";b.dataset.personId=p.id;
    var who=el("div","who",p.name);if(!p.active)who.appendChild(el("span","tag","已停用"));b.appendChild(who);
    b.appendChild(el("div","meta",[p.unit].concat(p.roles.length?[p.roles.join("、")]:[]).join(" · ")));
    b.onclick=function(){openChat(p.id);};li.appendChild(b);ul.appendChild(li);});
   var notes=[body.total>body.data.length?"共 "+body.total+" 人，仅显示前 "+body.data.length+" 人，请输入关键字缩小范围":(body.total?"":"没有找到符合条件的人员")];
   if(body.restricted)notes.push("仅列出您本人和没有企业微信、钉钉账号的测试人员");
   $("peopleNote").textContent=notes.filter(Boolean).join("；");
   alertMsg(note);});}).catch(function(e){if(e.message!=="unauthorized")alertMsg("无法连接服务器，请稍后重试");});}

/* --- chat --- */
$("switch").onclick=openPicker;
function openChat(id){api("/people/"+id).then(function(res){if(!res.ok)return errorOf(res).then(function(m){openPicker(m);});
 return res.json().then(function(body){var p=body.data;state.person=p;state.lastId=0;state.seen={};
  state.blobs.forEach(function(u){URL.revokeObjectURL(u);});state.blobs=[];
  $("log").textContent="";alertMsg("");history.replaceState(null,"","#person="+p.id);
  $("title").firstChild.textContent=p.name+(p.active?"":"（已停用）");$("subtitle").textContent=[p.unit].concat(p.roles.length?[p.roles.join("、")]:[]).join(" · ");
  renderMenu(p.menu||[]);show("picker",false);show("chat",true);show("switch",true);show("logout",!!token());
  startStream();$("text").focus();});}).catch(function(e){if(e.message!=="unauthorized")alertMsg("无法连接服务器，请稍后重试");});}

/* Live lines: SSE read through fetch, so the Authorization header can go along; resumes from the last id. */
function stopStream(){if(state.stream){state.stream.abort();state.stream=null;}}
function startStream(){stopStream();var ctl=new AbortController();state.stream=ctl;var personId=state.person.id;
 var retry=function(ms){if(state.stream===ctl)setTimeout(function(){if(state.stream===ctl&&state.person&&state.person.id===personId)startStream();},ms);};
 api("/people/"+personId+"/stream",{headers:{"Last-Event-ID":String(state.lastId)},signal:ctl.signal}).then(function(res){
  if(!res.ok||!res.body){status("连接中断，正在重连…");return retry(3000);}
  status("已连接");var reader=res.body.getReader();var dec=new TextDecoder();var buf="";
  function pump(){return reader.read().then(function(r){if(r.done){retry(0);return;}
   buf+=dec.decode(r.value,{stream:true});var i;
   while((i=buf.indexOf("\n\n"))>=0){var block=buf.slice(0,i);buf=buf.slice(i+2);frame(block);}
   return pump();});}
  return pump();}).catch(function(e){if(ctl.signal.aborted||e.message==="unauthorized")return;status("连接中断，正在重连…");retry(3000);});}
function frame(block){var data=[],event="message";block.split("\n").forEach(function(line){
  if(line.indexOf("data:")===0)data.push(line.slice(5).replace(/^ /,""));else if(line.indexOf("event:")===0)event=line.slice(6).trim();});
 if(event==="ready"){document.body.dataset.ready="1";return;}
 if(event!=="message"||!data.length)return;var line;try{line=JSON.parse(data.join("\n"));}catch(e){return;}
 if(line.id>state.lastId)state.lastId=line.id;
 if(line.kind==="update")return applyChange(line.change);
 if(state.seen[line.id])return;state.seen[line.id]=true;place(renderLine(line),line.id);}

function place(li,id){var log=$("log");var stick=log.scrollHeight-log.scrollTop-log.clientHeight<80;var after=null;
 for(var n=log.lastElementChild;n;n=n.previousElementSibling){if(Number(n.dataset.id)>id)after=n;else break;}
 log.insertBefore(li,after);if(stick||!after)log.scrollTop=log.scrollHeight;}
function when(iso){try{return new Date(iso).toLocaleTimeString("zh-CN",{timeZone:"Asia/Shanghai",hour12:false,hour:"2-digit",minute:"2-digit"});}catch(e){return "";}}
function safeUrl(u){return typeof u==="string"&&/^(https?:\/\/|\/(?!\/))/i.test(u)?u:null;}
function link(url,text){var a=el("a",null,text);a.href=url;a.target="_blank";a.rel="noopener noreferrer";return a;}

function renderLine(line){var li=el("li",line.direction);li.dataset.id=line.id;li.dataset.kind=line.kind;
 li.appendChild(el("time",null,(line.direction==="in"?"我 ":"安哨 ")+when(line.at)));
 var content=line.kind==="card"?renderCard(line):renderBubble(line);li.appendChild(content);
 if(line.answered!=null)markAnswered(li,line.answered);if(line.recalled)markRecalled(li);return li;}
function renderBubble(line){var b=el("div","bubble");var m=line.body||{};
 switch(line.kind){
  case "text":b.textContent=m.text;break;
  case "markdown":b.textContent=m.markdown;break;
  case "textcard":b.appendChild(el("strong",null,m.title));b.appendChild(el("div",null,m.description));
   if(safeUrl(m.url))b.appendChild(link(m.url,m.buttonText||"详情"));break;
  case "news":(m.articles||[]).forEach(function(a){var d=el("div");var u=safeUrl(a.url);d.appendChild(u?link(u,a.title):el("strong",null,a.title));
   if(a.description)d.appendChild(el("div",null,a.description));b.appendChild(d);});break;
  case "file":if(/\.(jpe?g|png|gif|webp|bmp)$/i.test(m.storageKey)){var fi=el("img");fi.alt="照片";b.appendChild(fi);media(m.storageKey).then(function(u){fi.src=u;});break;}
   var fa=el("a",null,"文件："+fileName(m.storageKey)+"（点击下载）");fa.href="#";
   fa.onclick=function(e){e.preventDefault();media(m.storageKey).then(function(u){var d=el("a");d.href=u;d.download=fileName(m.storageKey);document.body.appendChild(d);d.click();d.remove();});};b.appendChild(fa);break;
  case "image":var img=el("img");img.alt="照片";b.appendChild(img);media(m.mediaKey).then(function(u){img.src=u;});break;
  case "voice":var au=el("audio");au.controls=true;b.appendChild(el("div",null,"语音"));b.appendChild(au);media(m.mediaKey).then(function(u){au.src=u;});break;
  case "location":b.textContent="📍 "+(m.label?m.label+" ":"")+"（"+m.latitude+", "+m.longitude+"）";break;
  default:b.textContent="［暂不支持显示的消息］";}
 return b;}
function fileName(key){var ext=String(key||"").split(".").pop();return "安哨文件."+ext;}
function renderCard(line){var c=line.body.card||{};var d=el("div","card");d.appendChild(el("h3",null,c.title));
 if(c.description)d.appendChild(el("p",null,c.description));
 if(c.fields&&c.fields.length){var dl=el("dl");c.fields.forEach(function(f){dl.appendChild(el("dt",null,f.label));dl.appendChild(el("dd",null,f.value));});d.appendChild(dl);}
 if(safeUrl(c.url)){var p=el("p");p.appendChild(link(c.url,"查看详情"));d.appendChild(p);}
 if(c.buttons&&c.buttons.length&&line.responseCode){var bar=el("div","buttons");
  c.buttons.forEach(function(btn){var b=el("button","s"+(btn.style||2),btn.label);b.type="button";b.dataset.key=btn.key;
   b.onclick=function(){clickCard(line.id,btn.key,bar);};bar.appendChild(b);});d.appendChild(bar);}
 return d;}
function markAnswered(li,text){li.classList.add("answered");var bar=li.querySelector(".buttons");if(bar)bar.querySelectorAll("button").forEach(function(b){b.disabled=true;});
 var card=li.querySelector(".card");if(!card)return;var note=card.querySelector(".answered");if(!note){note=el("div","answered");card.appendChild(note);}note.textContent=text;}
function markRecalled(li){li.classList.add("recalled");var keep=li.querySelector("time");li.textContent="";if(keep)li.appendChild(keep);
 li.appendChild(el("div","bubble",li.classList.contains("in")?"你撤回了一条消息":"安哨撤回了一条消息"));}
function applyChange(ch){if(!ch)return;var li=$("log").querySelector('li[data-id="'+Number(ch.messageId)+'"]');if(!li)return;
 if(ch.answered!=null)markAnswered(li,ch.answered);if(ch.recalled)markRecalled(li);}
function media(key){var id=state.person.id;return api("/people/"+id+"/media/"+encodeURIComponent(key)).then(function(res){
 if(!res.ok)throw new Error("media");return res.blob();}).then(function(b){var u=URL.createObjectURL(b);state.blobs.push(u);return u;});}

/* --- sending: one client event id per action, reused on a retry, so a double submit is one message --- */
function post(path,init,tries){tries=tries||0;return api(path,init).then(function(res){
  if(res.ok)return true;return errorOf(res).then(function(m){alertMsg(m);return false;});},
 function(e){if(e.message==="unauthorized")return false;if(tries<2)return new Promise(function(r){setTimeout(r,800);}).then(function(){return post(path,init,tries+1);});
  alertMsg("发送失败：无法连接服务器，请稍后重试");return false;});}
function sendJson(body){if(!state.person)return Promise.resolve(false);body.eventId=newId();
 return post("/people/"+state.person.id+"/messages",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(body)}).then(function(ok){if(ok)alertMsg("");return ok;});}
$("composer").addEventListener("submit",function(e){e.preventDefault();var t=$("text").value.trim();if(!t)return;
 var btn=$("sendBtn");btn.disabled=true;sendJson({kind:"text",text:t}).then(function(ok){btn.disabled=false;if(ok)$("text").value="";$("text").focus();});});
function clickCard(messageId,key,bar){bar.querySelectorAll("button").forEach(function(b){b.disabled=true;});
 sendJson({kind:"card_click",messageId:messageId,buttonKey:key}).then(function(ok){if(!ok)bar.querySelectorAll("button").forEach(function(b){b.disabled=false;});});}

/* Photos a phone takes are larger than a request may be: shrink them as a messenger does. */
function shrink(file){if(file.size<=MAX_UPLOAD||!/^image\/(jpeg|png|webp|bmp)$/.test(file.type)||!window.createImageBitmap)return Promise.resolve(file);
 return createImageBitmap(file).then(function(bmp){var scale=Math.min(1,1600/Math.max(bmp.width,bmp.height));var c=document.createElement("canvas");
  c.width=Math.round(bmp.width*scale);c.height=Math.round(bmp.height*scale);c.getContext("2d").drawImage(bmp,0,0,c.width,c.height);
  return new Promise(function(r){c.toBlob(function(b){r(b||file);},"image/jpeg",0.85);});},function(){return file;});}
function upload(kind,file){if(!state.person||!file)return;status({image:"正在发送照片…",voice:"正在发送语音…",file:"正在发送文件…"}[kind]);
 (kind==="image"?shrink(file):Promise.resolve(file)).then(function(blob){
  return post("/people/"+state.person.id+"/media?kind="+kind+"&eventId="+newId(),{method:"POST",headers:{"Content-Type":blob.type||file.type||"application/octet-stream"},body:blob});
 }).then(function(ok){status(ok?"已连接":"");if(ok)alertMsg("");});}
$("photoBtn").onclick=function(){$("photo").click();};$("voiceBtn").onclick=function(){$("voice").click();};
$("photo").onchange=function(){var f=this.files[0];this.value="";upload("image",f);};
$("voice").onchange=function(){var f=this.files[0];this.value="";upload("voice",f);};
$("fileBtn").onclick=function(){$("doc").click();};$("doc").onchange=function(){var f=this.files[0];this.value="";upload("file",f);};

/* --- menu and location sheets --- */
function closeSheets(){show("menuSheet",false);show("locationSheet",false);}
document.querySelectorAll("[data-close]").forEach(function(b){b.onclick=closeSheets;});
function renderMenu(menu){var box=$("menuItems");box.textContent="";var hasHelp=false;
 function entry(it){if(it.name==="帮助")hasHelp=true;var b=el("button","plain",it.name);b.type="button";b.dataset.key=it.key;
  b.onclick=function(){closeSheets();sendJson({kind:"menu_click",key:it.key});};box.appendChild(b);}
 menu.forEach(function(top){if(top.sub){box.appendChild(el("div","group",top.name));top.sub.forEach(entry);}else if(top.key)entry({name:top.name,key:top.key});});
 if(!hasHelp){var help=el("button","plain","帮助");help.type="button";help.onclick=function(){closeSheets();sendJson({kind:"text",text:"帮助"});};box.appendChild(help);}}
$("menuBtn").onclick=function(){var open=$("menuSheet").classList.contains("hidden");closeSheets();show("menuSheet",open);};
$("locationBtn").onclick=function(){var open=$("locationSheet").classList.contains("hidden");closeSheets();show("locationSheet",open);};
$("here").onclick=function(){if(!navigator.geolocation){alertMsg("此浏览器无法获取当前位置，请手动填写经纬度");return;}
 navigator.geolocation.getCurrentPosition(function(p){$("lat").value=p.coords.latitude.toFixed(6);$("lng").value=p.coords.longitude.toFixed(6);alertMsg("");},
  function(){alertMsg("无法获取当前位置，请手动填写经纬度");},{timeout:8000});};
$("sendLocation").onclick=function(){var lat=Number($("lat").value),lng=Number($("lng").value);
 if(!$("lat").value.trim()||!$("lng").value.trim()||!isFinite(lat)||!isFinite(lng)){alertMsg("请填写有效的纬度和经度");return;}
 var body={kind:"location",latitude:lat,longitude:lng};var place=$("place").value.trim();if(place)body.label=place;
 sendJson(body).then(function(ok){if(ok)closeSheets();});};

/* --- start: the person in the address (#person=8) survives a reload --- */
function start(){var m=/^#person=(\d+)$/.exec(location.hash);
 if(S.requireLogin&&!token())showLogin("");else if(m)openChat(Number(m[1]));else openPicker();}
fetch(S.api+"/settings").then(function(res){if(!res.ok)throw new Error("settings");return res.json();})
 .then(function(body){S.requireLogin=!!body.data.requireLogin;start();},function(){alertMsg("无法连接服务器，请稍后刷新页面");});
})();
