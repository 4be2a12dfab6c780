// The landing page's counts, read from /api/home and shown with textContent only.
(function () {
  "use strict";
  function set(id, text) {
    document.getElementById(id).textContent = text;
  }
  function line(items) {
    return items.map(function (i) { return i.label + " " + i.count; }).join(" · ");
  }
  fetch("/api/home", { headers: { Accept: "application/json" } })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(function (body) {
      var s = body.data;
      set("units", line(s.units));
      set("people", String(s.activePeople));
      set("enterprises", line(s.enterprises));
      document.body.dataset.ready = "1";
    })
    .catch(function () {
      var p = document.getElementById("problem");
      p.textContent = "暂时无法读取统计数据，请稍后刷新页面。";
      p.hidden = false;
    });
})();
