/**
 * The client side of the heartbeat protocol, driven with fakes (node --test, no deps).
 *
 * The server decides what counts; these tests check that the client reports
 * honestly and in order: strictly increasing sequence numbers, the token, visibility
 * per interval, idle time from the last input, the pre-seek position, and that it
 * obeys the server (pauses and seeks for checks, stops when superseded or refused).
 */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { CreditsClient, formatTime } = require("../cadre_credits.js");

const START_BODY = {
  ok: true, live: true, token: "signed-token", seq: 0, heartbeat_interval: 15, max_playback_rate: 1,
  resume_at: 0, credited: "0.000", reasons: [], messages: [], check: null,
  progress: { percent: 0, text: "0:00", completed: false },
};

function ok(extra) {
  return { status: 200, body: Object.assign({
    ok: true, live: true, credited: "15.000", reasons: [], messages: [], check: null, resume_at: null,
    progress: { percent: 10, text: "1:00", completed: false },
  }, extra || {}) };
}

function harness(options) {
  const opts = options || {};
  const sent = [];
  const replies = (opts.replies || []).slice();
  const pending = [];
  const player = {
    t: 0, r: 1, isPaused: false, calls: [],
    position() { return this.t; }, rate() { return this.r; },
    setRate(r) { this.r = r; this.calls.push(["setRate", r]); },
    pause() { this.isPaused = true; this.calls.push(["pause"]); },
    play() { this.isPaused = false; this.calls.push(["play"]); },
    seek(t) { this.t = t; this.calls.push(["seek", t]); },
    paused() { return this.isPaused; },
  };
  const view = {
    calls: [],
    progress(p) { this.calls.push(["progress", p]); }, year(y) { this.calls.push(["year", y]); },
    status(texts) { this.calls.push(["status", texts]); },
    showCheck(c) { this.calls.push(["showCheck", c]); }, hideCheck() { this.calls.push(["hideCheck"]); },
    resume(at) { this.calls.push(["resume", at]); },
    last(kind) { return this.calls.filter((c) => c[0] === kind).pop(); },
  };
  const timers = {
    loops: [], cleared: [],
    setInterval(fn, ms) { this.loops.push({ fn, ms }); return this.loops.length; },
    clearInterval(id) { this.cleared.push(id); },
  };
  let nowMs = 1_000_000;
  const transport = (handler, body) => {
    sent.push({ handler, body: JSON.parse(JSON.stringify(body)) });
    if (handler === "start_session") { return Promise.resolve({ status: 200, body: START_BODY }); }
    if (opts.manual) { return new Promise((resolve) => pending.push(resolve)); }
    const reply = replies.length ? replies.shift() : ok();
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  };
  const client = new CreditsClient({
    transport, player, view, timers, now: () => nowMs,
    labels: { earning: "earning", completed: "done", connection_lost: "offline", speed_limited: "max {rate}x" },
    reasons: { forged: "refused: forged", token_expired: "expired", bad_request: "out of bounds" },
  });
  return { client, sent, player, view, timers, pending, tick: (s) => { nowMs += s * 1000; } };
}

const beats = (sent) => sent.filter((s) => s.handler === "heartbeat").map((s) => s.body);

test("start resumes at the server's verified point and schedules heartbeats at its interval", async () => {
  const h = harness();
  h.player.t = 42.5;
  await h.client.start();
  assert.deepEqual(h.sent[0], { handler: "start_session", body: {} });
  assert.equal(h.player.t, 0, "seeked to resume_at");
  assert.equal(h.client.token, "signed-token");
  assert.equal(h.timers.loops.length, 1);
  assert.equal(h.timers.loops[0].ms, 15000);
});

test("each heartbeat carries the token and a strictly increasing sequence number", async () => {
  const h = harness();
  await h.client.start();
  for (let i = 0; i < 3; i += 1) {
    h.tick(15);
    h.player.t += 15;
    await h.client.beat();
  }
  assert.deepEqual(beats(h.sent).map((b) => [b.token, b.seq, b.position]),
    [["signed-token", 1, 15], ["signed-token", 2, 30], ["signed-token", 3, 45]]);
});

test("heartbeats go out one at a time, in sequence order", async () => {
  const h = harness({ manual: true });
  await h.client.start();
  const first = h.client.beat();
  const second = h.client.beat();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(beats(h.sent).length, 1, "the second waits for the first answer");
  h.pending.shift()(ok());
  await first;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(beats(h.sent).map((b) => b.seq), [1, 2]);
  h.pending.shift()(ok());
  await second;
});

test("idle seconds count from the last keyboard or pointer input", async () => {
  const h = harness();
  await h.client.start();
  h.tick(40);
  await h.client.beat();
  h.client.onInput();
  h.tick(7);
  await h.client.beat();
  assert.deepEqual(beats(h.sent).map((b) => b.idle_seconds), [40, 7]);
});

