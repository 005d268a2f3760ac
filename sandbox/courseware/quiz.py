"""
A tiny scored block for the sandbox's course exams.

Some policies award required hours only with an exam pass (Anhui: 考试合格).  In the LMS
that pass comes from problem blocks and the course grade; the sandbox has no capa, so
this block asks a few multiple-choice questions, grades them on the server and
publishes a ``grade`` event, which the runtime turns into the course's passing status.
It is not published as an ``xblock.v1`` entry point: it exists only in the sandbox.
"""
from django.utils.html import escape
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Dict, Float, List, Scope, String

QUIZ_JS = """
function SandboxQuizBlock(runtime, element) {
  var form = element.querySelector("form");
  var result = element.querySelector(".quiz-result");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      answers[input.name] = parseInt(input.value, 10);
    });
    fetch(runtime.handlerUrl(element, "submit"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": SandboxRuntime.csrfToken()},
      body: JSON.stringify({answers: answers})
    }).then(function (r) { return r.json(); }).then(function (data) {
      result.textContent = data.message;
      result.dataset.passed = data.passed ? "true" : "false";
    });
  });
}
"""


class SandboxQuizBlock(XBlock):
    """Multiple-choice questions graded on the server; publishes ``grade``."""

    has_score = True

    display_name = String(default="Exam", scope=Scope.settings)
    questions = List(default=[], scope=Scope.content, help="[{'text': str, 'options': [str], 'answer': int}]")
    answers = Dict(default={}, scope=Scope.user_state)
    score = Float(default=None, scope=Scope.user_state)

    def student_view(self, context=None):
        """The questions as a form (radio groups with legends, usable by keyboard)."""
        parts = [f'<div class="sandbox-quiz"><h3>{escape(self.display_name)}</h3><form>']
        for index, question in enumerate(self.questions):
            name = f"q{index}"
            parts.append(f'<fieldset><legend>{escape(question["text"])}</legend>')
            for option_index, option in enumerate(question["options"]):
                checked = " checked" if self.answers.get(name) == option_index else ""
                parts.append(
                    f'<label><input type="radio" name="{name}" value="{option_index}"{checked}> '
                    f"{escape(option)}</label><br>"
                )
            parts.append("</fieldset>")
        submit_label = _("Submit answers")
        parts.append(f'<button type="submit" class="button">{escape(submit_label)}</button></form>')
        parts.append('<p class="quiz-result" role="status" aria-live="polite"></p></div>')
        fragment = Fragment("".join(parts))
        fragment.add_javascript(QUIZ_JS)
        fragment.initialize_js("SandboxQuizBlock")
        return fragment

    @XBlock.json_handler
    def submit(self, data, suffix=""):
        """Grade the answers (the server holds the key) and publish the grade."""
        answers = {str(k): int(v) for k, v in (data.get("answers") or {}).items()}
        correct = sum(
            1 for index, question in enumerate(self.questions) if answers.get(f"q{index}") == question["answer"]
        )
        total = len(self.questions) or 1
        self.answers = answers
        self.score = correct / total
        self.runtime.publish(self, "grade", {"value": correct, "max_value": total})
        passed = self.score >= 0.6
        message = _("{correct} of {total} correct: passed.") if passed else _("{correct} of {total} correct: not passed.")
        return {"correct": correct, "total": total, "passed": passed, "message": message.format(correct=correct, total=total)}
