/**
 * Client side of the credit-hour block's heartbeat protocol (docs/xblock.md).
 *
 * The browser only REPORTS (position, rate, visibility, input); the server decides
 * what counts.  The protocol core (CreditsClient) touches no DOM: the player, the
 * view, the transport, the timers and the clock are adapters, so node's test runner
 * drives it with fakes (cadre_credits_xblock/static/js/tests/).  CadreCreditsXBlock
 * at the bottom binds it to the page the block renders.
 *
 * Between two heartbeats the progress line is interpolated from the player (wall-clock
 * seconds played forward from the last figure the server confirmed, never faster than
 * real time, never past the required time), so it moves from the first second; every
 * server reply replaces the estimate with the server's own figure.
 */
(function (global) {
  "use strict";

  var REFUSALS = ["forged", "token_expired", "unknown_session", "anonymous"];

  function CreditsClient(options) {
    this.transport = options.transport; // (handlerName, body) -> Promise<{status, body}>
    this.player = options.player; // position(), rate(), setRate(r), pause(), play(), seek(t), paused()
    this.view = options.view; // progress(p), year(y), status(texts), showCheck(c), hideCheck(), resume(t|null)
    this.timers = options.timers; // setInterval, clearInterval
    this.now = options.now; // milliseconds
    this.labels = options.labels || {};
    this.duration = options.duration || 0; // the media's length: positions are reported within it
    this.reasons = options.reasons || {};
    this.token = null;
    this.seq = 0;
    this.live = false;
    this.maxRate = 1;
    this.interval = 15;
    this.loop = null;
    this.lastInput = this.now();
    this.hiddenSinceBeat = false;
    this.hidden = false;
    this.focused = true;
    this.check = null;
    this.chain = Promise.resolve();
    // The last server figure: verified and required seconds, at which player position
    // and wall-clock moment; ``growing`` is false when the server credited nothing.
    this.base = null;
    this.completed = false;
    this.sticky = null; // the rollback message, kept beside "paused" until play
    this.reading = Boolean(options.reading); // a reading earns wall time, not media time
  }

  /** Open a live session (superseding any other of this learner) and start beating. */
  CreditsClient.prototype.start = function () {
    var self = this;
    return this.enqueue(function () {
      // No position: the server anchors the session at the verified frontier and the
      // player resumes there (a reloaded page would otherwise restart from 0:00).
      return self.transport("start_session", {}).then(function (res) {
        if (res.status !== 200) { return self.refused(res); }
        var body = res.body;
        if (typeof body.resume_at === "number" && Math.abs(self.player.position() - body.resume_at) > 1) {
          self.player.seek(body.resume_at);
        }
        self.token = body.token;
        self.seq = body.seq || 0;
        self.live = true;
        self.maxRate = body.max_playback_rate || 1;
        self.interval = body.heartbeat_interval || 15;
        self.hiddenSinceBeat = self.hidden;
        self.enforceRate();
        self.apply(body, typeof body.resume_at === "number" ? body.resume_at : self.player.position(), true);
        self.schedule();
        return body;
      });
    });
  };

  /** Requests go out one at a time, so sequence numbers reach the server in order. */
  CreditsClient.prototype.enqueue = function (task) {
    var run = this.chain.then(task, task);
    this.chain = run.catch(function () {});
    return run;
  };

  CreditsClient.prototype.schedule = function () {
    var self = this;
    this.unschedule();
    this.loop = this.timers.setInterval(function () { self.beat(); }, this.interval * 1000);
  };

  CreditsClient.prototype.unschedule = function () {
    if (this.loop !== null) { this.timers.clearInterval(this.loop); this.loop = null; }
  };

  /**
   * Build the report for the interval that ends now (then start a new interval).
   * Values stay within the protocol's bounds (docs/xblock.md): the position within
   * the media, the rate in (0, 16] (otherwise not reported), idle within a day.
   */
  CreditsClient.prototype.report = function (positionOverride) {
    var position = positionOverride === undefined ? this.player.position() : positionOverride;
    position = Math.max(0, Number(position) || 0);
    if (this.duration > 0) { position = Math.min(position, this.duration); }
    var body = {
      token: this.token,
      seq: ++this.seq,
      position: position,
      visible: !this.hiddenSinceBeat && !this.hidden,
      focused: this.focused,
      idle_seconds: Math.min(86400, Math.max(0, Math.floor((this.now() - this.lastInput) / 1000))),
    };
    var rate = Number(this.player.rate());
    if (rate > 0 && rate <= 16) { body.rate = rate; }
    this.hiddenSinceBeat = this.hidden;
    return body;
  };

  /** Send one heartbeat; ``positionOverride`` closes an interval at a known position (seeks). */
  CreditsClient.prototype.beat = function (positionOverride) {
    var self = this;
    if (!this.live) { return Promise.resolve(null); }
    var body = this.report(positionOverride); // measured now, sent in order
    return this.enqueue(function () {
      if (!self.live) { return null; }
      return self.send("heartbeat", body);
    });
  };

  CreditsClient.prototype.send = function (handler, body) {
    var self = this;
    return this.transport(handler, body).then(function (res) {
      if (res.status !== 200) { return self.refused(res); }
      self.apply(res.body, typeof body.position === "number" ? body.position : self.player.position());
      return res.body;
    }, function () {
      self.view.status([self.labels.connection_lost]);
      return null;
    });
  };

  /** Answer the pending attention check with the id of the learner's choice (or the ids, multiple choice). */
  CreditsClient.prototype.answer = function (choiceIds) {
    var self = this;
    var check = this.check;
    if (!check || !this.live) { return Promise.resolve(null); }
    var ids = (Array.isArray(choiceIds) ? choiceIds : [choiceIds]).map(String);
    if (!ids.length) { return Promise.resolve(null); }
    var body = { token: this.token, seq: ++this.seq, check_id: check.id, answer: ids };
    return this.enqueue(function () {
      return self.send("answer_check", body).then(function (resBody) {
        if (resBody && resBody.passed) { self.player.play(); }
        return resBody;
      });
    });
  };

  /**
   * Draw what the server said: progress, messages, checks, where to resume.
   * ``position`` is where the player was when the answered request was measured (the
   * base of the interpolation); ``starting`` marks the session's first reply.
   */
  CreditsClient.prototype.apply = function (body, position, starting) {
    // The server's last accepted sequence number: after a "replayed" answer the next
    // request continues above it, so no number sent earlier can lock the session.
    if (typeof body.seq === "number" && body.seq > this.seq) { this.seq = body.seq; }
    var reasons = body.reasons || [];
    var rollback = reasons.indexOf("check_wrong") >= 0 || reasons.indexOf("check_expired") >= 0;
    if (body.progress) {
      var credited = starting || (body.ok && Number(body.credited) > 0);
      var at = rollback && typeof body.resume_at === "number" ? body.resume_at : position;
      this.rebase(body.progress, at, credited && !rollback);
      this.view.progress(body.progress); // the server's own figure replaces any estimate
      if (body.progress.completed && !this.completed) {
        this.completed = true;
        if (this.view.completed) { this.view.completed(body.progress); }
      }
    }
    if (body.year) { this.view.year(body.year); }
    if (body.live === false) { this.stop(); this.player.pause(); }
    var texts = (body.messages || []).map(function (m) { return m.text; });
    if (!texts.length && body.progress && body.progress.completed) { texts = [this.labels.completed]; }
    if (!texts.length && body.ok && Number(body.credited) > 0) { texts = [this.labels.earning]; }
    // Every reply replaces the status line: a message the server no longer sends (e.g.
    // "paused" once playing again) must not linger.  Only the reason for a rollback
    // stays beside "paused" until the learner plays again (it says why to re-watch).
    if (rollback) {
      this.sticky = texts.slice();
    } else if (this.sticky && reasons.length && reasons.every(function (r) { return r === "paused"; })) {
      texts = this.sticky.concat(texts);
    } else {
      this.sticky = null;
    }
    this.view.status(texts);
    this.applyCheck(body);
    if (rollback && body.resume_at !== null && body.resume_at !== undefined) {
      this.player.pause();
      this.player.seek(body.resume_at);
    }
    var ahead = reasons.indexOf("ahead_of_frontier") >= 0;
    this.view.resume(ahead ? body.resume_at : null);
  };

  /** Remember the server's figure as the base of the interpolation. */
  CreditsClient.prototype.rebase = function (progress, position, growing) {
    this.base = {
      verified: Number(progress.verified_seconds) || 0,
      required: Number(progress.required_seconds) || 0,
      position: Number(position) || 0,
      at: this.now(),
      growing: Boolean(growing) && !progress.completed,
      progress: progress,
    };
  };

  /**
   * The verified seconds to show now: the server's figure plus what has played since,
   * at most real time and never past the required seconds.  Frozen while the server
   * credits nothing (paused, hidden, idle, ahead of the verified point, a check open).
   */
  CreditsClient.prototype.estimate = function () {
    var base = this.base;
    if (!base || base.progress.verified_seconds === undefined) { return null; }
    if (!base.growing || !this.live || this.check || this.hidden || this.player.paused()) { return base.verified; }
    var wall = (this.now() - base.at) / 1000;
    var played = this.reading ? wall : this.player.position() - base.position;
    var gained = Math.max(0, Math.min(played, wall * Math.min(1, this.maxRate)));
    return Math.min(base.verified + gained, Math.max(base.verified, base.required));
  };

  /** The progress to draw for ``verified`` seconds: percent and text, never above 100 %. */
  CreditsClient.prototype.display = function (progress, verified) {
    var required = Number(progress.required_seconds) || 0;
    var shown = Math.min(verified, required || verified);
    var percent = required <= 0 ? 100 : Math.min(100, Math.floor(shown * 100 / required));
    var template = this.labels.progress_text;
    var text = template
      ? String(template).replace("{verified}", formatTime(shown)).replace("{required}", formatTime(required))
      : progress.text;
    return { percent: percent, text: text, completed: Boolean(progress.completed) };
  };

  /** Redraw the interpolated progress (called every half second by the page). */
  CreditsClient.prototype.tick = function () {
    var verified = this.estimate();
    if (verified === null) { return null; }
    var shown = this.display(this.base.progress, verified);
    this.view.progress(shown);
    return shown;
  };

  /** The learner pressed play again: a "paused" message from the last reply is stale. */
  CreditsClient.prototype.onPlay = function () {
    this.sticky = null;
    if (this.live && !this.check) { this.view.status([]); }
  };

  CreditsClient.prototype.applyCheck = function (body) {
    var check = body.check || null;
    if (check && (!this.check || this.check.id !== check.id)) {
      this.check = check;
      this.player.pause();
      if (body.resume_at !== null && body.resume_at !== undefined) { this.player.seek(body.resume_at); }
      this.view.showCheck(check);
    } else if (!check && this.check) {
      this.check = null;
      this.view.hideCheck();
    }
  };

  CreditsClient.prototype.refused = function (res) {
    var code = (res.body && res.body.error) || "forged";
    if (res.status === 400) { code = "bad_request"; } // a body out of the protocol's bounds
    this.stop();
    this.player.pause();
    this.view.status([this.reasons[code] || this.reasons.forged || code]);
    return null;
  };

  CreditsClient.prototype.stop = function () {
    this.live = false;
    this.unschedule();
  };

  // ------------------------------------------------------------ page events

  CreditsClient.prototype.onInput = function () { this.lastInput = this.now(); };

  /** Close the interval at each visibility change, so hidden time is its own interval. */
  CreditsClient.prototype.onVisibility = function (hidden) {
    if (hidden === this.hidden) { return Promise.resolve(null); }
    var sent;
    if (hidden) {
      sent = this.beat(); // the interval so far was visible
      this.hidden = true;
      this.hiddenSinceBeat = true;
      this.player.pause(); // nothing plays unseen: no hang-up learning in a background tab
    } else {
      this.hidden = false;
      sent = this.beat(); // the interval that ends now was hidden (hiddenSinceBeat)
      this.lastInput = this.now();
    }
    return sent;
  };

  CreditsClient.prototype.onFocus = function (focused) { this.focused = focused; };

  /** A seek: report the position the player had before it, closing the interval there. */
  CreditsClient.prototype.onSeek = function (positionBefore) { return this.beat(positionBefore); };

  CreditsClient.prototype.enforceRate = function () {
    if (this.player.rate() > this.maxRate) {
      this.player.setRate(this.maxRate);
      this.view.status([String(this.labels.speed_limited || "").replace("{rate}", this.maxRate)]);
    }
  };

  // --------------------------------------------------------------- DOM glue

  function elementOf(element) { return element && element.jquery ? element[0] : element; }

  function csrfToken(doc) {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(doc.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }

  function fetchTransport(runtime, root, doc) {
    return function (handler, body) {
      return global.fetch(runtime.handlerUrl(root, handler), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(doc) },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return { status: response.status, body: json };
        });
      });
    };
  }

  function videoPlayer(video) {
    var lastPlayed = 0;
    var ownSeek = false; // a seek the client made itself (resume, rollback): the server already knows
    video.addEventListener("timeupdate", function () { if (!video.seeking) { lastPlayed = video.currentTime; } });
    return {
      position: function () { return Math.round(video.currentTime * 1000) / 1000; },
      rate: function () { return video.playbackRate; },
      setRate: function (rate) { video.playbackRate = rate; },
      pause: function () { video.pause(); },
      play: function () { var p = video.play(); if (p && p.catch) { p.catch(function () {}); } },
      seek: function (t) {
        if (Math.abs(video.currentTime - t) < 0.01) { return; }
        ownSeek = true;
        video.currentTime = t;
        lastPlayed = t;
      },
      takeOwnSeek: function () { var own = ownSeek; ownSeek = false; return own; },
      paused: function () { return video.paused; },
      lastPlayed: function () { return lastPlayed; },
    };
  }

  function readingPlayer() {
    return {
      position: function () { return 0; }, rate: function () { return 1; }, setRate: function () {},
      pause: function () {}, play: function () {}, seek: function () {}, paused: function () { return false; },
      lastPlayed: function () { return 0; },
    };
  }

  function formatTime(seconds) {
    var total = Math.floor(Number(seconds) || 0);
    var rest = total % 60;
    return Math.floor(total / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function pageView(root, client, labels, pictureUrl) {
    var q = function (sel) { return root.querySelector(sel); };
    var dialog = q(".cc-check");
    var timer = null;
    var opener = null;
    return {
      progress: function (p) {
        q(".cc-progress-bar").value = p.percent;
        q(".cc-progress-text").textContent = p.text;
      },
      year: function (y) { var el = q(".cc-year"); el.textContent = y.text; el.hidden = false; },
      status: function (texts) {
        var el = q(".cc-status");
        var text = texts.join(" ");
        if (el.textContent !== text) { el.textContent = text; }
      },
      completed: function (p) {
        var banner = q(".cc-complete");
        if (banner) { banner.hidden = false; }
        root.dispatchEvent(new root.ownerDocument.defaultView.CustomEvent("cadre-credits:completed", {
          bubbles: true, detail: { progress: p },
        }));
      },
      resume: function (at) {
        var button = q(".cc-resume");
        if (at === null || at === undefined) { button.hidden = true; return; }
        button.textContent = String(labels.resume).replace("{time}", formatTime(at));
        button.dataset.at = at;
        button.hidden = false;
      },
      showCheck: function (check) {
        opener = root.ownerDocument.activeElement;
        var doc = root.ownerDocument;
        q(".cc-check-question").textContent = check.question;
        q(".cc-check-hint").textContent = check.hint || "";
        var picture = q(".cc-check-picture");
        if (check.kind === "picture") {
          picture.src = pictureUrl(check.id);
          picture.alt = (check.picture && check.picture.alt) || "";
          picture.hidden = false;
        } else {
          picture.hidden = true;
          picture.removeAttribute("src");
        }
        var choices = q(".cc-check-choices");
        var confirm = q(".cc-check-confirm");
        choices.textContent = "";
        check.choices.forEach(function (choice) {
          if (check.multiple) {
            var label = doc.createElement("label");
            var box = doc.createElement("input");
            box.type = "checkbox";
            box.value = choice.id;
            label.appendChild(box);
            label.appendChild(doc.createTextNode(" " + choice.text));
            choices.appendChild(label);
          } else {
            var button = doc.createElement("button");
            button.type = "button";
            button.textContent = choice.text;
            button.dataset.choice = choice.id;
            button.addEventListener("click", function () { client.answer([choice.id]); });
            choices.appendChild(button);
          }
        });
        confirm.hidden = !check.multiple;
        confirm.textContent = labels.check_confirm || "";
        confirm.onclick = function () {
          var picked = Array.prototype.map.call(choices.querySelectorAll("input:checked"), function (box) {
            return box.value;
          });
          if (picked.length) { client.answer(picked); }
        };
        dialog.hidden = false;
        var left = check.expires_in;
        var tick = function () {
          q(".cc-check-timer").textContent = String(labels.check_seconds_left).replace("{seconds}", left);
          left = Math.max(0, left - 1);
        };
        tick();
        timer = global.setInterval(tick, 1000);
        (choices.querySelector("button, input") || dialog).focus();
      },
      hideCheck: function () {
        dialog.hidden = true;
        if (timer) { global.clearInterval(timer); timer = null; }
        if (opener && opener.focus) { opener.focus(); }
      },
    };
  }

  /** Keep keyboard focus inside the open check dialog (it must be answered). */
  function trapFocus(dialog) {
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") { return; }
      var buttons = Array.prototype.filter.call(dialog.querySelectorAll("button, input"), function (el) {
        return !el.hidden && !el.disabled;
      });
      if (!buttons.length) { return; }
      var first = buttons[0];
      var last = buttons[buttons.length - 1];
      var active = dialog.ownerDocument.activeElement;
      if (event.shiftKey && active === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && active === last) { first.focus(); event.preventDefault(); }
    });
  }

  function CadreCreditsXBlock(runtime, element, args) {
    var root = elementOf(element);
    var doc = root.ownerDocument;
    if (args.anonymous) { return null; }
    var video = root.querySelector(".cc-video");
    var player = video ? videoPlayer(video) : readingPlayer();
    var client = new CreditsClient({
      transport: fetchTransport(runtime, root, doc),
      player: player,
      view: null,
      timers: { setInterval: global.setInterval.bind(global), clearInterval: global.clearInterval.bind(global) },
      now: function () { return Date.now(); },
      labels: args.labels,
      reasons: args.reasons,
      duration: args.duration,
      reading: !video,
    });
    client.view = pageView(root, client, args.labels, function (checkId) {
      var url = runtime.handlerUrl(root, "check_picture");
      return url + (url.indexOf("?") >= 0 ? "&" : "?") + "check=" + encodeURIComponent(checkId);
    });
    client.hidden = doc.hidden;
    ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll"].forEach(function (name) {
      doc.addEventListener(name, function () { client.onInput(); }, { passive: true, capture: true });
    });
    doc.addEventListener("visibilitychange", function () { client.onVisibility(doc.hidden); });
    global.addEventListener("focus", function () { client.onFocus(true); });
    global.addEventListener("blur", function () { client.onFocus(false); });
    trapFocus(root.querySelector(".cc-check"));
    root.querySelector(".cc-resume").addEventListener("click", function (event) {
      player.seek(Number(event.currentTarget.dataset.at));
      client.view.resume(null);
    });
    global.setInterval(function () { client.tick(); }, 500);
    if (video) {
      video.addEventListener("play", function () { client.onPlay(); if (!client.live) { client.start(); } });
      video.addEventListener("seeking", function () {
        // The learner's own seek closes the interval where playback was; a seek the
        // client made to the server's resume point needs no report (and would read as paused).
        if (!player.takeOwnSeek()) { client.onSeek(player.lastPlayed()); }
      });
      video.addEventListener("ratechange", function () { client.enforceRate(); });
    } else {
      client.start();
    }
    return client;
  }

  global.CadreCreditsXBlock = CadreCreditsXBlock;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { CreditsClient: CreditsClient, CadreCreditsXBlock: CadreCreditsXBlock, formatTime: formatTime };
  }
})(typeof window !== "undefined" ? window : globalThis);