test("a hidden page closes the visible interval, pauses the player and reports the hidden one", async () => {
  const h = harness();
  await h.client.start();
  h.tick(5);
  await h.client.onVisibility(true);
  assert.ok(h.player.isPaused);
  h.tick(15);
  await h.client.beat();
  h.tick(3);
  await h.client.onVisibility(false);
  h.tick(15);
  await h.client.beat();
  assert.deepEqual(beats(h.sent).map((b) => b.visible), [true, false, false, true]);
});

test("a seek closes the interval at the position the player had before it", async () => {
  const h = harness();
  await h.client.start();
  h.player.t = 600; // the player already jumped
  await h.client.onSeek(61.2);
  assert.equal(beats(h.sent)[0].position, 61.2);
});

test("playback above the allowed speed is set back and the learner is told", async () => {
  const h = harness();
  await h.client.start();
  h.player.r = 2;
  h.client.enforceRate();
  assert.deepEqual(h.player.calls.pop(), ["setRate", 1]);
  assert.deepEqual(h.view.last("status"), ["status", ["max 1x"]]);
});

test("an attention check pauses, seeks to the check and opens the dialog once", async () => {
  const check = { id: "c1", kind: "question", question: "数字政府建设首先要坚持什么理念？", multiple: false, hint: "one",
    choices: [{ id: "a1", text: "以技术为中心" }, { id: "b2", text: "以人民为中心" }], expires_in: 60 };
  const h = harness({ replies: [ok({ check, resume_at: 120.5, credited: "3.000" }), ok({ check, credited: "0.000" })] });
  await h.client.start();
  await h.client.beat();
  await h.client.beat();
  assert.deepEqual(h.view.calls.filter((c) => c[0] === "showCheck").length, 1);
  assert.ok(h.player.isPaused);
  assert.equal(h.player.t, 120.5);
});

test("answering sends the check id, the chosen choice's opaque id and the next sequence number; a pass resumes",
  async () => {
  const check = { id: "c1", kind: "question", question: "数字政府建设首先要坚持什么理念？", multiple: false, hint: "one",
    choices: [{ id: "a1", text: "以技术为中心" }, { id: "b2", text: "以人民为中心" }], expires_in: 60 };
  const h = harness({ replies: [ok({ check, resume_at: 100 }), ok({ passed: true, reasons: ["check_passed"] })] });
  await h.client.start();
  await h.client.beat();
  await h.client.answer("b2");
  const answer = h.sent.find((s) => s.handler === "answer_check").body;
  assert.deepEqual(answer, { token: "signed-token", seq: 2, check_id: "c1", answer: ["b2"] });
  assert.deepEqual(h.view.last("hideCheck"), ["hideCheck"]);
  assert.deepEqual(h.player.calls.pop(), ["play"]);
});

test("a failed check sends the player back to where verified time resumes", async () => {
  const check = { id: "c1", kind: "question", question: "数字政府建设首先要坚持什么理念？", multiple: false, hint: "one",
    choices: [{ id: "a1", text: "以技术为中心" }, { id: "b2", text: "以人民为中心" }], expires_in: 60 };
  const h = harness({ replies: [ok({ check, resume_at: 100 }), ok({ passed: false, reasons: ["check_wrong"],
    resume_at: 40, messages: [{ code: "check_wrong", text: "wrong" }] })] });
  await h.client.start();
  await h.client.beat();
  await h.client.answer("a1");
  assert.equal(h.player.t, 40);
  assert.deepEqual(h.view.last("status"), ["status", ["wrong"]]);
});

test("ahead of the verified point the learner is offered a way back", async () => {
  const h = harness({ replies: [ok({ reasons: ["ahead_of_frontier"], resume_at: 75, credited: "0.000" }), ok()] });
  await h.client.start();
  await h.client.beat();
  assert.deepEqual(h.view.last("resume"), ["resume", 75]);
  await h.client.beat();
  assert.deepEqual(h.view.last("resume"), ["resume", null]);
});

test("a superseded session stops beating and pauses", async () => {
  const h = harness({ replies: [ok({ ok: false, live: false, credited: "0.000", reasons: ["superseded"],
    messages: [{ code: "superseded", text: "opened elsewhere" }] })] });
  await h.client.start();
  await h.client.beat();
  assert.equal(h.client.live, false);
  assert.deepEqual(h.timers.cleared, [1]);
  assert.ok(h.player.isPaused);
  await h.client.beat();
  assert.equal(beats(h.sent).length, 1, "no heartbeat after being superseded");
  assert.deepEqual(h.view.last("status"), ["status", ["opened elsewhere"]]);
});

