// The landing page's counts, read from /api/home and shown with textContent only.
(function () {
  "use strict";
  function set(id, text) {
    document.getElementById(id).textContent = text;
  }
  function line(items) {
    return items.map(function (i) { return i.label + " " + i.count; }).join(" · ");
  }
  // Pages that are switched on in this installation get a link; one that is off answers 404 and stays hidden.
  var PAGES = [
    { href: "/console", label: "模拟聊天控制台", note: "在浏览器里以任何人的身份试用机器人（巡查打卡、隐患随手拍、交办、复查……）" },
    { href: "/admin", label: "管理后台", note: "人员、企业、隐患台账" },
  ];
  PAGES.forEach(function (page) {
    fetch(page.href, { method: "HEAD" }).then(function (res) {
      if (!res.ok) return;
      var list = document.getElementById("links");
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = page.href;
      a.textContent = page.label;
      li.appendChild(a);
      li.appendChild(document.createTextNode("：" + page.note));
      list.appendChild(li);
      list.hidden = false;
    }).catch(function () {});
  });
  fetch("/api/home", { headers: { Accept: "application/json" } })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(function (body) {
      var s = body.data;
      set("units", line(s.units));
      set("people", String(s.activePeople));
      set("allPeople", String(s.allPeople));
      set("enterpriseTotal", String(s.enterprises.reduce(function (n, e) { return n + e.count; }, 0)));
      set("enterprises", line(s.enterprises));
      document.body.dataset.ready = "1";
    })
    .catch(function () {
      var p = document.getElementById("problem");
      p.textContent = "暂时无法读取统计数据，请稍后刷新页面。";
      p.hidden = false;
    });
})();
