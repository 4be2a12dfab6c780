// The live 叫应 board: reads the campaign from /api/callouts/:id/board?t=…, then follows its SSE
// stream. Names reach the page only through textContent.
(function () {
  "use strict";
  var GROUPS = ["notYet", "escalated", "unreachable", "answered"];
  var COUNTS = ["answered", "notYet", "escalated", "unreachable", "delivered", "deliveryPending", "deliveryFailed"];
  var DELIVERY = { pending: "（待送达）", failed: "（送达失败）" };
  var id = (/^\/callouts\/(\d+)\/board$/.exec(location.pathname) || [])[1];
  var token = new URLSearchParams(location.search).get("t") || "";
  var query = "?t=" + encodeURIComponent(token);

  function $(name) {
    return document.getElementById(name);
  }
  function set(name, text) {
    $(name).textContent = String(text);
  }
  function clock() {
    return new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  function render(v) {
    document.title = "叫应看板 · " + v.title;
    $("head").className = "level-" + v.level;
    set("title", v.title);
    set("kind", v.type + " · " + v.levelLabel);
    set("state", v.state);
    set("deadline", v.deadline || "未发送");
    COUNTS.forEach(function (k) { set("c-" + k, v.counts[k]); });
    set("rate", v.rate === null ? "—" : v.rate + "%");
    GROUPS.forEach(function (g) {
      var ul = $("g-" + g);
      var n = 0;
      ul.textContent = "";
      v.people.forEach(function (p) {
        if (p.group !== g) return;
        n++;
        var li = document.createElement("li");
        // A card not (yet) accepted by the platform is marked, so "未回应" never hides "never got it".
        li.textContent = p.name + (DELIVERY[p.delivery] || "");
        if (p.late) li.className = "late";
        else if (DELIVERY[p.delivery]) li.className = "undelivered";
        ul.appendChild(li);
      });
      set("n-" + g, n);
    });
    set("live", "共 " + v.counts.total + " 人 · 标橙为超时后回应，标灰为卡片未送达 · 更新于 " + clock());
    document.body.dataset.ready = "1";
  }

  function follow() {
    var es = new EventSource("/api/callouts/" + id + "/board/stream" + query);
    es.addEventListener("board", function (e) { render(JSON.parse(e.data)); });
    es.addEventListener("expired", function () {
      es.close();
      set("live", "链接已过期，请重新获取看板链接");
    });
    es.onerror = function () { set("live", "连接中断，正在重连…"); };
  }

  fetch("/api/callouts/" + id + "/board" + query, { headers: { Accept: "application/json" } })
    .then(function (res) {
      if (res.status === 401) {
        set("live", "看板链接无效或已过期，请重新获取看板链接");
        return;
      }
      if (!res.ok) throw new Error(String(res.status));
      return res.json().then(function (body) {
        render(body.data);
        follow();
      });
    })
    .catch(function () {
      // The stream sends the whole board first, so it takes over from a failed read.
      set("live", "暂时无法读取看板，正在重试…");
      follow();
    });
})();