test("a refused token stops the client and says why", async () => {
  const h = harness({ replies: [{ status: 403, body: { error: "forged" } }] });
  await h.client.start();
  await h.client.beat();
  assert.equal(h.client.live, false);
  assert.deepEqual(h.view.last("status"), ["status", ["refused: forged"]]);
});

test("a 400 (a body out of the protocol's bounds) stops the client with its own sentence", async () => {
  const h = harness({ replies: [{ status: 400, body: { error: "bad_position" } }] });
  await h.client.start();
  await h.client.beat();
  assert.equal(h.client.live, false);
  assert.deepEqual(h.view.last("status"), ["status", ["out of bounds"]]);
});

test("a lost connection is shown and the sequence number is never reused", async () => {
  const h = harness({ replies: [new Error("offline"), ok()] });
  await h.client.start();
  await h.client.beat();
  assert.deepEqual(h.view.last("status"), ["status", ["offline"]]);
  await h.client.beat();
  assert.deepEqual(beats(h.sent).map((b) => b.seq), [1, 2]);
});

test("credited time and progress are drawn from the server's answer", async () => {
  const h = harness({ replies: [ok({ year: { text: "本年度已完成 2 / 50 学时" } })] });
  await h.client.start();
  await h.client.beat();
  assert.deepEqual(h.view.last("progress"), ["progress", { percent: 10, text: "1:00", completed: false }]);
  assert.deepEqual(h.view.last("year"), ["year", { text: "本年度已完成 2 / 50 学时" }]);
  assert.deepEqual(h.view.last("status"), ["status", ["earning"]]);
});

test("a multiple-choice answer sends every chosen id; an empty choice sends nothing", async () => {
  const check = { id: "m1", kind: "question", question: "q", multiple: true,
    choices: [{ id: "x1", text: "甲" }, { id: "y2", text: "乙" }, { id: "z3", text: "丙" }], expires_in: 60 };
  const h = harness({ replies: [ok({ check, resume_at: 10 }), ok({ passed: true, reasons: ["check_passed"] })] });
  await h.client.start();
  await h.client.beat();
  assert.equal(await h.client.answer([]), null);
  await h.client.answer(["x1", "z3"]);
  const answers = h.sent.filter((s) => s.handler === "answer_check").map((s) => s.body.answer);
  assert.deepEqual(answers, [["x1", "z3"]]);
});

test("after a replayed answer the client continues above the server's sequence number", async () => {
  const h = harness({ replies: [ok({ ok: false, credited: "0.000", reasons: ["replayed"], seq: 10001 }), ok()] });
  await h.client.start();
  await h.client.beat();
  await h.client.beat();
  assert.deepEqual(beats(h.sent).map((b) => b.seq), [1, 10002]);
});

test("reports stay within the protocol's bounds: position within the media, rate only in (0, 16]", async () => {
  const h = harness();
  h.client.duration = 20;
  await h.client.start();
  h.player.t = 20.04; // a file a little longer than its declared duration
  h.player.r = 0;
  await h.client.beat();
  h.player.t = -1;
  h.player.r = 2;
  await h.client.beat();
  const sent = beats(h.sent);
  assert.equal(sent[0].position, 20);
  assert.equal("rate" in sent[0], false);
  assert.equal(sent[1].position, 0);
  assert.equal(sent[1].rate, 2);
});

test("times are shown as minutes:seconds", () => {
  assert.equal(formatTime(75.9), "1:15");
  assert.equal(formatTime(0), "0:00");
});

// ------------------------------------------------------------------ what the learner sees

function progressBody(verified, extra) {
  return Object.assign({ verified_seconds: String(verified), required_seconds: "114", percent: 0,
    text: "server", completed: false }, extra || {});
}

test("between heartbeats the progress moves with the player from the first second", async () => {
  const h = harness();
  h.client.labels.progress_text = "{verified} / {required}";
  await h.client.start();
  h.client.apply({ ok: true, progress: progressBody(30) }, 30, true); // the server's figure at 0:30
  h.player.t = 31.2; h.tick(1.2);
  assert.deepEqual(h.client.tick(), { percent: 27, text: "0:31 / 1:54", completed: false });
  h.player.t = 33; h.tick(0.8); // played 3 s in 2 s of wall time: never faster than real time
  assert.equal(h.client.tick().text, "0:32 / 1:54");
});

test("the server's figure replaces the estimate when its reply arrives", async () => {
  const h = harness({ replies: [ok({ credited: "0.000", progress: progressBody(31, { text: "0:31 of 1:54" }) })] });
  h.client.labels.progress_text = "{verified} / {required}";
  await h.client.start();
  h.client.apply({ ok: true, progress: progressBody(30) }, 30, true);
  h.player.t = 36; h.tick(6);
  assert.equal(h.client.tick().text, "0:36 / 1:54");
  await h.client.beat(); // the server credited nothing for that interval (e.g. idle)
  assert.deepEqual(h.view.last("progress")[1].text, "0:31 of 1:54");
  h.player.t = 40; h.tick(4);
  assert.equal(h.client.tick().text, "0:31 / 1:54", "frozen while the server credits nothing");
});

