/*
 * The lesson SCO: plays the HLS ladder (hls.js where Media Source Extensions exist, the browser's own
 * HLS otherwise) and reports "completed" to the LMS once 90% of the video was watched.
 * `?media=<url of a master playlist>` plays the copy published on the media server instead.
 */
(() => {
  var Scorm = window.Scorm;
  var video = document.getElementById("lesson-video");
  var link = document.getElementById("video-link");
  var status = document.getElementById("status");

  function chosenSource() {
    var requested = new URLSearchParams(window.location.search).get("media");
    if (requested && /^(https?:\/\/|\/)[^\s"'<>]+\.m3u8(\?[^\s"'<>]*)?$/.test(requested)) return requested;
    return video.getAttribute("data-src");
  }

  function show(text, kind) {
    status.textContent = text;
    status.className = `status${kind ? ` ${kind}` : ""}`;
  }

  var source = chosenSource();
  link.href = source;
  var hls = null;
  if (window.Hls?.isSupported()) {
    hls = new window.Hls({ capLevelToPlayerSize: true });
    hls.loadSource(source);
    hls.attachMedia(video);
    hls.on(window.Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) show(`The video could not be loaded (${data.details}). Use the link above.`, "failed");
    });
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = source;
  } else {
    show("This browser cannot play HLS video; open the link above in a player that can.", "failed");
  }

  Scorm.start();
  var previous = Scorm.get("cmi.core.lesson_status");
  if (previous === "completed" || previous === "passed") {
    show("You have completed this lesson. Watch it again any time.", "done");
  } else {
    Scorm.set("cmi.core.lesson_status", "incomplete");
    Scorm.commit();
  }

  var completed = previous === "completed" || previous === "passed";
  function complete() {
    if (completed) return;
    completed = true;
    Scorm.set("cmi.core.lesson_status", "completed");
    Scorm.commit();
    show("Lesson complete. Continue with the quiz.", "done");
  }

  video.addEventListener("timeupdate", () => {
    if (video.duration && video.currentTime / video.duration >= 0.9) complete();
  });
  video.addEventListener("ended", complete);
})();
