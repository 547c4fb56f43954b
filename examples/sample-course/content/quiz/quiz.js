/*
 * The quiz SCO: scores the answers and reports them through the SCORM 1.2 API
 * (cmi.core.score.raw/min/max, cmi.core.lesson_status passed|failed, LMSCommit, LMSFinish).
 */
(() => {
  var Scorm = window.Scorm;
  var DEFAULT_MASTERY = 80;
  var questions = [
    {
      id: "q1",
      text: "In which year was the Sarbanes-Oxley Act passed?",
      options: ["1999", "2002", "2008", "2010"],
      answer: 1,
    },
    {
      id: "q2",
      text: "Section 302 requires which officers to certify each periodic financial report?",
      options: ["The CEO and the CFO", "The external auditor", "The audit committee chair", "The head of IT"],
      answer: 0,
    },
    {
      id: "q3",
      text: "What does Section 404 ask management to assess every year?",
      options: [
        "The company's share price",
        "Internal control over financial reporting",
        "Employee satisfaction",
        "The IT budget",
      ],
      answer: 1,
    },
    {
      id: "q4",
      text: "Destroying records to obstruct an investigation (Section 802) is...",
      options: [
        "allowed after seven years",
        "a civil matter only",
        "a federal crime",
        "an accounting choice",
      ],
      answer: 2,
    },
    {
      id: "q5",
      text: "An employee reports suspected fraud in good faith. Under Section 806 the company may...",
      options: ["demote them", "not retaliate against them", "withhold their bonus", "transfer them abroad"],
      answer: 1,
    },
  ];

  var form = document.getElementById("quiz");
  var result = document.getElementById("result");

  questions.forEach((question, qi) => {
    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = `${qi + 1}. ${question.text}`;
    fieldset.appendChild(legend);
    question.options.forEach((option, oi) => {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = question.id;
      input.value = String(oi);
      input.required = true;
      label.appendChild(input);
      label.appendChild(document.createTextNode(` ${option}`));
      fieldset.appendChild(label);
    });
    form.appendChild(fieldset);
  });

  Scorm.start();
  var mastery = Number(Scorm.get("cmi.student_data.mastery_score")) || DEFAULT_MASTERY;
  if (Scorm.get("cmi.core.lesson_status") === "not attempted") {
    Scorm.set("cmi.core.lesson_status", "incomplete");
    Scorm.commit();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    var correct = 0;
    questions.forEach((question) => {
      var chosen = form.querySelector(`input[name="${question.id}"]:checked`);
      if (chosen && Number(chosen.value) === question.answer) correct += 1;
    });
    var score = Math.round((correct / questions.length) * 100);
    var passed = score >= mastery;
    Scorm.set("cmi.core.score.min", 0);
    Scorm.set("cmi.core.score.max", 100);
    Scorm.set("cmi.core.score.raw", score);
    Scorm.set("cmi.core.lesson_status", passed ? "passed" : "failed");
    Scorm.commit();
    Scorm.finish();
    result.textContent =
      "You scored " +
      score +
      "% (" +
      correct +
      " of " +
      questions.length +
      "). " +
      (passed ? "Passed." : `Not passed: ${mastery}% is needed. Review the lesson and try again.`) +
      (Scorm.connected ? "" : " (Not running in an LMS: nothing was recorded.)");
    result.className = `status ${passed ? "done" : "failed"}`;
    document.getElementById("submit").disabled = true;
  });
})();