test("the estimate stands still while paused, hidden or an attention check is open", async () => {
  const h = harness();
  h.client.labels.progress_text = "{verified}";
  await h.client.start();
  h.client.apply({ ok: true, progress: progressBody(10) }, 10, true);
  h.player.isPaused = true; h.player.t = 15; h.tick(5);
  assert.equal(h.client.tick().text, "0:10");
  h.player.isPaused = false; h.client.check = { id: "c1" };
  assert.equal(h.client.tick().text, "0:10");
  h.client.check = null; h.client.hidden = true;
  assert.equal(h.client.tick().text, "0:10");
});

test("progress never reads above 100 % nor past the required time", async () => {
  const h = harness();
  h.client.labels.progress_text = "{verified} / {required}";
  await h.client.start();
  h.client.apply({ ok: true, progress: progressBody(112) }, 112, true);
  h.player.t = 130; h.tick(18);
  assert.deepEqual(h.client.tick(), { percent: 100, text: "1:54 / 1:54", completed: false });
  assert.deepEqual(h.client.display(progressBody(120), 120), { percent: 100, text: "1:54 / 1:54", completed: false });
});

test("a reply without messages clears the stale status line, and play clears a paused message", async () => {
  const h = harness({ replies: [
    ok({ credited: "0.000", reasons: ["paused"], messages: [{ code: "paused", text: "paused, not counted" }] }),
    ok({ credited: "0.000", reasons: [], messages: [] }),
  ] });
  await h.client.start();
  await h.client.beat();
  assert.deepEqual(h.view.last("status"), ["status", ["paused, not counted"]]);
  h.client.onPlay();
  assert.deepEqual(h.view.last("status"), ["status", []]);
  await h.client.beat();
  assert.deepEqual(h.view.last("status"), ["status", []]);
});

test("completion is drawn once, live, and the year line follows the server", async () => {
  const h = harness({ replies: [
    ok({ progress: progressBody(114, { completed: true, percent: 100 }), year: { text: "1.5 / 50" } }),
    ok({ progress: progressBody(114, { completed: true, percent: 100 }) }),
  ] });
  const completions = [];
  h.view.completed = (p) => completions.push(p);
  await h.client.start();
  await h.client.beat();
  await h.client.beat();
  assert.equal(completions.length, 1);
  assert.deepEqual(h.view.last("year"), ["year", { text: "1.5 / 50" }]);
  assert.deepEqual(h.view.last("status"), ["status", ["done"]]);
});

test("a failed check rolls the estimate back to the rollback point with the player", async () => {
  const h = harness({ replies: [ok({
    ok: true, credited: "0.000", reasons: ["check_wrong"], resume_at: 12,
    messages: [{ code: "check_wrong", text: "wrong" }], progress: progressBody(12),
  })] });
  h.client.labels.progress_text = "{verified}";
  await h.client.start();
  h.client.check = { id: "c1" };
  h.player.t = 25;
  await h.client.answer("7");
  assert.equal(h.player.t, 12);
  assert.ok(h.player.calls.some((c) => c[0] === "pause"));
  h.player.isPaused = false; h.player.t = 14; h.tick(2);
  assert.equal(h.client.tick().text, "0:12", "nothing is estimated until the server credits again");
});

test("the reason for a rollback stays beside 'paused' until the learner plays again", async () => {
  const h = harness({ replies: [
    ok({ credited: "0.000", reasons: ["check_wrong"], resume_at: 0, messages: [{ code: "check_wrong", text: "wrong" }] }),
    ok({ credited: "0.000", reasons: ["paused"], messages: [{ code: "paused", text: "paused" }] }),
    ok({ credited: "0.000", reasons: ["paused"], messages: [{ code: "paused", text: "paused" }] }),
  ] });
  await h.client.start();
  h.client.check = { id: "c1" };
  await h.client.answer("1");
  await h.client.beat();
  assert.deepEqual(h.view.last("status"), ["status", ["wrong", "paused"]]);
  h.client.onPlay();
  await h.client.beat();
  assert.deepEqual(h.view.last("status"), ["status", ["paused"]]);
});

test("a reading's progress moves with the wall clock between heartbeats", async () => {
  const h = harness();
  h.client.reading = true;
  h.client.labels.progress_text = "{verified} / {required}";
  await h.client.start();
  h.client.apply({ ok: true, progress: progressBody(40) }, 0, true);
  h.tick(3.4);
  assert.equal(h.client.tick().text, "0:43 / 1:54");
});
