/*
 * The unit console's script: the dashboard's charts (Chart.js, shipped in vendor/ with
 * its licence), the import page's progress bar, and the year-end close's progress
 * (each unfinished job's row follows the REST status endpoint until the job is done).
 * Every chart has a table with the same figures next to it, and every close row shows
 * the state the page was loaded with, so the page reads the same without this script.
 */
(function () {
  "use strict";

  function chartData() {
    var node = document.getElementById("console-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawCharts() {
    var data = chartData();
    if (!data || typeof window.Chart === "undefined") {
      return;
    }
    var units = document.getElementById("chart-units");
    if (units) {
      new window.Chart(units, {
        type: "bar",
        data: {labels: data.units.labels, datasets: [{label: data.labels.rate, data: data.units.rates,
          backgroundColor: "#b3261e"}]},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          scales: {y: {min: 0, max: 100}}}
      });
      units.setAttribute("data-rendered", "true");
    }
    var months = document.getElementById("chart-months");
    if (months) {
      new window.Chart(months, {
        data: {labels: data.months.labels, datasets: [
          {type: "bar", label: data.labels.required, data: data.months.required, backgroundColor: "#b3261e",
            stack: "hours", yAxisID: "y"},
          {type: "bar", label: data.labels.elective, data: data.months.elective, backgroundColor: "#e8a33d",
            stack: "hours", yAxisID: "y"},
          {type: "bar", label: data.labels.other, data: data.months.other, backgroundColor: "#8d99ae",
            stack: "hours", yAxisID: "y"},
          {type: "line", label: data.labels.rate, data: data.months.rates, borderColor: "#0b57d0",
            backgroundColor: "#0b57d0", yAxisID: "rate"}
        ]},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          scales: {y: {stacked: true, beginAtZero: true}, x: {stacked: true},
            rate: {position: "right", min: 0, max: 100, grid: {drawOnChartArea: false}}}}
      });
      months.setAttribute("data-rendered", "true");
    }
  }

  function randomToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function watchImports() {
    var forms = document.querySelectorAll("form[data-import-progress]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.XMLHttpRequest || !window.FormData) {
          return;
        }
        event.preventDefault();
        var token = randomToken();
        var body = new FormData(form);
        body.set("progress_token", token);
        var bar = form.querySelector("progress");
        var label = form.querySelector("[data-progress-label]");
        var pollUrl = form.getAttribute("data-import-progress").replace("TOKEN", token);
        bar.hidden = false;
        var timer = window.setInterval(function () {
          fetch(pollUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
            if (p && p.total) {
              bar.max = p.total;
              bar.value = p.done;
              label.textContent = p.stage + " " + p.done + " / " + p.total;
            }
          }).catch(function () {});
        }, 500);
        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.upload.onprogress = function (e) {
          if (e.lengthComputable) {
            bar.max = e.total;
            bar.value = e.loaded;
            label.textContent = Math.round(100 * e.loaded / e.total) + "%";
          }
        };
        request.onload = function () {
          window.clearInterval(timer);
          document.open();
          document.write(request.responseText);
          document.close();
        };
        request.onerror = function () {
          window.clearInterval(timer);
          form.submit();
        };
        request.send(body);
      });
    });
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) {
      return "—";
    }
    seconds = Math.round(seconds);
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  function followCloseJobs() {
    var labels = document.querySelector("[data-close-labels]");
    var rows = document.querySelectorAll("tr[data-testid=close-job][data-finished=false]");
    Array.prototype.forEach.call(rows, function (row) {
      var url = row.getAttribute("data-status-url");
      var timer = window.setInterval(function () {
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (job) {
            if (!job) {
              return;
            }
            var bar = row.querySelector("[data-close-bar]");
            bar.max = job.learners_total || 1;
            bar.value = job.learners_done;
            row.querySelector("[data-close-done]").textContent = job.learners_done;
            row.querySelector("[data-close-chunks]").textContent = job.chunks_done;
            row.querySelector("[data-close-rate]").textContent =
              job.rate ? Math.round(job.rate).toLocaleString() : "—";
            row.querySelector("[data-close-eta]").textContent = job.finished ? "—" : duration(job.eta_seconds);
            var state = job.finished ? "done" : (job.chunks_running ? "running" : "queued");
            row.querySelector("[data-close-state]").textContent = labels.getAttribute("data-" + state);
            if (job.finished) {
              row.setAttribute("data-finished", "true");
              window.clearInterval(timer);
            }
          }).catch(function () {});
      }, 3000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    watchImports();
    followCloseJobs();
  });
})();
