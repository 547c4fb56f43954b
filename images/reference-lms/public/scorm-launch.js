// SCORM launch page: builds the runtime API with scorm-again, restores the learner's state, then
// opens the SCO in the frame. Commits are synchronous XHRs, so LMSCommit/Commit returns only after
// the server has stored the data.
(() => {
  const config = JSON.parse(document.getElementById("launch-config").textContent);
  const status = document.getElementById("status");
  const show = (text) => {
    status.textContent = text;
  };
  const settings = {
    lmsCommitUrl: config.commitUrl,
    autocommit: false,
    dataCommitFormat: "json",
    renderCommonCommitFields: true,
    sendFullCommit: true,
    logLevel: 4,
  };
  const state = config.state || {};
  let api;
  if (config.version === "1.2") {
    api = new window.Scorm12API(settings);
    const core = { student_id: config.student.id, student_name: config.student.name };
    if (state.location) core.lesson_location = state.location;
    if (state.lessonStatus) core.lesson_status = state.lessonStatus;
    if (state.suspendData) core.entry = "resume";
    api.loadFromJSON({ core, ...(state.suspendData ? { suspend_data: state.suspendData } : {}) });
    window.API = api;
  } else {
    api = new window.Scorm2004API(settings);
    const cmi = { learner_id: config.student.id, learner_name: config.student.name };
    if (state.location) cmi.location = state.location;
    if (state.suspendData) {
      cmi.suspend_data = state.suspendData;
      cmi.entry = "resume";
    }
    api.loadFromJSON(cmi);
    window.API_1484_11 = api;
  }
  let commits = 0;
  const initialize = config.version === "1.2" ? "LMSInitialize" : "Initialize";
  const commit = config.version === "1.2" ? "LMSCommit" : "Commit";
  const finish = config.version === "1.2" ? "LMSFinish" : "Terminate";
  api.on(initialize, () => show("initialised"));
  api.on(commit, () => {
    commits += 1;
    show(`committed ${commits}`);
  });
  api.on(finish, () => show("finished"));
  document.getElementById("sco").src = config.contentUrl;
})();
