/*
 * SCORM 1.2 runtime helper shared by both SCOs: finds the LMS's `API` object (RTE 1.2, section 3.3.6.1:
 * walk up the parent frames, then the opener's) and wraps the calls both pages need.
 * Outside an LMS every call is a no-op and `Scorm.connected` stays false, so the pages still work.
 */
((window) => {
  function searchFrames(win) {
    var hops = 0;
    while (win && !win.API && win.parent && win.parent !== win && hops < 10) {
      hops += 1;
      win = win.parent;
    }
    return win?.API ? win.API : null;
  }

  function findApi() {
    var api = searchFrames(window);
    if (!api && window.opener) api = searchFrames(window.opener);
    return api;
  }

  function pad(n) {
    return n < 10 ? `0${n}` : String(n);
  }

  /** CMITimespan: HHHH:MM:SS.SS */
  function timespan(ms) {
    var total = Math.max(0, Math.round(ms / 10)) / 100;
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = (total % 60).toFixed(2);
    return (
      (hours < 1000 ? `000${hours}`.slice(-4) : String(hours)) +
      ":" +
      pad(minutes) +
      ":" +
      (Number(seconds) < 10 ? `0${seconds}` : seconds)
    );
  }

  var api = null;
  var startedAt = 0;
  var finished = false;

  var Scorm = {
    connected: false,
    start: () => {
      api = findApi();
      startedAt = Date.now();
      Scorm.connected = Boolean(api) && String(api.LMSInitialize("")) === "true";
      return Scorm.connected;
    },
    get: (element) => (Scorm.connected ? String(api.LMSGetValue(element)) : ""),
    set: (element, value) => Scorm.connected && String(api.LMSSetValue(element, String(value))) === "true",
    commit: () => Scorm.connected && String(api.LMSCommit("")) === "true",
    lastError: () => (Scorm.connected ? String(api.LMSGetLastError()) : "0"),
    finish: () => {
      if (!Scorm.connected || finished) return false;
      finished = true;
      Scorm.set("cmi.core.session_time", timespan(Date.now() - startedAt));
      Scorm.commit();
      return String(api.LMSFinish("")) === "true";
    },
    timespan: timespan,
  };

  window.addEventListener("pagehide", Scorm.finish);
  window.addEventListener("beforeunload", Scorm.finish);
  window.Scorm = Scorm;
})(window);
