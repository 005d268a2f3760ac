/*
 * The sandbox's XBlock JavaScript runtime (version 1, as the LMS provides it).
 *
 * Every wrapper <div class="xblock" data-init=... data-runtime-version="1"> rendered by
 * sandbox.courseware.runtime gets its init function called as
 * initFn(runtime, element, jsonInitArgs); handler URLs come from the wrapper's
 * data-handler-prefix, so the server decides where handlers live.
 */
(function (window, document) {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function blockElement(element) {
    // Blocks may pass a jQuery object or a child node; find the wrapper.
    if (element && element.jquery) { element = element[0]; }
    while (element && !(element.dataset && element.dataset.handlerPrefix)) { element = element.parentNode; }
    return element;
  }

  var runtimeV1 = {
    handlerUrl: function (element, handlerName, suffix, query) {
      var wrapper = blockElement(element);
      var url = wrapper.dataset.handlerPrefix + handlerName + "/" + (suffix || "");
      if (query) { url += "?" + query; }
      return url;
    },
    children: function (element) { return blockElement(element).xblockChildren || []; },
    childMap: function (element, name) {
      return this.children(element).filter(function (child) { return child.name === name; })[0];
    },
    notify: function (name, data) {
      document.dispatchEvent(new CustomEvent("xblock:" + name, {detail: data}));
    },
    csrfToken: csrfToken
  };

  function initArgs(element) {
    var script = element.querySelector(":scope > script.xblock_json_init_args");
    if (!script) { return {}; }
    try { return JSON.parse(script.textContent || "{}"); } catch (e) { return {}; }
  }

  function initializeBlock(element) {
    if (element.dataset.runtimeVersion !== "1") { return null; }
    var initFn = window[element.dataset.init];
    if (typeof initFn !== "function") {
      console.error("XBlock init function not found:", element.dataset.init);
      return null;
    }
    var block = new initFn(runtimeV1, element, initArgs(element)) || {};
    block.element = element;
    block.name = element.dataset.name;
    element.xblockInitialized = true;
    return block;
  }

  function initializeAll(root) {
    var nodes = (root || document).querySelectorAll("[data-init][data-runtime-version]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (!node.xblockInitialized) { initializeBlock(node); }
    });
  }

  // jQuery-based blocks (the LMS loads jQuery) send the CSRF header on unsafe requests.
  if (window.jQuery) {
    window.jQuery.ajaxSetup({
      beforeSend: function (xhr, settings) {
        if (!/^(GET|HEAD|OPTIONS|TRACE)$/i.test(settings.type)) {
          xhr.setRequestHeader("X-CSRFToken", csrfToken());
        }
      }
    });
  }

  window.SandboxRuntime = {v1: runtimeV1, csrfToken: csrfToken, initializeAll: initializeAll};
  document.addEventListener("DOMContentLoaded", function () { initializeAll(document); });
})(window, document);
