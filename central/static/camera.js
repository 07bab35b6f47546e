// Read a slip's QR with the browser camera (BarcodeDetector where the browser has it) and submit it.
"use strict";
document.getElementById("camera").addEventListener("click", async () => {
  if (!("BarcodeDetector" in window)) {
    alert("このブラウザはカメラでの読み取りに対応していません。QRリーダーをお使いください。");
    return;
  }
  const video = document.getElementById("preview");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  const scan = async () => {
    // the slip also carries the ticket's status page (a URL): only the case QR opens a case
    const codes = (await detector.detect(video)).filter((code) => !/^https?:/i.test(code.rawValue));
    if (codes.length > 0) {
      stream.getTracks().forEach((track) => track.stop());
      document.getElementById("qr").value = codes[0].rawValue;
      document.getElementById("qr-form").submit();
      return;
    }
    requestAnimationFrame(scan);
  };
  scan();
});
